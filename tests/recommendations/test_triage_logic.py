"""The decision as pure functions, fed plain data: no database, no HTTP."""

import itertools
import random
from collections.abc import Iterable

import pytest

from app.exercises.catalog import CatalogMove
from app.exercises.schemas import (
    Basis,
    Dose,
    DoseProvenance,
    Provenance,
    RepsRange,
    SecondsRange,
)
from app.recommendations.logic import (
    Answers,
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
from app.recommendations.schemas import (
    CareTimeframe,
    Caution,
    Limitation,
    RedFlag,
    ScreeningTier,
    TriageLevel,
)
from app.recommendations.screening import (
    CAUTION_QUESTIONS,
    DEPRECATED_WARNING_SIGNS,
    WARNING_SIGNS,
)
from app.shared.enums import Area, ExerciseKind, Position, Relevance

P, S = Relevance.PRIMARY, Relevance.SECONDARY
ALL_SECONDARY = {Area.UPPER: S, Area.MID: S, Area.LOWER: S}
SAID = Provenance(basis=Basis.ARTICLE, quote="Hold for 3 seconds", reason=None)
GUESSED = Provenance(basis=Basis.INFERRED, quote=None, reason="A test move.")


def dose(
    hold: tuple[int, int] | None = None,
    reps: tuple[int, int] | None = None,
    per_side: bool = False,
) -> Dose:
    return Dose(
        hold_seconds=SecondsRange(min=hold[0], max=hold[1]) if hold else None,
        reps=RepsRange(min=reps[0], max=reps[1]) if reps else None,
        per_side=per_side,
        provenance=DoseProvenance(
            hold_seconds=SAID if hold else None, reps=SAID if reps else None, per_side=GUESSED
        ),
    )


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
        id=0,
        slug=slug,
        name=slug.replace("-", " ").title(),
        sort_order=0,
        kind=ExerciseKind.STRETCH,
        position=position,
        benefit=f"Benefit of {slug}.",
        steps=(),
        dose=dose(hold, reps, per_side),
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
CAUTIONS = list(Caution)


def answers(
    area: Area = Area.LOWER,
    pain: int = 3,
    flags: Iterable[RedFlag] = (),
    limits: Iterable[Limitation] = (),
    duration_weeks: int | None = None,
    cautions: Iterable[Caution] = (),
    age: int | None = None,
) -> Answers:
    return Answers(
        area,
        pain,
        red_flags=frozenset(flags),
        cautions=frozenset(cautions),
        limitations=frozenset(limits),
        duration_weeks=duration_weeks,
        age=age,
    )


def slugs(picks: Iterable[Pick]) -> list[str]:
    return [p.move.slug for p in picks]


# --- the screen as data ---------------------------------------------------------------------


def test_every_id_has_exactly_one_question() -> None:
    """Each warning sign, caution and deprecated id is handled by exactly one entry; the
    caution ids are also red-flag ids only because 1.0 took them in `red_flags`."""
    signs = [q.id for q in WARNING_SIGNS + DEPRECATED_WARNING_SIGNS]
    cautions = [RedFlag(q.id.value) for q in CAUTION_QUESTIONS]
    assert sorted(signs + cautions) == sorted(RedFlag)
    assert len(signs + cautions) == len(set(signs + cautions))
    assert [q.id for q in CAUTION_QUESTIONS] == list(Caution)


def test_tiers_follow_where_a_yes_sends_the_person() -> None:
    for q in WARNING_SIGNS:
        assert q.tier is (
            ScreeningTier.URGENT if q.timeframe is CareTimeframe.NOW else ScreeningTier.SEE_DOCTOR
        )
        assert q.timeframe is not CareTimeframe.ROUTINE
    assert all(q.tier is ScreeningTier.CAUTION and q.hold_back_reason for q in CAUTION_QUESTIONS)


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
    "flag",
    [q.id for q in WARNING_SIGNS + DEPRECATED_WARNING_SIGNS if q.timeframe is CareTimeframe.NOW],
)
def test_urgent_flag_means_emergency_guidance_only(flag: RedFlag) -> None:
    result = recommend(answers(flags=[flag]), ARTICLE)
    assert result.triage.level is TriageLevel.URGENT_CARE
    assert result.triage.timeframe is CareTimeframe.NOW
    assert result.moves == () and result.excluded == ()
    assert not result.offer_referral and not result.show_disclaimer
    assert len(result.triage.reasons) == 1


