"""Accounts: sign-up, sign-in, token rotation, the profile, deletion and export."""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts import security
from app.accounts.errors import EmailTaken, InvalidCredentials, InvalidRefreshToken
from app.accounts.models import RefreshToken, User
from app.accounts.schemas import (
    AccountExport,
    SignInRecord,
    TokenPair,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from app.core import sync
from app.core.clock import as_utc
from app.core.config import get_settings
from app.core.enums import Area
from app.progress import service as progress_service
from app.routines import service as routines_service


def to_public(user: User) -> UserPublic:
    return UserPublic(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        timezone=user.timezone,
        usual_areas=[Area(a) for a in user.usual_areas],
        created_at=user.created_at,
    )


def _find_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def register(session: Session, data: UserCreate) -> UserPublic:
    # Hash before the first query: on SQLite a writing request holds the write lock from its
    # first statement, and hashing is the slow part.
    password_hash = security.hash_password(data.password)
    if _find_by_email(session, data.email) is not None:
        raise EmailTaken()
    user = User(
        email=data.email,
        password_hash=password_hash,
        display_name=data.display_name,
        timezone=data.timezone,
        usual_areas=[a.value for a in data.usual_areas],
    )
    try:
        # Two sign-ups with the same email at once: the unique constraint decides.
        with session.begin_nested():
            session.add(user)
    except IntegrityError as exc:
        raise EmailTaken() from exc
    return to_public(user)


def authenticate(session: Session, email: str, password: str) -> User:
    user = _find_by_email(session, email)
    if user is None:
        security.burn_password_check(password)
        raise InvalidCredentials()
    user_id, stored_hash = user.id, user.password_hash
    # End the transaction while verifying (tens of milliseconds of CPU), so that on SQLite
    # other writers are not queued behind a password check.
    session.rollback()
    valid, new_hash = security.verify_and_update_password(password, stored_hash)
    if not valid:
        raise InvalidCredentials()
    user = session.get(User, user_id)
    if user is None:  # deleted while the password was being checked
        raise InvalidCredentials()
    if new_hash is not None:
        user.password_hash = new_hash
    return user


def login(session: Session, email: str, password: str, now: datetime) -> TokenPair:
    user = authenticate(session, email, password)
    return _issue_tokens(session, user.id, now, family_id=uuid.uuid4())


def _issue_tokens(
    session: Session, user_id: uuid.UUID, now: datetime, *, family_id: uuid.UUID
) -> TokenPair:
    settings = get_settings()
    access_lifetime = timedelta(minutes=settings.access_token_minutes)
    refresh_lifetime = timedelta(days=settings.refresh_token_days)
    raw_refresh = security.new_refresh_token()
    session.add(
        RefreshToken(
            user_id=user_id,
            family_id=family_id,
            token_hash=security.hash_refresh_token(raw_refresh),
            created_at=now,
            expires_at=now + refresh_lifetime,
        )
    )
    session.flush()
    return TokenPair(
        access_token=security.create_access_token(
            user_id, secret=settings.signing_key, now=now, lifetime=access_lifetime
        ),
        expires_in=int(access_lifetime.total_seconds()),
        refresh_token=raw_refresh,
        refresh_expires_in=int(refresh_lifetime.total_seconds()),
    )


def _revoke_family(session: Session, family_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def _find_refresh_token(session: Session, raw_token: str) -> RefreshToken | None:
    token_hash = security.hash_refresh_token(raw_token)
    return session.exec(select(RefreshToken).where(RefreshToken.token_hash == token_hash)).first()


def refresh(session: Session, raw_token: str, now: datetime) -> TokenPair:
    """Exchange a refresh token for a new pair. Each token works once; a second use means a
    copy is in someone else's hands, so every token descended from the same sign-in is
    revoked and both holders must sign in again."""
    token = _find_refresh_token(session, raw_token)
    if token is None:
        raise InvalidRefreshToken()
    if token.used_at is not None:
        _reject_reuse(session, token.family_id, now)
    if token.revoked_at is not None or as_utc(token.expires_at) <= now:
        raise InvalidRefreshToken()
    # Claim the token in one conditional UPDATE so two concurrent exchanges cannot both win.
    claimed = session.execute(
        update(RefreshToken)
        .where(
            col(RefreshToken.id) == token.id,
            col(RefreshToken.used_at).is_(None),
            col(RefreshToken.revoked_at).is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        _reject_reuse(session, token.family_id, now)
    return _issue_tokens(session, token.user_id, now, family_id=token.family_id)


def _reject_reuse(session: Session, family_id: uuid.UUID, now: datetime) -> None:
    _revoke_family(session, family_id, now)
    # The error below rolls the request's transaction back; the revocation must survive it.
    session.commit()
    raise InvalidRefreshToken()


def logout(session: Session, raw_token: str, now: datetime) -> None:
    """Revoke the refresh token and the rest of its family. Unknown or already revoked tokens
    are accepted silently: the outcome the client asked for holds either way."""
    token = _find_refresh_token(session, raw_token)
    if token is not None:
        _revoke_family(session, token.family_id, now)


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def update_me(session: Session, user: User, data: UserUpdate) -> UserPublic:
    # Only display_name may be sent as null (to clear it); the schema rejects null elsewhere.
    if "display_name" in data.model_fields_set:
        user.display_name = data.display_name
    if data.timezone is not None:
        user.timezone = data.timezone
    if data.usual_areas is not None:
        user.usual_areas = [a.value for a in data.usual_areas]
    session.add(user)
    session.flush()
    return to_public(user)


def delete_account(session: Session, user: User) -> None:
    """Delete the account in SQL; the database's ON DELETE CASCADE removes everything that
    belongs to it (tokens, routines, sessions) without loading any of it."""
    session.execute(
        delete(RefreshToken)
        .where(col(RefreshToken.user_id) == user.id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(User).where(col(User.id) == user.id).execution_options(synchronize_session=False)
    )
    sync.forget(session, sync.user_scope(user.id))
    session.expunge(user)


def _sign_ins(session: Session, user: User) -> list[SignInRecord]:
    rows = session.exec(
        select(RefreshToken)
        .where(RefreshToken.user_id == user.id)
        .order_by(col(RefreshToken.created_at), col(RefreshToken.id))
    ).all()
    return [
        SignInRecord(
            created_at=r.created_at,
            expires_at=r.expires_at,
            used_at=r.used_at,
            revoked_at=r.revoked_at,
        )
        for r in rows
    ]


def export_account(session: Session, user: User, now: datetime) -> AccountExport:
    """One section per kind of data the account owns; each comes from its own query."""
    return AccountExport(
        exported_at=now,
        user=to_public(user),
        sign_ins=_sign_ins(session, user),
        routines=routines_service.list_owned_routines(session, user.id),
        sessions=progress_service.list_all_sessions(session, user.id),
    )
