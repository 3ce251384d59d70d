"""The 0-10 pain scale, in one place: every rule that reads a pain score uses these bands.

    0      none
    1-3    mild
    4-6    moderate
    7-10   severe

Severe pain gets no self-care moves (the article's moves are not meant for severe back pain),
and a session that ends in severe pain is treated as one to act on.
"""

from enum import StrEnum

PAIN_MIN = 0
PAIN_MAX = 10
# What the ends of the scale mean, as the check-ins ask it.
ANCHOR_MIN = "no pain"
ANCHOR_MAX = "worst imaginable pain"


class PainBand(StrEnum):
    """How bad a 0-10 pain score is: `none` (0), `mild` (1-3), `moderate` (4-6) or `severe`
    (7-10)."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


# Lowest score of each band, most severe first.
BAND_FLOORS: tuple[tuple[int, PainBand], ...] = (
    (7, PainBand.SEVERE),
    (4, PainBand.MODERATE),
    (1, PainBand.MILD),
    (0, PainBand.NONE),
)
SEVERE_FROM = 7


def band(level: int) -> PainBand:
    if not PAIN_MIN <= level <= PAIN_MAX:
        raise ValueError(f"pain must be {PAIN_MIN}-{PAIN_MAX}, not {level}")
    return next(b for floor, b in BAND_FLOORS if level >= floor)


def band_range(pain_band: PainBand) -> tuple[int, int]:
    """The lowest and highest score in a band."""
    floors = [floor for floor, _ in BAND_FLOORS]
    index = next(i for i, (_, b) in enumerate(BAND_FLOORS) if b is pain_band)
    high = PAIN_MAX if index == 0 else floors[index - 1] - 1
    return floors[index], high


def is_severe(level: int) -> bool:
    return band(level) is PainBand.SEVERE


def describe(level: int) -> str:
    """The score in words, for reason texts: "no pain (0 out of 10)", "mild pain (2 out of
    10)", "severe pain (8 out of 10)"."""
    pain_band = band(level)
    words = "no pain" if pain_band is PainBand.NONE else f"{pain_band.value} pain"
    return f"{words} ({level} out of 10)"
