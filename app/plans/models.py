import uuid
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, SmallInteger, Time, Uuid
from sqlmodel import Field, Relationship, SQLModel

from app.accounts.models import User
from app.core.clock import utcnow
from app.plans.schedule import ALL_DAYS
from app.routines.models import Routine


class Plan(SQLModel, table=True):
    """A routine scheduled on some weekdays at a local time, from a start date, optionally
    until an end date. Removed with its routine and with its owner."""

    __tablename__ = "plan"
    __table_args__ = (
        CheckConstraint(f"weekdays BETWEEN 1 AND {ALL_DAYS}", name="weekdays"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid,
            ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    routine_id: uuid.UUID = Field(
        sa_column=Column(
            Uuid,
            ForeignKey(f"{Routine.__tablename__}.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    # Bit mask, Monday is bit 0 (app.plans.schedule).
    weekdays: int = Field(sa_column=Column(SmallInteger, nullable=False))
    local_time: time = Field(sa_column=Column(Time, nullable=False))
    start_date: date = Field(sa_column=Column(Date, nullable=False))
    end_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    paused: bool = False
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )

    pauses: list["PlanPause"] = Relationship(
        sa_relationship_kwargs={
            "cascade": "all, delete-orphan",
            "passive_deletes": True,
            "lazy": "selectin",
            "order_by": "PlanPause.starts_on",
        },
    )


class PlanPause(SQLModel, table=True):
    """Local days a plan was paused, [starts_on, ends_on): they count neither as planned nor
    as missed. ends_on is null while the plan is paused."""

    __tablename__ = "plan_pause"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="ends_after_start"),
    )

    plan_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True)
    )
    starts_on: date = Field(sa_column=Column(Date, primary_key=True))
    ends_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
