import uuid
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Uuid, text
from sqlmodel import Field, SQLModel

from app.accounts.models import User
from app.core.clock import utcnow
from app.core.db import check_one_of
from app.safety.schemas import ClosedBy, ConcernSource


def _concern_timeframe() -> CheckConstraint:
    # `routine` is never a concern.
    return CheckConstraint("timeframe IN ('now', 'today', 'soon')", name="timeframe")


# At most one open concern per person, source and timeframe: a second report of the same kind
# joins the open one, and two arriving at once cannot open two.
OPEN_ONLY = text("closed_at IS NULL")


def _owner() -> Column[uuid.UUID]:
    return Column(Uuid, ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"), nullable=False)


class SafetyConcern(SQLModel, table=True):
    """Something a person reported that calls for care, open until they say they were seen (or
    a later answer clears it, for the kinds that allow it). Never deleted but with the
    account."""

    __tablename__ = "safety_concern"
    __table_args__ = (
        check_one_of("source", ConcernSource),
        _concern_timeframe(),
        check_one_of("closed_by", ClosedBy),
        Index(
            "ix_safety_concern_open",
            "user_id",
            "source",
            "timeframe",
            unique=True,
            sqlite_where=OPEN_ONLY,
            postgresql_where=OPEN_ONLY,
        ),
        Index("ix_safety_concern_user_opened", "user_id", "opened_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=_owner())
    source: str = Field(max_length=16)
    timeframe: str = Field(max_length=8)
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Ids of the warning signs reported with it, in the order first reported.
    signs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    opened_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    opened_on: date = Field(sa_column=Column(Date, nullable=False))
    # When the latest report joined it: only an answer given after that can clear it.
    last_reported_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    follow_up_due_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # The reminder that carried this concern's one safety follow-up, once it has.
    follow_up_reminder_id: uuid.UUID | None = Field(
        default=None, sa_column=Column(Uuid, nullable=True)
    )
    closed_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    closed_by: str | None = Field(default=None, max_length=16)
    # The report that closed it (a check-in, recommendation, session or PEG response).
    closing_source_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    seen_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    note: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class SafetyReport(SQLModel, table=True):
    """What a person reported that raised or kept a concern, as it was reported and with the
    advice they were given. Kept when the check-in it came with is replaced or deleted."""

    __tablename__ = "safety_report"
    __table_args__ = (
        check_one_of("source", ConcernSource),
        _concern_timeframe(),
        Index("ix_safety_report_user_day", "user_id", "local_date"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(sa_column=_owner())
    concern_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid,
            ForeignKey("safety_concern.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    source: str = Field(max_length=16)
    # The check-in, recommendation, session or PEG response; no foreign key, as it may go.
    source_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    reported_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    local_date: date = Field(sa_column=Column(Date, nullable=False))
    pain: int | None = None
    # The part of the back the answers were about, where the feature knows it.
    area: str | None = Field(default=None, max_length=8)
    red_flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cautions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    timeframe: str = Field(max_length=8)
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    advice: str = Field(max_length=2000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
