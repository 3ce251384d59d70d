from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.accounts.dependencies import CurrentUser, HealthDataUser, limited_per_account
from app.checkins import service
from app.checkins.dependencies import OwnedCheckin
from app.checkins.errors import CHECKIN_IDS
from app.checkins.schemas import CheckinCreate, CheckinList, CheckinPublic
from app.contract.openapi import located
from app.contract.params import Cursor, Limit
from app.contract.types import BoundedDate
from app.core.clock import NowDep
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.core.ratelimit import UPLOAD_BUCKET
from app.exercises.errors import ArticleNotLoaded
from app.shared.idempotency import IdConflict, InFuture

router = APIRouter(tags=["checkins"])


@router.post(
    "/checkins",
    response_model=CheckinPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Record today's check-in",
    responses={
        200: {
            "model": CheckinPublic,
            **located(
                "This check-in (same id, same content) was already stored; nothing changed.",
                "the stored check-in",
            ),
        },
        201: located("The check-in was stored.", "the stored check-in"),
        **problem_responses(
            401, IdConflict(CHECKIN_IDS), InFuture(CHECKIN_IDS), ArticleNotLoaded, 422
        ),
    },
    dependencies=[limited_per_account(UPLOAD_BUCKET)],
)
def create_checkin(
    db: DbDep,
    user: HealthDataUser,
    now: NowDep,
    payload: CheckinCreate,
    response: Response,
) -> CheckinPublic:
    """Record pain now (0-10), optionally per area, notes and any safety-screen questions now
    answered yes. One check-in per day in your timezone: a second one that day replaces the
    first (`replaced` names it). Safe to retry: the same `id` with the same content returns the
    stored check-in (200); the same `id` with other content is a 409. A yes to a screen
    question comes back with the same `triage` as `POST /v1/recommendations`: `urgent_care`
    means get emergency care now."""
    recorded = service.record_checkin(db, user, payload, now)
    return recorded.sent(response, f"/v1/checkins/{recorded.answer.id}")


@router.get(
    "/checkins",
    response_model=CheckinList,
    summary="List check-ins",
    responses=problem_responses(401, 422),
)
def list_checkins(
    db: DbDep,
    user: CurrentUser,
    date_from: Annotated[
        BoundedDate | None,
        Query(alias="from", description="First day to include (YYYY-MM-DD, in your timezone)."),
    ] = None,
    date_to: Annotated[
        BoundedDate | None,
        Query(
            alias="to",
            description="Last day to include (YYYY-MM-DD, in your timezone); not before `from`.",
        ),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CheckinList:
    """The caller's check-ins, newest day first, paged with `cursor`."""
    return service.list_checkins(
        db, user, date_from=date_from, date_to=date_to, limit=limit, cursor=cursor
    )


@router.get(
    "/checkins/{checkin_id}",
    response_model=CheckinPublic,
    summary="Get one check-in",
    responses=problem_responses(401, 404, 422, ArticleNotLoaded),
)
def get_checkin(db: DbDep, user: CurrentUser, row: OwnedCheckin) -> CheckinPublic:
    """One of the caller's check-ins."""
    return service.to_public(db, row, user)


@router.delete(
    "/checkins/{checkin_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a check-in",
    responses=problem_responses(401, 404, 422),
)
def delete_checkin(db: DbDep, row: OwnedCheckin) -> None:
    """Delete one of the caller's check-ins."""
    service.delete_checkin(db, row)
