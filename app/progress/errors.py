import uuid

from app.core.errors import DomainError, InvalidInput, NotFound
from app.shared.idempotency import RecordKind


class SessionNotFound(NotFound):
    """Also raised for another user's session, so ids reveal nothing."""

    title = "Session not found"
    slug = "session-not-found"

    def __init__(self, session_id: uuid.UUID) -> None:
        super().__init__("No session with id '{session_id}'.", session_id=session_id)


# What a session's id taken by other content, and a completion time ahead, answer.
SESSION_IDS = RecordKind(
    title="Session id already used",
    slug="session-id-conflict",
    conflict="A different session is already stored with id '{session_id}'. To log a new "
    "session, generate a new id; to change a stored one, delete it and log it again under a "
    "new id.",
    id_name="session_id",
    moment="completed_at",
    future="completed_at is in the future; check the device clock.",
)


class SessionDeleted(DomainError):
    """A late retry of a session that was deleted since: logging it again would bring back
    what sync clients were told is gone."""

    status_code = 410
    title = "Session deleted"
    slug = "session-deleted"
    example_detail = (
        "The session with id '3f0c2a9e-8f61-4c55-9b0e-6d1f3c2b7a10' was deleted; its id is not "
        "used again. Drop this upload, or log it as a new session under a new id."
    )

    def __init__(self, session_id: uuid.UUID) -> None:
        super().__init__(
            "The session with id '{session_id}' was deleted; its id is not used again. Drop "
            "this upload, or log it as a new session under a new id.",
            session_id=session_id,
        )


class UnknownRoutine(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "No such routine among the curated routines and your own.", loc=["body", "routine_id"]
        )
