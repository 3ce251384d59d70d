from pydantic import BaseModel, ConfigDict, Field

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


class TranslatedText(TranslationPublic):
    """A text in the request's language, beside the original it translates."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "language": "es",
                    "status": "machine",
                    "text": "Ayuda con la rigidez de los músculos de la espalda.",
                }
            ]
        }
    )

    text: str = Field(description="The translation.")

    @classmethod
    def of_text(cls, translated: Translated) -> "TranslatedText":
        return cls(language=translated.language, status=translated.status, text=translated.text)
