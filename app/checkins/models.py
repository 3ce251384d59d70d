import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, Uuid
from sqlmodel import Field, SQLModel

from app.accounts.models import User
from app.core.clock import utcnow
from app.shared.pain import scale_check


class Checkin(SQLModel, table=True):
    """How a person's back was on one day of theirs: at most one row per local day."""

    __tablename__ = "checkin"
    __table_args__ = (
        scale_check("pain"),
        # One check-in per person and local day: a second one that day replaces the first,
        # and two arriving at once cannot both stay.
        Index("ix_checkin_user_local_date", "user_id", "local_date", unique=True),
    )

    # Client-generated, so a re-sent check-in is recognised (as for sessions).
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"), nullable=False
        )
    )
    recorded_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # recorded_at's date in the person's timezone when it was stored.
    local_date: date = Field(sa_column=Column(Date, nullable=False))
    pain: int
    # {"lower": 5, "mid": 2}: the parts of the back rated.
    areas: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notes: str | None = Field(default=None, max_length=2000)
    # Ids of the safety-screen questions answered yes with this check-in.
    red_flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cautions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    fingerprint: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
