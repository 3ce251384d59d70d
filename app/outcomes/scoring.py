"""PEG scoring as plain functions (Krebs et al., 2009): the score is the mean of the three
0-10 answers; a change of `percent` or more from the first answer (the baseline) is reported
as meaningful. The threshold comes from the seed with the questionnaire.

Comparisons are made on the sums of the three answers, in integers, so a score exactly at the
threshold is never lost to rounding.
"""

from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Change:
    improved: bool
    worsened: bool


def meaningful_change(baseline_total: int, total: int, percent: int) -> Change:
    """Whether the score fell (improved) or rose (worsened) by `percent` or more of the
    baseline. From a baseline of 0 nothing can improve, and any rise is meaningful."""
    drop = baseline_total - total
    improved = drop > 0 and drop * 100 >= percent * baseline_total
    rise = total - baseline_total
    worsened = rise > 0 and rise * 100 >= percent * baseline_total
    return Change(improved=improved, worsened=worsened)
