"""Accounts: sign-up, sign-in, token rotation, passwords, email verification, consents,
sign-ins and the profile. Export and deletion live above every domain, in `app.privacy`."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts import outbox, security
from app.accounts.errors import (
    ConsentNotWithdrawable,
    EmailTaken,
    InvalidCredentials,
    InvalidEmailToken,
    InvalidRefreshToken,
    PolicyVersionNotCurrent,
    SignInNotFound,
    WrongPassword,
)
from app.accounts.models import (
    AccountToken,
    AccountTokenPurpose,
    ConsentPurpose,
    ConsentRecord,
    EmailOutbox,
    PolicyDocument,
    PolicyKind,
    RefreshToken,
    User,
)
from app.accounts.schemas import (
    ConsentChange,
    ConsentGrant,
    ConsentOverview,
    ConsentRecordPublic,
    DataRights,
    EmailRecord,
    PolicyPublic,
    SignInList,
    SignInPublic,
    SignInRecord,
    TokenPair,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from app.core.clock import as_utc
from app.core.config import get_settings
from app.core.emails import lookup_form
from app.core.errors import InvalidInput
from app.i18n import current_language, person_language
from app.shared import sync
from app.shared.enums import Area
from app.shared.personal_data import PersonalDataSource

PASSWORD_RESET_LIFETIME = timedelta(minutes=30)
EMAIL_VERIFICATION_LIFETIME = timedelta(hours=48)
# Health-data consent is given under the privacy notice, which says what is done with it.
POLICY_OF = {
    ConsentPurpose.TERMS: PolicyKind.TERMS,
    ConsentPurpose.PRIVACY_NOTICE: PolicyKind.PRIVACY_NOTICE,
    ConsentPurpose.HEALTH_DATA: PolicyKind.PRIVACY_NOTICE,
    ConsentPurpose.SHARE_WITH_CLINICIAN: PolicyKind.PRIVACY_NOTICE,
}


def to_public(user: User) -> UserPublic:
    return UserPublic(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        timezone=user.timezone,
        usual_areas=[Area(a) for a in user.usual_areas],
        birth_year=user.birth_year,
        region=user.region,
        language=user.language,
        created_at=user.created_at,
        email_verified=user.email_verified_at is not None,
        health_data_consent=user.health_data_consent_at is not None,
    )


def _find_by_email(db: Session, email: str) -> User | None:
    return db.exec(select(User).where(User.email == lookup_form(email))).first()


def register(db: Session, data: UserCreate, now: datetime) -> UserPublic:
    """Create the account with the consents given on the way, and queue the email that
    verifies the address."""
    # Hash before the first query: on SQLite a writing request holds the write lock from its
    # first statement, and hashing is the slow part.
    password_hash = security.hash_password(data.password)
    if _find_by_email(db, data.email) is not None:
        raise EmailTaken()
    current = _current_versions(db)
    for index, grant in enumerate(data.consents):
        _check_version(current, grant, ["body", "consents", index, "version"])
    user = User(
        email=data.email,
        password_hash=password_hash,
        display_name=data.display_name,
        timezone=data.timezone,
        usual_areas=[a.value for a in data.usual_areas],
    )
    try:
        # Two sign-ups with the same email at once: the unique constraint decides.
        with db.begin_nested():
            db.add(user)
    except IntegrityError as exc:
        raise EmailTaken() from exc
    for purpose, version in {g.purpose: g.version for g in data.consents}.items():
        _record_consent(db, user, ConsentPurpose(purpose), version, True, now)
    _send_verification(db, user, now)
    return to_public(user)


def authenticate(db: Session, email: str, password: str) -> User:
    user = _find_by_email(db, email)
    if user is None:
        security.burn_password_check(password)
        raise InvalidCredentials()
    user_id, stored_hash = user.id, user.password_hash
    # End the transaction while verifying (tens of milliseconds of CPU), so that on SQLite
    # other writers are not queued behind a password check.
    db.rollback()
    valid, new_hash = security.verify_and_update_password(password, stored_hash)
    if not valid:
        raise InvalidCredentials()
    user = db.get(User, user_id)
    if user is None:  # deleted while the password was being checked
        raise InvalidCredentials()
    if new_hash is not None:
        user.password_hash = new_hash
    return user


def login(
    db: Session, email: str, password: str, now: datetime, device: str | None = None
) -> TokenPair:
    user = authenticate(db, email, password)
    return _issue_tokens(db, user.id, now, family_id=uuid.uuid4(), device=device)


def _issue_tokens(
    db: Session,
    user_id: uuid.UUID,
    now: datetime,
    *,
    family_id: uuid.UUID,
    device: str | None = None,
) -> TokenPair:
    settings = get_settings()
    access_lifetime = timedelta(minutes=settings.access_token_minutes)
    refresh_lifetime = timedelta(days=settings.refresh_token_days)
    raw_refresh = security.new_refresh_token()
    db.add(
        RefreshToken(
            user_id=user_id,
            family_id=family_id,
            token_hash=security.hash_refresh_token(raw_refresh),
            created_at=now,
            expires_at=now + refresh_lifetime,
            device=device[:200] if device else None,
        )
    )
    db.flush()
    return TokenPair(
        access_token=security.create_access_token(
            user_id,
            secret=settings.signing_key,
            now=now,
            lifetime=access_lifetime,
            sign_in=family_id,
        ),
        expires_in=int(access_lifetime.total_seconds()),
        refresh_token=raw_refresh,
        refresh_expires_in=int(refresh_lifetime.total_seconds()),
    )


def _revoke_family(db: Session, family_id: uuid.UUID, now: datetime) -> None:
    db.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def _find_refresh_token(db: Session, raw_token: str) -> RefreshToken | None:
    token_hash = security.hash_refresh_token(raw_token)
    return db.exec(select(RefreshToken).where(RefreshToken.token_hash == token_hash)).first()


def refresh_token_owner(db: Session, raw_token: str) -> uuid.UUID | None:
    token = _find_refresh_token(db, raw_token)
    return None if token is None else token.user_id


def refresh(db: Session, raw_token: str, now: datetime) -> TokenPair:
    """Exchange a refresh token for a new pair. Each token works once; a second use means a
    copy is in someone else's hands, so every token descended from the same sign-in is
    revoked and both holders must sign in again."""
    token = _find_refresh_token(db, raw_token)
    if token is None:
        raise InvalidRefreshToken()
    if token.used_at is not None:
        _reject_reuse(db, token.family_id, now)
    if token.revoked_at is not None or as_utc(token.expires_at) <= now:
        raise InvalidRefreshToken()
    # Claim the token in one conditional UPDATE so two concurrent exchanges cannot both win.
    claimed = db.execute(
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
        _reject_reuse(db, token.family_id, now)
    return _issue_tokens(db, token.user_id, now, family_id=token.family_id, device=token.device)


def _reject_reuse(db: Session, family_id: uuid.UUID, now: datetime) -> None:
    _revoke_family(db, family_id, now)
    # The error below rolls the request's transaction back; the revocation must survive it.
    db.commit()
    raise InvalidRefreshToken()


def logout(db: Session, raw_token: str, now: datetime) -> None:
    """Revoke the refresh token and the rest of its family. Unknown or already revoked tokens
    are accepted silently: the outcome the client asked for holds either way."""
    token = _find_refresh_token(db, raw_token)
    if token is not None:
        _revoke_family(db, token.family_id, now)


def get_user(db: Session, user_id: uuid.UUID) -> User | None:
    return db.get(User, user_id)


def update_me(db: Session, user: User, data: UserUpdate, today: date) -> UserPublic:
    # display_name, birth_year, region and language may be sent as null (to clear them); the schema
    # rejects null elsewhere.
    if "display_name" in data.model_fields_set:
        user.display_name = data.display_name
    if "birth_year" in data.model_fields_set:
        if data.birth_year is not None and data.birth_year > today.year:
            raise InvalidInput("`birth_year` is in the future.", loc=["body", "birth_year"])
        user.birth_year = data.birth_year
    if "region" in data.model_fields_set:
        user.region = data.region
    if "language" in data.model_fields_set:
        user.language = data.language
    if data.timezone is not None:
        user.timezone = data.timezone
    if data.usual_areas is not None:
        user.usual_areas = [a.value for a in data.usual_areas]
    db.add(user)
    db.flush()
    return to_public(user)


def delete_user(db: Session, user: User) -> None:
    """Delete the account row itself, after every domain removed its data (`app.privacy`)."""
    db.execute(
        delete(User).where(col(User.id) == user.id).execution_options(synchronize_session=False)
    )
    sync.forget(db, sync.user_scope(user.id))
    db.expunge(user)


# --- passwords ---------------------------------------------------------------------------


def _revoke_sign_ins(
    db: Session, user_id: uuid.UUID, now: datetime, *, keep: uuid.UUID | None = None
) -> None:
    conditions = [col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None)]
    if keep is not None:
        conditions.append(col(RefreshToken.family_id) != keep)
    db.execute(
        update(RefreshToken)
        .where(*conditions)
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )


def change_password(
    db: Session,
    user: User,
    current_password: str,
    new_password: str,
    now: datetime,
    sign_in: uuid.UUID | None,
) -> None:
    """Set a new password after checking the current one; every other sign-in ends, the
    caller's stays, and the person is told by email."""
    user_id, stored_hash = user.id, user.password_hash
    new_hash = security.hash_password(new_password)
    db.rollback()  # no transaction held while Argon2 runs
    valid, _ = security.verify_and_update_password(current_password, stored_hash)
    if not valid:
        raise WrongPassword()
    user_row = db.get(User, user_id)
    if user_row is None:
        raise InvalidCredentials()
    user_row.password_hash = new_hash
    _revoke_sign_ins(db, user_id, now, keep=sign_in)
    outbox.enqueue(
        db,
        user_id=user_id,
        to=user_row.email,
        template="password_changed",
        context={"name": user_row.display_name},
        now=now,
        language=email_language(user_row),
    )
    db.flush()


