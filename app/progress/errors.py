import uuid

from app.core.errors import Conflict, InvalidInput, NotFound


class SessionNotFound(NotFound):
    """Also raised for another user's session, so ids reveal nothing."""

    title = "Session not found"
    slug = "session-not-found"

    def __init__(self, session_id: uuid.UUID) -> None:
        super().__init__(f"No session with id '{session_id}'.")


class SessionIdConflict(Conflict):
    """The id is taken by a session with other content. The same answer is given whether that
    session is the caller's or someone else's, and nothing about it is revealed."""

    title = "Session id already used"
    slug = "session-id-conflict"

    def __init__(self, session_id: uuid.UUID) -> None:
        super().__init__(
            f"A different session is already stored with id '{session_id}'. To log a new "
            "session, generate a new id; to change a stored one, delete it and log it again."
        )


class UnknownRoutine(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "No such routine among the curated routines and your own.", loc=["body", "routine_id"]
        )


class SessionInFuture(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "completed_at is in the future; check the device clock.", loc=["body", "completed_at"]
        )
