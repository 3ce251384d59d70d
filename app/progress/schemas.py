import uuid
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from app.contract.types import WHOLE_NUMBER, BoundedDatetime, Uuid, text
from app.core.clock import UtcDatetime
from app.exercises.schemas import DosedMove
from app.i18n.schemas import TranslatedText
from app.safety.schemas import GeneralGuidance
from app.shared.enums import Area
from app.shared.pain import PAIN_MAX, PAIN_MIN
from app.shared.sync import SyncedPage

MAX_EXERCISES = 30
MAX_NOTES = 2000
MAX_SESSION_LENGTH = timedelta(hours=12)

Pain = Annotated[int, Field(ge=PAIN_MIN, le=PAIN_MAX), WHOLE_NUMBER]
Notes = Annotated[str, text(MAX_NOTES, strip=True)]
Slug = Annotated[str, text(64, min_length=1)]

SESSION_EXAMPLE: dict[str, Any] = {
    "id": "7f0c1f5e-9a43-4c8e-9a57-3d7d1c0b6a21",
    "routine_id": None,
    "area": "lower",
    "started_at": "2026-11-23T07:30:00-05:00",
    "completed_at": "2026-11-23T07:42:00-05:00",
    "pain_before": 6,
    "pain_after": 3,
    "exercises": [
        {"exercise_slug": "knee-rolls", "sets": 1, "reps": 8, "hold_seconds": 3},
        {"exercise_slug": "hamstring-stretch", "sets": 2, "hold_seconds": 5},
    ],
    "notes": "Stiff after the drive; better afterwards.",
}


class SessionExerciseIn(BaseModel):
    """A move done in the session and how much of it."""

    model_config = ConfigDict(json_schema_extra={"examples": [SESSION_EXAMPLE["exercises"][0]]})

    exercise_slug: Slug = Field(description="Slug of a move from the catalog.")
    sets: Annotated[int, Field(gt=0, le=20), WHOLE_NUMBER] = Field(
        default=1, description="Rounds done."
    )
    reps: Annotated[int, Field(gt=0, le=100), WHOLE_NUMBER] | None = Field(
        default=None, description="Repetitions per set."
    )
    hold_seconds: Annotated[int, Field(gt=0, le=600), WHOLE_NUMBER] | None = Field(
        default=None, description="Seconds each repetition was held."
    )


class SessionCreate(BaseModel):
    """A session the user did. Send the same `id` again (e.g. after a timeout) and the stored
    session comes back with 200; nothing is stored twice."""

    model_config = ConfigDict(json_schema_extra={"examples": [SESSION_EXAMPLE]})

    id: Uuid | None = Field(
        default=None,
        description="Client-generated UUID, so retries and offline sync are safe. "
        "Omit it and the server picks one.",
    )
    routine_id: Uuid | None = Field(
        default=None, description="The routine followed: a curated one or one of your own."
    )
    area: Area = Field(description="Where the pain was.")
    started_at: BoundedDatetime = Field(
        description="When the session started, with UTC offset, in the years 2000 to 2099."
    )
    completed_at: BoundedDatetime = Field(
        description="When it ended, with UTC offset: not before started_at, at most 12 hours "
        "later, and not in the future (5 minutes of clock skew allowed)."
    )
    pain_before: Pain = Field(description="Pain before the session, 0 (none) to 10 (worst).")
    pain_after: Pain = Field(description="Pain after the session, 0 (none) to 10 (worst).")
    exercises: list[SessionExerciseIn] = Field(
        min_length=1, max_length=MAX_EXERCISES, description="Moves done, in order."
    )
    notes: Notes | None = Field(
        default=None, description=f"Free text, up to {MAX_NOTES} characters."
    )

    @field_validator("completed_at")
    @classmethod
    def _after_start(cls, completed_at: datetime, info: ValidationInfo) -> datetime:
        started_at = info.data.get("started_at")
        if started_at is None:
            return completed_at
        if completed_at < started_at:
            raise ValueError("must not be before started_at")
        if completed_at - started_at > MAX_SESSION_LENGTH:
            raise ValueError("must be at most 12 hours after started_at")
        return completed_at


