"""Share links: created with a consent, opened by hash, logged, revoked, ended with the
account or with health-data consent."""

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app.accounts import outbox
from app.accounts import service as accounts
from app.accounts.models import ConsentPurpose, User
from app.core.clock import as_utc, local_date
from app.i18n import formats
from app.reports.data import ReportData, gather
from app.reports.service import DEFAULT_DAYS, MAX_DAYS
from app.shares.errors import (
    ShareLinkGone,
    ShareLinkUnknown,
    ShareNotFound,
    SharePeriodInvalid,
)
from app.shares.models import (
    ClinicianShare,
    ClinicianShareAccess,
    ShareClient,
    ShareEnd,
    ShareOpened,
    ShareScope,
)
from app.shares.schemas import (
    ShareAccessPublic,
    ShareCreate,
    ShareCreated,
    ShareLinks,
    SharePublic,
    ShareRecord,
    ShareStatus,
)

# 32 random bytes: 256 bits, twice the 128 the link needs to be unguessable.
TOKEN_BYTES = 32
PAGE_PATH = "/s/{token}"
FULL_REPORT = frozenset(ShareScope)


def hash_token(token: str) -> str:
    """What is stored and looked up: the SHA-256 of the token, so the table never holds a
    working link and a lookup compares fixed-length digests through the index."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def status_of(share: ClinicianShare, now: datetime) -> ShareStatus:
    if share.ended_at is not None:
        if share.ended_by == ShareEnd.CONSENT_WITHDRAWN:
            return ShareStatus.CONSENT_WITHDRAWN
        return ShareStatus.REVOKED
    if as_utc(share.expires_at) <= now:
        return ShareStatus.EXPIRED
    return ShareStatus.ACTIVE


def client_kind(user_agent: str | None) -> ShareClient:
    """The kind of client, from its User-Agent (the header itself is not kept)."""
    agent = (user_agent or "").lower()[:500]
    if not agent:
        return ShareClient.UNKNOWN
    if any(word in agent for word in ("fhir", "hapi", "firely", "smart")):
        return ShareClient.FHIR_CLIENT
    if any(word in agent for word in ("curl", "wget", "python", "httpx", "okhttp", "java/")):
        return ShareClient.SCRIPT
    if agent.startswith("mozilla/") or "chrome" in agent or "safari" in agent:
        return ShareClient.BROWSER
    return ShareClient.UNKNOWN


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def _period(body: ShareCreate, today: date, last_day: date) -> Period:
    end = body.date_to or today
    start = body.date_from or end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise SharePeriodInvalid("`to` must not be before `from`.", loc=["body", "to"])
    if (end - start).days + 1 > MAX_DAYS:
        raise SharePeriodInvalid(
            "The period may be at most {days} days long.", loc=["body", "from"], days=MAX_DAYS
        )
    if end > last_day:
        raise SharePeriodInvalid(
            "`to` must not be after the day the link expires ({day}).",
            loc=["body", "to"],
            day=last_day.isoformat(),
        )
    return Period(start, end)


def _counts(db: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[int, datetime]]:
    if not ids:
        return {}
    rows = db.execute(
        select(
            ClinicianShareAccess.share_id,
            func.count(),
            func.max(ClinicianShareAccess.accessed_at),
        )
        .where(col(ClinicianShareAccess.share_id).in_(ids))
        .group_by(col(ClinicianShareAccess.share_id))
    ).all()
    return {share_id: (count, last) for share_id, count, last in rows}


def _public(
    share: ClinicianShare, now: datetime, counts: dict[uuid.UUID, tuple[int, datetime]]
) -> SharePublic:
    count, last = counts.get(share.id, (0, None))
    return SharePublic(
        id=share.id,
        status=status_of(share, now),
        scopes=[ShareScope(s) for s in share.scopes],
        date_from=share.date_from,
        date_to=share.date_to,
        clinician_email=share.clinician_email,
        created_at=share.created_at,
        expires_at=share.expires_at,
        ended_at=share.ended_at,
        access_count=count,
        last_accessed_at=last,
        links=ShareLinks(accesses=f"/v1/me/shares/{share.id}/accesses"),
    )


def create(
    db: Session, user: User, body: ShareCreate, now: datetime, base_url: str
) -> ShareCreated:
    """A new link, recorded as a consent to share with a clinician, and emailed to the
    clinician when an address is given. The token is returned once and kept only hashed."""
    expires_at = now + timedelta(days=body.expires_in_days)
    period = _period(body, local_date(now, user.timezone), local_date(expires_at, user.timezone))
    token = new_token()
    scopes = [s.value for s in ShareScope if s in set(body.scopes)]
    share = ClinicianShare(
        user_id=user.id,
        token_hash=hash_token(token),
        scopes=scopes,
        date_from=period.start,
        date_to=period.end,
        clinician_email=body.clinician_email,
        created_at=now,
        expires_at=expires_at,
    )
    db.add(share)
    accounts.record_consent_for(db, user, ConsentPurpose.SHARE_WITH_CLINICIAN, now)
    url = base_url.rstrip("/") + PAGE_PATH.format(token=token)
    if body.clinician_email:
        # In the person's language: they chose the clinician, who most likely shares it.
        language = accounts.email_language(user)
        outbox.enqueue(
            db,
            user_id=user.id,
            to=body.clinician_email,
            template="share_link",
            context={
                "name": user.display_name,
                "url": url,
                "date_from": formats.day(period.start, language),
                "date_to": formats.day(period.end, language),
                "expires": formats.utc_moment(expires_at, language),
            },
            now=now,
            language=language,
        )
    db.flush()
    public = _public(share, now, {})
    return ShareCreated(**public.model_dump(), url=url, fhir_url=f"{url}/fhir")


def list_shares(db: Session, user: User, now: datetime) -> list[SharePublic]:
    rows = db.exec(
        select(ClinicianShare)
        .where(ClinicianShare.user_id == user.id)
        .order_by(col(ClinicianShare.created_at).desc(), col(ClinicianShare.id))
    ).all()
    counts = _counts(db, [r.id for r in rows])
    return [_public(r, now, counts) for r in rows]


def public(db: Session, share: ClinicianShare, now: datetime) -> SharePublic:
    return _public(share, now, _counts(db, [share.id]))


def get_owned(db: Session, user: User, share_id: uuid.UUID) -> ClinicianShare:
    share = db.get(ClinicianShare, share_id)
    if share is None or share.user_id != user.id:
        raise ShareNotFound(share_id)
    return share


def revoke(db: Session, share: ClinicianShare, now: datetime) -> None:
    """Stops the link at once; revoking an ended link changes nothing."""
    if share.ended_at is None:
        share.ended_at = now
        share.ended_by = ShareEnd.REVOKED
        db.add(share)
        db.flush()


def end_all(db: Session, user_id: uuid.UUID, now: datetime) -> None:
    """Health-data consent withdrawn: every link of the person stops at that moment."""
    db.execute(
        update(ClinicianShare)
        .where(col(ClinicianShare.user_id) == user_id, col(ClinicianShare.ended_at).is_(None))
        .values(ended_at=now, ended_by=ShareEnd.CONSENT_WITHDRAWN)
    )


def _accesses(rows: Iterable[ClinicianShareAccess]) -> list[ShareAccessPublic]:
    return [
        ShareAccessPublic(
            accessed_at=r.accessed_at, opened=ShareOpened(r.opened), client=ShareClient(r.client)
        )
        for r in rows
    ]


def accesses(db: Session, share: ClinicianShare) -> list[ShareAccessPublic]:
    rows = db.exec(
        select(ClinicianShareAccess)
        .where(ClinicianShareAccess.share_id == share.id)
        .order_by(col(ClinicianShareAccess.accessed_at).desc(), col(ClinicianShareAccess.id))
    ).all()
    return _accesses(rows)


def open_link(db: Session, token: str, now: datetime) -> tuple[ClinicianShare, User]:
    """The share and its owner for a token, looked up by the token's hash whatever the token
    looks like (a malformed one costs the same lookup): unknown is ShareLinkUnknown (404),
    expired or ended is ShareLinkGone (410)."""
    share = db.exec(
        select(ClinicianShare).where(ClinicianShare.token_hash == hash_token(token))
    ).first()
    if share is None:
        raise ShareLinkUnknown()
    user = db.get(User, share.user_id)
    if user is None or status_of(share, now) is not ShareStatus.ACTIVE:
        raise ShareLinkGone()
    return share, user


def record_access(
    db: Session,
    share: ClinicianShare,
    opened: ShareOpened,
    user_agent: str | None,
    now: datetime,
) -> None:
    db.add(
        ClinicianShareAccess(
            share_id=share.id,
            user_id=share.user_id,
            accessed_at=now,
            opened=opened,
            client=client_kind(user_agent),
        )
    )
    db.flush()


def shared_data(db: Session, share: ClinicianShare, user: User, now: datetime) -> ReportData:
    """The report's data for the shared days, with what is not shared left out."""
    data = gather(db, user, share.date_from, share.date_to, now)
    scopes = set(share.scopes)
    if ShareScope.DIARY not in scopes:
        data.checkin_pain, data.checkin_areas, data.checkin_notes = {}, {}, {}
        data.flare_up_days = []
    if ShareScope.PEG not in scopes:
        data.peg, data.peg_baseline = [], None
    if ShareScope.SESSIONS not in scopes:
        data.sessions = []
    if ShareScope.SAFETY not in scopes:
        data.screen_answers, data.alerts, data.cautions, data.safety = [], [], [], None
        data.attention = []
    return data


