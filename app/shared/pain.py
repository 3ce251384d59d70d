"""The 0-10 pain scale, in one place: every rule that reads a pain score uses these bands.

    0      none
    1-3    mild
    4-6    moderate
    7-10   severe

Severe pain gets no self-care moves (the article's moves are not meant for severe back pain),
and a session that ends in severe pain is treated as one to act on.

Each band's lowest score is a constant below; the bands, the database's checks on stored
scores and the SQL that counts severe pain are all built from them.
"""

from enum import StrEnum

from sqlalchemy import CheckConstraint

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


# The usual cut points of the 0-10 numeric rating scale (Serlin RC et al. When is cancer
# pain mild, moderate or severe? Pain 1995;61(2):277-284; Boonstra AM et al. Cut-off points for
# mild, moderate, and severe pain on the numeric rating scale for pain in patients with chronic
# musculoskeletal pain. Pain 2014;155(12):2545-2550): 1-3 mild, 4-6 moderate, 7-10 severe.
MILD_FROM = 1
MODERATE_FROM = 4
SEVERE_FROM = 7

# Lowest score of each band, most severe first.
BAND_FLOORS: tuple[tuple[int, PainBand], ...] = (
    (SEVERE_FROM, PainBand.SEVERE),
    (MODERATE_FROM, PainBand.MODERATE),
    (MILD_FROM, PainBand.MILD),
    (PAIN_MIN, PainBand.NONE),
)


# The smallest clinically important change of a score, either way: about 2 points or 30% of
# where it started (Farrar JT et al. Clinical importance of changes in chronic pain intensity
# measured on an 11-point numerical pain rating scale. Pain 2001;94(2):149-158).
IMPORTANT_CHANGE_POINTS = 2
IMPORTANT_CHANGE_PERCENT = 30


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


def scale_check(column: str) -> CheckConstraint:
    """The table's check that `column` holds a score on the scale."""
    return CheckConstraint(f"{column} BETWEEN {PAIN_MIN} AND {PAIN_MAX}", name=column)


def describe(level: int) -> str:
    """The score in words, for reason texts: "no pain (0 out of 10)", "mild pain (2 out of
    10)", "severe pain (8 out of 10)"."""
    pain_band = band(level)
    words = "no pain" if pain_band is PainBand.NONE else f"{pain_band.value} pain"
    return f"{words} ({level} out of 10)"
