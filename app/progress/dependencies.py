from typing import Annotated

from fastapi import Depends, Path

from app.accounts.dependencies import CurrentUser
from app.contract.types import Uuid
from app.core.db import DbDep
from app.core.errors import raises
from app.progress import service
from app.progress.errors import SessionNotFound
from app.progress.models import ProgressSession

SessionId = Annotated[Uuid, Path(description="Id of the session (a UUID).")]


@raises(SessionNotFound)
def owned_session(user: CurrentUser, db: DbDep, session_id: SessionId) -> ProgressSession:
    """One of the caller's sessions; anyone else's is a 404."""
    return service.get_owned_session(db, session_id, user.id)


OwnedSession = Annotated[ProgressSession, Depends(owned_session)]
