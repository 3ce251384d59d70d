from typing import Annotated

from fastapi import Depends, Path

from app.accounts.dependencies import CurrentUser
from app.contract.types import Uuid
from app.core.db import DbDep
from app.core.errors import raises
from app.safety import service
from app.safety.errors import ConcernNotFound
from app.safety.models import SafetyConcern

ConcernId = Annotated[Uuid, Path(description="Id of the safety concern (a UUID).")]


@raises(ConcernNotFound)
def owned_concern(user: CurrentUser, db: DbDep, concern_id: ConcernId) -> SafetyConcern:
    """One of the caller's concerns; anyone else's is a 404."""
    return service.get_owned_concern(db, concern_id, user.id)


OwnedConcern = Annotated[SafetyConcern, Depends(owned_concern)]
