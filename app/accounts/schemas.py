import uuid
from functools import lru_cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from app.accounts.models import ConsentPurpose, GrantablePurpose, PolicyKind
from app.contract.types import WHOLE_NUMBER, Region, StrictBoolean, omittable, text
from app.core.clock import UtcDatetime
from app.core.emails import normalise_email
from app.i18n import Language
from app.shared.enums import Area

MIN_PASSWORD_LENGTH = 10
# Argon2 pre-hashes long input, but there is no reason to accept megabytes of password.
MAX_PASSWORD_LENGTH = 128


# The continents and oceans that begin the names of the tz database's locations ("Names of
# timezones" in its theory.txt): `Europe/Berlin`, `America/Argentina/Salta`. Everything else
# it ships is a legacy or system name (`EST5EDT`, `US/Eastern`, `GMT+3`, `Factory`, and
# `localtime`, which follows the server's own setting), refused here; `UTC` is the one
# non-geographic name accepted, the default.
TIMEZONE_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
UTC_NAME = "UTC"


@lru_cache
def _known_timezones() -> frozenset[str]:
    return frozenset(
        name
        for name in available_timezones()
        if name == UTC_NAME or ("/" in name and name.split("/", 1)[0] in TIMEZONE_AREAS)
    )


def _valid_timezone(name: str) -> str:
    if name not in _known_timezones():
        raise ValueError(
            f"'{name}' is not an IANA Area/Location time zone name, e.g. 'Europe/Berlin' "
            "(or 'UTC')."
        )
    return name


def _distinct_areas(areas: list[Area]) -> list[Area]:
    return sorted(set(areas), key=list(Area).index)


Email = Annotated[
    str,
    # Checked as sent (phone keyboards add a trailing space), then put in its one stored form.
    StringConstraints(max_length=254, pattern=r"^\s*[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+\s*$"),
    AfterValidator(normalise_email),
    Field(
        description="Email address. Stored in one form: letter case ignored, Unicode "
        "normalised (NFKC), the domain in IDNA ASCII form; a trailing dot is refused.",
        examples=["ana@example.com"],
    ),
]
Password = Annotated[
    Annotated[str, text(MAX_PASSWORD_LENGTH, min_length=MIN_PASSWORD_LENGTH)],
    Field(description=f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters."),
]
DisplayName = Annotated[
    Annotated[str, text(100, min_length=1, strip=True)],
    Field(description="Name the app greets the person with."),
]
Timezone = Annotated[
    Annotated[str, text(64)],
    Field(
        description="IANA time zone name in Area/Location form (`Europe/Berlin`), or `UTC`; "
        "days (streaks, daily pain) are counted in it.",
        examples=["Europe/Berlin"],
    ),
    AfterValidator(_valid_timezone),
]
# A birth year from before this is a typo (the screen takes ages up to 120); the upper bound
# is the contract's, a year after this one is refused as well (`accounts.service.update_me`).
MIN_BIRTH_YEAR = 1900
MAX_BIRTH_YEAR = 2999
BirthYear = Annotated[
    int,
    Field(
        ge=MIN_BIRTH_YEAR,
        le=MAX_BIRTH_YEAR,
        description="The year the person was born, if they give it. The safety screen uses "
        "the age it gives (the age they turn this year) when a recommendation or check-in "
        "has no `age`: under 16 gets no moves, new pain over 50 is a risk feature. Not in the "
        "future.",
        examples=[1975],
    ),
    WHOLE_NUMBER,
]
UsualAreas = Annotated[
    list[Area],
    Field(max_length=len(Area), description="Parts of the back where pain usually is."),
    AfterValidator(_distinct_areas),
]


PolicyVersion = Annotated[
    Annotated[str, text(32, min_length=1)],
    Field(
        description="The version of the document the person was shown: the current one, "
        "from `GET /v1/policies` (health-data consent is given under the privacy notice's).",
        examples=["2026-11-24"],
    ),
]
SingleUseToken = Annotated[
    Annotated[str, text(256, min_length=1)],
    Field(description="The token from the link in the email."),
]


class ConsentGrant(BaseModel):
    """One consent the person gives: what for, and the version of the document they read."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"purpose": "health_data", "version": "2026-11-24"}]}
    )

    purpose: GrantablePurpose = Field(
        description="`terms`, `privacy_notice`, or `health_data`: explicit consent to store "
        "pain scores, sessions and other health data. (Sharing with a clinician is consented "
        "to by creating a share link.)"
    )
    version: PolicyVersion


class ConsentChange(ConsentGrant):
    """Give a consent, or withdraw health-data consent (`granted: false`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"purpose": "health_data", "version": "2026-11-24", "granted": True}]
        }
    )

    granted: StrictBoolean = Field(
        default=True,
        description="`false` withdraws it; only health-data consent can be withdrawn (to stop "
        "using the service altogether, delete the account).",
    )


