import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field

from app.attention.rules import AttentionKind
from app.care.schemas import ReferralPublic
from app.core.clock import UtcDatetime
from app.i18n.schemas import TranslationPublic
from app.safety.schemas import CareTimeframe, GeneralGuidance


class AttentionStatus(StrEnum):
    """`open` (not acknowledged yet) or `acknowledged`."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"


class AttentionFilter(StrEnum):
    """Which items to list: `open`, `acknowledged` or `all`."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ALL = "all"


class AttentionItemPublic(BaseModel):
    """Something in the diary that calls for a review, with what to do about it."""

    id: uuid.UUID = Field(description="Stable: the same episode always has the same id.")
    kind: AttentionKind
    status: AttentionStatus
    raised_on: date = Field(description="The day (in your timezone) the rule was met.")
    reason: str = Field(description="What in the diary raised it, in plain words.")
    advice: str = Field(
        description="What to do: be reviewed, or, for a warning sign, the care it needs."
    )
    translation: TranslationPublic = Field(
        description="The language of `reason` and `advice` and how far their translation is "
        "trusted (the weakest of their parts); `en` and `original` when either has no entry."
    )
    timeframe: CareTimeframe = Field(
        description="How soon to be seen: `now`, `today` or `soon` for warning signs, as the "
        "recommendation's triage says, and `soon` for lasting severe pain or a PEG worsening; "
        "`routine` (book a review) otherwise."
    )
    referral: ReferralPublic | None = Field(
        description="Where to get in-person care; never with emergency or same-day advice."
    )
    general_guidance: GeneralGuidance | None = Field(
        description="NICE NG59's first advice, beside a `routine` review; null beside advice "
        "to be seen now, today or before exercising."
    )
    acknowledged_at: UtcDatetime | None


class AttentionList(BaseModel):
    """Attention items, most urgent first (`now`, `today`, `soon`, `routine`), then newest."""

    data: list[AttentionItemPublic]
    count: int
