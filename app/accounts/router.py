"""Accounts routes. They are plain `def` functions on purpose: FastAPI runs those in its
thread pool, so Argon2 hashing and verification never block the event loop."""

import logging
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Header, Path, Response, status

from app.accounts import service
from app.accounts.dependencies import (
    CurrentSignIn,
    CurrentUser,
    refresh_token_owner,
    require_form_body,
)
from app.accounts.errors import (
    ConsentNotWithdrawable,
    EmailTaken,
    FormFieldsRequired,
    InvalidCredentials,
    InvalidEmailToken,
    InvalidRefreshToken,
    PolicyVersionNotCurrent,
    SignInNotFound,
    WrongPassword,
)
from app.accounts.outbox import Delivery, DeliveryDep
from app.accounts.schemas import (
    Accepted,
    ConsentChange,
    ConsentOverview,
    EmailVerificationConfirm,
    LoginForm,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    PolicyList,
    RefreshTokenRequest,
    SignInList,
    TokenPair,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from app.contract.openapi import located
from app.contract.types import Uuid
from app.core import tracing
from app.core.clock import NowDep
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.core.ratelimit import REFRESH_BUCKET, account_limited, rate_limited
from app.shared.personal_data import PersonalData

logger = logging.getLogger("app.accounts")
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
        **problem_responses(EmailTaken, PolicyVersionNotCurrent, 422),
    },
)
def register_user(
    db: DbDep,
    now: NowDep,
    payload: UserCreate,
    response: Response,
    background: BackgroundTasks,
    delivery: DeliveryDep,
) -> UserPublic:
    """Sign up with an email (letter case ignored) and a password of at least 10 characters,
    and optionally the consents given on the sign-up screen (each for the current version of
    its document, from `/v1/policies`). A link to verify the address is emailed. Then sign
    in at `/v1/auth/token`; `Location` names the account's own resource."""
    created = service.register(db, payload, now)
    background.add_task(delivery)
    response.headers["Location"] = "/v1/me"
    return created


@router.post(
    "/auth/token",
    response_model=TokenPair,
    summary="Sign in",
    dependencies=[Depends(require_form_body), rate_limited(account_field="username")],
    responses=problem_responses(InvalidCredentials, FormFieldsRequired, 422),
)
def login(
    db: DbDep,
    now: NowDep,
    form: Annotated[LoginForm, Form()],
    response: Response,
    user_agent: Annotated[str | None, Header(max_length=500, include_in_schema=False)] = None,
) -> TokenPair:
    """OAuth2 password flow: form fields `username` (the email) and `password`, and
    optionally `device`, a name for the sign-in list. Returns a short-lived access token and
    a refresh token. A body in another format (JSON) is `415 form-fields-required`, which
    says what to send."""
    _no_store(response)
    return service.login(db, form.username, form.password, now, form.device or user_agent)


@router.post(
    "/auth/refresh",
    response_model=TokenPair,
    summary="Exchange a refresh token for new tokens",
    responses=problem_responses(InvalidRefreshToken, 422),
    dependencies=[account_limited(REFRESH_BUCKET, refresh_token_owner)],
)
def refresh_token(
    db: DbDep, now: NowDep, payload: RefreshTokenRequest, response: Response
) -> TokenPair:
    """Each refresh token works once and is replaced by the new one returned. Presenting a
    token that was already exchanged revokes every token from the same sign-in."""
    _no_store(response)
    return service.refresh(db, payload.refresh_token, now)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out",
    responses=problem_responses(422),
)
def logout(db: DbDep, now: NowDep, payload: RefreshTokenRequest) -> None:
    """Revoke the refresh token (and any token rotated from the same sign-in). The access
    token stays valid until it expires, at most a few minutes; the app should discard it."""
    service.logout(db, payload.refresh_token, now)


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
def update_me(db: DbDep, user: CurrentUser, now: NowDep, payload: UserUpdate) -> UserPublic:
    """Change the display name, time zone (an IANA name), usual pain areas, birth year or
    region (ISO 3166-1 alpha-2); `null` clears the display name, birth year or region."""
    return service.update_me(db, user, payload, now.date())


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change my password",
    dependencies=[rate_limited()],
    responses=problem_responses(401, WrongPassword, 422),
)
def change_password(
    db: DbDep,
    user: CurrentUser,
    sign_in: CurrentSignIn,
    now: NowDep,
    payload: PasswordChange,
    background: BackgroundTasks,
    delivery: DeliveryDep,
) -> None:
    """Set a new password, giving the current one. Every other sign-in ends (their refresh
    tokens stop working; access tokens they hold run out within minutes); the sign-in making
    the request stays. The person is told by email."""
    service.change_password(db, user, payload.current_password, payload.new_password, now, sign_in)
    background.add_task(delivery)


