"""Days and streaks in the user's timezone, as plain functions."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.core.clock import local_date
from app.progress.streaks import Streaks, streaks

D = date(2026, 11, 23)


def days_before(*offsets: int) -> list[date]:
    return [D - timedelta(days=n) for n in offsets]


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([], Streaks(current=0, longest=0)),
        (days_before(0), Streaks(current=1, longest=1)),
        (days_before(0, 1, 2), Streaks(current=3, longest=3)),
        # Nothing yet today: yesterday's run still counts, the day is not over.
        (days_before(1, 2), Streaks(current=2, longest=2)),
        # Two days ago is a broken streak.
        (days_before(2, 3, 4), Streaks(current=0, longest=3)),
        # The longest run is in the past; the current one is shorter.
        (days_before(0, 1, 5, 6, 7, 8), Streaks(current=2, longest=4)),
        # Several sessions on one day count once; order does not matter.
        (days_before(0, 0, 1, 0, 1), Streaks(current=2, longest=2)),
        # Days after today (a clock ahead) are ignored.
        ([D + timedelta(days=1), D], Streaks(current=1, longest=1)),
    ],
)
def test_streaks(days: list[date], expected: Streaks) -> None:
    assert streaks(days, D) == expected


def test_streak_across_month_and_year_boundaries() -> None:
    days = [date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 2)]
    assert streaks(days, date(2026, 1, 2)) == Streaks(current=4, longest=4)


@pytest.mark.parametrize(
    ("moment", "timezone", "expected"),
    [
        # 04:30 UTC is still the evening before in New York.
        (datetime(2026, 3, 8, 4, 30, tzinfo=UTC), "America/New_York", date(2026, 3, 7)),
        # After the spring-forward (UTC-4): 03:30 UTC on 9 March is 23:30 on 8 March.
        (datetime(2026, 3, 9, 3, 30, tzinfo=UTC), "America/New_York", date(2026, 3, 8)),
        # ... and 04:30 UTC is 00:30 on 9 March (a fixed UTC-5 would say 8 March).
        (datetime(2026, 3, 9, 4, 30, tzinfo=UTC), "America/New_York", date(2026, 3, 9)),
        # After the fall-back (UTC-5 again): 04:30 UTC on 2 November is 23:30 on 1 November.
        (datetime(2026, 11, 2, 4, 30, tzinfo=UTC), "America/New_York", date(2026, 11, 1)),
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), "Asia/Tokyo", date(2026, 11, 24)),
        (datetime(2026, 11, 23, 23, 30, tzinfo=UTC), "UTC", date(2026, 11, 23)),
    ],
)
def test_local_date(moment: datetime, timezone: str, expected: date) -> None:
    assert local_date(moment, timezone) == expected


def test_local_date_refuses_naive_times() -> None:
    with pytest.raises(ValueError):
        local_date(datetime(2026, 11, 23, 12, 0), "UTC")
