"""Input types every request schema and parameter uses, so hostile input is a 422 naming the
field on every engine, instead of an error from deep inside the database driver.

- Strings never carry NUL (PostgreSQL `text` cannot hold it; SQLite would silently keep it)
  and always have a documented maximum length. Lone surrogates are already refused by
  pydantic's own string validation.
- Datetimes carry a UTC offset and fall between 2000 and 2100, so converting them to UTC can
  never overflow and nothing absurd is stored.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

# Written as a regex escape so the JSON Schema pattern and pydantic's (Rust) regex agree.
NO_NUL_PATTERN = r"^[^\x00]*$"

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
DATETIME_RANGE = "between 2000-01-01 and 2100-01-01 (UTC)"


# For text that is trimmed and must not be blank: at least one character that is not space.
NOT_BLANK_PATTERN = r"^\s*[^\s\x00][^\x00]*$"


@dataclass(frozen=True)
class Text:
    """Annotated metadata for request strings: `Annotated[str, Text(64)]`.

    At most `max_length` characters as sent, never NUL. With `strip`, surrounding whitespace
    is removed after those checks and `min_length=1` means "not blank", so what the schema
    documents (on the raw value) is exactly what is accepted."""

    max_length: int
    min_length: int = 0
    strip: bool = False

    def __post_init__(self) -> None:
        if self.strip and self.min_length > 1:
            raise ValueError("a stripped text can require at most 1 character")

    @property
    def pattern(self) -> str:
        return NOT_BLANK_PATTERN if self.strip and self.min_length else NO_NUL_PATTERN

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        raw = core_schema.str_schema(
            max_length=self.max_length,
            min_length=None if self.strip else (self.min_length or None),
            pattern=self.pattern,
        )
        if not self.strip:
            return raw
        return core_schema.no_info_after_validator_function(str.strip, raw)


def text(max_length: int, *, min_length: int = 0, strip: bool = False) -> Text:
    """`Annotated[str, text(64)]`: see `Text`."""
    return Text(max_length, min_length, strip)


def omittable(schema: dict[str, Any]) -> None:
    """`json_schema_extra` for PATCH fields: optional means "may be left out", not "may be
    null", so the documented schema drops the null variant the Python type needs."""
    schema.pop("default", None)
    variants = [v for v in schema.pop("anyOf", []) if v.get("type") != "null"]
    if len(variants) == 1:
        schema.update(variants[0])
    elif variants:
        schema["anyOf"] = variants


def _in_range(moment: datetime) -> datetime:
    # Compare the calendar year before any arithmetic: year 1 or 9999 with an offset would
    # overflow on conversion to UTC.
    if not (EARLIEST.year - 1 <= moment.year <= LATEST.year):
        raise PydanticCustomError("datetime_range", f"must be {DATETIME_RANGE}")
    if not (EARLIEST <= moment <= LATEST):
        raise PydanticCustomError("datetime_range", f"must be {DATETIME_RANGE}")
    return moment


# An instant with a UTC offset, within the supported range.
BoundedDatetime = Annotated[AwareDatetime, AfterValidator(_in_range)]


def _date_in_range(day: date) -> date:
    if not (EARLIEST_DATE <= day <= LATEST_DATE):
        raise PydanticCustomError("date_range", "must be between 2000-01-01 and 2099-12-31")
    return day


# A calendar day within the supported range.
BoundedDate = Annotated[date, AfterValidator(_date_in_range)]
