"""Triage and ranking: pure functions over plain data, with no database access and no I/O.

`recommend` is the whole decision. It is fed the catalog and the care route by `service.py`
and the safety tables from `screening.py` and `rules.py`; tests can pass their own tables.

Every rule that applies gives a `Finding`: how soon it sends the person to be seen, the reason
in plain words and the citations it rests on (`seed/triage_sources.json`). The most urgent
finding decides:

- any `now` finding: `urgent_care`, emergency guidance and nothing else;
- otherwise any `today` finding: `see_doctor` for a same-day medical review, no moves;
- otherwise any `soon` finding (a risk factor alone, severe pain, under 16): `see_doctor` in
  the next few days, no moves; the article's specialist only for severe pain and nothing else;
- otherwise `self_care`: the moves for the area, minus those held back, with advice to book
  an appointment (`routine`) when the pain has lasted over 6 weeks or is new pain over 50 or
  under 20.

Combination rules: a risk factor alone is `soon`, two risk features together (risk factors,
or one with new pain over 50 or under 20) are `today`; past cancer with upper or mid back
pain, night pain, pain worse on straining or unremitting pain is `today`, and with nerve
symptoms (pain below the knee included) `now`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.care.routes import CareRoute
from app.exercises.catalog import CatalogMove
from app.exercises.duration import TRANSITION_SECONDS, article_dose, dose_seconds
from app.exercises.schemas import Dose
from app.recommendations.rules import (
    FRAGILE_BONE_AGE,
    LIMITATION_RULES,
    LONG_DURATION_WEEKS,
    MIN_AGE_FOR_MOVES,
    MOVE_PROPERTIES,
    NEW_PAIN_WEEKS,
    RISK_AGE_OVER,
    RISK_AGE_UNDER,
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
from app.safety.logic import (
    FALLBACK_EMERGENCY_NUMBER,
    FALLBACK_EMERGENCY_PLACE,
    FALLBACK_ROUTINE_ACTION,
    FALLBACK_URGENT_ACTION,
    SAME_DAY_TEMPLATE,
    SEE_DOCTOR_TEMPLATE,
    URGENT_TEMPLATE,
)
from app.shared import pain
from app.shared.enums import Area, Position, Relevance
from app.shared.pain import PainBand

NOW, TODAY, SOON = CareTimeframe.NOW, CareTimeframe.TODAY, CareTimeframe.SOON

CHILD_TEMPLATE = (
    "Please talk to a parent or carer, and see a doctor about your back pain: {routine}. The "
    "moves here are for people aged 16 and over."
)
# Said after a self-care message, one sentence each so each is translated whole.
ROUTINE_TEMPLATE = "Also {routine} to have your back pain looked at."
ROUTINE_PHYSIOTHERAPY_TEMPLATE = (
    "Also {routine} to have your back pain looked at ({physiotherapy})."
)
SELF_CARE_MESSAGE = (
    "These moves from the article suit your answers. Do them in the suggested order, go "
    "gently, and stop any move that makes your pain worse."
)
NOTHING_LEFT_MESSAGE = (
    "None of the article's moves suits your answers, so there is nothing safe to suggest here. "
    "A doctor or a physiotherapist can suggest alternatives that work for you."
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
# The article's words are quoted, not paraphrased: it says one "may want to" see a specialist.
ARTICLE_SEVERE_PAIN_WORDS = (
    "if you\u2019re dealing with severe back pain, you may want to see a back pain relief "
    "specialist"
)
SEVERE_PAIN_REASON = (
    "Your pain is severe ({level} out of 10). The NHS advises seeing a GP when back pain is "
    "severe, and the article's words are: \"" + ARTICLE_SEVERE_PAIN_WORDS + '".'
)
CHILD_REASON = (
    "You are {age}. The moves here, and the guidance they follow, are for people aged 16 and "
    "over, so please talk to a parent or carer and see a doctor about your back pain."
)
MINOR_INJURY_WITHOUT_RISK = (
    "Your back pain started after a fall or a minor injury. At {age}, with no osteoporosis or "
    "long-term steroid tablets, a broken bone is unlikely, so the moves are fine to try gently; "
    "see a doctor if the pain keeps getting worse."
)
LONG_LASTING_REASON = (
    "Your pain has lasted {weeks} weeks. Back pain that does not improve after a few weeks "
    "should be looked at by a doctor, even while you keep doing these moves."
)
AGE_RISK_REASON = (
    "You are {age} and your pain is new (or you didn't say how long you've had it). New back "
    "pain {band} is worth having checked by a doctor, even while you do these moves."
)
MOVES_WITH_MOVEMENT_REASON = (
    "Your pain is in your {area} and changes with movement and posture, which is the kind of "
    "pain the article's moves are offered for. If it stops changing when you move, or is there "
    "whatever you do, see a doctor today."
)
UNCHANGED_UPPER_REASON = (
    "Your pain is in your {area} and stays the same whatever you do. Pain coming from the top "
    "of the back that does not change with movement should be checked by a doctor today."
)
RISK_FEATURES_TOGETHER_REASON = (
    "You have more than one risk feature ({features}). Together they make a serious cause more "
    "likely, so a doctor should see you today rather than in a few days."
)
CANCER_NERVE_REASON = (
    "You have had cancer and have {symptoms}. After cancer, nerve symptoms like these can "
    "mean the spinal cord or its nerves are being squeezed, which needs emergency care."
)
CANCER_PAIN_REASON = (
    "You have had cancer and {pattern}. After cancer, back pain like this should be checked by "
    "a doctor within 24 hours."
)

NOTHING_LEFT_REASON = (
    "Once the moves that don't suit you are held back, none is left for your {area}."
)
# The phrases the reasons above are filled with.
AGE_UNKNOWN_RISK = "you didn't give your age, so being over 50 can't be ruled out"
AGE_RISK = "you are {age}"
OSTEOPOROSIS_RISK = "you have osteoporosis"
STEROIDS_RISK = "you take steroid tablets long term"
OVER_AGE = "over {age}"
UNDER_AGE = "under {age}"
NEW_PAIN_AGED = "new back pain {band}"
PAIN_IN_AREA = "your pain is in your {area}"
SEVERE_PAIN_WORDS = "your pain is severe"
LEG_PAIN_BELOW_KNEE_WORDS = "pain spreading down a leg below the knee"

AREA_WORDS: dict[Area, str] = {
    Area.UPPER: "upper back",
    Area.MID: "mid back",
    Area.LOWER: "lower back",
}
THORACIC = frozenset({Area.UPPER, Area.MID})
RELEVANCE_RANK: dict[Relevance, int] = {Relevance.PRIMARY: 0, Relevance.SECONDARY: 1}
# Most urgent first; the first timeframe with a finding decides the triage.
TIMEFRAME_ORDER = (NOW, TODAY, SOON)

# Nerve symptoms that, after cancer, make back pain an emergency (mscc-neurological), with
# the words for them.
NERVE_SIGNS: dict[RedFlag, str] = {
    RedFlag.SADDLE_NUMBNESS: "numbness around the genitals or buttocks",
    RedFlag.BLADDER_BOWEL_CHANGE: "bladder or bowel problems",
    RedFlag.SEXUAL_DYSFUNCTION: "a change in sexual function",
    RedFlag.BOTH_LEGS_NUMB_OR_WEAK: "numbness, tingling or weakness in both legs",
    RedFlag.BOTH_LEGS_PAIN: "pain in both legs",
    RedFlag.LEG_WEAKNESS_WORSENING: "leg weakness",
    RedFlag.LEG_WEAKNESS_BOTH_OR_WORSENING: "leg weakness",
    RedFlag.DIFFICULTY_WALKING: "difficulty walking",
}
# Pain patterns that, after cancer, send the person to a doctor within 24 hours.
CANCER_PAIN_PATTERNS: tuple[tuple[frozenset[RedFlag], str, str], ...] = (
    (
        frozenset({RedFlag.NIGHT_PAIN, RedFlag.NIGHT_OR_REST_PAIN}),
        "your pain is worse at night",
        "mscc-night",
    ),
    (
        frozenset({RedFlag.COUGH_SNEEZE_STRAIN_PAIN}),
        "your pain gets worse when you cough, sneeze or strain",
        "mscc-straining",
    ),
    (
        frozenset({RedFlag.PAIN_AT_REST}),
        "your pain does not ease when you rest",
        "mscc-unremitting",
    ),
)


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

    @property
    def is_new_pain(self) -> bool:
        """Started within `NEW_PAIN_WEEKS`, or not said: a missing answer never reads as old
        pain."""
        return self.duration_weeks is None or self.duration_weeks <= NEW_PAIN_WEEKS

    @property
    def is_child(self) -> bool:
        return self.age is not None and self.age < MIN_AGE_FOR_MOVES

    @property
    def age_risk(self) -> bool:
        """New pain over `RISK_AGE_OVER` or under `RISK_AGE_UNDER` (cks-age)."""
        return (
            self.age is not None
            and self.is_new_pain
            and (self.age > RISK_AGE_OVER or self.age < RISK_AGE_UNDER)
        )


@dataclass(frozen=True)
class Finding:
    """One rule that applied: how soon it sends the person to be seen, why, and what it rests
    on. `specialist` marks severe pain, the one finding the article offers its clinic for."""

    timeframe: CareTimeframe
    reason: str
    citations: tuple[str, ...]
    specialist: bool = False


@dataclass(frozen=True)
class TriageResult:
    level: TriageLevel
    timeframe: CareTimeframe | None
    pain_band: PainBand
    reasons: tuple[str, ...]
    message: str
    citations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pick:
    """A recommended move; `order` is its 1-based step in the suggested sequence."""

    move: CatalogMove
    relevance: Relevance
    order: int
    estimated_seconds: int | None


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
    # The article's own specialist: only for severe pain with nothing else (`Finding`).
    offer_referral: bool
    # The article's disclaimer is about its moves and a specialist: it has no place next to
    # emergency or same-day guidance.
    show_disclaimer: bool


@dataclass(frozen=True)
class Words:
    """The care route in the words the messages use."""

    emergency_number: str = FALLBACK_EMERGENCY_NUMBER
    emergency_place: str = FALLBACK_EMERGENCY_PLACE
    urgent: str = FALLBACK_URGENT_ACTION
    routine: str = FALLBACK_ROUTINE_ACTION
    physiotherapy: str | None = None

    @classmethod
    def of(cls, route: CareRoute | None) -> "Words":
        if route is None:
            return cls()
        return cls(
            emergency_number=route.emergency_number,
            emergency_place=route.emergency.place,
            urgent=route.urgent.action,
            routine=route.routine.action,
            physiotherapy=route.physiotherapy.action if route.physiotherapy else None,
        )

    def safety_templates(self) -> tuple[tuple[str, dict[str, str]], ...]:
        """The templates of the messages that send the person to be seen, with the words
        each is filled with: what is translated before anything else."""
        return (
            (URGENT_TEMPLATE, {"number": self.emergency_number, "place": self.emergency_place}),
            (SAME_DAY_TEMPLATE, {"urgent": self.urgent, "number": self.emergency_number}),
            (SEE_DOCTOR_TEMPLATE, {"routine": self.routine}),
            (CHILD_TEMPLATE, {"routine": self.routine}),
        )

    def urgent_message(self) -> str:
        return URGENT_TEMPLATE.format(number=self.emergency_number, place=self.emergency_place)

    def same_day_message(self) -> str:
        return SAME_DAY_TEMPLATE.format(urgent=self.urgent, number=self.emergency_number)

    def see_doctor_message(self) -> str:
        return SEE_DOCTOR_TEMPLATE.format(routine=self.routine)

    def child_message(self) -> str:
        return CHILD_TEMPLATE.format(routine=self.routine)

    def routine_parts(self) -> tuple[str, dict[str, str]]:
        """The advice to book a review after a self-care message: its template and words."""
        if self.physiotherapy:
            return ROUTINE_PHYSIOTHERAPY_TEMPLATE, {
                "routine": self.routine,
                "physiotherapy": self.physiotherapy,
            }
        return ROUTINE_TEMPLATE, {"routine": self.routine}

    def routine_advice(self) -> str:
        template, values = self.routine_parts()
        return " " + template.format(**values)


# The messages with no region known, for callers that show triage without a route.
URGENT_MESSAGE = Words().urgent_message()
SAME_DAY_MESSAGE = Words().same_day_message()
SEE_DOCTOR_MESSAGE = Words().see_doctor_message()


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
        risks.append(AGE_UNKNOWN_RISK)
    elif answers.age > FRAGILE_BONE_AGE:
        risks.append(AGE_RISK.format(age=answers.age))
    if Caution.OSTEOPOROSIS in answers.all_cautions:
        risks.append(OSTEOPOROSIS_RISK)
    if RedFlag.LONG_TERM_STEROIDS in answers.red_flags:
        risks.append(STEROIDS_RISK)
    return risks


def severe_pain_reason(level: int) -> str:
    return SEVERE_PAIN_REASON.format(level=level)


def self_care_reason(level: int) -> str:
    return SELF_CARE_REASONS[pain.band(level)].format(level=level)


def age_band_words(age: int) -> str:
    if age > RISK_AGE_OVER:
        return OVER_AGE.format(age=RISK_AGE_OVER)
    return UNDER_AGE.format(age=RISK_AGE_UNDER)


def risk_feature_words(answers: Answers, risk_signs: Sequence[WarningSign]) -> list[str]:
    words = [RISK_FACTOR_WORDS[s.id] for s in risk_signs]
    if answers.age_risk and answers.age is not None:
        words.append(NEW_PAIN_AGED.format(band=age_band_words(answers.age)))
    return words


RISK_FACTOR_WORDS: dict[RedFlag, str] = {
    RedFlag.CANCER_HISTORY: "past cancer",
    RedFlag.RECENT_INFECTION: "a recent infection",
    RedFlag.INJECTED_DRUGS: "injected drugs",
    RedFlag.RECENT_SPINAL_PROCEDURE: "a recent spinal procedure",
    RedFlag.WEAKENED_IMMUNE_SYSTEM: "a weakened immune system",
    RedFlag.LONG_TERM_STEROIDS: "long-term steroid tablets",
}


def sign_findings(
    answers: Answers, signs: Mapping[RedFlag, WarningSign] = WARNING_SIGNS_BY_ID
) -> list[Finding]:
    """A finding for each warning sign answered yes, in screen order; a fall only with a
    fragile-bone risk, and upper or mid back pain that does not change with movement with the
    NHS's "top of your back" reason."""
    out: list[Finding] = []
    for flag, sign in signs.items():
        if flag not in answers.red_flags:
            continue
        if flag is RedFlag.FALL_OR_MINOR_INJURY:
            risks = fragile_bone_risks(answers)
            if risks:
                reason = sign.reason.format(risks=join_words(risks))
                out.append(Finding(sign.timeframe, reason, sign.citations))
            continue
        if flag is RedFlag.PAIN_UNCHANGED_BY_MOVEMENT and answers.area in THORACIC:
            reason = UNCHANGED_UPPER_REASON.format(area=AREA_WORDS[answers.area])
            citations = (*sign.citations, "nhs-111-top-of-back")
            citations += ("inferred-upper-mid-changes-with-movement",)
            out.append(Finding(TODAY, reason, citations))
            continue
        out.append(Finding(sign.timeframe, sign.reason, sign.citations))
    return out


