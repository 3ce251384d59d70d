import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.contract.types import WHOLE_NUMBER, BoundedDatetime, Uuid
from app.core.clock import UtcDatetime
from app.i18n.catalog import TranslationStatus
from app.shared.pain import PAIN_MAX, PAIN_MIN

Answer = Annotated[int, Field(ge=PAIN_MIN, le=PAIN_MAX), WHOLE_NUMBER]

PEG_RESPONSE_EXAMPLE: dict[str, Any] = {
    "id": "9a3e2f71-6c0d-4b8e-a5f2-1d7c3b9e0a64",
    "answered_at": "2026-11-23T20:00:00-06:00",
    "pain": 6,
    "enjoyment": 5,
    "activity": 7,
}


class QuestionnaireItem(BaseModel):
    """One question, answered with a whole number between `min` and `max`."""

    id: str = Field(description="The field the answer goes in.")
    text: str
    min: int
    max: int
    anchor_low: str = Field(description="What `min` means.")
    anchor_high: str = Field(description="What `max` means.")


class QuestionnaireTranslation(BaseModel):
    """The questionnaire's scoring, schedule and threshold sources in the request's language,
    beside the English they translate (the questions themselves are the validated English
    instrument and are not translated here)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "language": "es",
                    "status": "machine",
                    "scoring": "La puntuación es la media de las tres respuestas (0 a 10); "
                    "cuanto más alta, peor.",
                    "schedule": "Responda una vez al inicio y después una vez por semana.",
                    "meaningful_change_points_source": "Reed DE 2nd, ... Este servicio usa 1 "
                    "punto, el extremo inferior del rango basado en anclajes.",
                    "meaningful_change_source": "Dworkin RH, ... IMMPACT: al menos un 30% para "
                    "una mejora moderadamente importante.",
                }
            ]
        }
    )

    language: str = Field(examples=["es"])
    status: TranslationStatus
    scoring: str
    schedule: str
    meaningful_change_points_source: str
    meaningful_change_source: str


class QuestionnairePublic(BaseModel):
    """A validated outcome measure, with its items, scoring and source."""

    slug: str
    name: str
    title: str
    instructions: str
    recall: str = Field(description="The period the answers are about.")
    items: list[QuestionnaireItem]
    scoring: str
    schedule: str = Field(description="When to answer it.")
    meaningful_change_points: float = Field(
        description="The absolute threshold: a change is meaningful only when the score moves "
        "by at least this many points (0-10 scale) from the first score, and by the relative "
        "threshold too."
    )
    meaningful_change_points_source: str = Field(
        description="What the source of the absolute threshold says, and what is inferred."
    )
    meaningful_change_percent: int = Field(
        description="The relative threshold: a change is meaningful only when the score moves "
        "by at least this many percent of the first score, and by the absolute threshold too. "
        "Any rise from a first score of 0 passes it."
    )
    meaningful_change_source: str = Field(
        description="What the source of the relative threshold says, and what is inferred."
    )
    citation: str
    license: str
    translation: QuestionnaireTranslation | None = Field(
        description="`scoring`, `schedule` and the threshold sources in the language "
        "`Accept-Language` asks for, with their translation status; null in English or when "
        "any of them has no translation. The fields above always keep the English source."
    )


class PegResponseCreate(BaseModel):
    """The three PEG answers. Send the same `id` again and the stored response comes back
    with 200."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [PEG_RESPONSE_EXAMPLE]}
    )

    id: Uuid | None = Field(
        default=None,
        description="Client-generated UUID, so retries are safe. Omit it and the server picks one.",
    )
    answered_at: BoundedDatetime = Field(
        description="When it was answered, with UTC offset; not in the future (5 minutes of "
        "clock skew allowed)."
    )
    pain: Answer = Field(description="Pain on average in the past week, 0 to 10.")
    enjoyment: Answer = Field(
        description="How much pain interfered with enjoyment of life in the past week, 0 to 10."
    )
    activity: Answer = Field(
        description="How much pain interfered with general activity in the past week, 0 to 10."
    )


class PegResponsePublic(BaseModel):
    """A stored PEG response, scored against the first one (the baseline)."""

    id: uuid.UUID
    answered_at: UtcDatetime
    local_date: date = Field(description="answered_at's day in your timezone.")
    pain: int
    enjoyment: int
    activity: int
    score: float = Field(description="Mean of the three answers, 0 to 10; higher is worse.")
    baseline: bool = Field(description="This is the first response: the baseline.")
    baseline_score: float
    change_points: float = Field(
        description="Change of the score from the baseline, in points; negative is better."
    )
    change_percent: float | None = Field(
        description="Change of the score from the baseline, in percent of it; negative is "
        "better. Null when the baseline score was 0."
    )
    meaningful_improvement: bool = Field(
        description="The score fell by both thresholds of the questionnaire: at least "
        "`meaningful_change_points` (1) points and `meaningful_change_percent` (30%) of the "
        "baseline."
    )
    meaningful_worsening: bool = Field(
        description="The score rose by both thresholds (1 point and 30% of the baseline; from "
        "a baseline of 0, by 1 point). Raises a concern in your safety state (`GET "
        "/v1/me/safety`)."
    )
    created_at: UtcDatetime


class PegResponseRecord(BaseModel):
    """A PEG response as stored (in the account export)."""

    id: uuid.UUID
    answered_at: UtcDatetime
    local_date: date
    pain: int
    enjoyment: int
    activity: int
    score: float = Field(description="Mean of the three answers, 0 to 10; higher is worse.")
    created_at: UtcDatetime


class PegResponseList(BaseModel):
    """The caller's PEG responses, newest first."""

    data: list[PegResponsePublic]
    count: int = Field(description="Responses across all pages.")
    next_cursor: str | None = Field(
        description="Send it as `cursor` for the next page; null on the last page."
    )
    next_due_on: date = Field(
        description="When the next response is due, in your timezone: today with none yet, "
        "else a week after the latest."
    )
