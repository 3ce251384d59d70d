"""Time in one place: UTC everywhere inside, and a clock requests can depend on (and tests can
replace)."""

from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends
from pydantic import AfterValidator


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC. SQLite hands back naive values; they were stored as UTC, so say so."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    """The calendar date `moment` falls on for someone living in `timezone` (IANA name)."""
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(ZoneInfo(timezone)).date()


async def request_time() -> datetime:
    """The current time for a request (a coroutine, like every dependency that does no I/O:
    FastAPI runs a plain function in a worker thread, a hop that costs more than the work)."""
    return utcnow()


NowDep = Annotated[datetime, Depends(request_time)]
# For response fields read back from the database: always rendered with a UTC offset.
UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