def combination_findings(
    answers: Answers, signs: Mapping[RedFlag, WarningSign] = WARNING_SIGNS_BY_ID
) -> list[Finding]:
    """What answers mean together: risk features, and past cancer with its patterns."""
    out: list[Finding] = []
    risk_signs = [s for f, s in signs.items() if s.risk_factor and f in answers.red_flags]
    features = risk_feature_words(answers, risk_signs)
    if risk_signs and len(features) >= 2:
        citations: tuple[str, ...] = ("inferred-risk-features-together",)
        if answers.age_risk:
            citations += ("cks-age", "inferred-new-pain-weeks")
        reason = RISK_FEATURES_TOGETHER_REASON.format(features=join_words(features))
        out.append(Finding(TODAY, reason, citations))
    if RedFlag.CANCER_HISTORY not in answers.red_flags:
        return out
    nerve = [words for flag, words in NERVE_SIGNS.items() if flag in answers.red_flags]
    nerve_citations: tuple[str, ...] = ("mscc-neurological",)
    if Caution.LEG_PAIN_BELOW_KNEE in answers.all_cautions:
        nerve.append(LEG_PAIN_BELOW_KNEE_WORDS)
        nerve_citations += ("inferred-cancer-nerve-pain",)
    if nerve:
        reason = CANCER_NERVE_REASON.format(symptoms=join_words(list(dict.fromkeys(nerve))))
        out.append(Finding(NOW, reason, nerve_citations))
    patterns: list[tuple[str, str]] = []
    if answers.area in THORACIC:
        patterns.append((PAIN_IN_AREA.format(area=AREA_WORDS[answers.area]), "mscc-thoracic"))
    for flags, words, citation in CANCER_PAIN_PATTERNS:
        if flags & answers.red_flags:
            patterns.append((words, citation))
    if pain.is_severe(answers.pain_level) and RedFlag.PAIN_AT_REST not in answers.red_flags:
        patterns.append((SEVERE_PAIN_WORDS, "mscc-unremitting"))
    if patterns:
        reason = CANCER_PAIN_REASON.format(pattern=join_words([w for w, _ in patterns]))
        out.append(Finding(TODAY, reason, tuple(c for _, c in patterns)))
    return out


