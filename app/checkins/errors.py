import uuid

from app.core.errors import Conflict, InvalidInput, NotFound


class CheckinNotFound(NotFound):
    """Also raised for another person's check-in, so ids reveal nothing."""

    title = "Check-in not found"
    slug = "checkin-not-found"

    def __init__(self, checkin_id: uuid.UUID) -> None:
        super().__init__("No check-in with id '{checkin_id}'.", checkin_id=checkin_id)


class CheckinIdConflict(Conflict):
    """The id is taken by a check-in with other content (the caller's or anyone's)."""

    title = "Check-in id already used"
    slug = "checkin-id-conflict"

    def __init__(self, checkin_id: uuid.UUID) -> None:
        super().__init__(
            "A different check-in is already stored with id '{checkin_id}'. To record a new "
            "check-in, generate a new id.",
            checkin_id=checkin_id,
        )


class CheckinInFuture(InvalidInput):
    def __init__(self) -> None:
        super().__init__(
            "recorded_at is in the future; check the device clock.", loc=["body", "recorded_at"]
        )
