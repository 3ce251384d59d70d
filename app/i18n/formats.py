"""Dates, times and numbers as a language writes them, through Babel's locale data
(`1 de diciembre de 2026`, `1. Dezember 2026`, `3,5`)."""

from datetime import UTC, date, datetime

from babel.dates import format_date, format_time
from babel.numbers import format_decimal


def day(value: date, language: str, width: str = "long") -> str:
    """`December 1, 2026`, `1 de diciembre de 2026`, `1. Dezember 2026` (width `long`);
    `medium` and `short` as the locale abbreviates them."""
    return format_date(value, format=width, locale=language)


def utc_moment(value: datetime, language: str) -> str:
    """A day and a 24-hour time in UTC, said to be UTC: `1. Dezember 2026, 18:00 UTC`."""
    time = format_time(value, format="HH:mm", tzinfo=UTC, locale=language)
    return f"{day(value.astimezone(UTC).date(), language)}, {time} UTC"


def number(value: float, language: str, digits: int = 1) -> str:
    """At most `digits` decimals, with the locale's decimal sign: `3.5`, `3,5`."""
    pattern = "#,##0." + "#" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=language)
