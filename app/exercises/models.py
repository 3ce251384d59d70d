from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, text
from sqlmodel import Field, Relationship, SQLModel

from app.core.db import check_one_of
from app.exercises.schemas import Basis
from app.shared.enums import Area, ExerciseKind, Position, Relevance


class SourceArticle(SQLModel, table=True):
    """The article the catalog comes from, with its general disclaimer."""

    __tablename__ = "source_article"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    title: str = Field(max_length=200)
    # The organisation the article speaks for, as it names itself.
    publisher: str | None = Field(default=None, max_length=200)
    disclaimer_quote: str = Field(max_length=1000)
    disclaimer: str = Field(max_length=1000)


class Exercise(SQLModel, table=True):
    """A move from the source article. Rows are owned by the seed loader, keyed by slug."""

    __tablename__ = "exercise"
    __table_args__ = (
        check_one_of("kind", ExerciseKind),
        check_one_of("position", Position),
        CheckConstraint("hold_min_seconds IS NULL OR hold_min_seconds > 0", name="hold_min"),
        CheckConstraint(
            "hold_max_seconds IS NULL OR hold_max_seconds >= hold_min_seconds", name="hold_range"
        ),
        CheckConstraint("reps_min IS NULL OR reps_min > 0", name="reps_min"),
        CheckConstraint("reps_max IS NULL OR reps_max >= reps_min", name="reps_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    # Article order; the catalog lists moves in this order.
    sort_order: int = Field(index=True)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=16)
    position: str = Field(max_length=32)
    summary: str = Field(max_length=1000)
    benefit: str = Field(max_length=500)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    steps: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    cautions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    hold_min_seconds: int | None = None
    hold_max_seconds: int | None = None
    reps_min: int | None = None
    reps_max: int | None = None
    per_side: bool = False
    # Basis of the facts not in the article's own words: `position`, `hold_seconds`, `reps`
    # and `per_side`, each {"basis", "quote", "reason"}; the seed loader validates it.
    provenance: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON, nullable=False, server_default=text("'{}'")),
    )
    source_title: str = Field(max_length=200)
    source_section: str = Field(max_length=200)
    source_heading: str = Field(max_length=200)
    # Lower-cased name, aliases and steps, kept by the loader so `q` is one indexed-free LIKE.
    search_text: str = Field(max_length=8000)

    targets: list["ExerciseTarget"] = Relationship(
        back_populates="exercise",
        sa_relationship_kwargs={
            "cascade": "all, delete-orphan",
            "lazy": "selectin",
            "order_by": "ExerciseTarget.area_order",
        },
    )


class ExerciseTarget(SQLModel, table=True):
    """Which part of the back a move helps, and how directly the article says so."""

    __tablename__ = "exercise_target"
    __table_args__ = (
        check_one_of("area", Area),
        check_one_of("relevance", Relevance),
        check_one_of("basis", Basis),
    )

    exercise_id: int = Field(
        sa_column=Column(Integer, ForeignKey("exercise.id", ondelete="CASCADE"), primary_key=True)
    )
    area: str = Field(max_length=16, primary_key=True)
    # upper=0, mid=1, lower=2: keeps target lists in anatomical order.
    area_order: int
    relevance: str = Field(max_length=16)
    reason: str = Field(max_length=500)
    # `article` when the article names the area for the move, with its words in `quote`.
    basis: str = Field(max_length=16)
    quote: str | None = Field(default=None, max_length=500)

    exercise: Exercise = Relationship(back_populates="targets")


AREA_ORDER: dict[str, int] = {a.value: i for i, a in enumerate(Area)}


class DosedMove(SQLModel):
    """A catalog move with the dose it is (or was) done at: the columns a routine's step and
    a logged session's move share. Each table adds its own keys and puts `dose_checks()` in
    its table arguments."""

    exercise_id: int = Field(foreign_key="exercise.id", index=True)
    sets: int
    reps: int | None = None
    hold_seconds: int | None = None


def dose_checks() -> tuple[CheckConstraint, ...]:
    """The checks on `DosedMove`'s columns, new objects for each table."""
    return (
        CheckConstraint("sets > 0", name="sets"),
        CheckConstraint("reps IS NULL OR reps > 0", name="reps"),
        CheckConstraint("hold_seconds IS NULL OR hold_seconds > 0", name="hold_seconds"),
    )