class SessionExercisePublic(DosedMove):
    """A move done in a session."""

    order: int = Field(description="Step within the session, from 1.")


class SessionPublic(BaseModel):
    """A logged session, with what its pain scores mean."""

    id: uuid.UUID
    routine_id: uuid.UUID | None = Field(
        description="The routine followed; null if none, or if that routine was deleted."
    )
    area: Area
    started_at: UtcDatetime
    completed_at: UtcDatetime
    local_date: date = Field(
        description="The day the session counts for: completed_at in your timezone."
    )
    duration_seconds: int
    pain_before: int
    pain_after: int
    pain_change: int = Field(description="pain_after - pain_before; negative is better.")
    improved: bool = Field(
        description="Pain dropped by 2 points or more, or by 30% or more of where it started."
    )
    flare_up: bool = Field(
        description="Pain rose by 2 points or more, or rose into the severe band (7-10). Never "
        "true together with `improved`."
    )
    advice: str | None = Field(
        description="What to do now, when the session was a flare-up or ended in severe pain. "
        "On the answer to POST while a concern in your safety state (GET /v1/me/safety) holds "
        "exercise: that concern's guidance (the session is stored all the same). A session "
        "that ends in severe pain raises such a concern."
    )
    general_guidance: GeneralGuidance | None = Field(
        description="NICE NG59's first advice, beside a flare-up's advice; null otherwise."
    )
    exercises: list[SessionExercisePublic]
    notes: str | None
    created_at: UtcDatetime = Field(description="When the server stored the session.")


class SessionList(SyncedPage[SessionPublic]):
    """A page of sessions, newest first, or with `changed_since` what changed since then."""


class FlareUpPublic(BaseModel):
    """A session that ended in a flare-up."""

    id: uuid.UUID
    local_date: date
    pain_before: int
    pain_after: int


class FlareUps(BaseModel):
    """Sessions whose pain rose by 2 or more, or rose into the severe band (7-10)."""

    count: int
    share: float | None = Field(description="Fraction of all sessions; null with none logged.")
    recent: list[FlareUpPublic] = Field(description="The latest few, newest first.")


class ExerciseCount(BaseModel):
    """How often a move was done."""

    exercise_slug: str
    exercise_name: str = Field(description="The move's name, as the article gives it.")
    exercise_name_translated: TranslatedText | None = Field(
        default=None,
        description="`exercise_name` in the request's language, with its translation status; "
        "null in English or when the name has no translation.",
    )
    sessions: int = Field(description="Sessions that included the move.")
    sets: int = Field(description="Sets done, across all sessions.")


class DailyPain(BaseModel):
    """Average pain on one day (in your timezone) that has sessions."""

    date: date
    sessions: int
    average_pain_before: float
    average_pain_after: float


class SessionFigures(BaseModel):
    """How the user is doing, computed from every session they logged: the sessions' part of
    the progress summary (app.summary)."""

    timezone: str = Field(description="The timezone days are counted in (yours).")
    today: date = Field(description="Today in that timezone.")
    total_sessions: int
    sessions_last_7_days: int = Field(description="Sessions on the last 7 days, today included.")
    sessions_last_30_days: int = Field(description="Sessions on the last 30 days, today included.")
    current_streak_days: int = Field(
        description="Consecutive days with a session up to today, or up to yesterday while "
        "today has none yet."
    )
    longest_streak_days: int
    average_pain_before: float | None
    average_pain_after: float | None
    average_pain_change: float | None = Field(
        description="Average of pain_after - pain_before; negative means pain goes down."
    )
    improved_sessions: int = Field(
        description="Sessions whose pain dropped by 2 points or by 30% or more."
    )
    improvement_share: float | None = Field(
        description="improved_sessions / total_sessions; null with no sessions."
    )
    flare_ups: FlareUps
    exercises: list[ExerciseCount] = Field(description="Per move, most done first.")
    daily_pain: list[DailyPain] = Field(
        description="One point per day with sessions, oldest first, over the requested window."
    )
