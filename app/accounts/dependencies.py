import uuid
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from app.accounts import security, service
from app.accounts.errors import (
    ConsentRequired,
    FormFieldsRequired,
    InvalidAccessToken,
    NotAuthenticated,
)
from app.accounts.models import ConsentPurpose, User
from app.contract.openapi import anonymous_welcome
from app.core.config import get_settings
from app.core.db import CallerDbDep, DbDep
from app.core.errors import raises
from app.core.ratelimit import account_limited

# auto_error=False: a missing token is ours to report as problem+json, and anonymous callers
# are welcome on some routes. The scheme still drives the docs page's Authorize button.
oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/v1/auth/token",
    refreshUrl="/v1/auth/refresh",
    auto_error=False,
    description="Sign in at `/v1/auth/token` with your email as the username. Access tokens "
    "are JWTs handled as RFC8725 advises: one algorithm (HS256) fixed on both sides, expiry "
    "and token type required and checked, and 15 minutes of life; renew them at "
    "`/v1/auth/refresh` with the refresh token, which works once.",
)


def _user_for_token(db: DbDep, token: str) -> User:
    try:
        user_id = security.decode_access_token(token, secret=get_settings().signing_key)
    except security.InvalidTokenError as exc:
        raise InvalidAccessToken() from exc
    user = service.get_user(db, user_id)
    if user is None:
        # Issued to an account that has since been deleted.
        raise InvalidAccessToken()
    return user


@raises(NotAuthenticated, InvalidAccessToken)
def get_current_user(db: DbDep, token: Annotated[str | None, Depends(oauth2_scheme)]) -> User:
    if not token:
        raise NotAuthenticated()
    return _user_for_token(db, token)


@anonymous_welcome
@raises(NotAuthenticated, InvalidAccessToken)
def get_optional_user(
    request: Request,
    db: DbDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User | None:
    """None for anonymous callers. Credentials that are sent but wrong are still a 401, so a
    client with an expired token learns it instead of silently seeing less."""
    if "authorization" not in request.headers:
        return None
    if not token:
        raise NotAuthenticated()
    return _user_for_token(db, token)


@anonymous_welcome
@raises(NotAuthenticated, InvalidAccessToken)
async def get_optional_caller(
    request: Request,
    db: CallerDbDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User | None:
    """As `get_optional_user`, for routes that answer anonymous callers without a write lock
    and record what a signed-in caller asked (`CallerDbDep`). A coroutine: an anonymous
    caller costs no trip to a worker thread; looking up a signed-in one takes one."""
    if "authorization" not in request.headers:
        return None
    return await run_in_threadpool(get_optional_user, request, db, token)


CurrentUser = Annotated[User, Depends(get_current_user)]


def current_account(user: CurrentUser) -> uuid.UUID:
    """The signed-in person, as the key of their per-account rate limits."""
    return user.id


def limited_per_account(bucket: str) -> Any:
    """The route's `bucket` limit, per signed-in account and per client address."""
    return account_limited(bucket, current_account)


async def refresh_token_owner(request: Request, db: DbDep) -> uuid.UUID | None:
    """The account a presented refresh token belongs to, None for a token nobody holds (then
    only the address is counted). FastAPI has parsed the body already; this reuses it."""
    try:
        body = await request.json()
    except ValueError:  # the validator reports a malformed body
        return None
    token = body.get("refresh_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        return None
    return await run_in_threadpool(service.refresh_token_owner, db, token)


OptionalUser = Annotated[User | None, Depends(get_optional_user)]
OptionalCaller = Annotated[User | None, Depends(get_optional_caller)]


async def get_current_sign_in(
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> uuid.UUID | None:
    """The sign-in (refresh token family) the caller's access token came from, if it says.
    Use beside `CurrentUser`, which has already checked the token."""
    if not token:
        return None
    try:
        return security.decode_access_claims(token, secret=get_settings().signing_key)[1]
    except security.InvalidTokenError:
        return None


CurrentSignIn = Annotated[uuid.UUID | None, Depends(get_current_sign_in)]


@raises(ConsentRequired)
async def require_health_data_consent(user: CurrentUser, db: DbDep) -> User:
    """The signed-in person, if they have given explicit consent to store health data;
    otherwise a 403 `consent-required` problem naming the consent to give, with the current
    version. Guards every write of health data (reads and deletions stay open, so people can
    see and remove what is stored after withdrawing)."""
    if user.health_data_consent_at is None:
        version = await run_in_threadpool(service.current_version, db, ConsentPurpose.HEALTH_DATA)
        raise ConsentRequired(version)
    return user


HealthDataUser = Annotated[User, Depends(require_health_data_consent)]


FORM_MEDIA_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@raises(FormFieldsRequired)
async def require_form_body(request: Request) -> None:
    """A body sent in another format than form fields is a 415 that says which fields to send
    and how. Runs before the form is validated; a request with no `Content-Type` is left to
    the validator, which names the missing fields."""
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type and media_type not in FORM_MEDIA_TYPES:
        raise FormFieldsRequired(media_type[:100])
