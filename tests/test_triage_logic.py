"""The decision as pure functions, fed plain data: no database, no HTTP."""

import itertools
import random
from collections.abc import Iterable

import pytest

from app.core.enums import Area, ExerciseKind, Position, Relevance
from app.exercises.schemas import Dose, RepsRange, SecondsRange
from app.recommendations.logic import (
    Answers,
    CatalogMove,
    Pick,
    escalation,
    estimate_seconds,
    hold_back,
    rank_for_area,
    recommend,
    suggested_order,
)
from app.recommendations.rules import (
    LIMITATION_RULES,
    MOVE_PROPERTIES,
    LimitationRule,
    MoveProperty,
)
from app.recommendations.schemas import Limitation, RedFlag, ScreeningTier, TriageLevel
from app.recommendations.screening import SCREENING_QUESTIONS

P, S = Relevance.PRIMARY, Relevance.SECONDARY
ALL_SECONDARY = {Area.UPPER: S, Area.MID: S, Area.LOWER: S}


def move(
    slug: str,
    position: Position,
    targets: dict[Area, Relevance],
    *,
    hold: tuple[int, int] | None = None,
    reps: tuple[int, int] | None = None,
    per_side: bool = False,
) -> CatalogMove:
    return CatalogMove(
        slug=slug,
        name=slug.replace("-", " ").title(),
        kind=ExerciseKind.STRETCH,
        position=position,
        benefit=f"Benefit of {slug}.",
        dose=Dose(
            hold_seconds=SecondsRange(min=hold[0], max=hold[1]) if hold else None,
            reps=RepsRange(min=reps[0], max=reps[1]) if reps else None,
            per_side=per_side,
        ),
        targets=targets,
    )


# The article's five moves, as the seed describes them, in article order.
ARTICLE = [
    move("cat-camel", Position.HANDS_AND_KNEES, ALL_SECONDARY),
    move("abdominal-crunches", Position.LYING_ON_BACK, ALL_SECONDARY),
    move("shoulder-rotations", Position.SITTING, {Area.UPPER: P}, hold=(2, 3), per_side=True),
    move(
        "knee-rolls",
        Position.LYING_ON_BACK,
        {Area.MID: P, Area.LOWER: P},
        hold=(3, 3),
        reps=(6, 8),
        per_side=True,
    ),
    move("hamstring-stretch", Position.STANDING, ALL_SECONDARY, hold=(3, 10)),
]
CAUTION_FLAGS = [q.id for q in SCREENING_QUESTIONS if q.tier is ScreeningTier.CAUTION]


def answers(
    area: Area = Area.LOWER,
    pain: int = 3,
    flags: Iterable[RedFlag] = (),
    limits: Iterable[Limitation] = (),
    duration_weeks: int | None = None,
) -> Answers:
    return Answers(area, pain, frozenset(flags), frozenset(limits), duration_weeks)


def slugs(picks: Iterable[Pick]) -> list[str]:
    return [p.move.slug for p in picks]


# --- the screen as data ---------------------------------------------------------------------


def test_every_red_flag_has_exactly_one_question() -> None:
    ids = [q.id for q in SCREENING_QUESTIONS]
    assert sorted(ids) == sorted(RedFlag)
    assert len(ids) == len(set(ids))


def test_only_caution_questions_hold_moves_back() -> None:
    for q in SCREENING_QUESTIONS:
        if q.tier is ScreeningTier.CAUTION:
            assert q.holds_back is not None and q.hold_back_reason
        else:
            assert q.holds_back is None and q.hold_back_reason is None


def test_every_limitation_has_a_rule() -> None:
    assert set(LIMITATION_RULES) == set(Limitation)