def findings(
    answers: Answers, signs: Mapping[RedFlag, WarningSign] = WARNING_SIGNS_BY_ID
) -> list[Finding]:
    """Every rule that sends the person to be seen: the signs, their combinations, severe pain
    and an age under 16."""
    out = sign_findings(answers, signs) + combination_findings(answers, signs)
    if pain.is_severe(answers.pain_level):
        severe = ("nhs-gp-severe", "article-severe-pain")
        out.append(Finding(SOON, severe_pain_reason(answers.pain_level), severe, True))
    if answers.is_child:
        # NG59 is guidance on low back pain: its age range is cited for the lower back only.
        scope = ("ng59-over-16s",) if answers.area is Area.LOWER else ()
        child = (*scope, "inferred-under-16")
        out.append(Finding(SOON, CHILD_REASON.format(age=answers.age), child))
    return out


@dataclass(frozen=True)
class Assessment:
    """Where the answers send the person, and the findings that belong there: an emergency
    carries only the emergency findings; a same-day one also those for seeing a doctor, which
    the doctor will want to hear."""

    level: TriageLevel
    timeframe: CareTimeframe | None
    findings: tuple[Finding, ...]

    @property
    def reasons(self) -> list[str]:
        return [f.reason for f in self.findings]

    @property
    def citations(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for f in self.findings for c in f.citations))


