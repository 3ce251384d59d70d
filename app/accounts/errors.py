from typing import ClassVar

from app.core.errors import Conflict, Unauthorized


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
