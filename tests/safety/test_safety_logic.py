"""The safety state's rules as tables: what holds exercise, what closes what, which concern
decides, when lasting severe pain is lasting, and one wording per timeframe."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.safety import logic
from app.safety.logic import OpenConcern
from app.safety.schemas import CareTimeframe, ClosedBy, ConcernSource, Exercise, TriageLevel

NOW, TODAY, SOON = CareTimeframe.NOW, CareTimeframe.TODAY, CareTimeframe.SOON
CHECKIN, RECOMMENDATION, SESSION = (
    ConcernSource.CHECKIN,
    ConcernSource.RECOMMENDATION,
    ConcernSource.SESSION,
)
PEG, TREND = ConcernSource.PEG, ConcernSource.DIARY_TREND
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("timeframe", "source", "holds"),
    [
        (NOW, CHECKIN, True),
        (NOW, RECOMMENDATION, True),
        (NOW, SESSION, True),
        (NOW, PEG, True),
        (NOW, TREND, True),
        (TODAY, CHECKIN, True),
        (TODAY, RECOMMENDATION, True),
        (TODAY, SESSION, True),
        (TODAY, PEG, True),
        (TODAY, TREND, True),
        # A see-a-doctor-first answer from a screen carried no moves; a trend keeps them.
        (SOON, CHECKIN, True),
        (SOON, RECOMMENDATION, True),
        (SOON, SESSION, True),
        (SOON, PEG, False),
        (SOON, TREND, False),
    ],
)
def test_what_holds_exercise(timeframe: CareTimeframe, source: ConcernSource, holds: bool) -> None:
    assert logic.holds_exercise(timeframe, source) is holds
    assert OpenConcern(timeframe, source, AT).holds_exercise is holds
    expected = logic.SEE_DOCTOR_GUIDANCE if holds else logic.REVIEW_GUIDANCE
    if timeframe is SOON:
        assert logic.guidance(timeframe, source) == expected


def test_one_wording_per_timeframe() -> None:
    for source in ConcernSource:
        assert logic.guidance(NOW, source) == logic.URGENT_GUIDANCE
        assert logic.guidance(TODAY, source) == logic.SAME_DAY_GUIDANCE
        assert logic.TIMEFRAME_WORDS[SOON] in logic.guidance(SOON, source)
    assert "now" in logic.URGENT_GUIDANCE and "today" in logic.SAME_DAY_GUIDANCE
    # Emergency guidance only: nothing about activity or moves beside it.
    assert "activities" not in logic.URGENT_GUIDANCE and "move" not in logic.URGENT_GUIDANCE
    assert logic.level_of(NOW) is TriageLevel.URGENT_CARE
    assert logic.level_of(TODAY) is logic.level_of(SOON) is TriageLevel.SEE_DOCTOR


@pytest.mark.parametrize(
    ("report", "timeframe", "source", "closed_by"),
    [
        # A clear screen closes the soon concerns screens raised, whichever screen it was.
        (CHECKIN, SOON, CHECKIN, ClosedBy.LATER_SCREEN),
        (RECOMMENDATION, SOON, CHECKIN, ClosedBy.LATER_SCREEN),
        (CHECKIN, SOON, SESSION, ClosedBy.LATER_SCREEN),
        (CHECKIN, SOON, RECOMMENDATION, ClosedBy.LATER_SCREEN),
        # ...never an emergency or same-day one...
        (CHECKIN, NOW, CHECKIN, None),
        (RECOMMENDATION, TODAY, RECOMMENDATION, None),
        # ...nor a trend's, which a screen says nothing about.
        (CHECKIN, SOON, PEG, None),
        (CHECKIN, SOON, TREND, None),
        # A PEG response no longer worse closes the PEG's concern, and only that.
        (PEG, SOON, PEG, ClosedBy.LATER_PEG),
        (PEG, SOON, CHECKIN, None),
        (PEG, NOW, PEG, None),
        # Sessions and trends report no clear answers that close anything of another kind.
        (SESSION, SOON, PEG, None),
        (TREND, SOON, TREND, None),
    ],
)
def test_what_a_clear_answer_closes(
    report: ConcernSource,
    timeframe: CareTimeframe,
    source: ConcernSource,
    closed_by: ClosedBy | None,
) -> None:
    assert logic.closed_by_clear_report(report, timeframe, source) == closed_by


def test_how_each_concern_closes_is_said() -> None:
    assert logic.closes_when(NOW, CHECKIN) == logic.CLOSES_BY_PERSON
    assert logic.closes_when(TODAY, PEG) == logic.CLOSES_BY_PERSON
    assert logic.closes_when(SOON, SESSION) == logic.CLOSES_BY_SCREEN
    assert logic.closes_when(SOON, PEG) == logic.CLOSES_BY_PEG
    assert logic.closes_when(SOON, TREND) == logic.CLOSES_BY_PERSON


def test_the_deciding_concern_is_the_most_urgent_that_holds_exercise() -> None:
    trend = OpenConcern(SOON, TREND, AT)
    screen = OpenConcern(SOON, CHECKIN, AT - timedelta(days=3))
    urgent = OpenConcern(NOW, RECOMMENDATION, AT - timedelta(days=9))
    same_day = OpenConcern(TODAY, CHECKIN, AT - timedelta(days=1))
    assert logic.deciding([]) is None
    assert logic.deciding([trend]) == trend
    assert logic.exercise([trend]) is Exercise.ALLOWED
    assert logic.deciding([trend, screen]) == screen
    assert logic.exercise([trend, screen]) is Exercise.ON_HOLD
    assert logic.deciding([trend, screen, same_day, urgent]) == urgent
    # Urgency first, then the newest.
    assert logic.most_urgent_first([screen, trend, same_day, urgent]) == [
        urgent,
        same_day,
        trend,
        screen,
    ]
    newer = OpenConcern(SOON, RECOMMENDATION, AT + timedelta(hours=1))
    assert logic.most_urgent_first([screen, newer]) == [newer, screen]


def days_of(*pains: int | None, start: date = date(2026, 11, 1)) -> list[tuple[date, int]]:
    return [(start + timedelta(days=i), p) for i, p in enumerate(pains) if p is not None]


@pytest.mark.parametrize(
    ("pains", "lasting"),
    [
        ((8, 8, 8), True),
        ((7, 9, 7), True),
        ((8, 8), False),
        ((8, 6, 8), False),
        # Three severe days within 7 days, with better days between.
        ((8, 2, 3, 8, 4, 5, 8), True),
        # The first severe day falls out of the 7-day window.
        ((8, 2, 3, 8, 4, 5, 6, 8), False),
        # Missing days do not matter, only the check-ins there are.
        ((8, None, None, 8, None, None, 8), True),
        ((6, 6, 6, 6, 6, 6, 6), False),
    ],
)
def test_lasting_severe_pain(pains: tuple[int | None, ...], lasting: bool) -> None:
    days = days_of(*pains)
    on = date(2026, 11, 1) + timedelta(days=len(pains) - 1)
    severe = logic.lasting_severe_pain(days, on)
    assert bool(severe) is lasting
    if lasting:
        assert len(severe) >= logic.LASTING_SEVERE_CHECKINS
        assert all(p >= 7 for _, p in severe)
        assert "within 7 days" in logic.lasting_severe_reason(severe)


def test_the_worst_pain_decides() -> None:
    assert logic.worst_pain(2, [9, 1]) == 9
    assert logic.worst_pain(5, []) == 5


@pytest.mark.parametrize(
    ("timeframe", "after"),
    [(NOW, timedelta(hours=6)), (TODAY, timedelta(days=1)), (SOON, timedelta(days=3))],
)
def test_each_concern_is_followed_up_once_its_timeframe_has_passed(
    timeframe: CareTimeframe, after: timedelta
) -> None:
    assert logic.follow_up_due_at(AT, timeframe) == AT + after


def test_urgency_orders_every_timeframe() -> None:
    assert sorted([None, CareTimeframe.ROUTINE, SOON, NOW, TODAY], key=logic.urgency) == [
        NOW,
        TODAY,
        SOON,
        CareTimeframe.ROUTINE,
        None,
    ]
