"""What a session's pain scores mean (0-10 scale), as plain functions.

- Meaningful improvement: pain dropped by at least 2 points or by at least 30% of where it
  started (the usual threshold for a clinically important change on a 0-10 scale).
- Flare-up: pain rose by 2 points or more, or ended at 6 or more.

The summary counts the same things in SQL; app.progress.service builds those expressions from
the constants below, and a test checks both agree on every pair of scores.
"""

PAIN_MIN = 0
PAIN_MAX = 10
MEANINGFUL_DROP_POINTS = 2
MEANINGFUL_DROP_PERCENT = 30
FLARE_UP_RISE_POINTS = 2
FLARE_UP_LEVEL = 6

ADVICE_RISE = (
    "Your pain went up by {rise} points during this session. Stop the moves that made it worse "
    "and rest today. The moves in this app assume average mobility and no debilitating "
    "condition; if the pain stays up or keeps coming back, see a back pain specialist."
)
ADVICE_HIGH = (
    "Your pain is at {level} out of 10 after this session. Rest, and go gently next time: "
    "fewer repetitions and shorter holds. If your back pain is severe or does not ease, see a "
    "back pain specialist rather than pushing through it."
)


def is_meaningful_improvement(before: int, after: int) -> bool:
    drop = before - after
    if drop <= 0:
        return False
    return drop >= MEANINGFUL_DROP_POINTS or drop * 100 >= MEANINGFUL_DROP_PERCENT * before


def is_flare_up(before: int, after: int) -> bool:
    return after - before >= FLARE_UP_RISE_POINTS or after >= FLARE_UP_LEVEL


def flare_up_advice(before: int, after: int) -> str | None:
    """What the app should tell someone straight after a flare-up; None otherwise."""
    if not is_flare_up(before, after):
        return None
    rise = after - before
    if rise >= FLARE_UP_RISE_POINTS:
        return ADVICE_RISE.format(rise=rise)
    return ADVICE_HIGH.format(level=after)
