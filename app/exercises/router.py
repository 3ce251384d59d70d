from typing import Annotated

from fastapi import APIRouter, Query

from app.core.caching import NOT_MODIFIED, CachedRoute
from app.core.db import SessionDep
from app.core.enums import Area, ExerciseKind, Position
from app.core.errors import problem_responses
from app.core.params import Limit, Offset
from app.core.types import NO_NUL_PATTERN
from app.exercises import service
from app.exercises.dependencies import ExerciseDep
from app.exercises.schemas import AreaList, ExerciseList, ExercisePublic

router = APIRouter(tags=["exercises"], route_class=CachedRoute, responses=NOT_MODIFIED)


@router.get(
    "/exercises",
    response_model=ExerciseList,
    summary="List moves",
    responses=problem_responses(422),
)
def list_exercises(
    session: SessionDep,
    area: Annotated[
        Area | None, Query(description="Only moves that help this part of the back.")
    ] = None,
    kind: Annotated[
        ExerciseKind | None, Query(description="Only exercises or only stretches.")
    ] = None,
    position: Annotated[
        Position | None, Query(description="Only moves from this starting position.")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            pattern=NO_NUL_PATTERN,
            description="Words to find in the name, aliases or steps (all must match).",
        ),
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ExerciseList:
    """Moves from the article in article order, optionally filtered."""
    data, count = service.list_exercises(
        session, area=area, kind=kind, position=position, q=q, limit=limit, offset=offset
    )
    return ExerciseList(data=data, count=count)


@router.get(
    "/exercises/{slug}",
    response_model=ExercisePublic,
    summary="Get one move",
    responses=problem_responses(404, 422),
)
def get_exercise(exercise: ExerciseDep) -> ExercisePublic:
    """One move with its steps, dose, cautions, target areas and source."""
    return service.to_public(exercise)


@router.get("/areas", response_model=AreaList, summary="List pain areas")
def list_areas(session: SessionDep) -> AreaList:
    """The three parts of the back, each with the moves that target it."""
    data = service.list_areas(session)
    return AreaList(data=data, count=len(data))
