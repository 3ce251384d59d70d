import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.care.schemas import ReferralPublic
from app.contract.types import WHOLE_NUMBER, BoundedDatetime, Uuid, text
from app.core.clock import UtcDatetime
from app.recommendations.schemas import Caution, RedFlag, Triage
from app.shared.enums import Area
from app.shared.pain import PAIN_MAX, PAIN_MIN, PainBand

MAX_NOTES = 2000

Pain = Annotated[int, Field(ge=PAIN_MIN, le=PAIN_MAX), WHOLE_NUMBER]
Notes = Annotated[str, text(MAX_NOTES, strip=True)]

CHECKIN_EXAMPLE: dict[str, Any] = {
    "id": "5b1d7a3e-2c4f-4e8a-9b61-0f3c2d1e4a57",
    "recorded_at": "2026-11-23T21:15:00-06:00",
    "pain": 4,
    "areas": {"lower": 4, "mid": 2},
    "notes": "Long day at the desk.",
    "red_flags": [],
    "cautions": [],
}


class AreaPains(BaseModel):
    """Pain now per part of the back, 0 (none) to 10 (worst imaginable); leave out the parts
    that were not rated."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [CHECKIN_EXAMPLE["areas"]]}
    )

    upper: Pain | None = None
    mid: Pain | None = None
    lower: Pain | None = None

    def rated(self) -> dict[Area, int]:
        """The rated parts, in the order of `Area`."""
        return {a: getattr(self, a.value) for a in Area if getattr(self, a.value) is not None}


class CheckinCreate(BaseModel):
    """Today's check-in. One per day in your timezone: a second one on the same day replaces
    the first. Send the same `id` again (e.g. after a timeout) and the stored check-in comes
    back with 200."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CHECKIN_EXAMPLE]})

    id: Uuid | None = Field(
        default=None,
        description="Client-generated UUID, so retries and offline sync are safe. Omit it and "
        "the server picks one.",
    )
    recorded_at: BoundedDatetime = Field(
        description="When the person checked in, with UTC offset; its date in your timezone "
        "is the day the check-in counts for. Not in the future (5 minutes of clock skew "
        "allowed)."
    )
    pain: Pain = Field(
        description="Pain now, 0 (none) to 10 (worst imaginable), on the same scale as "
        "everywhere else: 0 none, 1-3 mild, 4-6 moderate, 7-10 severe."
    )
    areas: AreaPains = Field(
        default_factory=AreaPains, description="Optionally, pain now per part of the back."
    )
    notes: Notes | None = Field(
        default=None, description=f"Free text, up to {MAX_NOTES} characters."
    )
    red_flags: list[RedFlag] = Field(
        default_factory=list,
        max_length=50,
        description="Ids of the warning-sign questions of the safety screen (GET "
        "/v1/screening/questions) now answered yes. Any yes gets the triage POST "
        "/v1/recommendations gives for the same answers. Sending the field, even as `[]`, "
        "says the screen was asked: with no warning sign and pain below 7 it closes the "
        "`soon` concerns an earlier screen raised.",
    )
    cautions: list[Caution] = Field(
        default_factory=list,
        max_length=10,
        description="Ids of the caution questions now answered yes.",
    )


class CheckinPublic(BaseModel):
    """A stored check-in."""

    id: uuid.UUID
    recorded_at: UtcDatetime
    local_date: date = Field(description="The day it counts for: recorded_at in your timezone.")
    pain: int
    pain_band: PainBand
    areas: AreaPains
    notes: str | None
    red_flags: list[RedFlag]
    cautions: list[Caution]
    triage: Triage | None = Field(
        description="With any safety-screen answer yes, or severe pain: the triage POST "
        "/v1/recommendations gives for these answers and the worst of `pain` and the `areas` "
        "scores (for the most painful part of the back in `areas`, else your first usual "
        "area, else the lower back). An `urgent_care` triage means emergency care now; severe "
        "pain (7-10) is `see_doctor`. A check-in carries no moves, so a `self_care` message "
        "offers none. Null when nothing was answered yes and the pain is below 7."
    )
    referral: ReferralPublic | None = Field(
        description="Where to get in-person care, when that triage offers it (as the "
        "recommendation does); never with emergency or same-day triage."
    )
    replaced: uuid.UUID | None = Field(
        description="The id of the check-in of the same day this one replaced, if any; only "
        "on the answer that replaced it. What the replaced check-in reported to your safety "
        "state (GET /v1/me/safety) stays there."
    )
    created_at: UtcDatetime = Field(description="When the server stored it.")


class CheckinList(BaseModel):
    """A page of check-ins, newest day first."""

    data: list[CheckinPublic]
    count: int = Field(description="Check-ins matching the filters, across all pages.")
    next_cursor: str | None = Field(
        description="Send it as `cursor` for the next page; null on the last page."
    )


class CheckinRecord(BaseModel):
    """A check-in as stored (in the account export). Warning-sign and caution ids are as they
    were answered, so an id the screen no longer asks still reaches the person."""

    id: uuid.UUID
    recorded_at: UtcDatetime
    local_date: date
    pain: int
    areas: dict[str, int] = Field(description="Pain per part of the back, as reported.")
    notes: str | None
    red_flags: list[str]
    cautions: list[str]
    created_at: UtcDatetime
