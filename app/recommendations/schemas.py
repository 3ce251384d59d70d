"""Request and response shapes for the safety screen and recommendations."""

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from app.care.routes import CareRoute
from app.care.schemas import ReferralPublic
from app.contract.types import WHOLE_NUMBER, Region
from app.contract.versioning import renamed
from app.exercises.schemas import DISCLAIMER_DESCRIPTION, Dose
from app.i18n.schemas import TranslatedText, TranslationPublic
from app.media.schemas import MoveMedia
from app.safety.schemas import CareTimeframe, GeneralGuidance, SafetyState, TriageLevel
from app.shared.enums import Area, ExerciseKind, Position, Relevance
from app.shared.pain import PAIN_MAX, PAIN_MIN, PainBand

MAX_DURATION_WEEKS = 5200  # a hundred years: anything longer is a typo
MAX_AGE = 120


class ScreeningTier(StrEnum):
    """What a "yes" to a screening question means: `urgent` (seek emergency care now),
    `see_doctor` (see a doctor first, today or in the next few days as `timeframe` says; no
    self-guided exercise) or `caution` (exercise, but some moves are held back)."""

    URGENT = "urgent"
    SEE_DOCTOR = "see_doctor"
    CAUTION = "caution"


class RedFlag(StrEnum):
    """Id of a screening question. Warning-sign ids go in `red_flags` when the answer is yes.

    Deprecated since 1.1.0, still accepted in `red_flags` until `/v2`:
    `leg_weakness_both_or_worsening` (now `both_legs_numb_or_weak` and
    `leg_weakness_worsening`), `night_or_rest_pain` (now `night_pain` and `pain_at_rest`), and
    the caution ids `osteoporosis` and `leg_pain_below_knee` (send them in `cautions`)."""

    SADDLE_NUMBNESS = "saddle_numbness"
    BLADDER_BOWEL_CHANGE = "bladder_bowel_change"
    BOTH_LEGS_NUMB_OR_WEAK = "both_legs_numb_or_weak"
    LEG_WEAKNESS_WORSENING = "leg_weakness_worsening"
    CHEST_PAIN = "chest_pain"
    MAJOR_TRAUMA = "major_trauma"
    FEVER_OR_UNWELL = "fever_or_unwell"
    RECENT_INFECTION = "recent_infection"
    INJECTED_DRUGS = "injected_drugs"
    RECENT_SPINAL_PROCEDURE = "recent_spinal_procedure"
    WEAKENED_IMMUNE_SYSTEM = "weakened_immune_system"
    LONG_TERM_STEROIDS = "long_term_steroids"
    FALL_OR_MINOR_INJURY = "fall_or_minor_injury"
    UNEXPLAINED_WEIGHT_LOSS = "unexplained_weight_loss"
    CANCER_HISTORY = "cancer_history"
    NIGHT_PAIN = "night_pain"
    PAIN_AT_REST = "pain_at_rest"
    NEW_LUMP_OR_DEFORMITY = "new_lump_or_deformity"
    BOTH_LEGS_PAIN = "both_legs_pain"
    DIFFICULTY_WALKING = "difficulty_walking"
    SEXUAL_DYSFUNCTION = "sexual_dysfunction"
    COUGH_SNEEZE_STRAIN_PAIN = "cough_sneeze_strain_pain"
    PAIN_UNCHANGED_BY_MOVEMENT = "pain_unchanged_by_movement"
    OSTEOPOROSIS = "osteoporosis"
    LEG_PAIN_BELOW_KNEE = "leg_pain_below_knee"
    # Deprecated since 1.1.0: each asked two things at once.
    LEG_WEAKNESS_BOTH_OR_WORSENING = "leg_weakness_both_or_worsening"
    NIGHT_OR_REST_PAIN = "night_or_rest_pain"


class Caution(StrEnum):
    """Id of a caution question, sent in `cautions` when the answer is yes: the moves that
    could aggravate it are held back."""

    OSTEOPOROSIS = "osteoporosis"
    LEG_PAIN_BELOW_KNEE = "leg_pain_below_knee"


DEPRECATED_RED_FLAGS: frozenset[RedFlag] = frozenset(
    {
        RedFlag.LEG_WEAKNESS_BOTH_OR_WORSENING,
        RedFlag.NIGHT_OR_REST_PAIN,
        RedFlag.OSTEOPOROSIS,
        RedFlag.LEG_PAIN_BELOW_KNEE,
    }
)


class AnswerField(StrEnum):
    """The request field a "yes" answer goes in: `red_flags` or `cautions`."""

    RED_FLAGS = "red_flags"
    CAUTIONS = "cautions"


