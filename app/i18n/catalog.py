"""The service's own words in each supported language: gettext catalogs in
`app/locale/<language>/LC_MESSAGES/messages.po`, compiled to the `.mo` files read here (both
committed, so a fresh clone needs no build step; `pybabel compile -d app/locale -D messages`
after editing a `.po`, and a test fails when a `.mo` differs from its `.po`).

The English text is the message id. Each entry's translator comments say who or what
translated it (`# translated-by: ...`) and whether a clinician reviewed it
(`# review: reviewed` or `# review: unreviewed`); that is the `translation` status the API
serves beside translated safety texts:

- `original`: the English source, untranslated;
- `machine`: translated by software (a language model), reviewed by no one;
- `unreviewed`: translated by a person, not yet reviewed by a clinician;
- `reviewed`: reviewed by a clinician.

A text with no entry in the requested language is served in English, marked `original` with
language `en`: never a guess.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from babel.support import Translations

from app.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, current_language

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DOMAIN = "messages"
TRANSLATED_BY = "translated-by:"
REVIEW = "review:"


class TranslationStatus(StrEnum):
    """How far to trust a text's translation: `original` (the English source), `machine`
    (translated by software, reviewed by no one), `unreviewed` (translated by a person, not
    yet reviewed by a clinician), `reviewed` (reviewed by a clinician)."""

    ORIGINAL = "original"
    MACHINE = "machine"
    UNREVIEWED = "unreviewed"
    REVIEWED = "reviewed"


# Weakest first: a text built from several entries has the weakest status among them.
STRENGTH = (
    TranslationStatus.MACHINE,
    TranslationStatus.UNREVIEWED,
    TranslationStatus.REVIEWED,
    TranslationStatus.ORIGINAL,
)


@dataclass(frozen=True)
class Translated:
    text: str
    language: str
    status: TranslationStatus


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def read_catalog(language: str) -> Catalog:
    with po_path(language).open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def status_from_comments(comments: list[str]) -> TranslationStatus:
    """`review: reviewed` -> reviewed; otherwise `machine` when software translated it,
    `unreviewed` when a person did."""
    fields: dict[str, str] = {}
    for comment in comments:
        name, sep, value = comment.partition(":")
        if sep:
            fields[name.strip().lower() + ":"] = value.strip().lower()
    if fields.get(REVIEW, "").startswith("reviewed"):
        return TranslationStatus.REVIEWED
    if fields.get(TRANSLATED_BY, "").startswith("machine"):
        return TranslationStatus.MACHINE
    return TranslationStatus.UNREVIEWED


@cache
def _translations(language: str) -> NullTranslations:
    return Translations.load(str(LOCALE_DIR), [language], DOMAIN)


@cache
def _statuses(language: str) -> dict[str, TranslationStatus]:
    return {
        str(message.id): status_from_comments(message.user_comments)
        for message in read_catalog(language)
        if message.id and message.string
    }


def translate(text: str, language: str | None = None) -> Translated:
    """`text` in `language` (the request's by default), with its translation status; the
    English text itself when there is no entry."""
    language = language or current_language()
    if language == DEFAULT_LANGUAGE or language not in SUPPORTED_LANGUAGES:
        return Translated(text, DEFAULT_LANGUAGE, TranslationStatus.ORIGINAL)
    status = _statuses(language).get(text)
    if status is None:
        return Translated(text, DEFAULT_LANGUAGE, TranslationStatus.ORIGINAL)
    return Translated(_translations(language).gettext(text), language, status)


def gettext(text: str) -> str:
    """`text` in the request's language, or English."""
    return translate(text).text


def format_translated(template: str, **values: Any) -> Translated:
    """A template and its string values, each translated, then filled in; the status is the
    weakest of the parts (a value with no entry stays English and does not weaken it)."""
    language = current_language()
    parts = [translate(template, language)]
    filled: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            part = translate(value, language)
            filled[name] = part.text
            if part.status is not TranslationStatus.ORIGINAL:
                parts.append(part)
        else:
            filled[name] = value
    status = min((p.status for p in parts), key=STRENGTH.index)
    return Translated(parts[0].text.format(**filled), parts[0].language, status)


def weakest(*texts: Translated) -> Translated | None:
    if not texts:
        return None
    return min(texts, key=lambda t: STRENGTH.index(t.status))


def joined(english: str, *texts: Translated) -> Translated:
    """`english`, made of `texts` said one after another, in their language with the weakest
    status; the English as a whole when any of them has no entry (never half in English)."""
    language = texts[0].language
    if any(t.language != language for t in texts):
        return Translated(english, DEFAULT_LANGUAGE, TranslationStatus.ORIGINAL)
    status = min((t.status for t in texts), key=STRENGTH.index)
    return Translated(" ".join(t.text for t in texts), language, status)
