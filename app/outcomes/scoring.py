"""PEG scoring as plain functions (Krebs et al., 2009): the score is the mean of the three
0-10 answers. A change from the first answer (the baseline) is meaningful when it reaches two
thresholds at once, both from the seed with what each source says:

- an absolute one, `points` on the 0-10 score: a change smaller than the PEG's published
  minimal important difference is noise, however large a share of a small baseline it is
  (0.33 to 0 is not an improvement, 0.33 to 0.67 not a worsening);
- a relative one, `percent` of the baseline score: a change of a point means less from a
  baseline of 9 than from one of 3. A baseline of 0 has no percentage to take: any rise from it
  passes the relative threshold, and only the absolute one decides.

Comparisons are made on the sums of the three answers, exactly (fractions, not floats), so a
score exactly at a threshold is never lost to rounding.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

ITEMS = ("pain", "enjoyment", "activity")


def score(answers: Sequence[int]) -> float:
    """The mean of the answers, to two decimals."""
    return round(sum(answers) / len(answers), 2)


def change_percent(baseline_total: int, total: int) -> float | None:
    """The change from the baseline in percent of it (negative is better); None when the
    baseline was 0, from which no percentage can be taken."""
    if baseline_total == 0:
        return None
    return round((total - baseline_total) * 100 / baseline_total, 1)


def change_points(baseline_total: int, total: int) -> float:
    """The change of the score from the baseline, in points of the 0-10 score (negative is
    better)."""
    return round((total - baseline_total) / len(ITEMS), 2)


@dataclass(frozen=True)
class Thresholds:
    """What a meaningful change must reach: `points` on the score and `percent` of the
    baseline score."""

    points: Fraction
    percent: int

    @classmethod
    def of(cls, points: float, percent: int) -> "Thresholds":
        # From the decimal the seed writes (1.0, 1.75), not the nearest binary float.
        return cls(Fraction(str(points)), percent)


@dataclass(frozen=True)
class Change:
    improved: bool
    worsened: bool


def _meaningful(step: int, baseline_total: int, thresholds: Thresholds) -> bool:
    """Whether a change of the sum by `step` (> 0) reaches both thresholds."""
    absolute = Fraction(step, len(ITEMS)) >= thresholds.points
    relative = step * 100 >= thresholds.percent * baseline_total
    return absolute and relative


def meaningful_change(baseline_total: int, total: int, thresholds: Thresholds) -> Change:
    """Whether the score fell (improved) or rose (worsened) by both thresholds."""
    drop = baseline_total - total
    rise = total - baseline_total
    return Change(
        improved=drop > 0 and _meaningful(drop, baseline_total, thresholds),
        worsened=rise > 0 and _meaningful(rise, baseline_total, thresholds),
    )
