from pydantic import BaseModel, Field

from app.i18n.catalog import Translated, TranslationStatus


class TranslationPublic(BaseModel):
    """The language a text is in and how far to trust its translation, so an app can decide
    whether to show it (or the English beside it): `original` (English, the source),
    `machine` (translated by software, reviewed by no one), `unreviewed` (translated by a
    person, not yet reviewed by a clinician) or `reviewed` (reviewed by a clinician)."""

    language: str = Field(
        description="The text's language (`en`, `es`, `de`); `en` when the requested "
        "language has no entry for it.",
        examples=["es"],
    )
    status: TranslationStatus

    @classmethod
    def of(cls, translated: Translated) -> "TranslationPublic":
        return cls(language=translated.language, status=translated.status)
