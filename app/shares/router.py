"""Share links (`/v1/me/shares`), the FHIR export (`/v1/me/fhir`), and what a clinician
opens (`/s/{token}`: the page and its downloads, outside the JSON API and its contract)."""

import json
import math
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Body, Depends, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.accounts.dependencies import CurrentUser, HealthDataUser
from app.accounts.models import User
from app.accounts.outbox import DeliveryDep
from app.contract.openapi import located
from app.contract.types import BoundedDate, Uuid
from app.core.clock import NowDep
from app.core.config import get_settings
from app.core.db import DbDep
from app.core.errors import problem_responses, raises
from app.core.ratelimit import SHARE_ADDRESS_BUCKET, SHARE_LINK_BUCKET, Limiter, caller_address
from app.exercises import service as exercises
from app.exercises.errors import ArticleNotLoaded
from app.outcomes import service as outcomes
from app.outcomes.errors import QuestionnaireNotLoaded
from app.outcomes.schemas import QuestionnairePublic
from app.reports import service as reports
from app.reports.data import gather
from app.reports.service import ReportFormat
from app.shares import (
    fhir,
    page,
    privacy,  # noqa: F401  (registers the personal data)
    service,
)
from app.shares.errors import ShareLinkGone, ShareLinkUnknown, ShareNotFound, SharePeriodInvalid
from app.shares.models import ClinicianShare, ShareOpened, ShareScope
from app.shares.schemas import (
    CREATE_EXAMPLE,
    ShareAccessList,
    ShareCreate,
    ShareCreated,
    ShareList,
    SharePublic,
)

router = APIRouter(tags=["shares"])
fhir_router = APIRouter(tags=["reports"])
public_router = APIRouter(include_in_schema=False)

ShareId = Annotated[Uuid, Path(description="Id of the share (a UUID).")]


@raises(ShareNotFound)
def owned_share(user: CurrentUser, db: DbDep, share_id: ShareId) -> ClinicianShare:
    """One of the caller's shares; anyone else's is a 404."""
    return service.get_owned(db, user, share_id)


OwnedShare = Annotated[ClinicianShare, Depends(owned_share)]


def _questionnaire(db: Session) -> QuestionnairePublic | None:
    try:
        return outcomes.get_questionnaire(db)
    except QuestionnaireNotLoaded:
        return None


def _bundle(db: Session, data: Any, user: User, scopes: set[ShareScope], now: datetime) -> bytes:
    document = fhir.bundle(data, user.id, user.display_name, scopes, _questionnaire(db), now)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


@router.post(
    "/me/shares",
    response_model=ShareCreated,
    status_code=201,
    summary="Share your diary with a clinician",
    responses={
        201: located("The link was created.", "the share: `/v1/me/shares/{id}`"),
        **problem_responses(401, SharePeriodInvalid, 422),
    },
)
def create_share(
    request: Request,
    db: DbDep,
    user: HealthDataUser,
    now: NowDep,
    body: Annotated[ShareCreate, Body(examples=[CREATE_EXAMPLE])],
    response: Response,
    background: BackgroundTasks,
    delivery: DeliveryDep,
) -> ShareCreated:
    """A read-only link to a page for your doctor or physiotherapist (and the same data as
    PDF, CSV and a FHIR R4 bundle), showing what you pick over the days you pick, for up to
    90 days. The link (`url`) is shown only now: only its hash is kept. With
    `clinician_email`, it is emailed there. Creating it records your consent to share with a
    clinician (`/v1/me/consents`); every opening is logged (`links.accesses`); revoke it any
    time with `DELETE`. Withdrawing health-data consent or deleting the account ends every
    link."""
    base_url = get_settings().public_base_url or str(request.base_url)
    created = service.create(db, user, body, now, base_url)
    if body.clinician_email:
        background.add_task(delivery)
    response.headers["Location"] = f"/v1/me/shares/{created.id}"
    return created


