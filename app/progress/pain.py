"""What a session's pain scores mean, on the shared 0-10 scale (app.core.pain), as plain
functions.

- Meaningful improvement: pain dropped by at least 2 points or by at least 30% of where it
  started (the usual threshold for a clinically important change on a 0-10 scale).
- Flare-up: pain rose by 2 points or more, or rose into the severe band (7-10).

Both need pain to move, in opposite directions, so a session is never both. A session that
ends in severe pain gets advice whether or not it was a flare-up: severe pain is no time for
self-guided moves.

The summary counts the same things in SQL; app.progress.service builds those expressions from
the constants below, and a test checks both agree on every pair of scores.
"""

from app.core.pain import PAIN_MAX, PAIN_MIN, SEVERE_FROM, describe, is_severe

__all__ = ["PAIN_MAX", "PAIN_MIN", "SEVERE_FROM"]

MEANINGFUL_DROP_POINTS = 2
MEANINGFUL_DROP_PERCENT = 30
FLARE_UP_RISE_POINTS = 2

ROSE = "Your pain went up by {rise} points during this session, to {now}."
ENDED_SEVERE = "Your pain is {now} after this session."
REST = (
    "Stop the moves that made it worse and rest today. If the pain stays up or keeps coming "
    "back, see a doctor or a back pain specialist."
)
STOP_SEVERE = (
    "The article's moves aren't meant for severe back pain: stop them and rest, and see a "
    "doctor or a back pain specialist if it doesn't ease."
)


def is_meaningful_improvement(before: int, after: int) -> bool:
    drop = before - after
    if drop <= 0:
        return False
    return drop >= MEANINGFUL_DROP_POINTS or drop * 100 >= MEANINGFUL_DROP_PERCENT * before


def is_flare_up(before: int, after: int) -> bool:
    rise = after - before
    return rise >= FLARE_UP_RISE_POINTS or (rise > 0 and is_severe(after))


def session_advice(before: int, after: int) -> str | None:
    """What the app should tell someone straight after a flare-up or a session that ends in
    severe pain; None otherwise."""
    rise = after - before
    now = describe(after)
    if rise >= FLARE_UP_RISE_POINTS:
        then = STOP_SEVERE if is_severe(after) else REST
        return f"{ROSE.format(rise=rise, now=now)} {then}"
    if is_severe(after):
        return f"{ENDED_SEVERE.format(now=now)} {STOP_SEVERE}"
    return None
