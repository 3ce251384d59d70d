"""Streaks of days in the user's own timezone, as plain functions."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Streaks:
    """Runs of consecutive calendar days with at least one session."""

    current: int
    longest: int


def streaks(days: Iterable[date], today: date) -> Streaks:
    """`current` counts back from today, or from yesterday when nothing is logged today yet
    (the day is not over, so the streak is not broken). Days after `today` are ignored."""
    ordered = sorted({d for d in days if d <= today})
    longest = run = 0
    previous: date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and day - previous == ONE_DAY else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and today - previous <= ONE_DAY else 0
    return Streaks(current=current, longest=longest)