def assess(
    answers: Answers, signs: Mapping[RedFlag, WarningSign] = WARNING_SIGNS_BY_ID
) -> Assessment:
    found = findings(answers, signs)
    by_time = {t: [f for f in found if f.timeframe is t] for t in TIMEFRAME_ORDER}
    if by_time[NOW]:
        return Assessment(TriageLevel.URGENT_CARE, NOW, tuple(by_time[NOW]))
    if by_time[TODAY]:
        return Assessment(TriageLevel.SEE_DOCTOR, TODAY, tuple(by_time[TODAY] + by_time[SOON]))
    if by_time[SOON]:
        return Assessment(TriageLevel.SEE_DOCTOR, SOON, tuple(by_time[SOON]))
    return Assessment(TriageLevel.SELF_CARE, None, ())


def escalation(
    answers: Answers, signs: Mapping[RedFlag, WarningSign] = WARNING_SIGNS_BY_ID
) -> tuple[TriageLevel, CareTimeframe | None, list[str]]:
    """The most urgent place the answers send the person, with the reasons that belong there
    (see `Assessment`)."""
    result = assess(answers, signs)
    return result.level, result.timeframe, result.reasons


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


def estimate_seconds(dose: Dose) -> int | None:
    """Time for one move at the article's dose (app.exercises.duration); None when the article
    gives neither a hold nor a repetition count, so there is no dose to time."""
    if dose.hold_seconds is None and dose.reps is None:
        return None
    return dose_seconds(article_dose(dose))


