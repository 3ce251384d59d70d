import uuid

from app.core.errors import NotFound
from app.shared.idempotency import RecordKind


class CheckinNotFound(NotFound):
    """Also raised for another person's check-in, so ids reveal nothing."""

    title = "Check-in not found"
    slug = "checkin-not-found"

    def __init__(self, checkin_id: uuid.UUID) -> None:
        super().__init__("No check-in with id '{checkin_id}'.", checkin_id=checkin_id)


# What a check-in's id taken by other content, and a moment ahead, answer.
CHECKIN_IDS = RecordKind(
    title="Check-in id already used",
    slug="checkin-id-conflict",
    conflict="A different check-in is already stored with id '{checkin_id}'. To record a new "
    "check-in, generate a new id.",
    id_name="checkin_id",
    moment="recorded_at",
    future="recorded_at is in the future; check the device clock.",
)