def offers_full_report(share: ClinicianShare) -> bool:
    return set(share.scopes) >= FULL_REPORT


# --- personal data -------------------------------------------------------------------------


def export_shares(db: Session, user_id: uuid.UUID) -> list[ShareRecord]:
    """Every link with its openings, oldest first."""
    rows = db.exec(
        select(ClinicianShare)
        .where(ClinicianShare.user_id == user_id)
        .order_by(col(ClinicianShare.created_at), col(ClinicianShare.id))
    ).all()
    out = []
    for row in rows:
        opened = db.exec(
            select(ClinicianShareAccess)
            .where(ClinicianShareAccess.share_id == row.id)
            .order_by(col(ClinicianShareAccess.accessed_at), col(ClinicianShareAccess.id))
        ).all()
        out.append(
            ShareRecord(
                id=row.id,
                scopes=[ShareScope(s) for s in row.scopes],
                date_from=row.date_from,
                date_to=row.date_to,
                clinician_email=row.clinician_email,
                created_at=row.created_at,
                expires_at=row.expires_at,
                ended_at=row.ended_at,
                ended_by=None if row.ended_by is None else ShareEnd(row.ended_by),
                accesses=_accesses(opened),
            )
        )
    return out


def delete_shares(db: Session, user_id: uuid.UUID) -> None:
    db.execute(delete(ClinicianShareAccess).where(col(ClinicianShareAccess.user_id) == user_id))
    db.execute(delete(ClinicianShare).where(col(ClinicianShare.user_id) == user_id))
