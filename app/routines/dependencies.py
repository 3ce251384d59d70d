from typing import Annotated

from fastapi import Depends, Path, Request

from app.accounts.dependencies import CurrentUser, OptionalUser
from app.contract.types import Uuid
from app.core.db import DbDep
from app.core.errors import raises
from app.routines import service
from app.routines.errors import CuratedRoutineReadOnly, RoutineNotFound
from app.routines.models import Routine

RoutineId = Annotated[Uuid, Path(description="Id of the routine (a UUID).")]


@raises(RoutineNotFound)
def visible_routine(db: DbDep, routine_id: RoutineId, user: OptionalUser) -> Routine:
    """A curated routine, or one of the caller's own; anything else is a 404."""
    return service.get_visible_routine(db, routine_id, user.id if user else None)


VisibleRoutine = Annotated[Routine, Depends(visible_routine)]


@raises(CuratedRoutineReadOnly, RoutineNotFound)
def owned_routine(user: CurrentUser, routine: VisibleRoutine) -> Routine:
    """One of the caller's own routines: 401 without a user, 403 for a curated one."""
    return service.ensure_owned(routine, user.id)


OwnedRoutine = Annotated[Routine, Depends(owned_routine)]


def on_routine_deleted(request: Request) -> tuple[service.RoutineDeleted, ...]:
    """What other domains change when a routine is deleted, as the app factory handed it over."""
    hooks: tuple[service.RoutineDeleted, ...] = request.app.state.on_routine_deleted
    return hooks


OnRoutineDeleted = Annotated[tuple[service.RoutineDeleted, ...], Depends(on_routine_deleted)]
