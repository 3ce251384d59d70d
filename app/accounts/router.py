"""Accounts routes. They are plain `def` functions on purpose: FastAPI runs those in its
thread pool, so Argon2 hashing and verification never block the event loop."""

from typing import Annotated

from fastapi import APIRouter, Form, Response, status

from app.accounts import service
from app.accounts.dependencies import CurrentUser
from app.accounts.errors import EmailTaken, InvalidCredentials, InvalidRefreshToken
from app.accounts.schemas import (
    AccountExport,
    LoginForm,
    RefreshTokenRequest,
    TokenPair,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from app.care.errors import ArticleNotLoaded
from app.core.clock import NowDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.openapi import located
from app.core.ratelimit import rate_limited
from app.core.versioning import with_deprecated_fields

router = APIRouter(tags=["accounts"])


def _no_store(response: Response) -> None:
    # RFC 6749 5.1: responses carrying tokens must not be cached anywhere.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


@router.post(
    "/auth/register",
    response_model=UserPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create an account",
    dependencies=[rate_limited(account_field="email")],
    responses={
        201: located("The account was created.", "the account: `/v1/me`"),
        **problem_responses(EmailTaken, 422),
    },
)
def register_user(session: SessionDep, payload: UserCreate, response: Response) -> UserPublic:
    """Sign up with an email (letter case ignored) and a password of at least 10 characters.
    Then sign in at `/v1/auth/token`; `Location` names the account's own resource."""
    created = service.register(session, payload)
    response.headers["Location"] = "/v1/me"
    return created


@router.post(
    "/auth/token",
    response_model=TokenPair,
    summary="Sign in",
    dependencies=[rate_limited(account_field="username")],
    responses=problem_responses(InvalidCredentials, 422),
)
def login(
    session: SessionDep,
    now: NowDep,
    form: Annotated[LoginForm, Form()],
    response: Response,
) -> TokenPair:
    """OAuth2 password flow: form fields `username` (the email) and `password`. Returns a
    short-lived access token and a refresh token."""
    _no_store(response)
    return service.login(session, form.username, form.password, now)


@router.post(
    "/auth/refresh",
    response_model=TokenPair,
    summary="Exchange a refresh token for new tokens",
    responses=problem_responses(InvalidRefreshToken, 422),
)
def refresh_token(
    session: SessionDep, now: NowDep, payload: RefreshTokenRequest, response: Response
) -> TokenPair:
    """Each refresh token works once and is replaced by the new one returned. Presenting a
    token that was already exchanged revokes every token from the same sign-in."""
    _no_store(response)
    return service.refresh(session, payload.refresh_token, now)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out",
    responses=problem_responses(422),
)
def logout(session: SessionDep, now: NowDep, payload: RefreshTokenRequest) -> None:
    """Revoke the refresh token (and any token rotated from the same sign-in). The access
    token stays valid until it expires, at most a few minutes; the app should discard it."""
    service.logout(session, payload.refresh_token, now)


@router.get(
    "/me", response_model=UserPublic, summary="Get my account", responses=problem_responses(401)
)
def get_me(user: CurrentUser) -> UserPublic:
    """The signed-in person's profile."""
    return service.to_public(user)


@router.patch(
    "/me",
    response_model=UserPublic,
    summary="Update my profile",
    responses=problem_responses(401, 422),
)
def update_me(session: SessionDep, user: CurrentUser, payload: UserUpdate) -> UserPublic:
    """Change the display name, time zone (an IANA name) or usual pain areas."""
    return service.update_me(session, user, payload)


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete my account",
    responses=problem_responses(401),
)
def delete_me(session: SessionDep, user: CurrentUser) -> None:
    """Delete the account with all its tokens, routines and logged sessions. This cannot be
    undone."""
    service.delete_account(session, user)


@router.get(
    "/me/export",
    response_model=AccountExport,
    summary="Export my data",
    responses=problem_responses(401, ArticleNotLoaded),
    dependencies=[with_deprecated_fields()],
)
def export_me(session: SessionDep, user: CurrentUser, now: NowDep) -> AccountExport:
    """Everything stored about the account, as one JSON document."""
    return service.export_account(session, user, now)
