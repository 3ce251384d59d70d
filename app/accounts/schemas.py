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

from app.core.clock import UtcDatetime
from app.core.enums import Area
from app.core.types import omittable, text
from app.progress.schemas import SessionPublic
from app.routines.schemas import RoutinePublic

MIN_PASSWORD_LENGTH = 10
# Argon2 pre-hashes long input, but there is no reason to accept megabytes of password.
MAX_PASSWORD_LENGTH = 128


@lru_cache
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def _valid_timezone(name: str) -> str:
    if name not in _known_timezones():
        raise ValueError(f"'{name}' is not an IANA time zone name, e.g. 'Europe/Berlin'.")
    return name


def _distinct_areas(areas: list[Area]) -> list[Area]:
    return sorted(set(areas), key=list(Area).index)


Email = Annotated[
    str,
    # Checked as sent (phone keyboards add a trailing space), then trimmed and lower-cased.
    StringConstraints(max_length=254, pattern=r"^\s*[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+\s*$"),
    AfterValidator(lambda email: email.strip().lower()),
    Field(description="Email address; letter case is ignored.", examples=["ana@example.com"]),
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
        description="IANA time zone name; days (streaks, daily pain) are counted in it.",
        examples=["Europe/Berlin"],
    ),
    AfterValidator(_valid_timezone),
]
UsualAreas = Annotated[
    list[Area],
    Field(max_length=len(Area), description="Parts of the back where pain usually is."),
    AfterValidator(_distinct_areas),
]


class UserCreate(BaseModel):
    """Sign-up details."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "email": "ana@example.com",
                    "password": "correct horse battery",
                    "display_name": "Ana",
                    "timezone": "Europe/Lisbon",
                    "usual_areas": ["lower"],
                }
            ]
        }
    )

    email: Email
    password: Password
    display_name: DisplayName | None = None
    timezone: Timezone = "UTC"
    usual_areas: UsualAreas = Field(default_factory=list)


class UserUpdate(BaseModel):
    """Profile changes; fields left out stay as they are. `display_name: null` clears it."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"display_name": "Ana", "timezone": "America/New_York"}]}
    )

    display_name: DisplayName | None = None
    timezone: Timezone | None = Field(default=None, json_schema_extra=omittable)
    usual_areas: UsualAreas | None = Field(default=None, json_schema_extra=omittable)

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


class UserPublic(BaseModel):
    """A person's account, as they see it. The password hash is never part of it."""

    id: uuid.UUID
    email: str = Field(description="Lower-cased email address.")
    display_name: str | None
    timezone: str = Field(description="IANA time zone name.")
    usual_areas: list[Area]
    created_at: UtcDatetime


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


class SignInRecord(BaseModel):
    """One refresh token issued to the account (the token itself is never stored)."""

    created_at: UtcDatetime
    expires_at: UtcDatetime
    used_at: UtcDatetime | None = Field(description="When it was exchanged for a new pair.")
    revoked_at: UtcDatetime | None = Field(description="When log-out or reuse revoked it.")


class AccountExport(BaseModel):
    """Everything stored about the account, for the person to keep or take elsewhere."""

    exported_at: UtcDatetime
    user: UserPublic
    sign_ins: list[SignInRecord] = Field(description="Refresh tokens issued, oldest first.")
    routines: list[RoutinePublic] = Field(
        description="Routines the person created, oldest first (curated ones are not theirs)."
    )
    sessions: list[SessionPublic] = Field(description="Every logged session, oldest first.")