# --- ranking --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        (
            Area.UPPER,
            ["shoulder-rotations", "cat-camel", "abdominal-crunches", "hamstring-stretch"],
        ),
        (Area.MID, ["knee-rolls", "cat-camel", "abdominal-crunches", "hamstring-stretch"]),
        (Area.LOWER, ["knee-rolls", "cat-camel", "abdominal-crunches", "hamstring-stretch"]),
    ],
)
def test_article_moves_rank_primary_first_then_article_order(
    area: Area, expected: list[str]
) -> None:
    ranked = rank_for_area(area, ARTICLE)
    assert [m.slug for m, _ in ranked] == expected
    assert [r for _, r in ranked] == [P, S, S, S]


def test_a_move_without_an_entry_for_the_area_is_never_ranked() -> None:
    catalog = [
        move("a", Position.SITTING, {Area.UPPER: S}),
        move("b", Position.SITTING, {Area.LOWER: P}),
        move("c", Position.SITTING, {Area.UPPER: P, Area.LOWER: S}),
        move("d", Position.SITTING, {Area.UPPER: S}),
    ]
    assert [m.slug for m, _ in rank_for_area(Area.UPPER, catalog)] == ["c", "a", "d"]
    assert [m.slug for m, _ in rank_for_area(Area.LOWER, catalog)] == ["b", "c"]
    assert rank_for_area(Area.MID, catalog) == []


# --- triage ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "flag", [q.id for q in SCREENING_QUESTIONS if q.tier is ScreeningTier.URGENT]
)
def test_urgent_flag_means_urgent_care_and_no_moves(flag: RedFlag) -> None:
    result = recommend(answers(flags=[flag]), ARTICLE)
    assert result.triage.level is TriageLevel.URGENT_CARE
    assert result.moves == () and result.excluded == ()
    assert result.offer_referral
    assert len(result.triage.reasons) == 1


@pytest.mark.parametrize(
    "flag", [q.id for q in SCREENING_QUESTIONS if q.tier is ScreeningTier.SEE_DOCTOR]
)
def test_see_doctor_flag_means_see_doctor_and_no_moves(flag: RedFlag) -> None:
    result = recommend(answers(flags=[flag]), ARTICLE)
    assert result.triage.level is TriageLevel.SEE_DOCTOR
    assert result.moves == ()
    assert result.offer_referral


@pytest.mark.parametrize(
    ("pain", "level"), [(0, "self_care"), (7, "self_care"), (8, "see_doctor"), (10, "see_doctor")]
)
def test_severe_pain_starts_at_eight(pain: int, level: str) -> None:
    assert escalation(answers(pain=pain))[0] == level


def test_urgent_wins_and_every_fired_rule_gives_a_reason() -> None:
    level, reasons = escalation(
        answers(pain=9, flags=[RedFlag.CHEST_PAIN, RedFlag.SADDLE_NUMBNESS, RedFlag.CANCER_HISTORY])
    )
    assert level is TriageLevel.URGENT_CARE
    assert len(reasons) == 4  # two urgent flags, one see-doctor flag, severe pain
    assert any("9 out of 10" in r for r in reasons)


@pytest.mark.parametrize(
    ("weeks", "pain", "advised"),
    [(None, 3, False), (6, 3, False), (7, 3, True), (52, 1, True), (52, 0, False)],
)
def test_long_lasting_pain_keeps_moves_and_adds_advice(
    weeks: int | None, pain: int, advised: bool
) -> None:
    result = recommend(answers(pain=pain, duration_weeks=weeks), ARTICLE)
    assert result.triage.level is TriageLevel.SELF_CARE
    assert len(result.moves) == 4
    assert result.offer_referral is advised
    assert ("looked at" in result.triage.message) is advised
    assert any(f"{weeks} weeks" in r for r in result.triage.reasons) is advised


def test_plain_self_care_has_one_reason_and_no_referral() -> None:
    result = recommend(answers(), ARTICLE)
    assert result.triage.level is TriageLevel.SELF_CARE
    assert len(result.triage.reasons) == 1
    assert not result.offer_referral


# --- holding moves back ---------------------------------------------------------------------


