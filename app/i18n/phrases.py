"""Sentences composed from a template and values (`Your pain is severe ({level} out of 10).`,
a list of symptoms joined with "and"), said in another language from their English text
alone, so a text stored in English (a concern's reasons) is translated as well as a new one.

The English is matched against the templates; each value is then said in turn: a whole number
as it is, a decimal and an ISO date as the language writes them, a phrase through its own entry
or template, and a list ("a, b and c") item by item, joined as the language joins a list
(Babel's `format_list`: "a, b y c", "a, b und c"; labels listed with "; " keep it).
A text any part of which has no entry stays English.
"""

import re
import string
from collections.abc import Sequence
from datetime import date
from functools import cache

from babel.lists import format_list

from app.i18n import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, formats
from app.i18n.catalog import Translated, TranslationStatus, translate, weakest

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_LIST_SEPARATOR = re.compile(r"; |, | and ")
Said = tuple[str, list[Translated]]


@cache
def _pattern(template: str) -> re.Pattern[str]:
    pieces = []
    for literal, name, _, _ in string.Formatter().parse(template):
        pieces.append(re.escape(literal))
        if name is not None:
            pieces.append(f"(?P<{name}>.+?)")
    return re.compile("".join(pieces), re.DOTALL)


def _say(
    text: str,
    templates: Sequence[str],
    language: str,
    as_value: bool = False,
    literal: bool = False,
) -> Said | None:
    """`text` in `language`: its own entry, else (as a value) a number, a date or a list,
    else a template it fills."""
    entry = translate(text, language)
    if entry.language == language:
        return entry.text, [entry]
    if as_value and (plain := _plain_value(text, language)) is not None:
        return plain, []
    # A list before a template, so "you are 67 and you have osteoporosis" is two things
    # rather than "you are {age}" with a strange age.
    if as_value and (listed := _say_list(text, templates, language)) is not None:
        return listed
    for template in templates:
        if "{" not in template or not (match := _pattern(template).fullmatch(text)):
            continue
        frame = translate(template, language)
        if frame.language != language:
            continue
        values: dict[str, str] = {}
        parts = [frame]
        for name, value in match.groupdict().items():
            said = _say(value, templates, language, as_value=True, literal=literal)
            if said is None:
                break
            values[name] = said[0]
            parts += said[1]
        else:
            return frame.text.format(**values), parts
    if as_value and literal:
        return text, []
    return None


def _plain_value(text: str, language: str) -> str | None:
    """A number (a decimal as the language writes it) or an ISO date; None otherwise."""
    if _NUMBER.fullmatch(text):
        return text if text.isdigit() else formats.number(float(text), language, 2)
    if _DAY.fullmatch(text):
        return formats.day(date.fromisoformat(text), language)
    return None


def _items(text: str, templates: Sequence[str], language: str) -> list[Said] | None:
    """`text` as a list of things each of which can be said, or None."""
    if (whole := _say(text, templates, language)) is not None:
        return [whole]
    for separator in _LIST_SEPARATOR.finditer(text):
        first = _say(text[: separator.start()], templates, language)
        if first is None:
            continue
        rest = _items(text[separator.end() :], templates, language)
        if rest is not None:
            return [first, *rest]
    return None


def _say_list(text: str, templates: Sequence[str], language: str) -> Said | None:
    # A list of dates or numbers only; a number beside words is a phrase's ("you are 67").
    pieces = _LIST_SEPARATOR.split(text)
    plain = [_plain_value(piece, language) for piece in pieces]
    if len(pieces) > 1 and all(value is not None for value in plain):
        items: list[Said] | None = [(value, []) for value in plain if value is not None]
    else:
        items = _items(text, templates, language) if _LIST_SEPARATOR.search(text) else None
    if items is None or len(items) < 2:
        return None
    parts = [part for _, item_parts in items for part in item_parts]
    said = [said for said, _ in items]
    # Labels listed with "; " (clinical labels) keep it; a list in a sentence reads as one.
    if "; " in text:
        return "; ".join(said), parts
    return format_list(said, locale=language), parts


def say(
    text: str, templates: Sequence[str], language: str, literal_values: bool = False
) -> Translated:
    """`text`, made from one of `templates` or an entry of its own, in `language`, with the
    weakest status of its parts; the English itself when any part has no entry. With
    `literal_values`, a value with no entry is kept as it is (a region's own `999`)."""
    if language == DEFAULT_LANGUAGE or language not in SUPPORTED_LANGUAGES:
        return Translated(text, DEFAULT_LANGUAGE, TranslationStatus.ORIGINAL)
    said = _say(text, templates, language, literal=literal_values)
    if said is None:
        return Translated(text, DEFAULT_LANGUAGE, TranslationStatus.ORIGINAL)
    status = weakest(*said[1])
    return Translated(said[0], language, status.status if status else TranslationStatus.MACHINE)