class Limitation(StrEnum):
    """Something the person cannot do; moves that start in that position are left out."""

    CANNOT_KNEEL = "cannot_kneel"
    CANNOT_LIE_ON_FLOOR = "cannot_lie_on_floor"
    CANNOT_STAND_UNSUPPORTED = "cannot_stand_unsupported"


class CitationKind(StrEnum):
    """`guidance`: a published source's words; `article`: the source article's words;
    `inferred`: a rule no source states, with its reason."""

    GUIDANCE = "guidance"
    ARTICLE = "article"
    INFERRED = "inferred"


class CitationPublic(BaseModel):
    """What a tier or rule rests on: a source's exact words, or an inference with its reason."""

    id: str = Field(description="Stable id of the citation, e.g. `nhs-999-both-legs`.")
    kind: CitationKind
    title: str | None = Field(description="The source's title; null for an inference.")
    publisher: str | None
    url: str | None
    section: str | None = Field(description="The part of the source, e.g. its heading.")
    quotes: list[str] = Field(description="The source's words, verbatim.")
    reason: str | None = Field(description="Why an inferred rule is held.")


class _ScreeningQuestion(BaseModel):
    text: str = Field(
        description="The question, one thing at a time, in plain words, in the request's "
        "language (`Accept-Language`)."
    )
    help: str = Field(description="A plain-language line explaining the question.")
    translation: TranslationPublic = Field(
        description="The language of `text` and `help` and how far their translation is "
        "reviewed (`original` in English)."
    )
    tier: ScreeningTier


class WarningSignQuestion(_ScreeningQuestion):
    """A warning-sign question of the safety screen: its id goes in `red_flags` when the
    answer is yes."""

    id: RedFlag = Field(description="Stable id; send it in `red_flags` when the answer is yes.")
    answer_in: Literal[AnswerField.RED_FLAGS] = Field(
        description="The request field the id goes in when the answer is yes."
    )
    timeframe: CareTimeframe = Field(
        description="How soon a yes alone sends the person to be seen. Some answers send the "
        "person sooner together with others (see the combination rules in docs/api.md)."
    )
    citations: list[CitationPublic] = Field(
        description="What the tier rests on: the guidance's words, or an inference."
    )


class CautionQuestion(_ScreeningQuestion):
    """A caution question of the safety screen: its id goes in `cautions` when the answer is
    yes, and the moves that could aggravate it are held back."""

    id: Caution = Field(description="Stable id; send it in `cautions` when the answer is yes.")
    answer_in: Literal[AnswerField.CAUTIONS] = Field(
        description="The request field the id goes in when the answer is yes."
    )
    timeframe: None = Field(description="Always null: a caution sends no one to be seen.")
    citations: list[CitationPublic] = Field(
        description="Always empty: a caution holds moves back rather than setting a tier."
    )


ScreeningQuestionPublic = Annotated[
    WarningSignQuestion | CautionQuestion, Field(discriminator="answer_in")
]


class ScreeningQuestionList(BaseModel):
    """The safety screen, most serious questions first. Ask every question: a recommendation
    takes the answers as the ids answered yes (`red_flags` and `cautions`, both required).
    Ask the person's age as well (`age` on the request): under 16 gets no moves, new pain over
    50 or under 20 counts as a risk feature, and after a fall or a minor injury an unknown age
    is treated as over 50."""

    data: list[ScreeningQuestionPublic]
    count: int = Field(description="Number of questions.")


SELF_CARE_EXAMPLE: dict[str, Any] = {
    "area": "lower",
    "pain_level": 4,
    "red_flags": [],
    "cautions": [],
    "limitations": ["cannot_kneel"],
    "duration_weeks": 2,
    "age": 38,
}
RED_FLAG_EXAMPLE: dict[str, Any] = {
    "area": "lower",
    "pain_level": 6,
    "red_flags": ["saddle_numbness"],
    "cautions": [],
    "limitations": [],
    "region": "GB",
}
SAME_DAY_EXAMPLE: dict[str, Any] = {
    "area": "mid",
    "pain_level": 5,
    "red_flags": ["fever_or_unwell"],
    "cautions": [],
    "region": "DE",
}
CAUTION_EXAMPLE: dict[str, Any] = {
    "area": "mid",
    "pain_level": 3,
    "red_flags": [],
    "cautions": ["osteoporosis"],
    "limitations": [],
    "duration_weeks": 8,
    "age": 45,
}