def reset_then_deliver(
    delivery: Delivery, email: str, now: datetime, traceparent: str | None
) -> None:
    """After the answer: queue the reset email if the account exists (linked to the request's
    trace), then send it."""
    try:
        with tracing.within(traceparent), delivery.sessions() as db:
            service.request_password_reset(db, email, now)
            db.commit()
    except Exception as exc:
        # The error's class only: a database error can quote the address.
        logger.error("password reset could not be queued (%s)", type(exc).__name__)
        return
    delivery()


@router.post(
    "/auth/password-reset",
    response_model=Accepted,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ask for a password reset email",
    dependencies=[rate_limited(account_field="email")],
    responses=problem_responses(422),
)
def request_password_reset(
    now: NowDep,
    payload: PasswordResetRequest,
    background: BackgroundTasks,
    delivery: DeliveryDep,
) -> Accepted:
    """If an account has this address, a link valid for 30 minutes is emailed to it. The
    answer is the same whether or not it exists, and so is the time it takes: the account is
    looked up after the answer is sent, so nobody can probe for accounts. Limited per client
    and per address."""
    background.add_task(
        reset_then_deliver, delivery, payload.email, now, tracing.current_traceparent()
    )
    return Accepted(
        message="If an account uses this address, a link to reset its password is on its way."
    )


@router.post(
    "/auth/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Set a new password from a reset email",
    dependencies=[rate_limited()],
    responses=problem_responses(InvalidEmailToken, 422),
)
def confirm_password_reset(db: DbDep, now: NowDep, payload: PasswordResetConfirm) -> None:
    """The token from the emailed link and a new password. The link works once, for 30
    minutes; every sign-in ends, so sign in again with the new password."""
    service.confirm_password_reset(db, payload.token, payload.new_password, now)


@router.post(
    "/me/email-verification",
    response_model=Accepted,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send the address verification email again",
    responses=problem_responses(401),
)
def resend_verification(
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    background: BackgroundTasks,
    delivery: DeliveryDep,
) -> Accepted:
    """A new link to verify the account's address (earlier links keep working until they
    expire). Nothing is sent when the address is already verified."""
    if service.resend_verification(db, user, now):
        background.add_task(delivery)
        return Accepted(message="A verification link is on its way.")
    return Accepted(message="This address is already verified.")


@router.post(
    "/auth/verify-email",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Verify an email address",
    responses=problem_responses(InvalidEmailToken, 422),
)
def verify_email(db: DbDep, now: NowDep, payload: EmailVerificationConfirm) -> None:
    """The token from the verification link; `email_verified` on the profile becomes true.
    Each link works once, for 48 hours."""
    service.verify_email(db, payload.token, now)


@router.get(
    "/policies",
    response_model=PolicyList,
    summary="The current terms and privacy notice",
    responses=problem_responses(),
)
def list_policies(db: DbDep) -> PolicyList:
    """The versions to show and accept now, one per kind (`terms`, `privacy_notice`).
    Health-data consent is given under the privacy notice's version."""
    rows = [service.policy_public(p) for p in service.current_policies(db)]
    return PolicyList(data=rows, count=len(rows))


@router.get(
    "/me/consents",
    response_model=ConsentOverview,
    summary="My consents",
    responses=problem_responses(401),
)
def get_consents(db: DbDep, user: CurrentUser) -> ConsentOverview:
    """What the person has agreed to now, the versions to accept now, and every consent
    given or withdrawn, newest first."""
    return service.consent_overview(db, user)


@router.post(
    "/me/consents",
    response_model=ConsentOverview,
    status_code=status.HTTP_201_CREATED,
    summary="Give or withdraw a consent",
    responses={
        201: located("The consent was recorded.", "the consents: `/v1/me/consents`"),
        **problem_responses(401, PolicyVersionNotCurrent, ConsentNotWithdrawable, 422),
    },
)
def change_consent(
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    payload: ConsentChange,
    response: Response,
    sources: PersonalData,
) -> ConsentOverview:
    """Give a consent for the current version of its document, or withdraw health-data
    consent with `granted: false`. Without health-data consent, logging sessions and other
    health data is refused with `consent-required`; what is already stored stays until the
    person takes it (`your_data.export`) or deletes it (`your_data.delete`)."""
    overview = service.change_consent(db, user, payload, now, sources)
    response.headers["Location"] = "/v1/me/consents"
    return overview


@router.get(
    "/me/sign-ins",
    response_model=SignInList,
    summary="My sign-ins",
    responses=problem_responses(401),
)
def list_sign_ins(db: DbDep, user: CurrentUser, sign_in: CurrentSignIn, now: NowDep) -> SignInList:
    """Every device or app still signed in (holding a refresh token that works): what it
    is, when it signed in and last renewed its tokens, and which one is making the request."""
    return service.list_sign_ins(db, user, now, sign_in)


@router.delete(
    "/me/sign-ins/{sign_in_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End a sign-in",
    responses=problem_responses(401, SignInNotFound, 422),
)
def end_sign_in(
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    sign_in_id: Annotated[Uuid, Path(description="The sign-in's `id` from the list.")],
) -> None:
    """Its refresh token stops working at once; an access token it holds runs out within
    minutes."""
    service.end_sign_in(db, user, sign_in_id, now)
