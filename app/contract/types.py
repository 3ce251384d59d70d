"""Input types every request schema and parameter uses, so hostile input is a 422 naming the
field on every engine, instead of an error from deep inside the database driver.

- Strings never carry NUL (PostgreSQL `text` cannot hold it; SQLite would silently keep it)
  and always have a documented maximum length. Lone surrogates are already refused by
  pydantic's own string validation.
- Datetimes carry a UTC offset and, like dates, are written in the years 2000 to 2099, so
  converting them to UTC can never overflow and nothing absurd is stored.
- Integers and booleans in JSON bodies are exactly what JSON Schema says they are.
- Ids, dates and datetimes are bounded in length like any other request string: as long as
  their RFC 3339 / RFC 9562 form can be, and documented so.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

# Written as a regex escape so the JSON Schema pattern and pydantic's (Rust) regex agree.
NO_NUL_PATTERN = r"^[^\x00]*$"

# Dates and times are accepted for the years 2000 to 2099 as written (before any offset is
# applied), which JSON Schema can state as a pattern and which no conversion can overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2099
YEAR_PATTERN = r"^20[0-9]{2}-"
YEAR_RANGE = f"must be in the years {FIRST_YEAR} to {LAST_YEAR}"


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


def _written_as_text(value: Any) -> Any:
    # pydantic would also take a number of seconds since 1970; the contract says a string.
    if not isinstance(value, str | datetime | date):
        raise PydanticCustomError("string_type", "Input should be a string in ISO 8601 format")
    return value


def _year_in_range(value: date) -> date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError("date_range", YEAR_RANGE)
    return value


@dataclass(frozen=True)
class AtMost:
    """Annotated metadata for strings parsed into another type (an id, a date): at most
    `length` characters as sent, documented as the string's `maxLength`."""

    length: int

    def _check(self, value: Any) -> Any:
        if isinstance(value, str) and len(value) > self.length:
            raise PydanticCustomError(
                "string_too_long",
                "String should have at most {max_length} characters",
                {"max_length": self.length},
            )
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        documented = handler(schema)
        documented["maxLength"] = self.length
        return documented


# 8-4-4-4-12 hexadecimal digits (RFC 9562's string form).
UUID_LENGTH = 36
# YYYY-MM-DD (RFC 3339 full-date).
DATE_LENGTH = 10
# YYYY-MM-DDThh:mm:ss.fffffffff+hh:mm: nanoseconds are the finest fraction a clock gives.
DATETIME_MAX_LENGTH = 35

# An id the client sends (in a path or a body).
Uuid = Annotated[uuid.UUID, AtMost(UUID_LENGTH)]
# An instant with a UTC offset, in the years 2000 to 2099.
BoundedDatetime = Annotated[
    AwareDatetime,
    BeforeValidator(_written_as_text),
    AtMost(DATETIME_MAX_LENGTH),
    AfterValidator(_year_in_range),
    Field(json_schema_extra={"pattern": YEAR_PATTERN}),
]
# A calendar day in the years 2000 to 2099.
BoundedDate = Annotated[
    date,
    BeforeValidator(_written_as_text),
    AtMost(DATE_LENGTH),
    AfterValidator(_year_in_range),
    Field(json_schema_extra={"pattern": YEAR_PATTERN}),
]


def _whole_number(value: Any) -> Any:
    # JSON has one number type: 8.0 is the integer 8, as JSON Schema says. "8", true and 8.5
    # are not integers.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise PydanticCustomError("int_from_float", "Input should be a whole number")
        return int(value)
    return value


# For integers in a JSON body, after any bounds: `Annotated[int, Field(ge=0), WHOLE_NUMBER]`
# takes whole numbers only, whether written 8 or 8.0. (Bounds placed after it would be lost
# from the documented schema.)
WHOLE_NUMBER = BeforeValidator(_whole_number)
# A boolean in a JSON body: true or false, not 0, 1 or "yes".
StrictBoolean = Annotated[bool, Strict()]


# ISO 3166-1 alpha-2, as sent by a client (`GB`, `DE`); a region without care routes of its own
# gets the fallback (app.care.routes).
REGION_PATTERN = r"^[A-Z]{2}$"
Region = Annotated[
    str,
    Field(
        pattern=REGION_PATTERN,
        min_length=2,
        max_length=2,
        description="Where the person is, as an ISO 3166-1 alpha-2 country code (`GB`, `IE`, "
        "`DE`, `FR`, `US`, ...). Care routes are kept for some regions; any other gets plain "
        "words that name no local service.",
        examples=["GB"],
    ),
]