def set_seconds(estimates: Sequence[int | None]) -> int:
    """The timed moves, and a transition between each two moves done one after another."""
    if not estimates:
        return 0
    timed = sum(e for e in estimates if e is not None)
    return timed + (len(estimates) - 1) * TRANSITION_SECONDS


def is_long_lasting(answers: Answers) -> bool:
    return (
        answers.duration_weeks is not None
        and answers.duration_weeks > LONG_DURATION_WEEKS
        and answers.pain_level > 0
    )


def refer_to_doctor(assessment: Assessment, answers: Answers, words: Words) -> Recommendation:
    """An answer that sends the person to be seen: no moves. The article's specialist only
    where the article offers it: severe pain, and nothing else that calls for a doctor."""
    band = pain.band(answers.pain_level)
    level, timeframe = assessment.level, assessment.timeframe
    reasons, citations = tuple(assessment.reasons), assessment.citations
    if level is TriageLevel.URGENT_CARE:
        triage = TriageResult(level, timeframe, band, reasons, words.urgent_message(), citations)
        return Recommendation(triage, (), (), 0, offer_referral=False, show_disclaimer=False)
    if timeframe is TODAY:
        message = words.same_day_message()
        triage = TriageResult(level, timeframe, band, reasons, message, citations)
        return Recommendation(triage, (), (), 0, offer_referral=False, show_disclaimer=False)
    message = words.child_message() if answers.is_child else words.see_doctor_message()
    specialist = all(f.specialist for f in assessment.findings) and not answers.age_risk
    triage = TriageResult(level, timeframe, band, reasons, message, citations)
    return Recommendation(triage, (), (), 0, offer_referral=specialist, show_disclaimer=True)


