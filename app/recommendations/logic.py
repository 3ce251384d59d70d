"""Triage and ranking: pure functions over plain data, with no database access and no I/O.

`recommend` is the whole decision. It is fed the catalog by `service.py` and the safety tables
from `screening.py` and `rules.py`; tests can pass their own tables.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.core.enums import Area, ExerciseKind, Position, Relevance
from app.exercises.schemas import Dose
from app.recommendations.rules import (
    LIMITATION_RULES,
    LONG_DURATION_WEEKS,
    MOVE_PROPERTIES,
    SEVERE_PAIN_LEVEL,
    LimitationRule,
    MoveProperty,
)
from app.recommendations.schemas import Limitation, RedFlag, ScreeningTier, TriageLevel
from app.recommendations.screening import SCREENING_QUESTIONS, ScreeningQuestion

# Time estimate, per move: get into position, then each repetition is the longest hold (or a
# default for moves the article gives no hold) plus moving in and out of it, on each side.
SETUP_SECONDS = 10
UNHELD_REPETITION_SECONDS = 10
TRANSITION_SECONDS = 2

URGENT_MESSAGE = (
    "Please get medical help now: call your local emergency number or go to the nearest "
    "emergency department. Don't start these exercises."
)
SEE_DOCTOR_MESSAGE = (
    "Please see a doctor or a back pain specialist before trying these exercises. Self-guided "
    "exercise isn't the right first step for what you've described."
)
SELF_CARE_MESSAGE = (
    "These moves from the article suit the pain you described. Do them in the suggested order, "
    "go gently, and stop any move that makes your pain worse."
)
LONG_LASTING_ADVICE = (
    f" Because your pain has lasted more than {LONG_DURATION_WEEKS} weeks, also have it looked "
    "at by a doctor or a back pain specialist."
)
NOTHING_LEFT_MESSAGE = (
    "None of the article's moves suits your answers, so there is nothing safe to suggest here. "
    "A back pain specialist can suggest alternatives that work for you."
)

AREA_WORDS: dict[Area, str] = {
    Area.UPPER: "upper back",
    Area.MID: "mid back",
    Area.LOWER: "lower back",
}
RELEVANCE_RANK: dict[Relevance, int] = {Relevance.PRIMARY: 0, Relevance.SECONDARY: 1}


@dataclass(frozen=True)
class CatalogMove:
    """What the decision needs to know about one move from the catalog."""

    slug: str
    name: str
    kind: ExerciseKind
    position: Position
    benefit: str
    dose: Dose
    targets: Mapping[Area, Relevance]


@dataclass(frozen=True)
class Answers:
    """What the person told us."""

    area: Area
    pain_level: int
    red_flags: frozenset[RedFlag] = frozenset()
    limitations: frozenset[Limitation] = frozenset()
    duration_weeks: int | None = None


@dataclass(frozen=True)
class TriageResult:
    level: TriageLevel
    reasons: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Pick:
    """A recommended move; `order` is its 1-based step in the suggested sequence."""

    move: CatalogMove
    relevance: Relevance
    order: int
    estimated_seconds: int


@dataclass(frozen=True)
class Exclusion:
    """A move for the area that was held back; `causes` are flag and limitation ids."""

    move: CatalogMove
    reasons: tuple[str, ...]
    causes: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    triage: TriageResult
    moves: tuple[Pick, ...]
    excluded: tuple[Exclusion, ...]
    estimated_total_seconds: int
    offer_referral: bool


def rank_for_area(
    area: Area, catalog: Sequence[CatalogMove]
) -> list[tuple[CatalogMove, Relevance]]:
    """Moves linked to `area`, primary before secondary, each group in catalog order. A move
    with no entry for the area is never a candidate."""
    linked = [(move, move.targets[area]) for move in catalog if area in move.targets]
    return sorted(linked, key=lambda pair: RELEVANCE_RANK[pair[1]])


def hold_back(
    candidates: Sequence[tuple[CatalogMove, Relevance]],
    red_flags: frozenset[RedFlag],
    limitations: frozenset[Limitation],
    *,
    questions: Sequence[ScreeningQuestion] = SCREENING_QUESTIONS,
    properties: Mapping[str, frozenset[MoveProperty]] = MOVE_PROPERTIES,
    limitation_rules: Mapping[Limitation, LimitationRule] = LIMITATION_RULES,
) -> tuple[list[tuple[CatalogMove, Relevance]], list[Exclusion]]:
    """Split candidates into those kept and those held back by a caution answer (by the move's
    properties) or a limitation (by the move's starting position). Order is preserved."""
    cautions = [q for q in questions if q.id in red_flags and q.holds_back is not None]
    rules = [(lim, limitation_rules[lim]) for lim in Limitation if lim in limitations]
    kept: list[tuple[CatalogMove, Relevance]] = []
    excluded: list[Exclusion] = []
    for move, relevance in candidates:
        reasons: list[str] = []
        causes: list[str] = []
        move_properties = properties.get(move.slug, frozenset())
        for question in cautions:
            if question.holds_back in move_properties:
                reasons.append(question.hold_back_reason or question.reason)
                causes.append(question.id.value)
        for limitation, rule in rules:
            if move.position in rule.positions:
                reasons.append(rule.exclusion_reason)
                causes.append(limitation.value)
        if reasons:
            excluded.append(Exclusion(move, tuple(reasons), tuple(causes)))
        else:
            kept.append((move, relevance))
    return kept, excluded


def suggested_order(moves: Sequence[CatalogMove]) -> list[int]:
    """1-based step for each move, aligned with `moves` (best match first). Moves sharing a
    starting position are done back to back, positions taken in the order they first appear,
    so the best match still comes first and the person gets down and up as few times as
    possible."""
    group: dict[Position, int] = {}
    for move in moves:
        group.setdefault(move.position, len(group))
    sequence = sorted(range(len(moves)), key=lambda i: group[moves[i].position])
    steps = [0] * len(moves)
    for step, index in enumerate(sequence, start=1):
        steps[index] = step
    return steps


def estimate_seconds(dose: Dose) -> int:
    """Rough time for one move, using the upper end of the article's ranges: setup, then each
    repetition (one when no count is given) as the longest hold (a default when there is no
    hold) plus moving in and out, doubled for moves done on each side."""
    hold = dose.hold_seconds.max if dose.hold_seconds else UNHELD_REPETITION_SECONDS
    repetitions = dose.reps.max if dose.reps else 1
    sides = 2 if dose.per_side else 1
    return SETUP_SECONDS + (hold + TRANSITION_SECONDS) * repetitions * sides


def escalation(
    answers: Answers, questions: Sequence[ScreeningQuestion] = SCREENING_QUESTIONS
) -> tuple[TriageLevel, list[str]]:
    """The most serious level the answers call for, with one reason per rule that fired."""
    flagged = [q for q in questions if q.id in answers.red_flags]
    urgent = [q.reason for q in flagged if q.tier is ScreeningTier.URGENT]
    doctor = [q.reason for q in flagged if q.tier is ScreeningTier.SEE_DOCTOR]
    if answers.pain_level >= SEVERE_PAIN_LEVEL:
        doctor.append(
            f"You rated your pain {answers.pain_level} out of 10. The article's moves are meant "
            "for people without severe back pain; for severe pain it suggests seeing a back "
            "pain specialist."
        )
    if urgent:
        return TriageLevel.URGENT_CARE, urgent + doctor
    if doctor:
        return TriageLevel.SEE_DOCTOR, doctor
    return TriageLevel.SELF_CARE, []


def is_long_lasting(answers: Answers) -> bool:
    return (
        answers.duration_weeks is not None
        and answers.duration_weeks > LONG_DURATION_WEEKS
        and answers.pain_level > 0
    )


def recommend(
    answers: Answers,
    catalog: Sequence[CatalogMove],
    *,
    questions: Sequence[ScreeningQuestion] = SCREENING_QUESTIONS,
    properties: Mapping[str, frozenset[MoveProperty]] = MOVE_PROPERTIES,
    limitation_rules: Mapping[Limitation, LimitationRule] = LIMITATION_RULES,
) -> Recommendation:
    """Triage first; only a `self_care` answer gets moves, ranked, filtered and sequenced."""
    level, reasons = escalation(answers, questions)
    if level is TriageLevel.URGENT_CARE:
        return _no_moves(level, reasons, URGENT_MESSAGE)
    if level is TriageLevel.SEE_DOCTOR:
        return _no_moves(level, reasons, SEE_DOCTOR_MESSAGE)

    reasons = [
        "None of your answers calls for a doctor first, and a pain level of "
        f"{answers.pain_level} out of 10 isn't severe, so the article's moves are a reasonable "
        "place to start."
    ]
    long_lasting = is_long_lasting(answers)
    if long_lasting:
        reasons.append(
            f"Your pain has lasted {answers.duration_weeks} weeks. Back pain that is still there "
            f"after {LONG_DURATION_WEEKS} weeks should be looked at by a doctor or a specialist, "
            "even while you keep doing these moves."
        )
    reasons += [q.reason for q in questions if q.id in answers.red_flags and q.holds_back]
    reasons += [
        limitation_rules[lim].triage_reason for lim in Limitation if lim in answers.limitations
    ]

    kept, excluded = hold_back(
        rank_for_area(answers.area, catalog),
        answers.red_flags,
        answers.limitations,
        questions=questions,
        properties=properties,
        limitation_rules=limitation_rules,
    )
    if not kept:
        reasons.append(
            f"Once the moves that don't suit you are held back, none is left for your "
            f"{AREA_WORDS[answers.area]}."
        )
        triage = TriageResult(level, tuple(reasons), NOTHING_LEFT_MESSAGE)
        return Recommendation(triage, (), tuple(excluded), 0, offer_referral=True)

    steps = suggested_order([move for move, _ in kept])
    picks = tuple(
        Pick(move, relevance, step, estimate_seconds(move.dose))
        for (move, relevance), step in zip(kept, steps, strict=True)
    )
    message = SELF_CARE_MESSAGE + (LONG_LASTING_ADVICE if long_lasting else "")
    return Recommendation(
        TriageResult(level, tuple(reasons), message),
        picks,
        tuple(excluded),
        sum(p.estimated_seconds for p in picks),
        offer_referral=long_lasting,
    )


def _no_moves(level: TriageLevel, reasons: list[str], message: str) -> Recommendation:
    return Recommendation(TriageResult(level, tuple(reasons), message), (), (), 0, True)