class UserCreate(BaseModel):
    """Sign-up details, optionally with the consents given on the sign-up screen."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "ana@example.com",
                    "password": "correct horse battery",
                    "display_name": "Ana",
                    "timezone": "Europe/Lisbon",
                    "usual_areas": ["lower"],
                    "consents": [
                        {"purpose": "terms", "version": "2026-11-24"},
                        {"purpose": "privacy_notice", "version": "2026-11-24"},
                        {"purpose": "health_data", "version": "2026-11-24"},
                    ],
                }
            ]
        }
    )

    email: Email
    password: Password
    display_name: DisplayName | None = None
    timezone: Timezone = "UTC"
    usual_areas: UsualAreas = Field(default_factory=list)
    consents: list[ConsentGrant] = Field(
        default_factory=list,
        max_length=len(GrantablePurpose),
        description="Consents given while signing up, recorded with the account (a purpose "
        "given twice is recorded once).",
    )


class UserUpdate(BaseModel):
    """Profile changes; fields left out stay as they are. `display_name: null` clears it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"display_name": "Ana", "timezone": "America/New_York"},
                {"birth_year": 1962, "region": "GB"},
                {"language": "es"},
            ]
        }
    )

    display_name: DisplayName | None = None
    timezone: Timezone | None = Field(default=None, json_schema_extra=omittable)
    usual_areas: UsualAreas | None = Field(default=None, json_schema_extra=omittable)
    birth_year: BirthYear | None = Field(default=None, description="`null` clears it.")
    region: Region | None = Field(default=None, description="`null` clears it.")
    language: Language | None = Field(
        default=None,
        description="The language emails, reminders and the report are written in (`en`, "
        "`es`, `de`); `null` clears it, and then the device's language is used.",
    )

    @field_validator("timezone", "usual_areas", mode="before")
    @classmethod
    def _reject_null(cls, value: object) -> object:
        # Runs only for fields that were sent: leaving one out is fine, sending null is not.
        if value is None:
            raise ValueError("may be left out but not null")
        return value


class LoginForm(BaseModel):
    """OAuth2 password grant (RFC 6749 section 4.3): the account's email as `username` and
    its password, form-encoded."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "grant_type": "password",
                    "username": "ana@example.com",
                    "password": "correct horse battery",
                }
            ]
        }
    )

    grant_type: Literal["password"] = Field(
        default="password", description="Always `password`; may be left out."
    )
    username: Annotated[str, text(254, min_length=1)] = Field(
        description="The account's email address."
    )
    password: Annotated[str, text(MAX_PASSWORD_LENGTH, min_length=1)] = Field(
        json_schema_extra={"format": "password"}
    )
    scope: Annotated[str, text(200)] = Field(
        default="", description="Ignored: every token grants the account's own data."
    )
    device: Annotated[str, text(200)] | None = Field(
        default=None,
        description="A name for this device or app (`Ana's phone`), shown in the list of "
        "sign-ins; the User-Agent is used when it is left out.",
    )


class UserPublic(BaseModel):
    """A person's account, as they see it. The password hash is never part of it."""

    id: uuid.UUID
    email: str = Field(description="Lower-cased email address.")
    display_name: str | None
    timezone: str = Field(description="IANA time zone name.")
    usual_areas: list[Area]
    birth_year: int | None = Field(description="The year the person was born, if given.")
    region: str | None = Field(
        description="Where the person is (ISO 3166-1 alpha-2), if given: the care routes "
        "the answers name."
    )
    language: Language | None = Field(
        description="The language the person chose for emails, reminders and the report, if "
        "any; without it, the language of their app (`Accept-Language`, the device's "
        "`locale`) is used, then English.",
        examples=["es"],
    )
    created_at: UtcDatetime
    email_verified: bool = Field(
        description="Whether the person followed the verification link sent to this address."
    )
    health_data_consent: bool = Field(
        description="Whether explicit consent to store health data is given; without it, "
        "logging sessions is refused (`consent-required`)."
    )