def recommend(
    answers: Answers,
    catalog: Sequence[CatalogMove],
    *,
    route: CareRoute | None = None,
    signs: Mapping[RedFlag, WarningSign] = WARNING_SIGNS_BY_ID,
    caution_questions: Mapping[Caution, CautionQuestion] = CAUTIONS_BY_ID,
    properties: Mapping[str, frozenset[MoveProperty]] = MOVE_PROPERTIES,
    limitation_rules: Mapping[Limitation, LimitationRule] = LIMITATION_RULES,
) -> Recommendation:
    """Triage first; only a `self_care` answer gets moves, ranked, filtered and sequenced.
    `route` is where the person is (None: no region known), for the words of the messages."""
    words = Words.of(route)
    assessment = assess(answers, signs)
    if assessment.level is not TriageLevel.SELF_CARE:
        return refer_to_doctor(assessment, answers, words)

    band = pain.band(answers.pain_level)
    cautions = answers.all_cautions
    reasons = [self_care_reason(answers.pain_level)]
    citations: list[str] = []
    if RedFlag.FALL_OR_MINOR_INJURY in answers.red_flags:
        # Escalation has ruled out every fragile-bone risk, so the age is known.
        reasons.append(MINOR_INJURY_WITHOUT_RISK.format(age=answers.age))
        citations += ["cks-fracture", "inferred-fall-over-50"]
    if answers.area in THORACIC:
        reasons.append(MOVES_WITH_MOVEMENT_REASON.format(area=AREA_WORDS[answers.area]))
        citations += ["inferred-upper-mid-changes-with-movement"]
    routine = False
    if is_long_lasting(answers):
        reasons.append(LONG_LASTING_REASON.format(weeks=answers.duration_weeks))
        citations += ["nhs-gp-not-improving"]
        routine = True
    if answers.age_risk and answers.age is not None:
        reasons.append(AGE_RISK_REASON.format(age=answers.age, band=age_band_words(answers.age)))
        citations += ["cks-age", "inferred-age-new-pain-alone", "inferred-new-pain-weeks"]
        routine = True
    reasons += [caution_questions[c].reason for c in Caution if c in cautions]
    reasons += [
        limitation_rules[lim].triage_reason for lim in Limitation if lim in answers.limitations
    ]
    cited = tuple(dict.fromkeys(citations))

    kept, excluded = hold_back(
        rank_for_area(answers.area, catalog),
        cautions,
        answers.limitations,
        caution_questions=caution_questions,
        properties=properties,
        limitation_rules=limitation_rules,
    )
    if not kept:
        reasons.append(NOTHING_LEFT_REASON.format(area=AREA_WORDS[answers.area]))
        message = NOTHING_LEFT_MESSAGE + words.routine_advice()
        triage = TriageResult(
            TriageLevel.SELF_CARE, CareTimeframe.ROUTINE, band, tuple(reasons), message, cited
        )
        return Recommendation(
            triage, (), tuple(excluded), 0, offer_referral=False, show_disclaimer=True
        )

    steps = suggested_order([move for move, _ in kept])
    picks = tuple(
        Pick(move, relevance, step, estimate_seconds(move.dose))
        for (move, relevance), step in zip(kept, steps, strict=True)
    )
    message = SELF_CARE_MESSAGE + (words.routine_advice() if routine else "")
    in_order = sorted(picks, key=lambda p: p.order)
    return Recommendation(
        TriageResult(
            TriageLevel.SELF_CARE,
            CareTimeframe.ROUTINE if routine else None,
            band,
            tuple(reasons),
            message,
            cited,
        ),
        picks,
        tuple(excluded),
        set_seconds([p.estimated_seconds for p in in_order]),
        offer_referral=False,
        show_disclaimer=True,
    )


