"""The vocabulary of urgency shared by every feature, and the shapes of a person's safety state."""

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.contract.types import BoundedDate, text
from app.core.clock import UtcDatetime
from app.i18n.schemas import TranslationPublic

MAX_NOTE = 500


class CareTimeframe(StrEnum):
    """How soon to be seen in person: `now` (call the local emergency number or go to the
    emergency department), `today` (a same-day medical review), `soon` (see a doctor in the
    next few days, before exercising) or `routine` (book an appointment to have the pain looked
    at; the moves are fine meanwhile)."""

    NOW = "now"
    TODAY = "today"
    SOON = "soon"
    ROUTINE = "routine"


class TriageLevel(StrEnum):
    """`self_care`: the moves suit you; `see_doctor`: see a doctor first (today or in the
    next few days, as `timeframe` says), no moves; `urgent_care`: get emergency care now, no
    moves."""

    SELF_CARE = "self_care"
    SEE_DOCTOR = "see_doctor"
    URGENT_CARE = "urgent_care"


class ConcernSource(StrEnum):
    """What raised a concern: `checkin` (a check-in's warning sign or severe pain),
    `recommendation` (a signed-in recommendation's), `session` (a session that ended in severe
    pain), `peg` (the PEG score meaningfully worse than the first) or `diary_trend` (lasting
    severe pain in the check-ins)."""

    CHECKIN = "checkin"
    RECOMMENDATION = "recommendation"
    SESSION = "session"
    PEG = "peg"
    DIARY_TREND = "diary_trend"


class ConcernStatus(StrEnum):
    """`open` until the person says they were seen (or, for some, a later answer clears it);
    then `closed`."""

    OPEN = "open"
    CLOSED = "closed"


class ConcernFilter(StrEnum):
    """Which concerns to list: `open`, `closed` or `all` (the default)."""

    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"


class Exercise(StrEnum):
    """Whether the person's safety state lets the app offer exercise: `allowed`, or `on_hold`
    while a concern that holds moves back is open."""

    ALLOWED = "allowed"
    ON_HOLD = "on_hold"


class ClosedBy(StrEnum):
    """How a concern closed: `person` (they were seen and can exercise), `later_screen` (a
    later screen had no warning sign and pain below 7) or `later_peg` (a later PEG response
    was no longer a meaningful worsening)."""

    PERSON = "person"
    LATER_SCREEN = "later_screen"
    LATER_PEG = "later_peg"


class SafetyStatus(StrEnum):
    """`clear` (no concern open) or `concern` (at least one open)."""

    CLEAR = "clear"
    CONCERN = "concern"


class GeneralGuidance(BaseModel):
    """Advice that holds for anyone with back pain who needs no urgent care, marked as general
    guidance with its source."""

    text: str = Field(description="The advice, in plain words, in the request's language.")
    translation: TranslationPublic = Field(description="The language of `text` and its status.")
    quote: str = Field(description="The words of the guideline it rests on, in English.")
    source: str = Field(description="Where it comes from, and what is the service's own.")


class ReportPublic(BaseModel):
    """Something the person reported that raised or kept a concern, kept as it was reported
    (a replaced or deleted check-in does not take it away)."""

    id: uuid.UUID
    source: ConcernSource
    source_id: uuid.UUID | None = Field(
        description="The check-in, session or PEG response it came with, if any (it may have "
        "been replaced or deleted since)."
    )
    reported_at: UtcDatetime = Field(description="When the person reported it.")
    local_date: date = Field(description="The day it counts for, in the person's timezone.")
    pain: int | None = Field(description="The pain it was judged on (0-10), if any.")
    red_flags: list[str] = Field(
        description="Ids of the warning-sign questions answered yes (GET /v1/screening/questions)."
    )
    cautions: list[str] = Field(description="Ids of the caution questions answered yes.")
    timeframe: CareTimeframe = Field(description="How soon the answer sent the person.")
    reasons: list[str] = Field(description="Why, in plain words.")
    advice: str = Field(description="The advice the person was given.")


class ConcernPublic(BaseModel):
    """One concern: what raised it, what to do, whether exercise waits for it, and how it
    closes."""

    id: uuid.UUID
    status: ConcernStatus
    source: ConcernSource
    level: TriageLevel = Field(description="`urgent_care` with `now`, else `see_doctor`.")
    timeframe: CareTimeframe = Field(description="`now`, `today` or `soon`.")
    exercise: Exercise = Field(
        description="`on_hold` when this concern, while open, holds the moves back."
    )
    reasons: list[str] = Field(description="What raised it, in plain words.")
    guidance: str = Field(description="What to do; the same words for the same timeframe.")
    signs: list[str] = Field(description="Ids of the warning signs reported with it.")
    opened_at: UtcDatetime
    opened_on: date = Field(description="The day it opened, in the person's timezone.")
    follow_up_due_at: UtcDatetime = Field(
        description="When its timeframe has passed and the person is asked whether they were seen."
    )
    follow_up_due: bool = Field(description="Open, and `follow_up_due_at` has passed.")
    follow_up_question: str | None = Field(
        description="The question to ask while the follow-up is due; null otherwise."
    )
    closes_when: str = Field(description="How this concern closes.")
    translation: TranslationPublic = Field(
        description="The language of `guidance`, `follow_up_question` and `closes_when`, and "
        "the weakest status among them. `reasons` are in English for now."
    )
    reports: list[ReportPublic] = Field(description="What was reported, oldest first.")
    closed_at: UtcDatetime | None
    closed_by: ClosedBy | None
    seen_on: date | None = Field(
        description="When closed by the person: the day they say they were seen."
    )
    note: str | None = Field(description="What the person added when closing it.")


class SafetyState(BaseModel):
    """A person's safety state, the same wherever it is shown: the open concerns, most urgent
    first, and whether exercise is on hold."""

    status: SafetyStatus
    exercise: Exercise
    level: TriageLevel | None = Field(description="The deciding concern's level; null if clear.")
    timeframe: CareTimeframe | None = Field(
        description="The deciding concern's timeframe; null if clear."
    )
    message: str = Field(
        description="What to show first: the deciding concern's guidance (the most urgent one "
        "that holds exercise, else the most urgent), or that nothing calls for a doctor."
    )
    translation: TranslationPublic = Field(description="The language of `message` and its status.")
    follow_up_due: bool = Field(
        description="An open concern's timeframe has passed: ask whether the person was seen."
    )
    concerns: list[ConcernPublic] = Field(description="Open concerns, most urgent first.")
    general_guidance: GeneralGuidance | None = Field(
        description="NICE NG59's first advice, with exercise allowed; null while it is on hold."
    )


class ConcernList(BaseModel):
    """Concerns, open before closed, most urgent first, then newest."""

    data: list[ConcernPublic]
    count: int


Note = Annotated[str, text(MAX_NOTE, strip=True)]

CLOSE_EXAMPLE: dict[str, Any] = {"seen_on": "2026-11-24", "note": "Seen by my GP."}


class ConcernClose(BaseModel):
    """ "I have been seen and can exercise": the day a doctor or another clinician saw you about
    this concern and said you can exercise."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CLOSE_EXAMPLE]})

    seen_on: BoundedDate = Field(
        description="The day you were seen (YYYY-MM-DD, in your timezone): not before the "
        "concern opened, not after today."
    )
    note: Note | None = Field(
        default=None, description=f"Anything to add, up to {MAX_NOTE} characters."
    )
