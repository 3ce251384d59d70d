from typing import ClassVar

from app.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RequestHint,
    Unauthorized,
    UnsupportedMediaType,
)

CONSENTS_PATH = "/v1/me/consents"
# A version as `seed/policies.json` publishes them, for the documented example only: the
# problem itself names the version current when it is raised.
EXAMPLE_POLICY_VERSION = "2026-11-24"


class EmailTaken(Conflict):
    title = "Email already registered"
    slug = "email-taken"

    def __init__(self) -> None:
        super().__init__("An account with this email already exists. Log in instead.")


class InvalidCredentials(Unauthorized):
    """Wrong password and unknown email look the same, so nobody can probe for accounts."""

    title = "Invalid credentials"
    slug = "invalid-credentials"

    def __init__(self) -> None:
        super().__init__("The email or password is incorrect.")


class FormFieldsRequired(UnsupportedMediaType):
    """Sign-in is the OAuth2 password flow, which sends form fields: a JSON body (what most
    people try first) is told so, rather than that its fields are missing."""

    title = "Form fields required"
    slug = "form-fields-required"

    def __init__(self, content_type: str = "application/json") -> None:
        super().__init__(
            "This endpoint takes form fields, not {content_type}: send `username` (the "
            "account's email) and `password` as application/x-www-form-urlencoded, for "
            "example curl -d 'username=ana@example.com' -d 'password=...'.",
            content_type=content_type,
        )


class NotAuthenticated(Unauthorized):
    title = "Not authenticated"
    slug = "unauthorized"

    def __init__(self) -> None:
        super().__init__("Sign in and send the access token as `Authorization: Bearer <token>`.")


class InvalidAccessToken(Unauthorized):
    title = "Invalid access token"
    slug = "invalid-token"
    # RFC 6750: tells the client to refresh or sign in again rather than retry as is.
    headers: ClassVar[dict[str, str] | None] = {"WWW-Authenticate": 'Bearer error="invalid_token"'}

    def __init__(self) -> None:
        super().__init__("The access token is invalid or has expired. Refresh it or sign in again.")


class InvalidRefreshToken(Unauthorized):
    title = "Invalid refresh token"
    slug = "invalid-refresh-token"

    def __init__(self) -> None:
        super().__init__("The refresh token is invalid, expired or revoked. Sign in again.")


class ConsentRequired(Forbidden):
    """Health data is special-category data: nothing of it is stored without explicit
    consent. The problem names the exact request that gives it (in `detail` and as `fix`),
    with the privacy notice's current version, which the consent is given under."""

    title = "Consent required"
    slug = "consent-required"

    def __init__(self, version: str | None = None) -> None:
        if version is None:
            super().__init__(
                "Storing health data needs your explicit consent. Give it with POST "
                "{path} (purpose `health_data` and the privacy notice's version "
                "from GET /v1/policies) and try again.",
                path=CONSENTS_PATH,
            )
            return
        body = {"purpose": "health_data", "version": version}
        super().__init__(
            "Storing health data needs your explicit consent. Give it with POST "
            "{path} {body} and try again.",
            path=CONSENTS_PATH,
            body=f'{{"purpose": "health_data", "version": "{version}"}}',
        )
        self.fix = RequestHint(method="POST", path=CONSENTS_PATH, body=body)

    @classmethod
    def example(cls) -> "ConsentRequired":
        return cls(EXAMPLE_POLICY_VERSION)


class WrongPassword(Forbidden):
    title = "Wrong password"
    slug = "wrong-password"

    def __init__(self) -> None:
        super().__init__("The current password is incorrect.")


class InvalidEmailToken(Forbidden):
    """The link's token is unknown, used, expired, or for something else: it grants nothing."""

    title = "Invalid or used link"
    slug = "invalid-email-token"

    def __init__(self) -> None:
        super().__init__(
            "This link is invalid, has expired or was already used. Ask for a new one."
        )


class PolicyVersionNotCurrent(InvalidInput):
    """A consent names a version of the terms or privacy notice that is not the current one:
    a 422 naming the field, so the app shows the current text first."""

    example_detail = "Version '2020-01-01' is not the current privacy notice (2026-11-24)."


class ConsentNotWithdrawable(InvalidInput):
    """Only health-data consent can be withdrawn: a 422 naming `granted`."""

    example_detail = (
        "Only health-data consent can be withdrawn; to stop using the service, delete the account."
    )


class SignInNotFound(NotFound):
    title = "Sign-in not found"
    slug = "sign-in-not-found"

    def __init__(self) -> None:
        super().__init__("No active sign-in of yours has this id.")