@router.get(
    "/me/shares",
    response_model=ShareList,
    summary="List your share links",
    responses=problem_responses(401),
)
def list_shares(db: DbDep, user: CurrentUser, now: NowDep) -> ShareList:
    """Every link you created, newest first, with whether it still works and how often it
    was opened."""
    data = service.list_shares(db, user, now)
    return ShareList(data=data, count=len(data))


@router.get(
    "/me/shares/{share_id}",
    response_model=SharePublic,
    summary="Get a share link",
    responses=problem_responses(401, ShareNotFound, 422),
)
def get_share(db: DbDep, share: OwnedShare, now: NowDep) -> SharePublic:
    """One link: what it shares, until when, and how often it was opened (not the link
    itself, which is kept only as a hash)."""
    return service.public(db, share, now)


@router.delete(
    "/me/shares/{share_id}",
    status_code=204,
    summary="Revoke a share link",
    responses=problem_responses(401, ShareNotFound, 422),
)
def revoke_share(db: DbDep, share: OwnedShare, now: NowDep) -> None:
    """The link stops working at once: its page and downloads answer 410. The link stays in
    your list, with its openings."""
    service.revoke(db, share, now)


@router.get(
    "/me/shares/{share_id}/accesses",
    response_model=ShareAccessList,
    summary="Who opened a share link",
    responses=problem_responses(401, ShareNotFound, 422),
)
def list_accesses(db: DbDep, share: OwnedShare) -> ShareAccessList:
    """Every opening, newest first: when, what (`page`, `pdf`, `csv`, `fhir`) and the kind of
    client (`browser`, `fhir_client`, `script`, `unknown`). No address is kept."""
    data = service.accesses(db, share)
    return ShareAccessList(data=data, count=len(data))


FHIR_CONTENT = {
    fhir.MEDIA_TYPE: {
        "schema": {
            "type": "object",
            "description": "A FHIR R4 Bundle of type `collection`.",
            "required": ["resourceType", "type", "entry"],
            "properties": {
                "resourceType": {"type": "string", "description": "`Bundle`.", "maxLength": 6},
                "type": {"type": "string", "description": "`collection`.", "maxLength": 10},
                "entry": {"type": "array", "items": {"type": "object"}, "maxItems": 20000},
            },
        }
    }
}


@fhir_router.get(
    "/me/fhir",
    response_class=Response,
    summary="Your diary as FHIR R4",
    responses={
        200: {"description": "A FHIR R4 Bundle (collection).", "content": FHIR_CONTENT},
        **problem_responses(401, 422, ArticleNotLoaded),
    },
)
def get_fhir(
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    date_from: Annotated[
        BoundedDate | None,
        Query(alias="from", description="First day (YYYY-MM-DD); 29 days before `to` if left out."),
    ] = None,
    date_to: Annotated[
        BoundedDate | None,
        Query(
            alias="to",
            description="Last day (YYYY-MM-DD), today if left out; at most "
            f"{reports.MAX_DAYS} days after `from`.",
        ),
    ] = None,
) -> Response:
    """Your diary for a period as a FHIR R4 `Bundle` (`application/fhir+json`), for a
    practice's record system: a minimal `Patient` (your display name, never your email),
    check-in pain as `Observation`s (LOINC 72514-3), each PEG response as a
    `QuestionnaireResponse` of the PEG `Questionnaire` in the bundle, sessions as
    `Procedure`s with their moves and pain before and after, open safety concerns as `Flag`s.
    docs/sharing.md lists every code and why."""
    start, end = reports.period(user, now, date_from, date_to)
    data = gather(db, user, start, end, now)
    body = _bundle(db, data, user, set(ShareScope), now)
    return Response(
        content=body,
        media_type=fhir.MEDIA_TYPE,
        headers={"Cache-Control": "private, no-store", "Vary": "Authorization"},
    )


# --- what a clinician opens --------------------------------------------------------------


