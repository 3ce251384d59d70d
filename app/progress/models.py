import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Uuid,
)
from sqlmodel import Field, Relationship, SQLModel

from app.accounts.models import User
from app.core.clock import utcnow
from app.core.db import check_one_of
from app.exercises.models import DosedMove, Exercise, dose_checks
from app.routines.models import Routine
from app.shared.enums import Area
from app.shared.pain import scale_check


class ProgressSession(SQLModel, table=True):
    """One session a user did and logged, with pain before and after."""

    __tablename__ = "progress_session"
    __table_args__ = (
        check_one_of("area", Area),
        scale_check("pain_before"),
        scale_check("pain_after"),
        CheckConstraint("completed_at >= started_at", name="completed_after_started"),
        # Newest first and the keyset walk through pages (completed_at, id) read it in order.
        Index("ix_progress_session_user_completed", "user_id", "completed_at", "id"),
        Index("ix_progress_session_user_local_date", "user_id", "local_date"),
        Index("ix_progress_session_user_change", "user_id", "change_seq"),
    )

    # Client-generated when the app logs offline; the primary key is what makes a re-sent
    # session impossible to store twice, even when two copies arrive at once.
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"), nullable=False
        )
    )
    routine_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(
            Uuid,
            ForeignKey(f"{Routine.__tablename__}.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
    )
    area: str = Field(max_length=16)
    started_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    completed_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    # The completed_at date in the user's timezone when the session was logged. Days,
    # streaks and the daily series group by it, the same way on every database.
    local_date: date = Field(sa_column=Column(Date, nullable=False))
    pain_before: int
    pain_after: int
    notes: str | None = Field(default=None, max_length=2000)
    # SHA-256 of the canonical content: tells a harmless re-send from a conflicting one.
    fingerprint: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # The change number of the last write on the owner's clock (app.shared.sync): logging it,
    # or losing the link to a deleted routine.
    change_seq: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, default=0, server_default="0")
    )

    exercises: list["SessionExercise"] = Relationship(
        sa_relationship_kwargs={
            "cascade": "all, delete-orphan",
            "passive_deletes": True,
            "lazy": "selectin",
            "order_by": "SessionExercise.position",
        },
    )


class SessionExercise(DosedMove, table=True):
    """A move done in a session, in the order it was done."""

    __tablename__ = "progress_session_exercise"
    __table_args__ = dose_checks()

    session_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey("progress_session.id", ondelete="CASCADE"), primary_key=True
        )
    )
    position: int = Field(primary_key=True)

    exercise: Exercise = Relationship(sa_relationship_kwargs={"lazy": "selectin"})


class SessionTombstone(SQLModel, table=True):
    """A deleted session, kept for syncing clients (app.shared.sync) for 90 days. Keyed by owner
    and id: a deleted session's id may be used again, by anyone."""

    __tablename__ = "progress_session_tombstone"
    __table_args__ = (Index("ix_progress_session_tombstone_user_change", "user_id", "change_seq"),)

    user_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid, ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"), primary_key=True
        )
    )
    id: uuid.UUID = Field(sa_column=Column(Uuid, primary_key=True))
    deleted_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    change_seq: int = Field(sa_column=Column(BigInteger, nullable=False))


# Figures the summary reads, kept up to date in the transaction that logs or deletes a session
# (app.progress.rollups), so reading them costs the same whatever the length of the history.
# Every write to them happens after the owner's sync clock is ticked, whose row lock serialises
# one person's writes.


def _owner() -> Column:
    return Column(
        Uuid,
        ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"),
        primary_key=True,
    )


class ProgressTotals(SQLModel, table=True):
    """One row per person with sessions: counts and pain sums over every logged session."""

    __tablename__ = "progress_totals"

    user_id: uuid.UUID = Field(sa_column=_owner())
    sessions: int = Field(sa_column=Column(BigInteger, nullable=False))
    pain_before_sum: int = Field(sa_column=Column(BigInteger, nullable=False))
    pain_after_sum: int = Field(sa_column=Column(BigInteger, nullable=False))
    improved: int = Field(sa_column=Column(BigInteger, nullable=False))
    flare_ups: int = Field(sa_column=Column(BigInteger, nullable=False))


class ProgressDay(SQLModel, table=True):
    """One row per person and local day with at least one session (rows at zero are deleted)."""

    __tablename__ = "progress_day"

    user_id: uuid.UUID = Field(sa_column=_owner())
    local_date: date = Field(sa_column=Column(Date, primary_key=True))
    sessions: int
    pain_before_sum: int
    pain_after_sum: int
    flare_ups: int


class ProgressExerciseCount(SQLModel, table=True):
    """Per person and move: sessions that included it, and sets done."""

    __tablename__ = "progress_exercise_count"

    user_id: uuid.UUID = Field(sa_column=_owner())
    exercise_id: int = Field(
        sa_column=Column(Integer, ForeignKey("exercise.id", ondelete="CASCADE"), primary_key=True)
    )
    sessions: int
    sets: int


class ProgressStreak(SQLModel, table=True):
    """A run of consecutive local days with sessions, first to last day, both included."""

    __tablename__ = "progress_streak"
    __table_args__ = (
        Index("ix_progress_streak_user_last_day", "user_id", "last_day"),
        Index("ix_progress_streak_user_days", "user_id", "days"),
    )

    user_id: uuid.UUID = Field(sa_column=_owner())
    first_day: date = Field(sa_column=Column(Date, primary_key=True))
    last_day: date = Field(sa_column=Column(Date, nullable=False))
    days: int