def reason_texts() -> tuple[str, ...]:
    """Every sentence a reason can be, and every phrase one is filled with: the templates and
    words reasons are translated from (`app.i18n.phrases`)."""
    return (
        *SELF_CARE_REASONS.values(),
        SEVERE_PAIN_REASON,
        CHILD_REASON,
        MINOR_INJURY_WITHOUT_RISK,
        LONG_LASTING_REASON,
        AGE_RISK_REASON,
        MOVES_WITH_MOVEMENT_REASON,
        UNCHANGED_UPPER_REASON,
        RISK_FEATURES_TOGETHER_REASON,
        CANCER_NERVE_REASON,
        CANCER_PAIN_REASON,
        NOTHING_LEFT_REASON,
        *(sign.reason for sign in WARNING_SIGNS_BY_ID.values()),
        *(question.reason for question in CAUTIONS_BY_ID.values()),
        *(question.hold_back_reason for question in CAUTIONS_BY_ID.values()),
        *(rule.triage_reason for rule in LIMITATION_RULES.values()),
        *(rule.exclusion_reason for rule in LIMITATION_RULES.values()),
        AGE_UNKNOWN_RISK,
        AGE_RISK,
        OSTEOPOROSIS_RISK,
        STEROIDS_RISK,
        OVER_AGE,
        UNDER_AGE,
        NEW_PAIN_AGED,
        PAIN_IN_AREA,
        SEVERE_PAIN_WORDS,
        LEG_PAIN_BELOW_KNEE_WORDS,
        *AREA_WORDS.values(),
        *RISK_FACTOR_WORDS.values(),
        *dict.fromkeys(NERVE_SIGNS.values()),
        *(words for _, words, _ in CANCER_PAIN_PATTERNS),
    )
