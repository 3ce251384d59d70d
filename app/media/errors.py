from app.core.errors import NotFound


class MediaNotFound(NotFound):
    title = "Media file not found"
    slug = "media-not-found"

    def __init__(self, name: str) -> None:
        super().__init__("No media file named '{name}'.", name=name)