SCREEN_FIRST = (
    "required: ask the safety screen first (GET /v1/screening/questions) and send the ids "
    "of the warning-sign questions answered yes, or [] when none applies"
)
CAUTIONS_FIRST = (
    "required: ask the caution questions of the safety screen (GET /v1/screening/questions, "
    "`answer_in` `cautions`) and send the ids answered yes, or [] when none applies; a "
    "missing answer never reads as a no"
)


class _NotSent:
    """Marks `red_flags` or `cautions` as absent, so the missing screen gets its own
    message."""

    def __repr__(self) -> str:
        return "<not sent>"


_NOT_SENT = _NotSent()


class RecommendationCreate(BaseModel):
    """Where it hurts, how much, and the safety-screen answers."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [SELF_CARE_EXAMPLE, RED_FLAG_EXAMPLE, SAME_DAY_EXAMPLE, CAUTION_EXAMPLE]
        },
    )

    area: Area = Field(description="Part of the back that hurts.")
    # A whole number: 3.5 or "5" is a client bug worth surfacing (8.0 is JSON's 8).
    pain_level: Annotated[int, Field(ge=PAIN_MIN, le=PAIN_MAX), WHOLE_NUMBER] = Field(
        description="Pain right now, 0 (none) to 10 (worst imaginable). Bands: 0 none, 1-3 "
        "mild, 4-6 moderate, 7-10 severe; severe pain gets no self-care moves.",
    )
    red_flags: list[RedFlag] = Field(
        max_length=50,
        description="Required: ids of the warning-sign questions (tiers `urgent` and "
        "`see_doctor`) answered yes; `[]` means the person was screened and none applies. A "
        "request without it is refused: the screen comes first. The caution ids "
        "`osteoporosis` and `leg_pain_below_knee` are deprecated here (send them in "
        "`cautions`) and, like the ids `leg_weakness_both_or_worsening` and "
        "`night_or_rest_pain`, still accepted until `/v2`.",
    )
    cautions: list[Caution] = Field(
        max_length=10,
        description="Required, like `red_flags`: ids of the caution questions answered yes; "
        "`[]` means the person was asked and none applies. A request without it is refused "
        "(`screen_missing`), because a missing answer never reads as a no.",
    )
    limitations: list[Limitation] = Field(
        default_factory=list, max_length=10, description="Things the person cannot do."
    )
    duration_weeks: Annotated[int, Field(ge=0, le=MAX_DURATION_WEEKS), WHOLE_NUMBER] | None = Field(
        default=None,
        description="How many weeks the pain has lasted, if known.",
    )
    age: Annotated[int, Field(ge=0, le=MAX_AGE), WHOLE_NUMBER] | None = Field(
        default=None,
        description="Age in years, if the person gives it; signed in, the profile's "
        "`birth_year` is used when it is left out. Under 16 gets no moves (the guidance behind "
        "the moves is for over 16s); new pain over 50 or under 20 is a risk feature; after a "
        "fall or minor injury, an age over 50 (or an unknown age) means a broken bone can't be "
        "ruled out.",
    )
    region: Region | None = Field(
        default=None,
        description="Where the person is (ISO 3166-1 alpha-2), for the care routes the answer "
        "names; signed in, the profile's `region` is used when it is left out.",
    )

    @model_validator(mode="before")
    @classmethod
    def _mark_missing_screen(cls, data: Any) -> Any:
        if isinstance(data, dict):
            missing = {f: _NOT_SENT for f in ("red_flags", "cautions") if f not in data}
            if missing:
                return {**data, **missing}
        return data

    @field_validator("red_flags", mode="before")
    @classmethod
    def _screen_comes_first(cls, value: Any) -> Any:
        if value is _NOT_SENT or value is None:
            raise PydanticCustomError("screen_missing", SCREEN_FIRST)
        return value

    @field_validator("cautions", mode="before")
    @classmethod
    def _cautions_come_first(cls, value: Any) -> Any:
        if value is _NOT_SENT or value is None:
            raise PydanticCustomError("screen_missing", CAUTIONS_FIRST)
        return value


class Triage(BaseModel):
    """How to go about the pain: self-care with the moves, or see someone first, and how
    soon."""

    level: TriageLevel
    timeframe: CareTimeframe | None = Field(
        description="How soon to be seen in person: `now` with `urgent_care`; `today` or "
        "`soon` with `see_doctor`; `routine` or null with `self_care`."
    )
    pain_band: PainBand = Field(description="The reported pain level's band.")
    reasons: list[str] = Field(
        description="One plain-language line for each rule that applied, in the request's "
        "language when it has a translation."
    )
    message: str = Field(
        description="What to do next, to show at the top of the answer, in the request's "
        "language when it has a translation."
    )
    translation: TranslationPublic = Field(
        description="The language of `message` and `reasons` and how far their translation is "
        "reviewed (the weakest status among them)."
    )
    citations: list[CitationPublic] = Field(
        description="What the triage rests on: the guidance's words for each rule that "
        "applied, or the inference and its reason."
    )


class ExerciseBrief(BaseModel):
    """The move, enough to list it; `GET /v1/exercises/{slug}` has the steps."""

    slug: str
    name: str
    name_translated: TranslatedText | None = Field(
        default=None,
        description="`name` in the request's language, with its translation status; null in "
        "English or when the name has no translation.",
    )
    kind: ExerciseKind
    position: Position = Field(description="Starting position.")


class RecommendedMove(BaseModel):
    """A move that suits the reported pain."""

    exercise: ExerciseBrief
    relevance: Relevance = Field(description="How directly the article links it to the area.")
    reason: str = Field(description="What the article says the move helps with.")
    reason_translated: TranslatedText | None = Field(
        default=None,
        description="`reason` in the request's language, with its translation status; null in "
        "English or when it has no translation. `reason` stays the article's words.",
    )
    dose: Dose
    order: int = Field(
        ge=1,
        description="Step in the suggested sequence (1 = first); `moves` come in this order. "
        "Moves are done from the best match down, but moves that start in the same position "
        "are done back to back so you get down and up as few times as possible.",
    )
    rank: int = Field(
        ge=1,
        description="Place from the best match down (1 = best): moves the article names for "
        "the area first, then moves that help the back in general, each group in article "
        "order.",
    )
    estimated_seconds: int | None = Field(
        description="Rough time for this move; see the total. Null when the article gives "
        "the move no hold and no repetitions: there is no dose to time."
    )
    media: MoveMedia | None = Field(
        description="The move's thumbnail and animation (drawn by this service); null for a "
        "move not drawn yet."
    )


class ExcludedMove(BaseModel):
    """A move for this area that was held back, and why."""

    slug: str
    name: str
    name_translated: TranslatedText | None = Field(
        default=None,
        description="`name` in the request's language, with its translation status; null in "
        "English or when the name has no translation.",
    )
    reason: str = Field(
        description="Why it was held back, in plain words, in the request's language when it "
        "has a translation."
    )
    causes: list[str] = Field(
        description="The caution ids and limitations that held it back, e.g. `osteoporosis`."
    )


class RecommendationPublic(BaseModel):
    """The answer to a recommendation request."""

    triage: Triage
    moves: list[RecommendedMove] = Field(
        description="Moves that suit the answers, in the suggested order (`order`); `rank` "
        "gives the best-match order. Empty unless triage is `self_care`."
    )
    excluded: list[ExcludedMove] = Field(
        description="Moves for this area held back by a caution answer or a limitation. Empty "
        "unless triage is `self_care`."
    )
    estimated_seconds: int = Field(
        description="Rough time for the moves the article gives a dose for, plus 15 s to "
        "change between each two moves. A move's time is the article's dose at the upper end "
        "of its ranges: sides x repetitions (one when the article gives no count) x (hold + "
        "3 s to move), where sides is 2 for moves done on each side. A move with neither a "
        "hold nor a repetition count is not timed (its `estimated_seconds` is null). Routines "
        "use the same estimate."
    )
    estimated_total_seconds: int = Field(
        description=renamed("estimated_seconds"), json_schema_extra={"deprecated": True}
    )
    referral: ReferralPublic | None = Field(
        description="The article's own example of a back pain specialist, shown only where the "
        "article offers it: severe pain (7-10) with no warning sign and no other rule sending "
        "the person to a doctor. Never with a possible cancer, an emergency, a same-day answer "
        "or under 16; `care_route` says where to go instead."
    )
    care_route: CareRoute = Field(
        description="Where to get care where the person is (`region` on the request or the "
        "profile): the emergency number, the urgent route for a doctor today, the routine "
        "route, and physiotherapy self-referral where it exists, each with its source. The "
        "fallback, with no region, names no local service."
    )
    disclaimer: str | None = Field(
        description=DISCLAIMER_DESCRIPTION + " Null with `urgent_care` and same-day answers, "
        "which carry nothing but the care they need."
    )
    general_guidance: GeneralGuidance | None = Field(
        description="NICE NG59's first advice, with a `self_care` answer; null otherwise."
    )
    safety: SafetyState | None = Field(
        description="With a token: your safety state once these answers are recorded (the same "
        "as GET /v1/me/safety). While a concern in it holds exercise, the answer carries no "
        "moves and its `triage` is that concern's, when it is more urgent than the answers' "
        "own. Null for anonymous callers."
    )
