import uuid

from app.core.errors import DomainError, InvalidInput, NotFound


class ShareNotFound(NotFound):
    """Also for another person's share, so ids reveal nothing."""

    title = "Share not found"
    slug = "share-not-found"

    def __init__(self, share_id: uuid.UUID) -> None:
        super().__init__("No share with id '{share_id}'.", share_id=share_id)


class ShareLinkUnknown(NotFound):
    title = "Share link not found"
    slug = "share-link-not-found"
    example_detail = "This link is not known."

    def __init__(self) -> None:
        super().__init__(self.example_detail)


class ShareLinkGone(DomainError):
    """The link expired, was revoked, or ended with health-data consent."""

    status_code = 410
    title = "Share link no longer available"
    slug = "share-link-gone"
    example_detail = "This link is no longer available."

    def __init__(self) -> None:
        super().__init__(self.example_detail)


class ShareDownloadNotShared(NotFound):
    title = "Not shared"
    slug = "share-download-not-shared"
    example_detail = "The PDF and CSV hold the whole diary; this link shares only part of it."

    def __init__(self) -> None:
        super().__init__(self.example_detail)


class SharePeriodInvalid(InvalidInput):
    pass