def test_osteoporosis_holds_back_spinal_flexion_moves() -> None:
    result = recommend(answers(area=Area.UPPER, flags=[RedFlag.OSTEOPOROSIS]), ARTICLE)
    assert slugs(result.moves) == ["shoulder-rotations", "cat-camel"]
    assert [(e.move.slug, e.causes) for e in result.excluded] == [
        ("abdominal-crunches", ("osteoporosis",)),
        ("hamstring-stretch", ("osteoporosis",)),
    ]


def test_leg_pain_below_the_knee_holds_back_only_the_hamstring_stretch() -> None:
    result = recommend(answers(flags=[RedFlag.LEG_PAIN_BELOW_KNEE]), ARTICLE)
    assert slugs(result.moves) == ["knee-rolls", "cat-camel", "abdominal-crunches"]
    assert [e.move.slug for e in result.excluded] == ["hamstring-stretch"]


def test_a_move_held_back_twice_is_listed_once_with_both_causes() -> None:
    result = recommend(
        answers(
            flags=[RedFlag.LEG_PAIN_BELOW_KNEE, RedFlag.OSTEOPOROSIS],
            limits=[Limitation.CANNOT_STAND_UNSUPPORTED],
        ),
        ARTICLE,
    )
    hamstring = next(e for e in result.excluded if e.move.slug == "hamstring-stretch")
    assert hamstring.causes == ("osteoporosis", "leg_pain_below_knee", "cannot_stand_unsupported")
    assert len(hamstring.reasons) == 3


@pytest.mark.parametrize(
    ("limitation", "removed"),
    [
        (Limitation.CANNOT_KNEEL, {"cat-camel"}),
        (Limitation.CANNOT_LIE_ON_FLOOR, {"abdominal-crunches", "knee-rolls"}),
        (Limitation.CANNOT_STAND_UNSUPPORTED, {"hamstring-stretch"}),
    ],
)
def test_limitations_remove_moves_by_starting_position(
    limitation: Limitation, removed: set[str]
) -> None:
    result = recommend(answers(area=Area.MID, limits=[limitation]), ARTICLE)
    assert {e.move.slug for e in result.excluded} == removed
    assert all(e.causes == (limitation.value,) for e in result.excluded)
    assert removed.isdisjoint(slugs(result.moves))


def test_nothing_left_says_so_and_offers_the_referral() -> None:
    result = recommend(answers(area=Area.LOWER, limits=list(Limitation)), ARTICLE)
    assert result.triage.level is TriageLevel.SELF_CARE
    assert result.moves == ()
    assert len(result.excluded) == 4
    assert result.offer_referral
    assert "nothing safe to suggest" in result.triage.message
    assert result.estimated_total_seconds == 0


def test_rule_tables_can_be_swapped() -> None:
    catalog = [
        move("x", Position.SITTING, {Area.MID: P}),
        move("y", Position.SITTING, {Area.MID: S}),
    ]
    kept, excluded = hold_back(
        rank_for_area(Area.MID, catalog),
        frozenset({RedFlag.OSTEOPOROSIS}),
        frozenset({Limitation.CANNOT_KNEEL}),
        properties={"y": frozenset({MoveProperty.LOADED_SPINAL_FLEXION})},
        limitation_rules={
            Limitation.CANNOT_KNEEL: LimitationRule(frozenset({Position.SITTING}), "t", "e")
        },
    )
    assert kept == []
    assert [(e.move.slug, e.causes) for e in excluded] == [
        ("x", ("cannot_kneel",)),
        ("y", ("osteoporosis", "cannot_kneel")),
    ]


def test_spinal_flexion_table_names_real_catalog_moves() -> None:
    assert set(MOVE_PROPERTIES) <= {m.slug for m in ARTICLE}


# --- order and time -------------------------------------------------------------------------


def test_suggested_order_groups_positions_and_keeps_the_best_match_first() -> None:
    result = recommend(answers(area=Area.LOWER), ARTICLE)
    by_order = sorted(result.moves, key=lambda p: p.order)
    assert slugs(by_order) == ["knee-rolls", "abdominal-crunches", "cat-camel", "hamstring-stretch"]
    assert slugs(result.moves) == [
        "knee-rolls",
        "cat-camel",
        "abdominal-crunches",
        "hamstring-stretch",
    ]


