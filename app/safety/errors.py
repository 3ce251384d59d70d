import uuid
from datetime import date

from app.core.errors import InvalidInput, NotFound


class ConcernNotFound(NotFound):
    """Also for another person's concern, so ids reveal nothing."""

    title = "Safety concern not found"
    slug = "safety-concern-not-found"

    def __init__(self, concern_id: uuid.UUID) -> None:
        super().__init__("No safety concern with id '{concern_id}'.", concern_id=concern_id)


class SeenOnOutOfRange(InvalidInput):
    def __init__(self, opened_on: date, today: date) -> None:
        super().__init__(
            "seen_on must be between the day the concern opened ({opened_on}) and "
            "today ({today}) in your timezone.",
            loc=["body", "seen_on"],
            opened_on=opened_on.isoformat(),
            today=today.isoformat(),
        )
