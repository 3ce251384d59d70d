"""Request and response shapes for the safety screen and recommendations."""

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from app.care.schemas import ReferralPublic
from app.core.enums import Area, ExerciseKind, Position, Relevance
from app.exercises.schemas import Dose

MAX_DURATION_WEEKS = 5200  # a hundred years: anything longer is a typo


class ScreeningTier(StrEnum):
    """What a "yes" to a screening question means: `urgent` (seek emergency care now),
    `see_doctor` (see a doctor soon; no self-guided exercise) or `caution` (exercise, but some
    moves are held back)."""

    URGENT = "urgent"
    SEE_DOCTOR = "see_doctor"
    CAUTION = "caution"


class RedFlag(StrEnum):
    """Id of a screening question, sent back in `red_flags` when the answer is yes."""

    SADDLE_NUMBNESS = "saddle_numbness"
    BLADDER_BOWEL_CHANGE = "bladder_bowel_change"
    LEG_WEAKNESS_BOTH_OR_WORSENING = "leg_weakness_both_or_worsening"
    CHEST_PAIN = "chest_pain"
    MAJOR_TRAUMA = "major_trauma"
    FEVER_OR_UNWELL = "fever_or_unwell"
    UNEXPLAINED_WEIGHT_LOSS = "unexplained_weight_loss"
    CANCER_HISTORY = "cancer_history"
    NIGHT_OR_REST_PAIN = "night_or_rest_pain"
    WEAKENED_IMMUNE_SYSTEM = "weakened_immune_system"
    NEW_LUMP_OR_DEFORMITY = "new_lump_or_deformity"
    OSTEOPOROSIS = "osteoporosis"
    LEG_PAIN_BELOW_KNEE = "leg_pain_below_knee"


class Limitation(StrEnum):
    """Something the person cannot do; moves that start in that position are left out."""

    CANNOT_KNEEL = "cannot_kneel"
    CANNOT_LIE_ON_FLOOR = "cannot_lie_on_floor"
    CANNOT_STAND_UNSUPPORTED = "cannot_stand_unsupported"


class TriageLevel(StrEnum):
    """`self_care`: the moves suit you; `see_doctor`: see a doctor or specialist first, no
    moves; `urgent_care`: get emergency care now, no moves."""

    SELF_CARE = "self_care"
    SEE_DOCTOR = "see_doctor"
    URGENT_CARE = "urgent_care"


class ScreeningQuestionPublic(BaseModel):
    """One yes/no question of the safety screen."""

    id: RedFlag = Field(description="Stable id; send it in `red_flags` when the answer is yes.")
    text: str = Field(description="The question, worded for a lay person.")
    tier: ScreeningTier


class ScreeningQuestionList(BaseModel):
    """The safety screen, most serious questions first."""

    data: list[ScreeningQuestionPublic]
    count: int = Field(description="Number of questions.")


SELF_CARE_EXAMPLE: dict[str, Any] = {
    "area": "lower",
    "pain_level": 4,
    "red_flags": [],
    "limitations": ["cannot_kneel"],
    "duration_weeks": 2,
}
RED_FLAG_EXAMPLE: dict[str, Any] = {
    "area": "lower",
    "pain_level": 6,
    "red_flags": ["saddle_numbness"],
    "limitations": [],
}
CAUTION_EXAMPLE: dict[str, Any] = {
    "area": "mid",
    "pain_level": 3,
    "red_flags": ["osteoporosis"],
    "limitations": [],
    "duration_weeks": 8,
}


class RecommendationCreate(BaseModel):
    """Where it hurts, how much, and the safety-screen answers."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [SELF_CARE_EXAMPLE, RED_FLAG_EXAMPLE, CAUTION_EXAMPLE]},
    )

    area: Area = Field(description="Part of the back that hurts.")
    # Strict: a pain rating is a whole number; 3.5 or "5" is a client bug worth surfacing.
    pain_level: StrictInt = Field(
        ge=0, le=10, description="Pain right now, 0 (none) to 10 (worst imaginable)."
    )
    red_flags: list[RedFlag] = Field(
        default_factory=list,
        max_length=50,
        description="Ids of the screening questions answered yes (see `GET "
        "/v1/screening/questions`).",
    )
    limitations: list[Limitation] = Field(
        default_factory=list, max_length=10, description="Things the person cannot do."
    )
    duration_weeks: StrictInt | None = Field(
        default=None,
        ge=0,
        le=MAX_DURATION_WEEKS,
        description="How many weeks the pain has lasted, if known.",
    )


class Triage(BaseModel):
    """How to go about the pain: self-care with the moves, or see someone first."""

    level: TriageLevel
    reasons: list[str] = Field(description="One plain-language line for each rule that applied.")
    message: str = Field(description="What to do next, to show at the top of the answer.")


class ExerciseBrief(BaseModel):
    """The move, enough to list it; `GET /v1/exercises/{slug}` has the steps."""

    slug: str
    name: str
    kind: ExerciseKind
    position: Position = Field(description="Starting position.")


class RecommendedMove(BaseModel):
    """A move that suits the reported pain."""

    exercise: ExerciseBrief
    relevance: Relevance = Field(description="How directly the article links it to the area.")
    reason: str = Field(description="What the article says the move helps with.")
    dose: Dose
    order: int = Field(
        ge=1,
        description="Step in the suggested sequence (1 = first). Moves are done from the best "
        "match down, but moves that start in the same position are done back to back so you "
        "get down and up as few times as possible.",
    )
    estimated_seconds: int = Field(description="Rough time for this move; see the total.")


class ExcludedMove(BaseModel):
    """A move for this area that was held back, and why."""

    slug: str
    name: str
    reason: str = Field(description="Why it was held back, in plain words.")
    causes: list[str] = Field(
        description="The red-flag ids and limitations that held it back, e.g. `osteoporosis`."
    )


class RecommendationPublic(BaseModel):
    """The answer to a recommendation request."""

    triage: Triage
    moves: list[RecommendedMove] = Field(
        description="Moves that suit the answers, best match first: moves the article names "
        "for this area, then moves that help the back in general, each group in article "
        "order. Empty unless triage is `self_care`."
    )
    excluded: list[ExcludedMove] = Field(
        description="Moves for this area held back by a caution answer or a limitation."
    )
    estimated_total_seconds: int = Field(
        description="Rough time for the whole set. Per move: 10 s to get into position, then "
        "for each repetition (one when the article gives no count) the longest hold (10 s for a "
        "move without a hold) plus 2 s to move in and out, twice for moves done on each side. "
        "The upper end of the article's ranges is used so the estimate is not short."
    )
    referral: ReferralPublic | None = Field(
        description="Where to get in-person care; present when triage is not `self_care`, when "
        "the pain has lasted long enough to have it looked at, or when no move is left."
    )
    disclaimer: str = Field(description="Who the article's moves are meant for.")
