from typing import Annotated

from fastapi import Depends, Path

from app.accounts.dependencies import CurrentUser
from app.checkins import service
from app.checkins.errors import CheckinNotFound
from app.checkins.models import Checkin
from app.contract.types import Uuid
from app.core.db import DbDep
from app.core.errors import raises

CheckinId = Annotated[Uuid, Path(description="Id of the check-in (a UUID).")]


@raises(CheckinNotFound)
def owned_checkin(user: CurrentUser, db: DbDep, checkin_id: CheckinId) -> Checkin:
    """One of the caller's check-ins; anyone else's is a 404."""
    return service.get_owned_checkin(db, checkin_id, user.id)


OwnedCheckin = Annotated[Checkin, Depends(owned_checkin)]