def email_language(user: User) -> str:
    """The person's chosen language, else the language of the app that sent the request
    (`Accept-Language`), else English."""
    return person_language(user.language, current_language())


def _link(path: str, token: str) -> str:
    return f"{get_settings().app_link_base_url.rstrip('/')}/{path}?token={token}"


def _new_account_token(
    db: Session, user: User, purpose: AccountTokenPurpose, now: datetime, lifetime: timedelta
) -> AccountToken:
    """A single-use token row for a link in an email. Its hash is of a value nobody holds: the
    outbox draws the token itself when it sends the message (`outbox.LINK_TOKEN`)."""
    token = AccountToken(
        user_id=user.id,
        purpose=purpose,
        token_hash=security.hash_refresh_token(security.new_single_use_token()),
        email=user.email,
        created_at=now,
        expires_at=now + lifetime,
    )
    db.add(token)
    return token


def request_password_reset(db: Session, email: str, now: datetime) -> None:
    """Email a reset link if the account exists; the caller answers the same either way."""
    user = _find_by_email(db, email)
    if user is None:
        return
    token = _new_account_token(
        db, user, AccountTokenPurpose.PASSWORD_RESET, now, PASSWORD_RESET_LIFETIME
    )
    outbox.enqueue(
        db,
        user_id=user.id,
        to=user.email,
        template="password_reset",
        context={
            "name": user.display_name,
            "link": _link("reset-password", outbox.LINK_TOKEN),
            "minutes": int(PASSWORD_RESET_LIFETIME.total_seconds() // 60),
        },
        now=now,
        account_token=token,
        language=email_language(user),
    )
    db.flush()


def _use_account_token(
    db: Session, raw: str, purpose: AccountTokenPurpose, now: datetime
) -> AccountToken:
    """Claim a single-use token in one conditional UPDATE, so it works exactly once."""
    token = db.exec(
        select(AccountToken).where(
            AccountToken.token_hash == security.hash_refresh_token(raw),
            AccountToken.purpose == purpose,
        )
    ).first()
    if token is None or token.used_at is not None or as_utc(token.expires_at) <= now:
        raise InvalidEmailToken()
    claimed = db.execute(
        update(AccountToken)
        .where(col(AccountToken.id) == token.id, col(AccountToken.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidEmailToken()
    return token


def confirm_password_reset(db: Session, raw: str, new_password: str, now: datetime) -> None:
    """Set the password from a reset link and end every sign-in."""
    new_hash = security.hash_password(new_password)
    token = _use_account_token(db, raw, AccountTokenPurpose.PASSWORD_RESET, now)
    user = db.get(User, token.user_id)
    if user is None:
        raise InvalidEmailToken()
    user.password_hash = new_hash
    # Following the link proves the address too, if it is still the one the link went to.
    if user.email_verified_at is None and user.email == token.email:
        user.email_verified_at = now
    _revoke_sign_ins(db, user.id, now)
    # Any other reset link sent earlier stops working.
    db.execute(
        update(AccountToken)
        .where(
            col(AccountToken.user_id) == user.id,
            col(AccountToken.purpose) == AccountTokenPurpose.PASSWORD_RESET,
            col(AccountToken.used_at).is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.flush()


# --- email verification ------------------------------------------------------------------


def _send_verification(db: Session, user: User, now: datetime) -> None:
    token = _new_account_token(
        db, user, AccountTokenPurpose.EMAIL_VERIFICATION, now, EMAIL_VERIFICATION_LIFETIME
    )
    outbox.enqueue(
        db,
        user_id=user.id,
        to=user.email,
        template="verify_email",
        context={
            "name": user.display_name,
            "link": _link("verify-email", outbox.LINK_TOKEN),
            "hours": int(EMAIL_VERIFICATION_LIFETIME.total_seconds() // 3600),
        },
        now=now,
        account_token=token,
        language=email_language(user),
    )
    db.flush()


def resend_verification(db: Session, user: User, now: datetime) -> bool:
    """Send a new link unless the address is already verified; whether one was sent."""
    if user.email_verified_at is not None:
        return False
    _send_verification(db, user, now)
    return True


def verify_email(db: Session, raw: str, now: datetime) -> None:
    token = _use_account_token(db, raw, AccountTokenPurpose.EMAIL_VERIFICATION, now)
    user = db.get(User, token.user_id)
    if user is None or user.email != token.email:
        raise InvalidEmailToken()
    if user.email_verified_at is None:
        user.email_verified_at = now
    db.flush()


# --- policies and consents ---------------------------------------------------------------


def current_policies(db: Session) -> list[PolicyDocument]:
    """The newest published version of each kind of document."""
    rows = db.exec(
        select(PolicyDocument).order_by(
            col(PolicyDocument.kind), col(PolicyDocument.published_at).desc()
        )
    ).all()
    newest: dict[str, PolicyDocument] = {}
    for row in rows:
        newest.setdefault(row.kind, row)
    return [newest[k] for k in PolicyKind if k in newest]


def policy_public(row: PolicyDocument) -> PolicyPublic:
    return PolicyPublic(
        kind=PolicyKind(row.kind),
        version=row.version,
        title=row.title,
        url=row.url,
        published_at=row.published_at,
    )


def _current_versions(db: Session) -> dict[str, str]:
    return {row.kind: row.version for row in current_policies(db)}


def current_version(db: Session, purpose: ConsentPurpose) -> str | None:
    """The version a consent for `purpose` must name now (None if none is published)."""
    return _current_versions(db).get(POLICY_OF[purpose])


NOT_CURRENT_VERSION = {
    PolicyKind.TERMS: "Version '{version}' is not the current terms ({current}).",
    PolicyKind.PRIVACY_NOTICE: "Version '{version}' is not the current privacy notice ({current}).",
}
NO_CURRENT_VERSION = {
    PolicyKind.TERMS: "Version '{version}' is not the current terms (none published).",
    PolicyKind.PRIVACY_NOTICE: "Version '{version}' is not the current privacy notice "
    "(none published).",
}


def _check_version(current: dict[str, str], grant: ConsentGrant, loc: list[str | int]) -> None:
    kind = POLICY_OF[ConsentPurpose(grant.purpose)]
    wanted = current.get(kind)
    if grant.version != wanted:
        if wanted is None:
            raise PolicyVersionNotCurrent(NO_CURRENT_VERSION[kind], loc=loc, version=grant.version)
        raise PolicyVersionNotCurrent(
            NOT_CURRENT_VERSION[kind], loc=loc, version=grant.version, current=wanted
        )


def _record_consent(
    db: Session,
    user: User,
    purpose: ConsentPurpose,
    version: str,
    granted: bool,
    now: datetime,
) -> None:
    db.add(
        ConsentRecord(
            user_id=user.id, purpose=purpose, version=version, granted=granted, recorded_at=now
        )
    )
    if purpose == ConsentPurpose.HEALTH_DATA:
        user.health_data_consent_at = now if granted else None
        db.add(user)


def change_consent(
    db: Session,
    user: User,
    change: ConsentChange,
    now: datetime,
    sources: Sequence[PersonalDataSource],
) -> ConsentOverview:
    """Give a consent (for the current version of its document) or withdraw health-data
    consent, which stops new health data from being stored; what is stored stays until the
    person exports or deletes it. Withdrawing also ends, in every domain's `sources`, what the
    consent allowed (share links stop at once)."""
    if not change.granted and change.purpose != ConsentPurpose.HEALTH_DATA:
        raise ConsentNotWithdrawable(ConsentNotWithdrawable.example_detail, ["body", "granted"])
    if change.granted:
        _check_version(_current_versions(db), change, ["body", "version"])
    purpose = ConsentPurpose(change.purpose)
    _record_consent(db, user, purpose, change.version, change.granted, now)
    if purpose == ConsentPurpose.HEALTH_DATA and not change.granted:
        for source in sources:
            if source.on_health_data_withdrawn is not None:
                source.on_health_data_withdrawn(db, user.id, now)
    db.flush()
    return consent_overview(db, user)


def record_consent_for(db: Session, user: User, purpose: ConsentPurpose, now: datetime) -> None:
    """Record a consent given by doing what it is for (creating a share), under the current
    version of its document ("none" when none is published)."""
    version = _current_versions(db).get(POLICY_OF[purpose], "none")
    _record_consent(db, user, purpose, version, True, now)


def consent_history(db: Session, user_id: uuid.UUID) -> list[ConsentRecordPublic]:
    """Every consent given or withdrawn, oldest first."""
    rows = db.exec(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user_id)
        .order_by(col(ConsentRecord.recorded_at), col(ConsentRecord.id))
    ).all()
    return [
        ConsentRecordPublic(
            id=r.id,
            purpose=ConsentPurpose(r.purpose),
            version=r.version,
            granted=r.granted,
            recorded_at=r.recorded_at,
        )
        for r in rows
    ]


def consent_overview(db: Session, user: User) -> ConsentOverview:
    history = consent_history(db, user.id)
    accepted: dict[str, str] = {}
    for record in history:
        if record.granted:
            accepted[record.purpose] = record.version
    return ConsentOverview(
        terms_version=accepted.get(ConsentPurpose.TERMS),
        privacy_notice_version=accepted.get(ConsentPurpose.PRIVACY_NOTICE),
        health_data=user.health_data_consent_at is not None,
        current_policies=[policy_public(p) for p in current_policies(db)],
        history=list(reversed(history)),
        your_data=DataRights(export="/v1/me/export", delete="/v1/me"),
    )


# --- sign-ins ----------------------------------------------------------------------------


def _active(now: datetime) -> list[Any]:
    return [
        col(RefreshToken.used_at).is_(None),
        col(RefreshToken.revoked_at).is_(None),
        col(RefreshToken.expires_at) > now,
    ]


def list_sign_ins(db: Session, user: User, now: datetime, current: uuid.UUID | None) -> SignInList:
    """One entry per sign-in that can still be renewed: its live token says when it was last
    used (each renewal issues one) and when it ends; its first token when it began."""
    live = db.exec(select(RefreshToken).where(RefreshToken.user_id == user.id, *_active(now))).all()
    families = [t.family_id for t in live]
    began: dict[uuid.UUID, datetime] = {}
    if families:
        began = {
            family: first
            for family, first in db.execute(
                select(RefreshToken.family_id, func.min(RefreshToken.created_at))
                .where(col(RefreshToken.family_id).in_(families))
                .group_by(col(RefreshToken.family_id))
            ).all()
        }
    data = [
        SignInPublic(
            id=t.family_id,
            device=t.device,
            created_at=began.get(t.family_id, t.created_at),
            last_used_at=t.created_at,
            expires_at=t.expires_at,
            current=t.family_id == current,
        )
        for t in live
    ]
    data.sort(key=lambda s: (as_utc(s.last_used_at), s.id), reverse=True)
    return SignInList(data=data, count=len(data))


def end_sign_in(db: Session, user: User, family_id: uuid.UUID, now: datetime) -> None:
    ended = db.execute(
        update(RefreshToken)
        .where(
            col(RefreshToken.user_id) == user.id,
            col(RefreshToken.family_id) == family_id,
            *_active(now),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount == 0:  # type: ignore[attr-defined]
        raise SignInNotFound()
    _revoke_family(db, family_id, now)


# --- export and deletion of what accounts keep (registered in app.accounts.privacy) -----


def sign_in_records(db: Session, user_id: uuid.UUID) -> list[SignInRecord]:
    rows = db.exec(
        select(RefreshToken)
        .where(RefreshToken.user_id == user_id)
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


def email_records(db: Session, user_id: uuid.UUID) -> list[EmailRecord]:
    rows = db.exec(
        select(EmailOutbox)
        .where(EmailOutbox.user_id == user_id)
        .order_by(col(EmailOutbox.created_at), col(EmailOutbox.id))
    ).all()
    return [
        EmailRecord(
            template=r.template,
            to_address=r.to_address,
            status=r.status,
            created_at=r.created_at,
            sent_at=r.sent_at,
        )
        for r in rows
    ]


def delete_rows(db: Session, user_id: uuid.UUID, *tables: Any) -> None:
    for table in tables:
        db.execute(
            delete(table)
            .where(table.user_id == user_id)
            .execution_options(synchronize_session=False)
        )
