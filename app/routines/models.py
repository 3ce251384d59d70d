import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Uuid,
)
from sqlmodel import Field, Relationship, SQLModel

from app.accounts.models import User
from app.core.clock import utcnow
from app.core.db import check_one_of
from app.exercises.models import DosedMove, dose_checks
from app.shared.enums import Area

# Curated routines' ids are uuid5(CURATED_ROUTINE_NAMESPACE, slug): the same on every install,
# so an app can ship them, and a re-seeded database keeps every reference to them.
CURATED_ROUTINE_NAMESPACE = uuid.UUID("fee0cec8-a181-5cb5-9b5b-2e38711f965a")


def curated_routine_id(slug: str) -> uuid.UUID:
    return uuid.uuid5(CURATED_ROUTINE_NAMESPACE, slug)


class Routine(SQLModel, table=True):
    """An ordered list of moves with doses. Curated routines come from the seed (a slug, no
    owner, read-only); everyone else's belong to exactly one user."""

    __tablename__ = "routine"
    __table_args__ = (
        CheckConstraint(
            "(slug IS NULL AND owner_id IS NOT NULL) OR (slug IS NOT NULL AND owner_id IS NULL)",
            name="curated_or_owned",
        ),
        Index("ix_routine_owner_change", "owner_id", "change_seq"),
    )

    # People's routines get random ids, which reveal neither how many exist nor whose they
    # are; curated ones get `curated_routine_id(slug)`.
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    slug: str | None = Field(default=None, max_length=64, unique=True)
    owner_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(
            # Through the model, not a bare name: whoever imports routines gets users'
            # table in the metadata too (the seed process imports nothing else).
            Uuid,
            ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"),
            nullable=True,
            index=True,
        ),
    )
    # Curated routines are listed in seed-file order; users' own by creation time.
    sort_order: int = 0
    name: str = Field(max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # The change number of the last write (app.shared.sync): the owner's clock, or the curated
    # content's for curated routines.
    change_seq: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, default=0, server_default="0")
    )

    areas: list["RoutineArea"] = Relationship(
        sa_relationship_kwargs={
            "cascade": "all, delete-orphan",
            "passive_deletes": True,
            "lazy": "selectin",
            "order_by": "RoutineArea.area_order",
        },
    )
    steps: list["RoutineStep"] = Relationship(
        sa_relationship_kwargs={
            "cascade": "all, delete-orphan",
            "passive_deletes": True,
            "lazy": "selectin",
            "order_by": "RoutineStep.position",
        },
    )

    @property
    def curated(self) -> bool:
        return self.owner_id is None


class RoutineArea(SQLModel, table=True):
    """A part of the back a routine is meant for (a row per area, so `area` filters in SQL)."""

    __tablename__ = "routine_area"
    __table_args__ = (check_one_of("area", Area),)

    routine_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("routine.id", ondelete="CASCADE"), primary_key=True)
    )
    area: str = Field(max_length=16, primary_key=True)
    # upper=0, mid=1, lower=2: keeps area lists in anatomical order.
    area_order: int


class RoutineStep(DosedMove, table=True):
    """One move of a routine, in order, with its dose."""

    __tablename__ = "routine_step"
    __table_args__ = (
        *dose_checks(),
        CheckConstraint("reps IS NOT NULL OR hold_seconds IS NOT NULL", name="dose"),
    )

    routine_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("routine.id", ondelete="CASCADE"), primary_key=True)
    )
    position: int = Field(primary_key=True)
    per_side: bool
    # Curated steps only: why each value the article does not give was chosen, by field name.
    notes: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))


class RoutineTombstone(SQLModel, table=True):
    """A deleted routine, kept for syncing clients (app.shared.sync) for 90 days."""

    __tablename__ = "routine_tombstone"
    __table_args__ = (Index("ix_routine_tombstone_owner_change", "owner_id", "change_seq"),)

    id: uuid.UUID = Field(primary_key=True)
    owner_id: uuid.UUID | None = Field(
        default=None,
        sa_column=Column(
            Uuid, ForeignKey(f"{User.__tablename__}.id", ondelete="CASCADE"), nullable=True
        ),
    )
    deleted_at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    change_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
