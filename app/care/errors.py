from app.core.errors import NotFound, ServiceUnavailable


class ReferralNotFound(NotFound):
    title = "No referral configured"
    slug = "referral-not-found"

    def __init__(self) -> None:
        super().__init__("No default care referral is configured; load the seed data.")


class ArticleNotLoaded(ServiceUnavailable):
    title = "Catalog not loaded"
    slug = "catalog-not-loaded"

    def __init__(self) -> None:
        super().__init__("The source article is missing from the database; load the seed data.")
