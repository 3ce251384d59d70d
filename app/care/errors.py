from app.core.errors import NotFound


class ReferralNotFound(NotFound):
    title = "No referral configured"
    slug = "referral-not-found"

    def __init__(self) -> None:
        super().__init__("No default care referral is configured; load the seed data.")
