import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.schemas import Email
from app.contract.types import WHOLE_NUMBER, BoundedDate
from app.core.clock import UtcDatetime
from app.shares.models import ShareClient, ShareEnd, ShareOpened, ShareScope

# Product rule: a link lives for a month unless the person picks otherwise, at most a quarter
# (long enough for a referral and a follow-up appointment; inferred, not from a guideline).
DEFAULT_SHARE_DAYS = 30
MAX_SHARE_DAYS = 90

CREATE_EXAMPLE: dict[str, Any] = {
    "scopes": ["summary", "diary", "peg", "sessions", "safety"],
    "from": "2026-11-01",
    "to": "2026-11-24",
    "expires_in_days": 14,
    "clinician_email": "physio@clinic.example",
}


class ShareStatus(StrEnum):
    """`active` (the link opens), `expired`, `revoked` (by the person) or `consent_withdrawn`
    (health-data consent was withdrawn, which ends every link)."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CONSENT_WITHDRAWN = "consent_withdrawn"


class ShareCreate(BaseModel):
    """What to share with a clinician, over which days, and for how long."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, json_schema_extra={"examples": [CREATE_EXAMPLE]}
    )

    scopes: list[ShareScope] = Field(
        default_factory=lambda: list(ShareScope),
        min_length=1,
        max_length=len(ShareScope),
        description="What the link shows: `summary`, `diary`, `peg`, `sessions`, `safety`; "
        "all of them if left out. The PDF and CSV downloads hold the whole diary, so they are "
        "offered only when every scope is shared.",
    )
    date_from: BoundedDate | None = Field(
        default=None,
        alias="from",
        description="First day shared (YYYY-MM-DD, in your timezone); 29 days before `to` if "
        "left out.",
    )
    date_to: BoundedDate | None = Field(
        default=None,
        alias="to",
        description="Last day shared (YYYY-MM-DD, in your timezone); today if left out; at "
        "most 366 days after `from`, not after the link expires.",
    )
    expires_in_days: Annotated[int, Field(ge=1, le=MAX_SHARE_DAYS), WHOLE_NUMBER] = Field(
        default=DEFAULT_SHARE_DAYS,
        description=f"How many days the link works, 1 to {MAX_SHARE_DAYS} "
        f"({DEFAULT_SHARE_DAYS} if left out).",
    )
    clinician_email: Email | None = Field(
        default=None,
        description="If given, the link is emailed to this address (it is kept, so you can see "
        "whom you sent it to).",
    )


class ShareLinks(BaseModel):
    """Where to find more about a share."""

    accesses: str = Field(description="Who opened it: `GET` this path.")


class SharePublic(BaseModel):
    """A link you gave a clinician. The link itself is shown only when it is created."""

    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID
    status: ShareStatus
    scopes: list[ShareScope]
    date_from: date = Field(serialization_alias="from", description="First day shared.")
    date_to: date = Field(serialization_alias="to", description="Last day shared.")
    clinician_email: str | None = Field(description="Where the link was emailed, if anywhere.")
    created_at: UtcDatetime
    expires_at: UtcDatetime
    ended_at: UtcDatetime | None = Field(description="When it was revoked or ended; else null.")
    access_count: int = Field(description="How many times it was opened.")
    last_accessed_at: UtcDatetime | None = Field(description="When it was last opened, if ever.")
    links: ShareLinks


class ShareCreated(SharePublic):
    """The new link. `url` holds its secret: only its hash is kept, so it cannot be shown
    again."""

    url: str = Field(description="The page to open in a browser; give it only to your clinician.")
    fhir_url: str = Field(description="The same data as a FHIR R4 Bundle, for record systems.")


class ShareList(BaseModel):
    """Your links, newest first."""

    data: list[SharePublic]
    count: int


class ShareAccessPublic(BaseModel):
    """One opening of a link."""

    accessed_at: UtcDatetime
    opened: ShareOpened = Field(description="`page`, `pdf`, `csv` or `fhir`.")
    client: ShareClient = Field(
        description="`browser`, `fhir_client`, `script` or `unknown`, told from the User-Agent."
    )


class ShareAccessList(BaseModel):
    """Every opening of the link, newest first."""

    data: list[ShareAccessPublic]
    count: int


class ShareRecord(BaseModel):
    """A link in the account export, with every opening (its token is not kept, so it is not
    there; whether it still works follows from `expires_at` and `ended_at`)."""

    model_config = ConfigDict(populate_by_name=True)

    id: uuid.UUID
    scopes: list[ShareScope]
    date_from: date = Field(serialization_alias="from", description="First day shared.")
    date_to: date = Field(serialization_alias="to", description="Last day shared.")
    clinician_email: str | None = Field(description="Where the link was emailed, if anywhere.")
    created_at: UtcDatetime
    expires_at: UtcDatetime
    ended_at: UtcDatetime | None = Field(description="When it was revoked or ended; else null.")
    ended_by: ShareEnd | None = Field(
        description="`revoked` (by the person) or `consent_withdrawn`; null while not ended."
    )
    accesses: list[ShareAccessPublic] = Field(description="Every opening, oldest first.")
