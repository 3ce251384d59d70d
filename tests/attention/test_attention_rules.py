"""The attention rules as tables: each row a diary and what it must raise."""

from datetime import date, timedelta

import pytest

from app.attention import rules
from app.attention.rules import AttentionKind, DayPain, PegPoint, ScreenedDay
from app.outcomes.scoring import Thresholds
from app.recommendations.schemas import CareTimeframe, RedFlag

START = date(2026, 9, 1)
PEG_THRESHOLDS = Thresholds.of(1.0, 30)


def diary(*pains: int, start: date = START) -> list[DayPain]:
    """One check-in a day from `start`."""
    return [DayPain(start + timedelta(days=i), p) for i, p in enumerate(pains)]


FIRST_WEEK = (3, 3, 3, 3, 3, 3, 3)


@pytest.mark.parametrize(
    ("pains", "raised_on"),
    [
        # Baseline 3: three check-ins at 5 or more in a row after the first week.
        ((*FIRST_WEEK, 5, 5, 5), [7 + 2]),
        # Two in a row, then a better day: nothing.
        ((*FIRST_WEEK, 5, 5, 4, 5, 5), []),
        # A long run raises one item; a new run after a break raises another.
        ((*FIRST_WEEK, 6, 6, 6, 6, 6, 2, 7, 7, 7), [9, 15]),
        # 4 is only 1 above the baseline.
        ((*FIRST_WEEK, 4, 4, 4, 4), []),
        # High pain within the first week is the baseline, not a rise.
        ((3, 8, 8, 8), []),
        # A baseline of 3.5 (3 and 4): 6 is 2.5 above, 5 is only 1.5.
        ((3, 4, None, None, None, None, None, 6, 6, 5, 6), []),
        ((3, 4, None, None, None, None, None, 6, 6, 6), [9]),
    ],
)
def test_pain_above_baseline(pains: tuple[int | None, ...], raised_on: list[int]) -> None:
    checkins = [DayPain(START + timedelta(days=i), p) for i, p in enumerate(pains) if p is not None]
    raised = rules.pain_above_baseline(checkins)
    assert [(r.raised_on - START).days for r in raised] == raised_on
    assert all(r.kind is AttentionKind.PAIN_ABOVE_BASELINE for r in raised)
    assert all(r.referral and r.timeframe is CareTimeframe.ROUTINE for r in raised)


def test_pain_rise_reason_names_the_figures() -> None:
    (raised,) = rules.pain_above_baseline(diary(*FIRST_WEEK, 5, 6, 7))
    assert "(3 out of 10 on average)" in raised.reason
    assert "up to 7 out of 10" in raised.reason
    assert "reviewed" in raised.advice


@pytest.mark.parametrize(
    ("responses", "raised_on"),
    [
        # Six weeks on, no better: raised on the first response in week 6.
        ([(0, 18), (7, 17), (42, 16), (49, 15)], [42]),
        # Improved by 30% or more at six weeks: nothing.
        ([(0, 18), (42, 12)], []),
        # Before six weeks nothing is judged.
        ([(0, 18), (35, 18)], []),
        # Every six weeks while it does not improve.
        ([(0, 18), (42, 17), (84, 16)], [42, 84]),
        # Better at 6 weeks, worse again at 12.
        ([(0, 18), (43, 10), (90, 18)], [90]),
        # A baseline of 0 has nothing to improve.
        ([(0, 0), (42, 3)], []),
        # A single response.
        ([(0, 18)], []),
    ],
)
def test_peg_not_improving(responses: list[tuple[int, int]], raised_on: list[int]) -> None:
    points = [PegPoint(START + timedelta(days=d), total) for d, total in responses]
    raised = rules.peg_not_improving(points, PEG_THRESHOLDS)
    assert [(r.raised_on - START).days for r in raised] == raised_on
    assert len({r.key for r in raised}) == len(raised)


def test_peg_reason_names_the_scores() -> None:
    (raised,) = rules.peg_not_improving(
        [PegPoint(START, 18), PegPoint(START + timedelta(42), 15)], PEG_THRESHOLDS
    )
    assert (
        "6 weeks" in raised.reason
        and "5 out of 10" in raised.reason
        and "against 6" in raised.reason
    )


