from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.accounts.dependencies import CurrentUser, HealthDataUser
from app.contract.openapi import located
from app.contract.types import BoundedDate
from app.core.clock import NowDep
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.plans import service
from app.plans.dependencies import OwnedPlan
from app.plans.errors import EndBeforeStart, TooManyPlans, UnknownPlanRoutine
from app.plans.schedule import local_date
from app.plans.schemas import DuePlans, PlanCreate, PlanList, PlanPublic, PlanUpdate

router = APIRouter(tags=["plans"])
# `{plan_id:uuid}`: only UUIDs reach the plan routes, so `/plans/today` is never taken for a
# plan id and answers other methods with 405.


@router.post(
    "/plans",
    response_model=PlanPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a routine",
    responses={
        201: located("The plan was stored.", "the new plan"),
        **problem_responses(UnknownPlanRoutine, EndBeforeStart, TooManyPlans, 422),
    },
)
def create_plan(
    db: DbDep, user: HealthDataUser, now: NowDep, payload: PlanCreate, response: Response
) -> PlanPublic:
    """Schedule a curated routine or one of your own on some weekdays at a local time. The
    time is in your timezone (the one in your profile), before and after DST changes alike.
    Needs health-data consent (`403 consent-required` without it)."""
    created = service.create_plan(db, user, payload, now)
    response.headers["Location"] = f"/v1/plans/{created.id}"
    return created


@router.get(
    "/plans",
    response_model=PlanList,
    summary="List plans",
    responses=problem_responses(401, 422),
)
def list_plans(db: DbDep, user: CurrentUser) -> PlanList:
    """Your plans, oldest first, paused ones included."""
    return service.list_plans(db, user.id)


@router.get(
    "/plans/today",
    response_model=DuePlans,
    summary="What is due today",
    responses=problem_responses(401, 422),
)
def list_due_plans(
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    day: Annotated[
        BoundedDate | None,
        Query(
            alias="date",
            description="Another day to look at (YYYY-MM-DD, in your timezone); today if omitted.",
        ),
    ] = None,
) -> DuePlans:
    """The plans due on the day in your timezone, earliest first, each with whether it is
    done: a session with its routine logged for that day. With your safety state: while a
    concern in it holds exercise, today and later days list nothing and its guidance comes
    instead."""
    return service.due_on(db, user, day or local_date(now, user.timezone), now)


@router.get(
    "/plans/{plan_id:uuid}",
    response_model=PlanPublic,
    summary="Get one plan",
    responses=problem_responses(401, 404, 422),
)
def get_plan(db: DbDep, plan: OwnedPlan) -> PlanPublic:
    """One of your plans."""
    return service.plan_detail(db, plan)


@router.patch(
    "/plans/{plan_id:uuid}",
    response_model=PlanPublic,
    summary="Change, pause or resume a plan",
    responses=problem_responses(401, 404, EndBeforeStart, 422),
)
def update_plan(
    db: DbDep, user: HealthDataUser, now: NowDep, plan: OwnedPlan, payload: PlanUpdate
) -> PlanPublic:
    """Change a plan's days, time or dates, or pause (`paused: true`) and resume it. While
    paused it sends no reminders and its days count neither as planned nor as missed. Needs
    health-data consent (`403 consent-required` without it)."""
    return service.update_plan(db, user, plan, payload, now)


@router.delete(
    "/plans/{plan_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a plan",
    responses=problem_responses(401, 404, 422),
)
def delete_plan(db: DbDep, plan: OwnedPlan) -> None:
    """Delete one of your plans, with its reminder history."""
    service.delete_plan(db, plan)
