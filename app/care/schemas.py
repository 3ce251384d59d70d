from pydantic import BaseModel, ConfigDict, Field

from app.i18n.catalog import TranslationStatus


class ReferralSource(BaseModel):
    """Where in the source article the referral comes from."""

    title: str = Field(description="Title of the source article.")
    section: str = Field(description="Article section that points to the clinic.")


class ReferralTranslation(BaseModel):
    """The referral's summary, offers and guidance in the request's language, beside the
    English."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "language": "es",
                    "status": "machine",
                    "summary": "Un especialista en dolor de espalda en Chicago que trata el "
                    "dolor de espalda de larga duración y el de inicio reciente con tratamientos "
                    "no quirúrgicos que buscan un alivio duradero.",
                    "offers": [
                        "tratamiento no quirúrgico",
                        "dolor de espalda crónico",
                        "dolor de espalda reciente",
                    ],
                    "guidance": "Consulte primero a su médico...",
                }
            ]
        }
    )

    language: str = Field(examples=["es"])
    status: TranslationStatus
    summary: str = Field(description="`summary`, translated.")
    offers: list[str] = Field(description="`offers`, translated, in the same order.")
    guidance: str = Field(description="`guidance`, translated; the clinic's name and place kept.")


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
    translation: ReferralTranslation | None = Field(
        default=None,
        description="`summary`, `offers` and `guidance` in the request's language, with the "
        "weakest status among them; null in English or when any of them has no translation. "
        "The English fields stay as the source gives them.",
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
