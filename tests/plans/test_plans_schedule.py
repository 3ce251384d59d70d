"""When plans are due: weekdays, local times and DST, as table tests of plain functions."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.plans.schedule import (
    Pause,
    Rule,
    Tally,
    Weekday,
    due_at,
    occurrences_between,
    tally,
    weekday_mask,
    weekdays_of,
)

EVERY_DAY = weekday_mask(Weekday)
MORNING = time(7, 30)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "timezone", "expected_utc"),
    [
        # Europe/Berlin: CET (+01:00) until 29 March 2026, CEST (+02:00) until 25 October.
        (date(2026, 3, 28), "Europe/Berlin", "2026-03-28T06:30:00"),
        (date(2026, 3, 29), "Europe/Berlin", "2026-03-29T05:30:00"),
        (date(2026, 3, 30), "Europe/Berlin", "2026-03-30T05:30:00"),
        (date(2026, 10, 24), "Europe/Berlin", "2026-10-24T05:30:00"),
        (date(2026, 10, 25), "Europe/Berlin", "2026-10-25T06:30:00"),
        (date(2026, 10, 26), "Europe/Berlin", "2026-10-26T06:30:00"),
        # America/Chicago: CST (-06:00) until 8 March 2026, CDT (-05:00) until 1 November.
        (date(2026, 3, 7), "America/Chicago", "2026-03-07T13:30:00"),
        (date(2026, 3, 8), "America/Chicago", "2026-03-08T12:30:00"),
        (date(2026, 3, 9), "America/Chicago", "2026-03-09T12:30:00"),
        (date(2026, 10, 31), "America/Chicago", "2026-10-31T12:30:00"),
        (date(2026, 11, 1), "America/Chicago", "2026-11-01T13:30:00"),
        (date(2026, 11, 2), "America/Chicago", "2026-11-02T13:30:00"),
        (date(2026, 6, 1), "UTC", "2026-06-01T07:30:00"),
        (date(2026, 6, 1), "Asia/Kolkata", "2026-06-01T02:00:00"),
    ],
)
def test_0730_is_0730_local_on_both_sides_of_each_dst_change(
    day: date, timezone: str, expected_utc: str
) -> None:
    instant = due_at(day, MORNING, timezone)
    assert instant == utc(expected_utc)
    from zoneinfo import ZoneInfo

    local = instant.astimezone(ZoneInfo(timezone))
    assert (local.date(), local.time()) == (day, MORNING)


@pytest.mark.parametrize(
    ("day", "local", "timezone", "expected_utc"),
    [
        # 02:30 does not exist on the spring-forward day: it fires at 03:30 local.
        (date(2026, 3, 29), time(2, 30), "Europe/Berlin", "2026-03-29T01:30:00"),
        (date(2026, 3, 8), time(2, 30), "America/Chicago", "2026-03-08T08:30:00"),
        # 02:30 happens twice on the fall-back day in Berlin: the first time.
        (date(2026, 10, 25), time(2, 30), "Europe/Berlin", "2026-10-25T00:30:00"),
        (date(2026, 11, 1), time(1, 30), "America/Chicago", "2026-11-01T06:30:00"),
    ],
)
def test_skipped_and_repeated_times(
    day: date, local: time, timezone: str, expected_utc: str
) -> None:
    assert due_at(day, local, timezone) == utc(expected_utc)


def _every_minute_of(first: datetime, last: datetime, rule: Rule, timezone: str) -> list:
    """What a worker scanning each minute would see: each occurrence once, at its minute."""
    found = []
    tick = first
    while tick < last:
        found += [
            (o.local_date, tick)
            for o in occurrences_between(rule, timezone, tick, tick + timedelta(minutes=1))
        ]
        tick += timedelta(minutes=1)
    return found


@pytest.mark.parametrize(
    ("timezone", "change_day"),
    [
        ("Europe/Berlin", date(2026, 3, 29)),
        ("Europe/Berlin", date(2026, 10, 25)),
        ("America/Chicago", date(2026, 3, 8)),
        ("America/Chicago", date(2026, 11, 1)),
    ],
)
def test_a_minute_by_minute_scan_fires_once_a_day_at_0730_local(
    timezone: str, change_day: date
) -> None:
    rule = Rule(weekdays=EVERY_DAY, local_time=MORNING, start_date=date(2026, 1, 1))
    first = datetime.combine(change_day - timedelta(days=2), time(0), tzinfo=UTC)
    fired = _every_minute_of(first, first + timedelta(days=4), rule, timezone)
    from zoneinfo import ZoneInfo

    days = [d for d, _ in fired]
    assert len(days) == len(set(days))
    assert change_day in days
    for day, tick in fired:
        local = (tick + timedelta(minutes=1)).astimezone(ZoneInfo(timezone))
        assert (local.date(), local.time()) == (day, MORNING)


@pytest.mark.parametrize(
    ("after", "until", "expected"),
    [
        ("2026-06-01T05:29:00", "2026-06-01T05:30:00", [date(2026, 6, 1)]),
        ("2026-06-01T05:30:00", "2026-06-01T05:31:00", []),  # (after, until]: not twice
        ("2026-06-01T05:00:00", "2026-06-01T05:29:59", []),
        ("2026-05-30T00:00:00", "2026-06-02T00:00:00", [date(2026, 5, 30), date(2026, 6, 1)]),
        ("2026-06-01T06:00:00", "2026-06-01T05:00:00", []),
    ],
)
def test_occurrences_in_a_window(after: str, until: str, expected: list[date]) -> None:
    # Monday, Wednesday, Friday and Saturday at 07:30 in Berlin (summer: 05:30 UTC).
    days = [Weekday.MON, Weekday.WED, Weekday.FRI, Weekday.SAT]
    rule = Rule(weekdays=weekday_mask(days), local_time=MORNING, start_date=date(2026, 1, 1))
    found = occurrences_between(rule, "Europe/Berlin", utc(after), utc(until))
    assert [o.local_date for o in found] == expected


@pytest.mark.parametrize(
    ("rule", "day", "due"),
    [
        (Rule(EVERY_DAY, MORNING, date(2026, 6, 1)), date(2026, 5, 31), False),
        (Rule(EVERY_DAY, MORNING, date(2026, 6, 1)), date(2026, 6, 1), True),
        (Rule(EVERY_DAY, MORNING, date(2026, 6, 1), date(2026, 6, 3)), date(2026, 6, 3), True),
        (Rule(EVERY_DAY, MORNING, date(2026, 6, 1), date(2026, 6, 3)), date(2026, 6, 4), False),
        # 1 June 2026 is a Monday.
        (Rule(weekday_mask([Weekday.TUE]), MORNING, date(2026, 6, 1)), date(2026, 6, 1), False),
        (Rule(weekday_mask([Weekday.MON]), MORNING, date(2026, 6, 1)), date(2026, 6, 1), True),
        (
            Rule(EVERY_DAY, MORNING, date(2026, 6, 1), pauses=(Pause(date(2026, 6, 2)),)),
            date(2026, 6, 9),
            False,
        ),
        (
            Rule(
                EVERY_DAY,
                MORNING,
                date(2026, 6, 1),
                pauses=(Pause(date(2026, 6, 2), date(2026, 6, 4)),),
            ),
            date(2026, 6, 4),
            True,
        ),
        (
            Rule(
                EVERY_DAY,
                MORNING,
                date(2026, 6, 1),
                pauses=(Pause(date(2026, 6, 2), date(2026, 6, 4)),),
            ),
            date(2026, 6, 3),
            False,
        ),
    ],
)
def test_due_on(rule: Rule, day: date, due: bool) -> None:
    assert rule.due_on(day) is due


def test_weekday_mask_round_trip() -> None:
    assert weekday_mask([Weekday.MON]) == 1
    assert weekday_mask([Weekday.SUN]) == 64
    assert weekdays_of(weekday_mask([Weekday.SUN, Weekday.MON])) == [Weekday.MON, Weekday.SUN]
    assert weekdays_of(127) == list(Weekday)


TODAY = date(2026, 6, 10)  # a Wednesday


@pytest.mark.parametrize(
    ("rule", "done", "window", "expected"),
    [
        # Every day for 7 days, nothing done: 6 past days planned, today not yet.
        (Rule(EVERY_DAY, MORNING, date(2026, 1, 1)), set(), 7, Tally(6, 0)),
        # Today done counts today.
        (Rule(EVERY_DAY, MORNING, date(2026, 1, 1)), {TODAY}, 7, Tally(7, 1)),
        (
            Rule(EVERY_DAY, MORNING, date(2026, 1, 1)),
            {TODAY - timedelta(days=n) for n in range(7)},
            7,
            Tally(7, 7),
        ),
        # Started yesterday.
        (Rule(EVERY_DAY, MORNING, TODAY - timedelta(days=1)), set(), 28, Tally(1, 0)),
        # Mondays only: in 28 days ending Wednesday 10 June, 4 Mondays.
        (Rule(weekday_mask([Weekday.MON]), MORNING, date(2026, 1, 1)), set(), 28, Tally(4, 0)),
        # A session on a day the plan is not due does not count.
        (
            Rule(weekday_mask([Weekday.MON]), MORNING, date(2026, 1, 1)),
            {date(2026, 6, 9)},
            7,
            Tally(1, 0),
        ),
        # Paused since 7 June: 4, 5 and 6 June count (one done), the days since neither way.
        (
            Rule(EVERY_DAY, MORNING, date(2026, 1, 1), pauses=(Pause(date(2026, 6, 7)),)),
            {date(2026, 6, 5)},
            7,
            Tally(3, 1),
        ),
        (Rule(EVERY_DAY, MORNING, TODAY + timedelta(days=1)), set(), 7, Tally(0, 0)),
    ],
)
def test_tally(rule: Rule, done: set[date], window: int, expected: Tally) -> None:
    assert tally(rule, done, TODAY, window) == expected


def test_rate() -> None:
    assert Tally(0, 0).rate is None
    assert Tally(3, 1).rate == 0.3333
    assert Tally(2, 1) + Tally(1, 1) == Tally(3, 2)