@pytest.mark.parametrize(
    "flag", [q.id for q in WARNING_SIGNS if q.timeframe is CareTimeframe.TODAY]
)
def test_infection_and_fracture_signs_mean_a_same_day_review(flag: RedFlag) -> None:
    result = recommend(answers(flags=[flag]), ARTICLE)
    assert result.triage.level is TriageLevel.SEE_DOCTOR
    assert result.triage.timeframe is CareTimeframe.TODAY
    assert "today" in result.triage.message and "today" in result.triage.reasons[0]
    assert result.moves == ()
    assert not result.offer_referral and not result.show_disclaimer


@pytest.mark.parametrize(
    "flag",
    [q.id for q in WARNING_SIGNS + DEPRECATED_WARNING_SIGNS if q.timeframe is CareTimeframe.SOON],
)
def test_a_risk_factor_alone_means_a_doctor_soon_without_the_clinic(flag: RedFlag) -> None:
    result = recommend(answers(flags=[flag], age=40, duration_weeks=2), ARTICLE)
    assert result.triage.level is TriageLevel.SEE_DOCTOR
    assert result.triage.timeframe is CareTimeframe.SOON
    assert result.moves == ()
    assert not result.offer_referral and result.show_disclaimer
    assert "inferred-soft-sign-alone" in result.triage.citations


@pytest.mark.parametrize(
    ("pain", "level"),
    [(0, "self_care"), (3, "self_care"), (6, "self_care"), (7, "see_doctor"), (10, "see_doctor")],
)
def test_severe_pain_starts_at_seven(pain: int, level: str) -> None:
    assert escalation(answers(pain=pain))[0] == level
    assert bool(recommend(answers(pain=pain), ARTICLE).moves) is (level == "self_care")


def test_urgent_wins_and_carries_only_the_emergency_reasons() -> None:
    level, timeframe, reasons = escalation(
        answers(pain=9, flags=[RedFlag.CHEST_PAIN, RedFlag.SADDLE_NUMBNESS, RedFlag.CANCER_HISTORY])
    )
    assert (level, timeframe) == (TriageLevel.URGENT_CARE, CareTimeframe.NOW)
    # The two signs, and past cancer with a nerve symptom.
    assert len(reasons) == 3 and all("emergency" in r or "straight away" in r for r in reasons)


def test_same_day_wins_over_soon_and_keeps_every_reason_for_the_doctor() -> None:
    level, timeframe, reasons = escalation(
        answers(pain=9, flags=[RedFlag.CANCER_HISTORY, RedFlag.FEVER_OR_UNWELL])
    )
    assert (level, timeframe) == (TriageLevel.SEE_DOCTOR, CareTimeframe.TODAY)
    # Today: the temperature, past cancer with severe pain; then for the doctor: past cancer
    # and severe pain.
    assert len(reasons) == 4
    assert "temperature" in reasons[0] and "had cancer" in reasons[1]
    assert "9 out of 10" in reasons[3]


@pytest.mark.parametrize(
    ("age", "cautions", "flags", "same_day", "named"),
    [
        (None, [], [], True, "didn't give your age"),
        (51, [], [], True, "you are 51"),
        (50, [], [], False, None),
        (30, [Caution.OSTEOPOROSIS], [], True, "osteoporosis"),
        (30, [], [RedFlag.OSTEOPOROSIS], True, "osteoporosis"),  # the deprecated spelling
        (30, [], [RedFlag.LONG_TERM_STEROIDS], True, "steroid tablets long term"),
        (30, [Caution.LEG_PAIN_BELOW_KNEE], [], False, None),
    ],
)
def test_a_fall_or_minor_injury_is_same_day_only_with_a_fragile_bone_risk(
    age: int | None,
    cautions: list[Caution],
    flags: list[RedFlag],
    same_day: bool,
    named: str | None,
) -> None:
    result = recommend(
        answers(flags=[RedFlag.FALL_OR_MINOR_INJURY, *flags], cautions=cautions, age=age), ARTICLE
    )
    if same_day:
        assert result.triage.timeframe is CareTimeframe.TODAY
        fall = next(r for r in result.triage.reasons if r.startswith("Your back pain started"))
        assert named is not None and named in fall and "break a bone" in fall
    else:
        assert result.triage.level is TriageLevel.SELF_CARE and result.moves
        assert any(f"At {age}," in r for r in result.triage.reasons)


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
    assert not result.offer_referral
    assert (result.triage.timeframe is CareTimeframe.ROUTINE) is advised
    assert ("looked at" in result.triage.message) is advised
    assert any(f"{weeks} weeks" in r for r in result.triage.reasons) is advised


