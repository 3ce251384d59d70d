"""Duration estimates, the curated-routine rules and their provenance, as plain functions."""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.exercises.catalog import Catalog, CatalogMove
from app.exercises.duration import ConcreteDose, article_dose, dose_seconds, total_seconds
from app.exercises.schemas import (
    Basis,
    Dose,
    DoseProvenance,
    Provenance,
    RepsRange,
    SecondsRange,
)
from app.routines.curation import (
    CuratedRoutineError,
    CuratedRoutineSpec,
    check_curated,
    collection_problems,
    routine_problems,
)
from app.routines.provenance import ONE_ROUND_REASON, step_provenance
from app.shared.enums import Area, ExerciseKind, Position, Relevance


@dataclass
class Step:
    sets: int = 1
    reps: int | None = None
    hold_seconds: int | None = None
    per_side: bool = False


@pytest.mark.parametrize(
    ("step", "seconds"),
    [
        (Step(reps=5), 5 * 3),  # reps only: 3 s to move each time
        (Step(hold_seconds=10), 10 + 3),  # hold only: one repetition
        (Step(reps=6, hold_seconds=3, per_side=True), 2 * 6 * (3 + 3)),
        (Step(sets=2, hold_seconds=5), 2 * (5 + 3) + 20),  # rest between the two sets
        (Step(sets=3, reps=2, hold_seconds=2, per_side=True), 3 * 2 * 2 * 5 + 2 * 20),
    ],
)
def test_step_duration(step: Step, seconds: int) -> None:
    assert dose_seconds(step) == seconds


def test_routine_duration_adds_transitions_between_steps() -> None:
    steps = [Step(reps=5), Step(reps=6, hold_seconds=3, per_side=True), Step(hold_seconds=10)]
    assert total_seconds(steps) == 15 + 72 + 13 + 2 * 15
    assert total_seconds(steps[:1]) == 15
    assert total_seconds([]) == 0


def catalog_move(
    slug: str,
    order: int,
    areas: set[str],
    hold: tuple[int, int] | None,
    reps: tuple[int, int] | None,
    per_side: bool,
) -> CatalogMove:
    """A move with what the curation rules read: its areas, its dose and its place."""
    said = Provenance(basis=Basis.ARTICLE, quote="The article's words.", reason=None)
    return CatalogMove(
        id=order + 1,
        slug=slug,
        name=slug,
        sort_order=order,
        kind=ExerciseKind.STRETCH,
        position=Position.STANDING,
        benefit="",
        steps=(),
        dose=Dose(
            hold_seconds=SecondsRange(min=hold[0], max=hold[1]) if hold else None,
            reps=RepsRange(min=reps[0], max=reps[1]) if reps else None,
            per_side=per_side,
            provenance=DoseProvenance(
                hold_seconds=said if hold else None, reps=said if reps else None, per_side=said
            ),
        ),
        targets={Area(a): Relevance.PRIMARY for a in sorted(areas)},
    )


CATALOG = Catalog(
    (
        catalog_move("cat-camel", 0, {"upper", "mid", "lower"}, None, None, False),
        catalog_move("abdominal-crunches", 1, {"upper", "mid", "lower"}, None, None, False),
        catalog_move("shoulder-rotations", 2, {"upper"}, (2, 3), None, True),
        catalog_move("knee-rolls", 3, {"mid", "lower"}, (3, 3), (6, 8), True),
        catalog_move("hamstring-stretch", 4, {"upper", "mid", "lower"}, (3, 10), None, False),
    )
)


def spec(
    areas: list[str], *steps: dict[str, object], description: str | None = "d"
) -> CuratedRoutineSpec:
    return CuratedRoutineSpec.model_validate(
        {"slug": "r", "name": "R", "description": description, "areas": areas, "steps": steps}
    )


KNEE = {"exercise_slug": "knee-rolls", "reps": 6, "hold_seconds": 3}


CAT = {"exercise_slug": "cat-camel", "reps": 5, "notes": {"reps": "Modest."}}
CRUNCHES = {"exercise_slug": "abdominal-crunches", "reps": 8, "notes": {"reps": "Modest."}}


def test_a_routine_within_the_rules_passes() -> None:
    good = spec(
        ["mid"],
        CAT,
        KNEE,
        {"exercise_slug": "hamstring-stretch", "hold_seconds": 10},
    )
    assert routine_problems(good, CATALOG) == []