def test_suggested_order_is_a_permutation() -> None:
    positions = [Position.SITTING, Position.STANDING, Position.SITTING, Position.LYING_ON_BACK]
    catalog = [move(str(i), p, {Area.MID: S}) for i, p in enumerate(positions)]
    assert suggested_order(catalog) == [1, 3, 2, 4]
    assert suggested_order([]) == []


@pytest.mark.parametrize(
    ("dose", "seconds"),
    [
        # setup 10 + (hold max + 2) x reps max x sides
        (
            Dose(
                hold_seconds=SecondsRange(min=3, max=3), reps=RepsRange(min=6, max=8), per_side=True
            ),
            10 + 5 * 8 * 2,
        ),
        (Dose(hold_seconds=SecondsRange(min=2, max=3), reps=None, per_side=True), 10 + 5 * 2),
        (Dose(hold_seconds=SecondsRange(min=3, max=10), reps=None, per_side=False), 10 + 12),
        # no hold: a 10 s default repetition
        (Dose(hold_seconds=None, reps=None, per_side=False), 10 + 12),
        (Dose(hold_seconds=None, reps=RepsRange(min=1, max=5), per_side=True), 10 + 12 * 5 * 2),
    ],
)
def test_time_estimate(dose: Dose, seconds: int) -> None:
    assert estimate_seconds(dose) == seconds


def test_total_time_is_the_sum_of_the_moves() -> None:
    result = recommend(answers(area=Area.LOWER), ARTICLE)
    assert result.estimated_total_seconds == sum(p.estimated_seconds for p in result.moves) == 156


# --- invariants over many catalogs and answers ----------------------------------------------


def test_random_catalogs_never_yield_a_move_unlinked_to_the_area() -> None:
    rng = random.Random(20261123)
    for _ in range(300):
        catalog = [
            move(
                f"m{i}",
                rng.choice(list(Position)),
                {a: rng.choice([P, S]) for a in Area if rng.random() < 0.5},
            )
            for i in range(rng.randint(0, 7))
        ]
        props = {m.slug: frozenset(p for p in MoveProperty if rng.random() < 0.3) for m in catalog}
        a = answers(
            area=rng.choice(list(Area)),
            pain=rng.randint(0, 7),
            flags=[f for f in CAUTION_FLAGS if rng.random() < 0.5],
            limits=[lim for lim in Limitation if rng.random() < 0.4],
            duration_weeks=rng.choice([None, 2, 10]),
        )
        result = recommend(a, catalog, properties=props)
        linked = {m.slug for m in catalog if a.area in m.targets}
        returned = slugs(result.moves)
        held = [e.move.slug for e in result.excluded]
        assert all(a.area in p.move.targets for p in result.moves)
        assert set(returned) | set(held) == linked
        assert not set(returned) & set(held)
        ranks = [0 if p.relevance is P else 1 for p in result.moves]
        assert ranks == sorted(ranks)
        assert sorted(p.order for p in result.moves) == list(range(1, len(returned) + 1))
        assert result.offer_referral is (not returned or "looked at" in result.triage.message)


def test_every_combination_of_area_limitations_and_cautions_on_the_article() -> None:
    subsets = [
        combo
        for n in range(len(Limitation) + 1)
        for combo in itertools.combinations(list(Limitation), n)
    ]
    flag_sets = [c for n in range(3) for c in itertools.combinations(CAUTION_FLAGS, n)]
    for area, limits, flags in itertools.product(Area, subsets, flag_sets):
        result = recommend(answers(area=area, flags=flags, limits=limits), ARTICLE)
        for pick in result.moves:
            assert area in pick.move.targets
            assert all(pick.move.position not in LIMITATION_RULES[lim].positions for lim in limits)