class TokenPair(BaseModel):
    """Tokens from signing in or refreshing. Send the access token as
    `Authorization: Bearer <access_token>`; when it expires, exchange the refresh token."""

    access_token: str = Field(description="Short-lived signed token (JWT).")
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str = Field(description="Opaque token for one use at /v1/auth/refresh.")
    refresh_expires_in: int = Field(description="Seconds until the refresh token expires.")


class RefreshTokenRequest(BaseModel):
    """A refresh token from an earlier sign-in or refresh."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"refresh_token": "q3J8fX0b1Yv2...opaque"}]}
    )

    refresh_token: Annotated[str, text(2048, min_length=1)] = Field(
        description="The opaque refresh token."
    )


class PasswordChange(BaseModel):
    """The current password, to prove it is the person, and the new one."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"current_password": "correct horse battery", "new_password": "battery staple 42"}
            ]
        }
    )

    current_password: Annotated[str, text(MAX_PASSWORD_LENGTH, min_length=1)] = Field(
        json_schema_extra={"format": "password"}
    )
    new_password: Password


class PasswordResetRequest(BaseModel):
    """The address of the account whose password was forgotten."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"email": "ana@example.com"}]})

    email: Email


class PasswordResetConfirm(BaseModel):
    """The token from the reset email and the new password."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"token": "Vb1x...from-the-email", "new_password": "battery staple 42"}]
        }
    )

    token: SingleUseToken
    new_password: Password


class EmailVerificationConfirm(BaseModel):
    """The token from the verification email."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"token": "Vb1x...from-the-email"}]})

    token: SingleUseToken


class Accepted(BaseModel):
    """The request was taken; what happens next happens by email."""

    message: str


class PolicyPublic(BaseModel):
    """A published version of the terms or the privacy notice."""

    kind: PolicyKind
    version: str
    title: str
    url: str = Field(description="Where the full text is published.")
    published_at: UtcDatetime


class PolicyList(BaseModel):
    """The versions people accept now, one per kind."""

    data: list[PolicyPublic]
    count: int


class ConsentRecordPublic(BaseModel):
    """One consent given or withdrawn."""

    id: uuid.UUID
    purpose: ConsentPurpose
    version: str = Field(description="Version of the document it was given under.")
    granted: bool = Field(description="`false` for a withdrawal.")
    recorded_at: UtcDatetime


class DataRights(BaseModel):
    """Where the person can take their data or erase it."""

    export: str = Field(description="Download everything stored: `GET` this path.")
    delete: str = Field(description="Delete the account and all its data: `DELETE` this path.")


class ConsentOverview(BaseModel):
    """What the person has agreed to now, and every consent given or withdrawn, newest first."""

    terms_version: str | None = Field(description="Version of the terms accepted, if any.")
    privacy_notice_version: str | None = Field(
        description="Version of the privacy notice accepted, if any."
    )
    health_data: bool = Field(description="Whether health-data consent is given now.")
    current_policies: list[PolicyPublic] = Field(description="The versions to accept now.")
    history: list[ConsentRecordPublic]
    your_data: DataRights


class SignInPublic(BaseModel):
    """A sign-in that can still be renewed: one device or app that holds a refresh token."""

    id: uuid.UUID = Field(description="The sign-in's id, for ending it.")
    device: str | None = Field(description="What it signed in on, as the app said.")
    created_at: UtcDatetime = Field(description="When it signed in.")
    last_used_at: UtcDatetime = Field(description="When it last renewed its tokens.")
    expires_at: UtcDatetime = Field(description="When it ends unless renewed.")
    current: bool = Field(description="Whether this is the sign-in making the request.")


class SignInList(BaseModel):
    """Active sign-ins, most recently used first."""

    data: list[SignInPublic]
    count: int


class SignInRecord(BaseModel):
    """One refresh token issued to the account (the token itself is never stored)."""

    created_at: UtcDatetime
    expires_at: UtcDatetime
    used_at: UtcDatetime | None = Field(description="When it was exchanged for a new pair.")
    revoked_at: UtcDatetime | None = Field(description="When log-out or reuse revoked it.")


class EmailRecord(BaseModel):
    """An email sent (or to be sent) to the person; its content is not kept once sent."""

    template: str
    to_address: str
    status: str
    created_at: UtcDatetime
    sent_at: UtcDatetime | None
