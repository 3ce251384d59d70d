from pydantic import BaseModel, ConfigDict, Field

DISCLAIMER_EXAMPLE = (
    "It assumes that you have an average level of mobility and no debilitating conditions, "
    "however, so if you\u2019re dealing with severe back pain, you may want to see a back pain "
    "relief specialist."
)
GUIDANCE_EXAMPLE = (
    "See someone in person when your back pain is severe, won't go away, or a screening "
    "answer calls for it: your own doctor first, or a back pain specialist near you. The "
    "article's own example of a specialist is Illinois Pain & Spine Institute in Chicago, "
    "Illinois; it is one option, not the only place. It is not the place for an emergency or "
    "for a problem that needs a doctor today."
)


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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "slug": "illinois-pain-spine-institute",
                    "name": "Illinois Pain & Spine Institute",
                    "location": "Chicago, Illinois",
                    "summary": "A back pain specialist in Chicago that treats both long-standing "
                    "and newly started back pain with non-surgical treatments aimed at lasting "
                    "relief.",
                    "offers": ["non-surgical treatment", "chronic back pain", "new back pain"],
                    "source": {
                        "title": "Back Pain Relief: Exercises & Stretches That Can Help With "
                        "Back Pain",
                        "section": "Got Severe Back Pain That Won\u2019t Go Away? Back Pain "
                        "Specialist in Chicago",
                    },
                    "guidance": GUIDANCE_EXAMPLE,
                    "disclaimer": DISCLAIMER_EXAMPLE,
                    "disclaimer_quote": "It assumes that you have an average level of mobility "
                    "and no debilitating conditions, however, so if you\u2019re dealing with "
                    "severe back pain, you may want to see a back pain relief specialist.",
                }
            ]
        }
    )

    disclaimer: str = Field(
        description="The article's disclaimer, verbatim: who its moves are meant for, and when "
        "to see a specialist instead."
    )
    disclaimer_quote: str = Field(
        description="Deprecated since 1.1.0: the same words as `disclaimer`, kept for clients "
        "written against 1.0.",
        json_schema_extra={"deprecated": True},
    )
