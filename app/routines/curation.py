"""Rules every curated routine must follow, checked before the seed touches the database.

Curated routines speak for the article, so they may only use moves the catalog links to the
routine's areas, and only doses the article gives: a hold or repetition range from the article
must be respected and a hold the article does not give must not be invented. Every other value
is marked inferred in the API with the reason the step's `notes` give: repetitions for a move
the article gives none for (kept modest) and any number of sets but one.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, StringConstraints

from app.core.enums import Area
from app.routines.schemas import MAX_STEPS, RoutineBase, RoutineStepIn

MAX_CURATED_SETS = 3
# The article gives no repetitions for cat camel, crunches or shoulder rotations.
MAX_REPS_WITHOUT_ARTICLE_FIGURE = 10


@dataclass(frozen=True)
class CatalogMove:
    """What the catalog says about a move, as far as routines care."""

    slug: str
    sort_order: int
    areas: frozenset[str]
    hold_range: tuple[int, int] | None
    reps_range: tuple[int, int] | None
    per_side: bool


# Values a note may explain.
NOTE_FIELDS = frozenset({"sets", "reps", "hold_seconds"})
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class CuratedStepSpec(RoutineStepIn):
    """A curated step: a step, plus why each value the article does not give was chosen."""

    notes: dict[str, Note] = Field(
        default_factory=dict,
        description="Reason for a value the article does not give, by field: `sets`, `reps` "
        "or `hold_seconds`.",
    )


class CuratedRoutineSpec(RoutineBase):
    """A routine as written in `seed/routines.json`."""

    slug: Annotated[
        str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=64)
    ] = Field(description="Stable key the seed upserts by.")
    steps: list[CuratedStepSpec] = Field(min_length=1, max_length=MAX_STEPS)


class CuratedRoutineError(ValueError):
    """The seed's curated routines break the rules; nothing should be loaded."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("curated routines are invalid:\n- " + "\n- ".join(self.problems))


def _within(value: int | None, bounds: tuple[int, int]) -> bool:
    return value is not None and bounds[0] <= value <= bounds[1]


def routine_problems(spec: CuratedRoutineSpec, catalog: Mapping[str, CatalogMove]) -> list[str]:
    problems: list[str] = []
    areas = {a.value for a in spec.areas}
    served: set[str] = set()
    for number, step in enumerate(spec.steps, start=1):
        where = f"{spec.slug} step {number} ({step.exercise_slug})"
        move = catalog.get(step.exercise_slug)
        if move is None:
            problems.append(f"{where}: no such move in the catalog")
            continue
        linked = move.areas & areas
        if not linked:
            problems.append(
                f"{where}: the catalog does not link this move to {', '.join(sorted(areas))}"
            )
        served |= linked
        if step.per_side is not None and step.per_side != move.per_side:
            problems.append(f"{where}: per_side must be {move.per_side}, as in the catalog")
        if step.sets > MAX_CURATED_SETS:
            problems.append(f"{where}: at most {MAX_CURATED_SETS} sets")
        for name in sorted(set(step.notes) - NOTE_FIELDS):
            problems.append(
                f"{where}: notes.{name}: notes explain only {', '.join(sorted(NOTE_FIELDS))}"
            )
        if step.sets != 1 and "sets" not in step.notes:
            problems.append(
                f"{where}: the article gives no number of sets; notes.sets must say why {step.sets}"
            )
        if move.hold_range is None:
            if step.hold_seconds is not None:
                problems.append(f"{where}: the article gives no hold for this move")
        elif not _within(step.hold_seconds, move.hold_range):
            lo, hi = move.hold_range
            problems.append(f"{where}: hold_seconds must be {lo}-{hi}, as in the article")
        if move.reps_range is None:
            if step.reps is not None:
                if step.reps > MAX_REPS_WITHOUT_ARTICLE_FIGURE:
                    problems.append(
                        f"{where}: the article gives no repetitions; keep them at most "
                        f"{MAX_REPS_WITHOUT_ARTICLE_FIGURE}"
                    )
                if "reps" not in step.notes:
                    problems.append(
                        f"{where}: the article gives no repetitions; notes.reps must say why "
                        f"{step.reps}"
                    )
        elif not _within(step.reps, move.reps_range):
            lo, hi = move.reps_range
            problems.append(f"{where}: reps must be {lo}-{hi}, as in the article")
    for area in sorted(areas - served):
        problems.append(f"{spec.slug}: no move in it helps the {area} back")
    return problems


def collection_problems(
    specs: Sequence[CuratedRoutineSpec], catalog: Mapping[str, CatalogMove]
) -> list[str]:
    """Rules for the set as a whole: unique slugs, a routine for each area built for that area
    alone, and one that runs every move in the article's order."""
    problems: list[str] = []
    seen: set[str] = set()
    for spec in specs:
        if spec.slug in seen:
            problems.append(f"{spec.slug}: slug used twice")
        seen.add(spec.slug)
    for area in Area:
        if not any(spec.areas == [area] for spec in specs):
            problems.append(f"no curated routine for the {area.value} back alone")
    article_order = [m.slug for m in sorted(catalog.values(), key=lambda m: m.sort_order)]
    if not any([s.exercise_slug for s in spec.steps] == article_order for spec in specs):
        problems.append("no curated routine runs every move in the article's order")
    return problems


def check_curated(specs: Sequence[CuratedRoutineSpec], catalog: Mapping[str, CatalogMove]) -> None:
    problems = collection_problems(specs, catalog)
    for spec in specs:
        problems.extend(routine_problems(spec, catalog))
    if problems:
        raise CuratedRoutineError(problems)
