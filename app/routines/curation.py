"""Rules every curated routine must follow, checked before the seed touches the database.

Curated routines speak for the article, so they may only use moves the catalog links to the
routine's areas, and only doses the article gives: a hold or repetition range from the article
must be respected and a hold the article does not give must not be invented. Every other value
is marked inferred in the API with the reason the step's `notes` give: repetitions for a move
the article gives none for (kept modest) and any number of sets but one.
"""

from collections.abc import Sequence
from typing import Annotated

from pydantic import Field, StringConstraints

from app.exercises.catalog import Catalog
from app.exercises.schemas import RepsRange, SecondsRange
from app.routines.schemas import MAX_STEPS, RoutineBase, RoutineStepIn
from app.shared.enums import Area

MAX_CURATED_SETS = 3
# The article gives no repetitions for cat camel, crunches or shoulder rotations.
MAX_REPS_WITHOUT_ARTICLE_FIGURE = 10


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


def _within(value: int | None, bounds: SecondsRange | RepsRange) -> bool:
    return value is not None and bounds.min <= value <= bounds.max


def routine_problems(spec: CuratedRoutineSpec, catalog: Catalog) -> list[str]:
    problems: list[str] = []
    areas = set(spec.areas)
    served: set[Area] = set()
    for number, step in enumerate(spec.steps, start=1):
        where = f"{spec.slug} step {number} ({step.exercise_slug})"
        move = catalog.by_slug.get(step.exercise_slug)
        if move is None:
            problems.append(f"{where}: no such move in the catalog")
            continue
        linked = move.areas & areas
        if not linked:
            problems.append(
                f"{where}: the catalog does not link this move to {', '.join(sorted(areas))}"
            )
        served |= linked
        dose = move.dose
        if step.per_side is not None and step.per_side != dose.per_side:
            problems.append(f"{where}: per_side must be {dose.per_side}, as in the catalog")
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
        if dose.hold_seconds is None:
            if step.hold_seconds is not None:
                problems.append(f"{where}: the article gives no hold for this move")
        elif not _within(step.hold_seconds, dose.hold_seconds):
            lo, hi = dose.hold_seconds.min, dose.hold_seconds.max
            problems.append(f"{where}: hold_seconds must be {lo}-{hi}, as in the article")
        if dose.reps is None:
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
        elif not _within(step.reps, dose.reps):
            lo, hi = dose.reps.min, dose.reps.max
            problems.append(f"{where}: reps must be {lo}-{hi}, as in the article")
    for area in sorted(areas - served):
        problems.append(f"{spec.slug}: no move in it helps the {area.value} back")
    return problems


def collection_problems(specs: Sequence[CuratedRoutineSpec], catalog: Catalog) -> list[str]:
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
    article_order = [m.slug for m in sorted(catalog.moves, key=lambda m: m.sort_order)]
    if not any([s.exercise_slug for s in spec.steps] == article_order for spec in specs):
        problems.append("no curated routine runs every move in the article's order")
    return problems


def check_curated(specs: Sequence[CuratedRoutineSpec], catalog: Catalog) -> None:
    problems = collection_problems(specs, catalog)
    for spec in specs:
        problems.extend(routine_problems(spec, catalog))
    if problems:
        raise CuratedRoutineError(problems)
