from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.accounts.dependencies import CurrentUser, HealthDataUser, limited_per_account
from app.contract.openapi import located
from app.contract.params import ChangedSince, Cursor, Limit, Offset
from app.contract.types import BoundedDate
from app.contract.versioning import with_deprecated_fields
from app.core.clock import NowDep
from app.core.db import DbDep, in_transaction
from app.core.errors import problem_responses
from app.core.ratelimit import UPLOAD_BUCKET
from app.exercises.errors import UnknownExercise
from app.progress import service
from app.progress.dependencies import OwnedSession
from app.progress.errors import SESSION_IDS, SessionDeleted, UnknownRoutine
from app.progress.schemas import SessionCreate, SessionList, SessionPublic
from app.shared.enums import Area
from app.shared.idempotency import IdConflict, InFuture
from app.shared.sync import SyncTokenExpired

router = APIRouter(tags=["progress"])
OLD_NAMES = [with_deprecated_fields()]


@router.post(
    "/progress/sessions",
    response_model=SessionPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Log a session",
    responses={
        200: {
            "model": SessionPublic,
            **located(
                "This session (same id, same content) was already stored; nothing new was created.",
                "the stored session",
            ),
        },
        201: located("The session was stored.", "the stored session"),
        **problem_responses(
            IdConflict(SESSION_IDS),
            SessionDeleted,
            UnknownRoutine,
            InFuture(SESSION_IDS),
            UnknownExercise,
            422,
        ),
    },
    dependencies=[*OLD_NAMES, limited_per_account(UPLOAD_BUCKET)],
)
async def create_session(
    db: DbDep,
    user: HealthDataUser,
    now: NowDep,
    payload: SessionCreate,
    response: Response,
) -> SessionPublic:
    """Log a session. Safe to retry: the same `id` with the same content returns the stored
    session (200); the same `id` with different content is a 409, and the `id` of a session
    deleted since (a late retry) is a 410: drop the upload. A flare-up comes back with
    `flare_up: true` and `advice`. Needs health-data consent (`403 consent-required`
    without it, see `/v1/me/consents`)."""
    logged = await in_transaction(db, service.log_session, user, payload, now)
    return logged.sent(response, f"/v1/progress/sessions/{logged.answer.id}")


@router.get(
    "/progress/sessions",
    response_model=SessionList,
    summary="List sessions",
    responses=problem_responses(401, 422, SyncTokenExpired),
    dependencies=OLD_NAMES,
)
def list_sessions(
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    date_from: Annotated[
        BoundedDate | None,
        Query(
            alias="from",
            description="First day to include (YYYY-MM-DD, in your timezone); `to` must not "
            "be before it.",
        ),
    ] = None,
    date_to: Annotated[
        BoundedDate | None,
        Query(
            alias="to",
            description="Last day to include (YYYY-MM-DD, in your timezone); not before `from`.",
        ),
    ] = None,
    area: Annotated[Area | None, Query(description="Only sessions for this area.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    cursor: Cursor = None,
    changed_since: ChangedSince = None,
) -> SessionList:
    """The caller's sessions, newest first. With `changed_since`, the sessions logged or
    changed since then and the deleted ones, in the order the changes happened: docs/sync.md
    describes the sync loop."""
    return service.list_sessions(
        db,
        user_id=user.id,
        date_from=date_from,
        date_to=date_to,
        area=area,
        limit=limit,
        offset=offset,
        cursor=cursor,
        changed_since=changed_since,
        now=now,
    )


@router.get(
    "/progress/sessions/{session_id}",
    response_model=SessionPublic,
    summary="Get one session",
    responses=problem_responses(401, 404, 422),
    dependencies=OLD_NAMES,
)
def get_session(logged: OwnedSession) -> SessionPublic:
    """One of the caller's sessions."""
    return service.to_public(logged)


@router.delete(
    "/progress/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a session",
    responses=problem_responses(401, 404, 422),
)
def delete_session(db: DbDep, logged: OwnedSession) -> None:
    """Delete one of the caller's sessions. Its id is not used again: logging it later is a
    410 (for the 90 days its tombstone is kept)."""
    service.delete_session(db, logged)
