from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import RedirectResponse

from app.contract.caching import NOT_MODIFIED, ContentAnswerDep
from app.contract.params import Limit, Offset
from app.contract.types import NO_NUL_PATTERN
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.exercises import service
from app.exercises.dependencies import ExerciseSlug
from app.exercises.errors import ArticleNotLoaded, ExerciseNotFound
from app.exercises.schemas import AreaList, ExerciseList, ExercisePublic
from app.shared.enums import Area, ExerciseKind, Position

# The catalog is the same for everyone and changes only with the seed content.
router = APIRouter(tags=["exercises"], responses=NOT_MODIFIED)


@router.get(
    "/exercises",
    response_model=ExerciseList,
    summary="List moves",
    responses=problem_responses(422, ArticleNotLoaded),
)
async def list_exercises(
    answer: ContentAnswerDep,
    db: DbDep,
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
) -> Response:
    """Moves from the article in article order, optionally filtered."""
    return await answer(
        lambda: service.list_exercises(
            db, area=area, kind=kind, position=position, q=q, limit=limit, offset=offset
        )
    )


ALIAS_REDIRECT: dict[int | str, dict[str, Any]] = {
    status.HTTP_308_PERMANENT_REDIRECT: {
        "description": "The path named the move by another name the article uses (such as "
        "`hairballs`); `Location` gives the move's own path, relative to this one.",
        "headers": {
            "Location": {
                "description": "The move's path, relative to the request, e.g. `cat-camel`.",
                "schema": {"type": "string"},
            }
        },
    }
}


@router.get(
    "/exercises/{slug}",
    response_model=ExercisePublic,
    summary="Get one move",
    responses={
        **ALIAS_REDIRECT,
        **problem_responses(ExerciseNotFound, 404, 422, ArticleNotLoaded),
    },
)
async def get_exercise(answer: ContentAnswerDep, db: DbDep, slug: ExerciseSlug) -> Response:
    """One move with its steps, dose, cautions, target areas, source and the article's
    disclaimer. A name from the move's `aliases` answers `308` with the move's own path."""

    def build() -> ExercisePublic | Response:
        found = service.find_exercise(db, slug)
        if found.by_alias:
            # Relative to /v1/exercises/<alias>, so it holds behind a proxy that adds a prefix.
            return RedirectResponse(found.move.slug, status_code=status.HTTP_308_PERMANENT_REDIRECT)
        return found.move

    return await answer(build)


@router.get("/areas", response_model=AreaList, summary="List pain areas")
async def list_areas(answer: ContentAnswerDep, db: DbDep) -> Response:
    """The three parts of the back, each with the moves that target it, their relevance and
    the reason, best match first."""
    return await answer(lambda: service.list_areas(db))
