from typing import Annotated

from fastapi import APIRouter, Body, Query

from app.accounts.dependencies import CurrentUser, HealthDataUser
from app.core.clock import NowDep, local_date
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.safety import service
from app.safety.dependencies import OwnedConcern
from app.safety.errors import ConcernNotFound, SeenOnOutOfRange
from app.safety.schemas import (
    CLOSE_EXAMPLE,
    ConcernClose,
    ConcernFilter,
    ConcernList,
    ConcernPublic,
    SafetyState,
)

router = APIRouter(tags=["safety"])


@router.get(
    "/me/safety",
    response_model=SafetyState,
    summary="Your safety state",
    responses=problem_responses(401),
)
def get_safety(db: DbDep, user: CurrentUser, now: NowDep) -> SafetyState:
    """The concerns open for you, most urgent first, what to do about them, and whether
    exercise is on hold. Check-ins, the PEG, sessions and signed-in recommendations report
    here; plans, reminders, routines, recommendations, sessions and the summary obey it. Its rules
    are in docs/safety.md."""
    return service.safety_state(db, user.id, now)


@router.get(
    "/me/safety/concerns",
    response_model=ConcernList,
    summary="List safety concerns",
    responses=problem_responses(401, 422),
)
def list_concerns(
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    status: Annotated[
        ConcernFilter, Query(description="`open`, `closed` or `all` (the default).")
    ] = ConcernFilter.ALL,
) -> ConcernList:
    """Every concern you had, open before closed, most urgent first, each with what was
    reported (a replaced check-in's warning signs included) and how it closed."""
    data = service.list_concerns(db, user.id, status, now)
    return ConcernList(data=data, count=len(data))


@router.post(
    "/me/safety/concerns/{concern_id}/close",
    response_model=ConcernPublic,
    summary="Close a concern: seen, and can exercise",
    responses=problem_responses(401, ConcernNotFound, SeenOnOutOfRange, 422),
)
def close_concern(
    db: DbDep,
    user: HealthDataUser,
    now: NowDep,
    concern: OwnedConcern,
    body: Annotated[ConcernClose, Body(examples=[CLOSE_EXAMPLE])],
) -> ConcernPublic:
    """Record "I have been seen and can exercise", with the day you were seen. This is how an
    emergency or same-day concern closes: never by itself. Closing a closed concern again
    changes nothing. Needs health-data consent (`403 consent-required` without it)."""
    return service.close(db, concern, body, local_date(now, user.timezone), now)
