from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from app.accounts.dependencies import CurrentUser, OptionalUser
from app.contract.caching import NOT_MODIFIED, ContentAnswerDep, vary_on_authorization
from app.contract.openapi import located
from app.contract.params import ChangedSince, Cursor, Limit, Offset
from app.contract.versioning import with_deprecated_fields
from app.core.clock import NowDep
from app.core.db import DbDep
from app.core.errors import problem_responses
from app.exercises.errors import ArticleNotLoaded, UnknownExercise
from app.routines import service
from app.routines.dependencies import OnRoutineDeleted, OwnedRoutine, VisibleRoutine
from app.routines.errors import RoutineNotFound
from app.routines.schemas import RoutineCreate, RoutineList, RoutinePublic, RoutineUpdate
from app.shared.enums import Area
from app.shared.sync import SyncTokenExpired

router = APIRouter(tags=["routines"])
# Curated routines by slug are the same for everyone: cacheable like the catalog.
curated_router = APIRouter(responses=NOT_MODIFIED)
CuratedSlug = Annotated[
    str,
    Path(
        description="Slug of a curated routine, e.g. `mid-back-mobility`.",
        max_length=64,
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        examples=["mid-back-mobility"],
    ),
]
# The list and a single routine answer anonymous callers too, differently.
VARY_ON_TOKEN = [Depends(vary_on_authorization), with_deprecated_fields()]
OLD_NAMES = [with_deprecated_fields()]


@router.get(
    "/routines",
    response_model=RoutineList,
    summary="List routines",
    responses=problem_responses(401, 422, SyncTokenExpired, ArticleNotLoaded),
    dependencies=VARY_ON_TOKEN,
)
def list_routines(
    db: DbDep,
    user: OptionalUser,
    now: NowDep,
    area: Annotated[
        Area | None, Query(description="Only routines meant for this part of the back.")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    cursor: Cursor = None,
    changed_since: ChangedSince = None,
) -> RoutineList:
    """Curated routines first (in their fixed order), then the caller's own, oldest first.
    Without a token, only curated routines. With `changed_since`, the routines created or
    changed since then and the deleted ones, in the order the changes happened: docs/sync.md
    describes the sync loop."""
    return service.list_routines(
        db,
        user_id=user.id if user else None,
        area=area,
        limit=limit,
        offset=offset,
        cursor=cursor,
        changed_since=changed_since,
        now=now,
    )


@router.get(
    "/routines/{routine_id}",
    response_model=RoutinePublic,
    summary="Get one routine",
    responses=problem_responses(401, 404, 422, ArticleNotLoaded),
    dependencies=VARY_ON_TOKEN,
)
def get_routine(
    db: DbDep, routine: VisibleRoutine, user: OptionalUser, now: NowDep
) -> RoutinePublic:
    """A curated routine, or one of the caller's own; with a token, led by your safety state
    (while a concern holds exercise, show its guidance instead of offering the moves)."""
    return service.routine_detail(db, routine, user.id if user else None, now)


@router.post(
    "/routines",
    response_model=RoutinePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Create a routine",
    responses={
        201: located("The routine was created.", "the new routine"),
        **problem_responses(UnknownExercise, 422, ArticleNotLoaded),
    },
    dependencies=OLD_NAMES,
)
def create_routine(
    db: DbDep, user: CurrentUser, now: NowDep, payload: RoutineCreate, response: Response
) -> RoutinePublic:
    """A new routine of the caller's own, from moves in the catalog."""
    created = service.create_routine(db, user.id, payload, now)
    response.headers["Location"] = f"/v1/routines/{created.id}"
    return created


@router.patch(
    "/routines/{routine_id}",
    response_model=RoutinePublic,
    summary="Change a routine",
    responses=problem_responses(UnknownExercise, 422, ArticleNotLoaded),
    dependencies=OLD_NAMES,
)
def update_routine(
    db: DbDep, routine: OwnedRoutine, now: NowDep, payload: RoutineUpdate
) -> RoutinePublic:
    """Change one of the caller's routines. Curated routines are read-only (403)."""
    return service.update_routine(db, routine, payload, now)


@router.delete(
    "/routines/{routine_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a routine",
    responses=problem_responses(401, 403, 404, 422),
)
def delete_routine(db: DbDep, routine: OwnedRoutine, on_deleted: OnRoutineDeleted) -> None:
    """Delete one of the caller's routines. Sessions logged with it are kept."""
    service.delete_routine(db, routine, on_deleted)


@curated_router.get(
    "/routines/curated/{slug}",
    response_model=RoutinePublic,
    summary="Get a curated routine by slug",
    responses=problem_responses(RoutineNotFound, 422, ArticleNotLoaded),
    dependencies=[with_deprecated_fields()],
)
async def get_curated_routine(answer: ContentAnswerDep, db: DbDep, slug: CuratedSlug) -> Response:
    """A routine that comes with the app, by its slug. Its id is derived from the slug
    (`uuid5`), so it is the same on every install."""
    return await answer(lambda: service.routine_detail(db, service.get_curated_routine(db, slug)))


router.include_router(curated_router)
