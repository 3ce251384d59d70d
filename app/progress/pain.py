"""What a session's pain scores mean, on the shared 0-10 scale (app.shared.pain), as plain
functions.

- Meaningful improvement: pain dropped by at least 2 points or by at least 30% of where it
  started: the smallest clinically important change (app.shared.pain).
- Flare-up: pain rose by 2 points or more, or rose into the severe band (7-10).

Both need pain to move, in opposite directions, so a session is never both. A session that
ends in severe pain gets advice whether or not it was a flare-up: severe pain is no time for
self-guided moves, and the advice uses the words of the `soon` timeframe (app.safety.logic),
the same as a recommendation at severe pain. A flare-up's advice keeps NICE NG59's first
advice, to keep up normal activities, rather than telling the person to rest.

The summary counts the same things in SQL: each rule is written once, over numbers that are
either two scores or the two pain columns, and read as a Python truth value (`is_...`) or as a
SQL condition (`..._sql`); a test checks both agree on every pair of scores.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_

from app.safety.logic import SEE_DOCTOR_GUIDANCE
from app.shared.pain import (
    IMPORTANT_CHANGE_PERCENT,
    IMPORTANT_CHANGE_POINTS,
    PAIN_MAX,
    PAIN_MIN,
    SEVERE_FROM,
    describe,
    is_severe,
)

__all__ = ["PAIN_MAX", "PAIN_MIN", "SEVERE_FROM", "describe", "is_severe"]

MEANINGFUL_DROP_POINTS = IMPORTANT_CHANGE_POINTS
MEANINGFUL_DROP_PERCENT = IMPORTANT_CHANGE_PERCENT
FLARE_UP_RISE_POINTS = IMPORTANT_CHANGE_POINTS

# How a rule joins its conditions: Python's truth for two scores, SQL's for two columns.
Join = Callable[..., Any]


def _all(*conditions: bool) -> bool:
    return all(conditions)


def _any(*conditions: bool) -> bool:
    return any(conditions)


def _improved(before: Any, after: Any, both: Join, either: Join) -> Any:
    drop = before - after
    return both(
        drop > 0,
        either(drop >= MEANINGFUL_DROP_POINTS, drop * 100 >= MEANINGFUL_DROP_PERCENT * before),
    )


def _flared(before: Any, after: Any, both: Join, either: Join) -> Any:
    rise = after - before
    return either(rise >= FLARE_UP_RISE_POINTS, both(rise > 0, after >= SEVERE_FROM))


ROSE = "Your pain went up by {rise} points during this session, to {now}."
ENDED_SEVERE = "Your pain is {now} after this session."
EASE_OFF = (
    "Stop a move that makes it worse, and go more gently next time. If the pain stays up or "
    "keeps coming back, see a doctor or a back pain specialist."
)
STOP_SEVERE = "Severe pain is no time for self-guided moves: stop them. " + SEE_DOCTOR_GUIDANCE


def is_meaningful_improvement(before: int, after: int) -> bool:
    return bool(_improved(before, after, _all, _any))


def is_flare_up(before: int, after: int) -> bool:
    return bool(_flared(before, after, _all, _any))


def improved_sql(
    before: SQLColumnExpression[int], after: SQLColumnExpression[int]
) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = _improved(before, after, and_, or_)
    return condition


def flare_up_sql(
    before: SQLColumnExpression[int], after: SQLColumnExpression[int]
) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = _flared(before, after, and_, or_)
    return condition


def what_happened(before: int, after: int) -> str | None:
    """The session's pain in words when it calls for advice: a flare-up, or severe pain at the
    end; None otherwise."""
    rise = after - before
    now = describe(after)
    if rise >= FLARE_UP_RISE_POINTS:
        return ROSE.format(rise=rise, now=now)
    if is_severe(after):
        return ENDED_SEVERE.format(now=now)
    return None


def session_advice(before: int, after: int) -> str | None:
    """What the app should tell someone straight after a flare-up or a session that ends in
    severe pain; None otherwise."""
    happened = what_happened(before, after)
    if happened is None:
        return None
    return f"{happened} {STOP_SEVERE if is_severe(after) else EASE_OFF}"


def keeps_general_guidance(before: int, after: int) -> bool:
    """Whether NG59's general advice goes with the session's advice: with a flare-up's, not
    beside advice to see a doctor before exercising again."""
    return session_advice(before, after) is not None and not is_severe(after)


def advice_on_hold(before: int, after: int, guidance: str, *, urgent: bool) -> str:
    """A session logged while a concern holds exercise: the concern's guidance, after what
    happened in the session unless the concern needs emergency care (then its guidance
    alone)."""
    happened = None if urgent else what_happened(before, after)
    return f"{happened} {guidance}" if happened else guidance
