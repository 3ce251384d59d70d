import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, Uuid
from sqlmodel import Field, SQLModel

from app.accounts.models import User
from app.core.clock import utcnow
from app.shared.pain import scale_check


class OutcomeQuestionnaire(SQLModel, table=True):
    """A validated outcome measure, as the seed states it (items, anchors, citation). Seed-owned,
    keyed by slug."""

    __tablename__ = "outcome_questionnaire"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=64)
    title: str = Field(max_length=200)
    instructions: str = Field(max_length=1000)
    recall: str = Field(max_length=100)
    # [{"id": "pain", "text": ..., "anchor_low": ..., "anchor_high": ...}, ...]
    items: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    scoring: str = Field(max_length=1000)
    schedule: str = Field(max_length=1000)
    # A change is meaningful when it reaches both thresholds: `meaningful_change_points` on the
    # 0-10 score and `meaningful_change_percent` of the first score. Each with what its source
    # says. Nullable only until the seed, loaded right after the migration, fills them.
    meaningful_change_percent: int
    meaningful_change_source: str = Field(max_length=2000)
    meaningful_change_points: float | None = None
    meaningful_change_points_source: str | None = Field(default=None, max_length=2000)
    citation: str = Field(max_length=2000)
    license: str = Field(max_length=500)


class PegResponse(SQLModel, table=True):
    """One person's answers to the PEG on one occasion."""

    __tablename__ = "peg_response"
    __table_args__ = (
        scale_check("pain"),
        scale_check("enjoyment"),
        scale_check("activity"),
        Index("ix_peg_response_user_answered", "user_id", "answered_at"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"), nullable=False
        )
    )
    answered_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # answered_at's date in the person's timezone when it was stored.
    local_date: date = Field(sa_column=Column(Date, nullable=False))
    pain: int
    enjoyment: int
    activity: int
    fingerprint: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