def test_plain_self_care_has_one_reason_and_no_referral() -> None:
    result = recommend(answers(), ARTICLE)
    assert result.triage.level is TriageLevel.SELF_CARE
    assert len(result.triage.reasons) == 1
    assert not result.offer_referral


# --- holding moves back ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sent", [{"cautions": [Caution.OSTEOPOROSIS]}, {"flags": [RedFlag.OSTEOPOROSIS]}]
)
def test_osteoporosis_holds_back_spinal_flexion_moves(sent: dict[str, list[str]]) -> None:
    result = recommend(answers(area=Area.UPPER, **sent), ARTICLE)  # type: ignore[arg-type]
    assert slugs(result.moves) == ["shoulder-rotations", "cat-camel"]
    assert [(e.move.slug, e.causes) for e in result.excluded] == [
        ("abdominal-crunches", ("osteoporosis",)),
        ("hamstring-stretch", ("osteoporosis",)),
    ]


def test_leg_pain_below_the_knee_holds_back_only_the_hamstring_stretch() -> None:
    result = recommend(answers(cautions=[Caution.LEG_PAIN_BELOW_KNEE]), ARTICLE)
    assert slugs(result.moves) == ["knee-rolls", "cat-camel", "abdominal-crunches"]
    assert [e.move.slug for e in result.excluded] == ["hamstring-stretch"]


def test_a_move_held_back_twice_is_listed_once_with_both_causes() -> None:
    result = recommend(
        answers(
            cautions=[Caution.LEG_PAIN_BELOW_KNEE, Caution.OSTEOPOROSIS],
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
    assert not result.offer_referral and result.show_disclaimer
    assert result.triage.timeframe is CareTimeframe.ROUTINE
    assert "nothing safe to suggest" in result.triage.message
    assert result.estimated_total_seconds == 0


def test_rule_tables_can_be_swapped() -> None:
    catalog = [
        move("x", Position.SITTING, {Area.MID: P}),
        move("y", Position.SITTING, {Area.MID: S}),
    ]
    kept, excluded = hold_back(
        rank_for_area(Area.MID, catalog),
        frozenset({Caution.OSTEOPOROSIS}),
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
    ("article_dose", "seconds"),
    [
        # sides x reps max x (hold max + 3 s to move)
        (dose(hold=(3, 3), reps=(6, 8), per_side=True), 2 * 8 * (3 + 3)),
        (dose(hold=(2, 3), per_side=True), 2 * (3 + 3)),
        (dose(hold=(3, 10)), 10 + 3),
        # no hold, no count: nothing to time
        (dose(), None),
        (dose(reps=(1, 5), per_side=True), 2 * 5 * 3),
    ],
)
def test_time_estimate(article_dose: Dose, seconds: int | None) -> None:
    assert estimate_seconds(article_dose) == seconds


def test_total_time_adds_a_transition_between_moves() -> None:
    result = recommend(answers(area=Area.LOWER), ARTICLE)
    moves = sum(p.estimated_seconds or 0 for p in result.moves)
    assert [p.estimated_seconds for p in result.moves] == [96, None, None, 13]
    assert moves == 96 + 13
    assert result.estimated_total_seconds == moves + 3 * 15


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
            pain=rng.randint(0, 6),
            cautions=[c for c in CAUTIONS if rng.random() < 0.5],
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
        assert not result.offer_referral
        routine = result.triage.timeframe is CareTimeframe.ROUTINE
        assert routine is (not returned or "looked at" in result.triage.message)


def test_every_combination_of_area_limitations_and_cautions_on_the_article() -> None:
    subsets = [
        combo
        for n in range(len(Limitation) + 1)
        for combo in itertools.combinations(list(Limitation), n)
    ]
    caution_sets = [c for n in range(3) for c in itertools.combinations(CAUTIONS, n)]
    for area, limits, cautions in itertools.product(Area, subsets, caution_sets):
        result = recommend(answers(area=area, cautions=cautions, limits=limits), ARTICLE)
        for pick in result.moves:
            assert area in pick.move.targets
            assert all(pick.move.position not in LIMITATION_RULES[lim].positions for lim in limits)


def test_the_words_with_no_region_are_the_care_routes_fallback() -> None:
    from app.care.routes import route_for
    from app.recommendations.logic import Words

    fallback, plain = Words.of(route_for(None)), Words()
    assert fallback == plain
    assert Words.of(route_for("ZZ")) == plain
    assert "999" in Words.of(route_for("GB")).urgent_message()