@pytest.mark.parametrize(
    ("areas", "step", "problem"),
    [
        # Shoulder rotations are not linked to the lower back.
        (["lower"], {"exercise_slug": "shoulder-rotations", "hold_seconds": 3}, "does not link"),
        (["mid"], {**KNEE, "hold_seconds": 5}, "hold_seconds must be 3-3"),
        (["mid"], {**KNEE, "reps": 10}, "reps must be 6-8"),
        (["mid"], {"exercise_slug": "knee-rolls", "hold_seconds": 3}, "reps must be 6-8"),
        (["upper"], {"exercise_slug": "shoulder-rotations", "hold_seconds": 4}, "must be 2-3"),
        (["upper"], {"exercise_slug": "shoulder-rotations", "reps": 2}, "must be 2-3"),
        (["lower"], {"exercise_slug": "hamstring-stretch", "hold_seconds": 11}, "3-10"),
        (["lower"], {"exercise_slug": "cat-camel", "reps": 5, "hold_seconds": 5}, "no hold"),
        (["lower"], {"exercise_slug": "abdominal-crunches", "reps": 20}, "at most 10"),
        (["mid"], {**KNEE, "per_side": False}, "per_side must be True"),
        (["mid"], {**KNEE, "sets": 4}, "at most 3 sets"),
        (["mid"], {"exercise_slug": "pilates", "reps": 5}, "no such move"),
        (["mid"], {"exercise_slug": "cat-camel", "reps": 5}, "notes.reps must say why 5"),
    ],
)
def test_routine_rules(areas: list[str], step: dict[str, object], problem: str) -> None:
    problems = routine_problems(spec(areas, step), CATALOG)
    assert any(problem in p for p in problems), problems


def test_invented_reps_and_extra_sets_must_be_explained_in_notes() -> None:
    problems = routine_problems(spec(["mid"], {"exercise_slug": "cat-camel", "reps": 5}), CATALOG)
    assert problems == [
        "r step 1 (cat-camel): the article gives no repetitions; notes.reps must say why 5"
    ]
    twice = {"exercise_slug": "hamstring-stretch", "hold_seconds": 5, "sets": 2}
    assert routine_problems(spec(["mid"], twice), CATALOG) == [
        "r step 1 (hamstring-stretch): the article gives no number of sets; notes.sets must say "
        "why 2"
    ]
    explained = {**twice, "notes": {"sets": "A second hold once the muscles are warm."}}
    assert routine_problems(spec(["mid"], explained), CATALOG) == []
    stray = {**KNEE, "notes": {"per_side": "Because."}}
    assert any("notes.per_side" in p for p in routine_problems(spec(["mid"], stray), CATALOG))


def test_every_area_of_a_routine_needs_a_move_for_it() -> None:
    problems = routine_problems(spec(["upper", "mid"], {**KNEE}), CATALOG)
    assert problems == ["r: no move in it helps the upper back"]


def named(slug: str, areas: list[str], *steps: dict[str, object]) -> CuratedRoutineSpec:
    return spec(areas, *steps).model_copy(update={"slug": slug})


ALL_FIVE = [
    CAT,
    CRUNCHES,
    {"exercise_slug": "shoulder-rotations", "hold_seconds": 3},
    KNEE,
    {"exercise_slug": "hamstring-stretch", "hold_seconds": 5},
]
PER_AREA = [
    named("u", ["upper"], {"exercise_slug": "shoulder-rotations", "hold_seconds": 3}),
    named("m", ["mid"], KNEE),
    named("l", ["lower"], KNEE),
]


def test_the_collection_needs_each_area_and_the_article_order() -> None:
    everything = named("all", ["upper", "mid", "lower"], *ALL_FIVE)
    assert collection_problems([*PER_AREA, everything], CATALOG) == []
    check_curated([*PER_AREA, everything], CATALOG)

    assert collection_problems([*PER_AREA[:2], everything], CATALOG) == [
        "no curated routine for the lower back alone"
    ]
    shuffled = named("all", ["upper", "mid", "lower"], *reversed(ALL_FIVE))
    assert collection_problems([*PER_AREA, shuffled], CATALOG) == [
        "no curated routine runs every move in the article's order"
    ]
    assert "m: slug used twice" in collection_problems([*PER_AREA, PER_AREA[1]], CATALOG)


