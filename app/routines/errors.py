import uuid

from app.core.errors import Forbidden, NotFound


class RoutineNotFound(NotFound):
    """Also raised for another user's routine: whether it exists is none of the caller's
    business."""

    title = "Routine not found"
    slug = "routine-not-found"

    def __init__(self, routine_id: uuid.UUID | None = None, slug: str | None = None) -> None:
        if slug is not None:
            super().__init__("No curated routine with slug '{slug}'.", slug=slug)
        else:
            super().__init__("No routine with id '{routine_id}'.", routine_id=routine_id)


class CuratedRoutineReadOnly(Forbidden):
    title = "Curated routine is read-only"
    slug = "curated-routine-read-only"

    def __init__(self) -> None:
        super().__init__(
            "Routines that come with the app cannot be changed or deleted; "
            "create your own routine instead."
        )
