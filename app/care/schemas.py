from pydantic import BaseModel, Field


class ReferralSource(BaseModel):
    """Where in the source article the referral comes from."""

    title: str = Field(description="Title of the source article.")
    section: str = Field(description="Article section that points to the clinic.")


class ReferralPublic(BaseModel):
    """A clinic to see when self-guided exercise is not the right step."""

    slug: str = Field(description="Stable identifier, e.g. `illinois-pain-spine-institute`.")
    name: str = Field(description="Name of the clinic.")
    location: str = Field(description="Where the clinic is.")
    summary: str = Field(description="What the clinic offers, in plain words.")
    offers: list[str] = Field(description="Kinds of care and pain the clinic takes on.")
    source: ReferralSource
    guidance: str = Field(
        description="Where in-person care fits, and that this clinic is the article's own "
        "example, not the only place to go."
    )


class CareReferralPublic(ReferralPublic):
    """The referral the app offers, with the article's general disclaimer to show beside it."""

    disclaimer: str = Field(
        description="The article's disclaimer, verbatim: who its moves are meant for, and when "
        "to see a specialist instead."
    )
    disclaimer_quote: str = Field(
        description="Deprecated since 1.1.0: the same words as `disclaimer`, kept for clients "
        "written against 1.0.",
        json_schema_extra={"deprecated": True},
    )
