"""Triage and ranking: pure functions over plain data, with no database access and no I/O.

`recommend` is the whole decision. It is fed the catalog by `service.py` and the safety tables
from `screening.py` and `rules.py`; tests can pass their own tables.

Where each answer sends a person:

- any `now` warning sign: `urgent_care`, emergency guidance and nothing else;
- otherwise any `today` sign (possible infection, or a fall with a fragile-bone risk):
  `see_doctor` for a same-day medical review, no moves, no clinic;
- otherwise any `soon` sign or severe pain (7-10): `see_doctor` in the next few days, with the
  referral;
- otherwise `self_care`: the moves for the area, minus those held back.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.core import pain
from app.core.enums import Area, ExerciseKind, Position, Relevance
from app.core.pain import PainBand
from app.exercises.duration import article_dose, dose_seconds, total_seconds
from app.exercises.schemas import Dose
from app.recommendations.rules import (
    FRAGILE_BONE_AGE,
    LIMITATION_RULES,
    LONG_DURATION_WEEKS,
    MOVE_PROPERTIES,
    LimitationRule,
    MoveProperty,
)
from app.recommendations.schemas import CareTimeframe, Caution, Limitation, RedFlag, TriageLevel
from app.recommendations.screening import (
    CAUTION_RED_FLAGS,
    CAUTIONS_BY_ID,
    WARNING_SIGNS_BY_ID,
    CautionQuestion,
    WarningSign,
)
from app.safety.logic import SAME_DAY_GUIDANCE, SEE_DOCTOR_GUIDANCE, URGENT_GUIDANCE

# The guidance for each timeframe is the safety state's, so the same level carries the same
# words wherever it is shown.
URGENT_MESSAGE = URGENT_GUIDANCE
SAME_DAY_MESSAGE = SAME_DAY_GUIDANCE
SEE_DOCTOR_MESSAGE = SEE_DOCTOR_GUIDANCE
SELF_CARE_MESSAGE = (
    "These moves from the article suit your answers. Do them in the suggested order, go "
    "gently, and stop any move that makes your pain worse."
)
LONG_LASTING_ADVICE = (
    f" Because your pain has lasted more than {LONG_DURATION_WEEKS} weeks, also book an "
    "appointment to have it looked at by a doctor or a back pain specialist."
)
NOTHING_LEFT_MESSAGE = (
    "None of the article's moves suits your answers, so there is nothing safe to suggest here. "
    "A doctor or a back pain specialist can suggest alternatives that work for you."
)

SELF_CARE_REASONS: dict[PainBand, str] = {
    PainBand.NONE: "You have no back pain right now ({level} out of 10), and none of your "
    "answers calls for a doctor first, so the article's moves are fine to do gently.",
    PainBand.MILD: "Your pain is mild ({level} out of 10), and none of your answers calls for "
    "a doctor first, so the article's moves are a reasonable place to start.",
    PainBand.MODERATE: "Your pain is moderate ({level} out of 10), and none of your answers "
    "calls for a doctor first, so the article's moves are a reasonable place to start if you "
    "take them gently.",
}
SEVERE_PAIN_REASON = (
    "Your pain is severe ({level} out of 10). The article's moves aren't meant for severe back "
    "pain; it says you may want to see a back pain relief specialist."
)
MINOR_INJURY_WITHOUT_RISK = (
    "Your back pain started after a fall or a minor injury. At {age}, with no osteoporosis or "
    "long-term steroid tablets, a broken bone is unlikely, so the moves are fine to try gently; "
    "see a doctor if the pain keeps getting worse."
)
LONG_LASTING_REASON = (
    "Your pain has lasted {weeks} weeks. Back pain that is still there after "
    f"{LONG_DURATION_WEEKS} weeks should be looked at by a doctor or a back pain specialist, "
    "even while you keep doing these moves."
)

AREA_WORDS: dict[Area, str] = {
    Area.UPPER: "upper back",
    Area.MID: "mid back",
    Area.LOWER: "lower back",
}
RELEVANCE_RANK: dict[Relevance, int] = {Relevance.PRIMARY: 0, Relevance.SECONDARY: 1}
# Most urgent first; the first timeframe with a reason decides the triage.
TIMEFRAME_ORDER = (CareTimeframe.NOW, CareTimeframe.TODAY, CareTimeframe.SOON)


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
    cautions: frozenset[Caution] = frozenset()
    limitations: frozenset[Limitation] = frozenset()
    duration_weeks: int | None = None
    age: int | None = None

    @property
    def all_cautions(self) -> frozenset[Caution]:
        """Caution answers, including those sent the deprecated way, in `red_flags`."""
        moved = {CAUTION_RED_FLAGS[f] for f in self.red_flags if f in CAUTION_RED_FLAGS}
        return self.cautions | moved


@dataclass(frozen=True)
class TriageResult:
    level: TriageLevel
    timeframe: CareTimeframe | None
    pain_band: PainBand
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
    """A move for the area that was held back; `causes` are caution and limitation ids."""

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
    # The article's disclaimer is about its moves and a specialist: it has no place next to
    # emergency or same-day guidance.
    show_disclaimer: bool


def join_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def fragile_bone_risks(answers: Answers) -> list[str]:
    """Why a minor injury could have broken a bone in this person's spine, as phrases; empty
    when nothing points to fragile bones. An unknown age counts: over 50 can't be ruled out."""
    risks = []
    if answers.age is None:
        risks.append("you didn't give your age, so being over 50 can't be ruled out")
    elif answers.age > FRAGILE_BONE_AGE:
        risks.append(f"you are {answers.age}")
    if Caution.OSTEOPOROSIS in answers.all_cautions:
        risks.append("you have osteoporosis")
    if RedFlag.LONG_TERM_STEROIDS in answers.red_flags:
        risks.append("you take steroid tablets long term")
    return risks