class Refused(Exception):
    def __init__(self, status: int, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after


def _open(
    request: Request, db: Session, token: str, opened: ShareOpened, now: datetime
) -> tuple[ClinicianShare, User]:
    """The live share behind a token, its opening logged; Refused(404/410/429) otherwise."""
    limiter: Limiter = request.app.state.rate_limiter
    key = service.hash_token(token)[:32]
    wait = limiter.hit(SHARE_LINK_BUCKET, f"link:{key}") or limiter.hit(
        SHARE_ADDRESS_BUCKET, f"addr:{caller_address(request)}"
    )
    if wait is not None:
        raise Refused(429, wait)
    try:
        share, user = service.open_link(db, token, now)
    except ShareLinkUnknown as exc:
        raise Refused(404) from exc
    except ShareLinkGone as exc:
        raise Refused(410) from exc
    service.record_access(db, share, opened, request.headers.get("user-agent"), now)
    return share, user


def _refused_headers(refused: Refused) -> dict[str, str]:
    headers = page.headers()
    if refused.retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(refused.retry_after)))
    return headers


def _refused_page(refused: Refused) -> HTMLResponse:
    return HTMLResponse(
        page.render_gone(refused.status),
        status_code=refused.status,
        headers=_refused_headers(refused),
    )


Token = Annotated[str, Path(max_length=200)]


@public_router.get("/s/{token}", response_class=HTMLResponse)
def share_page(request: Request, db: DbDep, now: NowDep, token: Token) -> Response:
    try:
        share, user = _open(request, db, token, ShareOpened.PAGE, now)
    except Refused as refused:
        return _refused_page(refused)
    data = service.shared_data(db, share, user, now)
    html = page.render_page(
        data,
        set(map(ShareScope, share.scopes)),
        base=f"/s/{token}",
        full_report=service.offers_full_report(share),
        expires_at=share.expires_at,
        peg=_questionnaire(db),
        article=exercises.get_article(db).title,
    )
    return HTMLResponse(html, headers=page.headers())


def _report(
    request: Request, db: Session, now: datetime, token: str, fmt: ReportFormat
) -> Response:
    opened = ShareOpened.PDF if fmt is ReportFormat.PDF else ShareOpened.CSV
    try:
        share, user = _open(request, db, token, opened, now)
    except Refused as refused:
        return _refused_page(refused)
    if not service.offers_full_report(share):
        return _refused_page(Refused(404))
    body, media_type, name, language = reports.render(
        db, user, now, fmt, share.date_from, share.date_to
    )
    return Response(
        content=body,
        media_type=media_type,
        headers={
            **page.headers(),
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Language": language,
        },
    )


@public_router.get("/s/{token}/report.pdf")
def share_pdf(request: Request, db: DbDep, now: NowDep, token: Token) -> Response:
    return _report(request, db, now, token, ReportFormat.PDF)


@public_router.get("/s/{token}/report.csv")
def share_csv(request: Request, db: DbDep, now: NowDep, token: Token) -> Response:
    return _report(request, db, now, token, ReportFormat.CSV)


OUTCOME_CODES = {404: "not-found", 410: "expired", 429: "throttled"}


@public_router.get("/s/{token}/fhir")
def share_fhir(request: Request, db: DbDep, now: NowDep, token: Token) -> Response:
    try:
        share, user = _open(request, db, token, ShareOpened.FHIR, now)
    except Refused as refused:
        outcome = {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": OUTCOME_CODES[refused.status],
                    "diagnostics": page.GONE_WORDS[refused.status],
                }
            ],
        }
        return Response(
            json.dumps(outcome).encode(),
            status_code=refused.status,
            media_type=fhir.MEDIA_TYPE,
            headers=_refused_headers(refused),
        )
    data = service.shared_data(db, share, user, now)
    body = _bundle(db, data, user, set(map(ShareScope, share.scopes)), now)
    return Response(
        content=body,
        media_type=fhir.MEDIA_TYPE,
        headers={
            **page.headers(),
            "Content-Disposition": 'attachment; filename="back-pain-diary.fhir.json"',
        },
    )
