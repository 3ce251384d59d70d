"""Input types every request schema and parameter uses, so hostile input is a 422 naming the
field on every engine, instead of an error from deep inside the database driver.

- Strings never carry NUL (PostgreSQL `text` cannot hold it; SQLite would silently keep it)
  and always have a documented maximum length. Lone surrogates are already refused by
  pydantic's own string validation.
- Datetimes carry a UTC offset and fall between 2000 and 2100, so converting them to UTC can
  never overflow and nothing absurd is stored.
"""

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, StringConstraints
from pydantic_core import PydanticCustomError

# Written as a regex escape so the JSON Schema pattern and pydantic's (Rust) regex agree.
NO_NUL_PATTERN = r"^[^\x00]*$"

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
DATETIME_RANGE = "between 2000-01-01 and 2100-01-01 (UTC)"


def text(max_length: int, *, min_length: int = 0, strip: bool = False) -> StringConstraints:
    """Constraints for a string of at most `max_length` characters with no NUL in it:
    `Annotated[str, text(64)]`."""
    return StringConstraints(
        strip_whitespace=strip or None,
        min_length=min_length or None,
        max_length=max_length,
        pattern=NO_NUL_PATTERN,
    )


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