def severe_pain_reason(level: int) -> str:
    return SEVERE_PAIN_REASON.format(level=level)


def self_care_reason(level: int) -> str:
    return SELF_CARE_REASONS[pain.band(level)].format(level=level)


def warning_reasons(
    answers: Answers, signs: Mapping[RedFlag, WarningSign] = WARNING_SIGNS_BY_ID
) -> dict[CareTimeframe, list[str]]:
    """The reasons each warning sign and severe pain give, by how soon they send the person to
    be seen, in screen order."""
    reasons: dict[CareTimeframe, list[str]] = {t: [] for t in TIMEFRAME_ORDER}
    for flag, sign in signs.items():
        if flag not in answers.red_flags:
            continue
        if flag is RedFlag.FALL_OR_MINOR_INJURY:
            risks = fragile_bone_risks(answers)
            if risks:
                reasons[sign.timeframe].append(sign.reason.format(risks=join_words(risks)))
            continue
        reasons[sign.timeframe].append(sign.reason)
    if pain.is_severe(answers.pain_level):
        reasons[CareTimeframe.SOON].append(severe_pain_reason(answers.pain_level))
    return reasons


def escalation(
    answers: Answers, signs: Mapping[RedFlag, WarningSign] = WARNING_SIGNS_BY_ID
) -> tuple[TriageLevel, CareTimeframe | None, list[str]]:
    """The most urgent place the answers send the person, with the reasons that belong there:
    an emergency answer carries only the emergency reasons; a same-day one also the reasons
    for seeing a doctor, which the doctor will want to hear."""
    reasons = warning_reasons(answers, signs)
    if reasons[CareTimeframe.NOW]:
        return TriageLevel.URGENT_CARE, CareTimeframe.NOW, reasons[CareTimeframe.NOW]
    if reasons[CareTimeframe.TODAY]:
        return (
            TriageLevel.SEE_DOCTOR,
            CareTimeframe.TODAY,
            reasons[CareTimeframe.TODAY] + reasons[CareTimeframe.SOON],
        )
    if reasons[CareTimeframe.SOON]:
        return TriageLevel.SEE_DOCTOR, CareTimeframe.SOON, reasons[CareTimeframe.SOON]
    return TriageLevel.SELF_CARE, None, []


def rank_for_area(
    area: Area, catalog: Sequence[CatalogMove]
) -> list[tuple[CatalogMove, Relevance]]:
    """Moves linked to `area`, primary before secondary, each group in catalog order. A move
    with no entry for the area is never a candidate."""
    linked = [(move, move.targets[area]) for move in catalog if area in move.targets]
    return sorted(linked, key=lambda pair: RELEVANCE_RANK[pair[1]])


