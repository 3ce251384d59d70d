from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from app.accounts.dependencies import CurrentUser, OptionalUser
from app.core.caching import vary_on_authorization
from app.core.db import SessionDep
from app.core.enums import Area
from app.core.errors import problem_responses
from app.core.params import Limit, Offset
from app.routines import service
from app.routines.dependencies import OwnedRoutine, VisibleRoutine
from app.routines.errors import UnknownExercise
from app.routines.schemas import RoutineCreate, RoutineList, RoutinePublic, RoutineUpdate

router = APIRouter(tags=["routines"])
# The list and a single routine answer anonymous callers too, differently.
VARY_ON_TOKEN = [Depends(vary_on_authorization)]


@router.get(
    "/routines",
    response_model=RoutineList,
    summary="List routines",
    responses=problem_responses(401, 422, 503),
    dependencies=VARY_ON_TOKEN,
)
def list_routines(
    session: SessionDep,
    user: OptionalUser,
    area: Annotated[
        Area | None, Query(description="Only routines meant for this part of the back.")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RoutineList:
    """Curated routines first (in their fixed order), then the caller's own, oldest first.
    Without a token, only curated routines."""
    data, count = service.list_routines(
        session, user_id=user.id if user else None, area=area, limit=limit, offset=offset
    )
    return RoutineList(data=data, count=count)


@router.get(
    "/routines/{routine_id}",
    response_model=RoutinePublic,
    summary="Get one routine",
    responses=problem_responses(401, 404, 422, 503),
    dependencies=VARY_ON_TOKEN,
)
def get_routine(session: SessionDep, routine: VisibleRoutine) -> RoutinePublic:
    """A curated routine, or one of the caller's own."""
    return service.routine_detail(session, routine)


@router.post(
    "/routines",
    response_model=RoutinePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a routine",
    responses=problem_responses(UnknownExercise, 422, 503),
)
def create_routine(
    session: SessionDep, user: CurrentUser, payload: RoutineCreate, response: Response
) -> RoutinePublic:
    """A new routine of the caller's own, from moves in the catalog."""
    created = service.create_routine(session, user.id, payload)
    response.headers["Location"] = f"/v1/routines/{created.id}"
    return created


@router.patch(
    "/routines/{routine_id}",
    response_model=RoutinePublic,
    summary="Change a routine",
    responses=problem_responses(UnknownExercise, 422, 503),
)
def update_routine(
    session: SessionDep, routine: OwnedRoutine, payload: RoutineUpdate
) -> RoutinePublic:
    """Change one of the caller's routines. Curated routines are read-only (403)."""
    return service.update_routine(session, routine, payload)


@router.delete(
    "/routines/{routine_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a routine",
    responses=problem_responses(401, 403, 404, 422),
)
def delete_routine(session: SessionDep, routine: OwnedRoutine) -> None:
    """Delete one of the caller's routines. Sessions logged with it are kept."""
    service.delete_routine(session, routine)