def test_check_curated_lists_every_problem() -> None:
    bad = named("bad", ["lower"], {"exercise_slug": "shoulder-rotations", "hold_seconds": 9})
    with pytest.raises(CuratedRoutineError) as caught:
        check_curated([*PER_AREA, bad], CATALOG)
    assert caught.value.problems == [
        "no curated routine runs every move in the article's order",
        "bad step 1 (shoulder-rotations): the catalog does not link this move to lower",
        "bad step 1 (shoulder-rotations): hold_seconds must be 2-3, as in the article",
        "bad: no move in it helps the lower back",
    ]


def test_the_seed_files_curated_routines_follow_the_rules() -> None:
    """The shipped routines against the shipped catalog, before any database is involved."""
    seed = Path(__file__).resolve().parents[2] / "seed"
    catalog = json.loads((seed / "catalog.json").read_text(encoding="utf-8"))
    routines = json.loads((seed / "routines.json").read_text(encoding="utf-8"))

    def pair(r: dict[str, int] | None) -> tuple[int, int] | None:
        return None if r is None else (r["min"], r["max"])

    moves = Catalog(
        tuple(
            catalog_move(
                e["slug"],
                i,
                {t["area"] for t in e["targets"]},
                pair(e["hold_seconds"]),
                pair(e["reps"]),
                e["per_side"],
            )
            for i, e in enumerate(catalog["exercises"])
        )
    )
    specs = [CuratedRoutineSpec.model_validate(r) for r in routines["routines"]]
    check_curated(specs, moves)


# --- where a curated step's numbers come from -----------------------------------------------


HOLD_QUOTE = Provenance(basis=Basis.ARTICLE, quote="Hold for 2-3 seconds", reason=None)
REPS_QUOTE = Provenance(basis=Basis.ARTICLE, quote="Do this for 6-8 repetitions.", reason=None)
SIDES = Provenance(basis=Basis.INFERRED, quote=None, reason="Read as each side.")


def article(hold: tuple[int, int] | None, reps: tuple[int, int] | None) -> Dose:
    return Dose(
        hold_seconds=SecondsRange(min=hold[0], max=hold[1]) if hold else None,
        reps=RepsRange(min=reps[0], max=reps[1]) if reps else None,
        per_side=True,
        provenance=DoseProvenance(
            hold_seconds=HOLD_QUOTE if hold else None,
            reps=REPS_QUOTE if reps else None,
            per_side=SIDES,
        ),
    )


def test_values_inside_the_articles_ranges_quote_it() -> None:
    found = step_provenance(
        sets=1, reps=6, hold_seconds=3, per_side=True, move=article((2, 3), (6, 8)), notes={}
    )
    assert found.hold_seconds == Provenance(
        basis=Basis.ARTICLE, quote="Hold for 2-3 seconds", reason="3, within the article's 2-3."
    )
    assert found.reps is not None and found.reps.basis is Basis.ARTICLE
    assert found.reps.quote == "Do this for 6-8 repetitions."
    assert found.sets == Provenance(basis=Basis.INFERRED, quote=None, reason=ONE_ROUND_REASON)
    assert found.per_side == SIDES


def test_values_the_article_does_not_give_are_inferred_with_the_seeds_reason() -> None:
    found = step_provenance(
        sets=2,
        reps=5,
        hold_seconds=None,
        per_side=True,
        move=article(None, None),
        notes={"reps": "Five keeps it modest.", "sets": "Twice, to warm up."},
    )
    assert found.reps == Provenance(
        basis=Basis.INFERRED, quote=None, reason="Five keeps it modest."
    )
    assert found.sets.reason == "Twice, to warm up." and found.sets.basis is Basis.INFERRED
    assert found.hold_seconds is None
    outside = step_provenance(
        sets=1, reps=12, hold_seconds=9, per_side=False, move=article((2, 3), (6, 8)), notes={}
    )
    assert outside.reps is not None and outside.reps.basis is Basis.INFERRED
    assert outside.hold_seconds is not None and outside.hold_seconds.basis is Basis.INFERRED
    assert outside.per_side.basis is Basis.INFERRED


def test_an_article_dose_is_timed_as_one_set_at_the_top_of_its_ranges() -> None:
    knee = article((3, 3), (6, 8))
    assert article_dose(knee) == ConcreteDose(sets=1, reps=8, hold_seconds=3, per_side=True)
    assert dose_seconds(article_dose(knee)) == dose_seconds(
        Step(reps=8, hold_seconds=3, per_side=True)
    )