def hold_back(
    candidates: Sequence[tuple[CatalogMove, Relevance]],
    cautions: frozenset[Caution],
    limitations: frozenset[Limitation],
    *,
    caution_questions: Mapping[Caution, CautionQuestion] = CAUTIONS_BY_ID,
    properties: Mapping[str, frozenset[MoveProperty]] = MOVE_PROPERTIES,
    limitation_rules: Mapping[Limitation, LimitationRule] = LIMITATION_RULES,
) -> tuple[list[tuple[CatalogMove, Relevance]], list[Exclusion]]:
    """Split candidates into those kept and those held back by a caution answer (by the move's
    properties) or a limitation (by the move's starting position). Order is preserved."""
    answered = [caution_questions[c] for c in Caution if c in cautions]
    rules = [(lim, limitation_rules[lim]) for lim in Limitation if lim in limitations]
    kept: list[tuple[CatalogMove, Relevance]] = []
    excluded: list[Exclusion] = []
    for move, relevance in candidates:
        reasons: list[str] = []
        causes: list[str] = []
        move_properties = properties.get(move.slug, frozenset())
        for question in answered:
            if question.holds_back in move_properties:
                reasons.append(question.hold_back_reason)
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
    """Time for one move at the article's dose (app.exercises.duration)."""
    return dose_seconds(article_dose(dose))


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
    signs: Mapping[RedFlag, WarningSign] = WARNING_SIGNS_BY_ID,
    caution_questions: Mapping[Caution, CautionQuestion] = CAUTIONS_BY_ID,
    properties: Mapping[str, frozenset[MoveProperty]] = MOVE_PROPERTIES,
    limitation_rules: Mapping[Limitation, LimitationRule] = LIMITATION_RULES,
) -> Recommendation:
    """Triage first; only a `self_care` answer gets moves, ranked, filtered and sequenced."""
    band = pain.band(answers.pain_level)
    level, timeframe, reasons = escalation(answers, signs)
    if level is TriageLevel.URGENT_CARE:
        triage = TriageResult(level, timeframe, band, tuple(reasons), URGENT_MESSAGE)
        return Recommendation(triage, (), (), 0, offer_referral=False, show_disclaimer=False)
    if timeframe is CareTimeframe.TODAY:
        triage = TriageResult(level, timeframe, band, tuple(reasons), SAME_DAY_MESSAGE)
        return Recommendation(triage, (), (), 0, offer_referral=False, show_disclaimer=False)
    if level is TriageLevel.SEE_DOCTOR:
        triage = TriageResult(level, timeframe, band, tuple(reasons), SEE_DOCTOR_MESSAGE)
        return Recommendation(triage, (), (), 0, offer_referral=True, show_disclaimer=True)

    cautions = answers.all_cautions
    reasons = [self_care_reason(answers.pain_level)]
    if RedFlag.FALL_OR_MINOR_INJURY in answers.red_flags:
        # Escalation has ruled out every fragile-bone risk, so the age is known.
        reasons.append(MINOR_INJURY_WITHOUT_RISK.format(age=answers.age))
    long_lasting = is_long_lasting(answers)
    if long_lasting:
        reasons.append(LONG_LASTING_REASON.format(weeks=answers.duration_weeks))
    reasons += [caution_questions[c].reason for c in Caution if c in cautions]
    reasons += [
        limitation_rules[lim].triage_reason for lim in Limitation if lim in answers.limitations
    ]

    kept, excluded = hold_back(
        rank_for_area(answers.area, catalog),
        cautions,
        answers.limitations,
        caution_questions=caution_questions,
        properties=properties,
        limitation_rules=limitation_rules,
    )
    if not kept:
        reasons.append(
            f"Once the moves that don't suit you are held back, none is left for your "
            f"{AREA_WORDS[answers.area]}."
        )
        triage = TriageResult(
            level, CareTimeframe.ROUTINE, band, tuple(reasons), NOTHING_LEFT_MESSAGE
        )
        return Recommendation(
            triage, (), tuple(excluded), 0, offer_referral=True, show_disclaimer=True
        )

    steps = suggested_order([move for move, _ in kept])
    picks = tuple(
        Pick(move, relevance, step, estimate_seconds(move.dose))
        for (move, relevance), step in zip(kept, steps, strict=True)
    )
    message = SELF_CARE_MESSAGE + (LONG_LASTING_ADVICE if long_lasting else "")
    in_order = sorted(picks, key=lambda p: p.order)
    return Recommendation(
        TriageResult(
            level,
            CareTimeframe.ROUTINE if long_lasting else None,
            band,
            tuple(reasons),
            message,
        ),
        picks,
        tuple(excluded),
        total_seconds([article_dose(p.move.dose) for p in in_order]),
        offer_referral=long_lasting,
        show_disclaimer=True,
    )