@pytest.mark.parametrize(
    ("days", "raised_on"),
    [
        ([0, 5, 13], [13]),  # three within 14 days
        ([0, 5, 14], []),  # the third is on the 15th day
        ([0, 5, 14, 16], [16]),  # 5, 14 and 16
        ([0, 1, 2, 3, 4, 5], [2, 5]),  # counting starts afresh after each item
        ([0, 20, 40], []),
    ],
)
def test_flare_up_clusters(days: list[int], raised_on: list[int]) -> None:
    raised = rules.flare_up_clusters([START + timedelta(days=d) for d in days])
    assert [(r.raised_on - START).days for r in raised] == raised_on


@pytest.mark.parametrize(
    ("pains", "sessions", "flare_days"),
    [
        # A check-in 2 above the day before is a flare-up (the progress rule).
        ((2, 4, 4), [], [1]),
        # Rising into severe pain by 1 is one too.
        ((6, 7), [], [1]),
        # A session flare-up on a day without one in the check-ins counts; the same day once.
        ((2, 4), [1, 5], [1, 5]),
        # Check-ins two days apart are not compared.
        ((2, None, 6), [], []),
        ((5, 3, 1), [], []),
    ],
)
def test_flare_up_days(
    pains: tuple[int | None, ...], sessions: list[int], flare_days: list[int]
) -> None:
    checkins = [DayPain(START + timedelta(days=i), p) for i, p in enumerate(pains) if p is not None]
    found = rules.flare_up_days([START + timedelta(days=d) for d in sessions], checkins)
    assert [(d - START).days for d in found] == flare_days


@pytest.mark.parametrize(
    ("flags", "pain", "timeframe", "referral"),
    [
        ({RedFlag.SADDLE_NUMBNESS}, 3, CareTimeframe.NOW, False),
        ({RedFlag.FEVER_OR_UNWELL}, 3, CareTimeframe.TODAY, False),
        ({RedFlag.NIGHT_PAIN}, 3, CareTimeframe.TODAY, False),
        ({RedFlag.CANCER_HISTORY}, 3, CareTimeframe.SOON, False),
        ({RedFlag.NIGHT_PAIN, RedFlag.CHEST_PAIN}, 3, CareTimeframe.NOW, False),
        (set(), 9, None, False),  # severe pain alone is for the check-in's triage, not an item
    ],
)
def test_warning_signs(
    flags: set[RedFlag], pain: int, timeframe: CareTimeframe | None, referral: bool
) -> None:
    raised = rules.warning_signs([ScreenedDay(START, pain, frozenset(flags))])
    if timeframe is None:
        assert raised == []
        return
    (item,) = raised
    assert (item.timeframe, item.referral) == (timeframe, referral)
    assert item.advice == rules.TRIAGE_MESSAGES[timeframe]


def test_baseline_is_the_first_weeks_mean() -> None:
    assert rules.pain_baseline([]) is None
    assert rules.pain_baseline(diary(2, 4, 6, 8, 2, 4, 6, 10)) == 32 / 7


def test_each_finding_is_stated_for_a_clinician_with_its_figures() -> None:
    """The clinician report reads each item's finding: third person, the figures kept."""
    (rise,) = rules.pain_above_baseline(diary(*FIRST_WEEK, 5, 6, 7))
    (peg,) = rules.peg_not_improving(
        [PegPoint(START, 18), PegPoint(START + timedelta(42), 15)], PEG_THRESHOLDS
    )
    (flares,) = rules.flare_up_clusters([START, START + timedelta(5), START + timedelta(13)])
    (sign,) = rules.warning_signs(
        [ScreenedDay(START, 3, frozenset({RedFlag.CANCER_HISTORY, RedFlag.NIGHT_PAIN}))]
    )
    trends = rules.trend_concerns(
        [
            rules.TrendConcern("a", source, START, ("Your pain has been severe.",))
            for source in rules.TREND_FINDINGS
        ]
    )
    assert rise.finding == (
        "Pain at least 2 points above the first week's average (3/10) on 3 check-ins in a row, "
        "up to 7/10."
    )
    assert peg.finding == (
        "PEG 5 at 6 weeks against a baseline of 6: short of a meaningful improvement (1 point "
        "and 30%)."
    )
    assert flares.finding == "3 flare-ups within 14 days: 2026-09-01, 2026-09-06, 2026-09-14."
    assert sign.finding == "Warning signs reported: Back pain worse at night; History of cancer."
    for raised in [rise, peg, flares, sign, *trends]:
        words = raised.finding.lower().split()
        assert not {"you", "your", "you've"} & set(words), raised.finding
