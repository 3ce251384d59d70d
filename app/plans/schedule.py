"""When a plan is due, as plain functions: weekdays, local times, timezones and DST.

A plan says "this routine on these weekdays at this local time". An occurrence is one local
date on which it is due; its instant is that date and time in the person's timezone, so a
07:30 plan fires at 07:30 local on both sides of a DST change. Times that do not exist on a
spring-forward day (02:30 in Europe/Berlin on the last Sunday of March) fire at the same
distance after the change (03:30); times that happen twice on a fall-back day fire the first
time. The person's current timezone is used: someone who moves is reminded at 07:30 where
they are now, and an occurrence is one local date, never two.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

ONE_DAY = timedelta(days=1)


class Weekday(StrEnum):
    """Day of the week, Monday first (ISO 8601)."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


WEEK = tuple(Weekday)
ALL_DAYS = (1 << len(WEEK)) - 1


def weekday_mask(days: Iterable[Weekday]) -> int:
    """The weekdays as a bit mask (Monday is bit 0), as stored."""
    mask = 0
    for day in days:
        mask |= 1 << WEEK.index(Weekday(day))
    return mask


def weekdays_of(mask: int) -> list[Weekday]:
    """The mask's weekdays, Monday first."""
    return [day for index, day in enumerate(WEEK) if mask & (1 << index)]


@dataclass(frozen=True)
class Pause:
    """Days a plan was paused: from `starts_on` up to, not including, `ends_on` (None: still
    paused)."""

    starts_on: date
    ends_on: date | None = None

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


@dataclass(frozen=True)
class Rule:
    """What a plan says about when it is due."""

    weekdays: int
    local_time: time
    start_date: date
    end_date: date | None = None
    pauses: tuple[Pause, ...] = ()

    def scheduled_on(self, day: date) -> bool:
        """The plan names this weekday and the day is within its dates (pauses aside)."""
        if day < self.start_date or (self.end_date is not None and day > self.end_date):
            return False
        return bool(self.weekdays & (1 << day.weekday()))

    def paused_on(self, day: date) -> bool:
        return any(pause.covers(day) for pause in self.pauses)

    def due_on(self, day: date) -> bool:
        """An occurrence falls on this day: scheduled and not paused."""
        return self.scheduled_on(day) and not self.paused_on(day)


def due_at(day: date, local_time: time, timezone: str) -> datetime:
    """The UTC instant of `local_time` on `day` in `timezone`.

    Wall-clock times skipped by a spring-forward change are read with the offset before it,
    which lands as far after the change as the time was after its start (02:30 becomes
    03:30); repeated times take their first instant (fold 0)."""
    local = datetime.combine(day, local_time.replace(tzinfo=None, fold=0))
    return local.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def local_date(moment: datetime, timezone: str) -> date:
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(ZoneInfo(timezone)).date()


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


@dataclass(frozen=True)
class Occurrence:
    """One local date a plan is due on, and the instant it is due."""

    local_date: date
    due_at: datetime


def occurrences_between(
    rule: Rule, timezone: str, after: datetime, until: datetime
) -> list[Occurrence]:
    """The occurrences whose instant lies in (`after`, `until`], oldest first."""
    if after.tzinfo is None or until.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    if until <= after:
        return []
    # A local date's 07:30 lies within a day and a few hours of its UTC midnight whatever
    # the zone, so one day either side of the window's local dates covers every candidate.
    first = local_date(after, timezone) - ONE_DAY
    last = local_date(until, timezone) + ONE_DAY
    found = []
    for day in days(first, last):
        if not rule.due_on(day):
            continue
        instant = due_at(day, rule.local_time, timezone)
        if after < instant <= until:
            found.append(Occurrence(day, instant))
    return found


@dataclass(frozen=True)
class Tally:
    """Occurrences planned in a window and how many of them were done."""

    planned: int
    done: int

    @property
    def rate(self) -> float | None:
        return round(self.done / self.planned, 4) if self.planned else None

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.planned + other.planned, self.done + other.done)


def tally(rule: Rule, done_days: set[date], today: date, window_days: int) -> Tally:
    """Done against planned over the `window_days` days ending today (local dates).

    Past days count when the plan was due on them; today counts once it is done, so the
    rate does not drop in the morning before the session. Paused days count neither way."""
    planned = done = 0
    for day in days(today - timedelta(days=window_days - 1), today):
        if not rule.due_on(day):
            continue
        finished = day in done_days
        if day < today or finished:
            planned += 1
            done += finished
    return Tally(planned, done)
