"""A person's safety state as plain functions over plain data, with no database access.

Every feature that offers exercise asks the same question here: is a concern open that puts
exercise on hold? The rules and their sources:

- A concern has a timeframe: `now` (emergency care), `today` (a same-day medical review) or
  `soon` (a doctor in the next few days), the timeframes of the safety screen
  (app.recommendations.screening: NICE NG59 and CKS, the NHS back-pain pages).
- `now` and `today` concerns always put exercise on hold. A `soon` concern raised by a screen
  (a check-in, a signed-in recommendation, or a session that ended in severe pain) holds what
  its triage held back: a `see_doctor` triage carries no moves, so exercise waits until the
  person has been seen. A `soon` concern raised by a trend (the PEG getting meaningfully
  worse, lasting severe pain in the diary) asks for a review and keeps the moves the latest
  screen allows, with the concern shown.
- A concern closes when the person says they have been seen and can exercise, with the date.
  A `soon` concern raised by a screen also closes when a later screen has no warning sign and
  pain below the severe band; a PEG concern when a later PEG response is no longer a meaningful
  worsening. `now` and `today` concerns never close by themselves.
- Lasting severe pain: `LASTING_SEVERE_CHECKINS` check-ins in the severe band within
  `LASTING_SEVERE_WINDOW_DAYS` days (inferred: the service's own threshold; NICE NG59 asks for
  a review when pain is not improving, and the article suggests a specialist for severe pain).
- Each open concern is asked about again ("Were you seen?") once its timeframe has passed:
  `FOLLOW_UP_AFTER` (inferred: a few hours for an emergency, the next day for a same-day
  review, three days for "the next few days").
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.safety.schemas import CareTimeframe, ClosedBy, ConcernSource, Exercise, TriageLevel
from app.shared import pain

# The words each timeframe is said in, wherever the service says it.
TIMEFRAME_WORDS: dict[CareTimeframe, str] = {
    CareTimeframe.NOW: "now",
    CareTimeframe.TODAY: "today",
    CareTimeframe.SOON: "in the next few days",
}

# Where to go, in the words used when no region is known (the care routes' fallback says the
# same; tests hold the two together). A region's care route fills the same templates.
FALLBACK_EMERGENCY_NUMBER = "your local emergency number"
FALLBACK_EMERGENCY_PLACE = "the nearest emergency department"
FALLBACK_URGENT_ACTION = (
    "ask your doctor's practice for a same-day appointment, or go to an urgent care or "
    "out-of-hours service if they cannot see you today"
)
FALLBACK_ROUTINE_ACTION = "book an appointment with your doctor"

URGENT_TEMPLATE = (
    f"Get medical help {TIMEFRAME_WORDS[CareTimeframe.NOW]}: call {{number}} or go to {{place}}."
)
SAME_DAY_TEMPLATE = (
    f"Please have a doctor check you {TIMEFRAME_WORDS[CareTimeframe.TODAY]}: {{urgent}}. If you "
    "feel very unwell or get worse, call {number}. Hold off the exercises until a doctor has "
    "seen you."
)
SEE_DOCTOR_TEMPLATE = (
    f"Please see a doctor {TIMEFRAME_WORDS[CareTimeframe.SOON]}, before trying these exercises: "
    "{routine}. Self-guided exercise isn't the right first step for what you've described."
)

URGENT_GUIDANCE = URGENT_TEMPLATE.format(
    number=FALLBACK_EMERGENCY_NUMBER, place=FALLBACK_EMERGENCY_PLACE
)
SAME_DAY_GUIDANCE = SAME_DAY_TEMPLATE.format(
    urgent=FALLBACK_URGENT_ACTION, number=FALLBACK_EMERGENCY_NUMBER
)
SEE_DOCTOR_GUIDANCE = SEE_DOCTOR_TEMPLATE.format(routine=FALLBACK_ROUTINE_ACTION)
REVIEW_GUIDANCE = (
    "Please see a doctor or a back pain specialist "
    f"{TIMEFRAME_WORDS[CareTimeframe.SOON]} to have this looked at, and take your pain diary "
    "report along. The moves your answers allow are fine to continue gently meanwhile."
)
CLEAR_MESSAGE = (
    "Nothing you have reported calls for a doctor first. If you develop any of the warning "
    "signs of the safety screen, get care at once as it advises."
)

# NICE NG59's first advice for self-management, kept beside every piece of advice that is not
# emergency or same-day guidance, with this service's own "stop a move that makes it worse".
GENERAL_GUIDANCE_TEXT = (
    "Keep up your normal activities as far as you can, and stop any move that makes your pain "
    "worse."
)
GENERAL_GUIDANCE_QUOTE = "encouragement to continue with normal activities"
GENERAL_GUIDANCE_SOURCE = (
    "NICE guideline NG59, Low back pain and sciatica in over 16s: assessment and management "
    "(2016, updated 2020), recommendation 1.2.1: self-management advice should include "
    '"encouragement to continue with normal activities". Stopping a move that makes the pain '
    "worse is this service's own general advice (inferred)."
)

HELD_REASON = (
    "You reported this on {day}. Until you tell us you have been seen and can exercise, the "
    "moves are held back."
)
FOLLOW_UP_QUESTION = (
    "Were you seen? Once a doctor or another clinician has seen you about this and you can "
    "exercise, tell us the date and your moves come back."
)

# Inferred: how long after a concern opens its timeframe has passed and the person is asked
# whether they were seen.
FOLLOW_UP_AFTER: dict[CareTimeframe, timedelta] = {
    CareTimeframe.NOW: timedelta(hours=6),
    CareTimeframe.TODAY: timedelta(days=1),
    CareTimeframe.SOON: timedelta(days=3),
}
# Inferred, as the module says: 3 check-ins of 7 or more within 7 days.
LASTING_SEVERE_CHECKINS = 3
LASTING_SEVERE_WINDOW_DAYS = 7

# Most urgent first.
URGENCY: tuple[CareTimeframe, ...] = (
    CareTimeframe.NOW,
    CareTimeframe.TODAY,
    CareTimeframe.SOON,
    CareTimeframe.ROUTINE,
)
CONCERN_TIMEFRAMES = frozenset({CareTimeframe.NOW, CareTimeframe.TODAY, CareTimeframe.SOON})
SCREEN_SOURCES = frozenset(
    {ConcernSource.CHECKIN, ConcernSource.RECOMMENDATION, ConcernSource.SESSION}
)

LASTING_SEVERE_REASON = (
    "Your pain has been severe ({levels} out of 10) on {count} check-ins within {days} days. "
    "Severe pain that goes on should be looked at by a doctor or a back pain specialist."
)
PEG_WORSENING_REASON = (
    "Your PEG score has risen from {baseline} at your first questionnaire to {score}: a "
    "meaningful worsening."
)
# The reasons a trend in the diary raises a concern with (stored, translated when shown).
TREND_REASONS = (LASTING_SEVERE_REASON, PEG_WORSENING_REASON)
CLOSES_BY_PERSON = (
    "It closes when you tell us you have been seen and can exercise, with the date; it never "
    "closes by itself."
)
CLOSES_BY_SCREEN = (
    "It closes when you tell us you have been seen and can exercise, with the date, or when a "
    "later safety screen has no warning sign and pain below 7."
)
CLOSES_BY_PEG = (
    "It closes when you tell us you have been seen and can exercise, with the date, or when a "
    "later PEG questionnaire is no longer meaningfully worse than your first."
)


def urgency(timeframe: CareTimeframe | None) -> int:
    """Sort key: 0 for `now` up to 3 for `routine`; 4 for none."""
    return URGENCY.index(timeframe) if timeframe is not None else len(URGENCY)


def level_of(timeframe: CareTimeframe) -> TriageLevel:
    return TriageLevel.URGENT_CARE if timeframe is CareTimeframe.NOW else TriageLevel.SEE_DOCTOR


def holds_exercise(timeframe: CareTimeframe, source: ConcernSource) -> bool:
    """Whether an open concern puts exercise on hold (see the module docstring)."""
    return timeframe is not CareTimeframe.SOON or source in SCREEN_SOURCES


def guidance(timeframe: CareTimeframe, source: ConcernSource) -> str:
    """What to do about a concern: the same words for the same timeframe everywhere."""
    template, values = guidance_parts(timeframe, source)
    return template.format(**values)


def guidance_parts(timeframe: CareTimeframe, source: ConcernSource) -> tuple[str, dict[str, str]]:
    """The template of a concern's guidance and the words it is filled with (for translating
    each)."""
    if timeframe is CareTimeframe.NOW:
        return URGENT_TEMPLATE, {
            "number": FALLBACK_EMERGENCY_NUMBER,
            "place": FALLBACK_EMERGENCY_PLACE,
        }
    if timeframe is CareTimeframe.TODAY:
        return SAME_DAY_TEMPLATE, {
            "urgent": FALLBACK_URGENT_ACTION,
            "number": FALLBACK_EMERGENCY_NUMBER,
        }
    if holds_exercise(timeframe, source):
        return SEE_DOCTOR_TEMPLATE, {"routine": FALLBACK_ROUTINE_ACTION}
    return REVIEW_GUIDANCE, {}


def closes_when(timeframe: CareTimeframe, source: ConcernSource) -> str:
    if timeframe is CareTimeframe.SOON and source in SCREEN_SOURCES:
        return CLOSES_BY_SCREEN
    if source is ConcernSource.PEG and timeframe is CareTimeframe.SOON:
        return CLOSES_BY_PEG
    return CLOSES_BY_PERSON


def follow_up_due_at(opened_at: datetime, timeframe: CareTimeframe) -> datetime:
    return opened_at + FOLLOW_UP_AFTER[timeframe]


def closed_by_clear_report(
    report_source: ConcernSource, timeframe: CareTimeframe, source: ConcernSource
) -> ClosedBy | None:
    """How a report with nothing to raise closes an open concern, if it does: a clear screen
    closes `soon` concerns raised by screens, a clear PEG response closes PEG concerns."""
    if timeframe is not CareTimeframe.SOON:
        return None
    if report_source in SCREEN_SOURCES and source in SCREEN_SOURCES:
        return ClosedBy.LATER_SCREEN
    if report_source is ConcernSource.PEG and source is ConcernSource.PEG:
        return ClosedBy.LATER_PEG
    return None


@dataclass(frozen=True)
class OpenConcern:
    """What the features need to know of one open concern."""

    timeframe: CareTimeframe
    source: ConcernSource
    opened_at: datetime

    @property
    def holds_exercise(self) -> bool:
        return holds_exercise(self.timeframe, self.source)


def most_urgent_first(concerns: Iterable[OpenConcern]) -> list[OpenConcern]:
    """Urgency first, then newest first."""
    by_date = sorted(concerns, key=lambda c: c.opened_at, reverse=True)
    return sorted(by_date, key=lambda c: urgency(c.timeframe))


def exercise(concerns: Iterable[OpenConcern]) -> Exercise:
    return Exercise.ON_HOLD if any(c.holds_exercise for c in concerns) else Exercise.ALLOWED


def deciding(concerns: Sequence[OpenConcern]) -> OpenConcern | None:
    """The concern whose guidance the features show: the most urgent that holds exercise, else
    the most urgent; None when nothing is open."""
    ordered = most_urgent_first(concerns)
    holding = [c for c in ordered if c.holds_exercise]
    first = holding or ordered
    return first[0] if first else None


def worst_pain(overall: int, areas: Iterable[int]) -> int:
    """The pain a screen is judged on: the worst of the overall score and each area's."""
    return max([overall, *areas])


def lasting_severe_pain(days: Iterable[tuple[date, int]], on: date) -> list[tuple[date, int]]:
    """The severe check-ins in the `LASTING_SEVERE_WINDOW_DAYS` days ending on `on`, oldest
    first, when there are at least `LASTING_SEVERE_CHECKINS` of them; otherwise empty. `days`
    holds one (local day, pain) per check-in."""
    first = on - timedelta(days=LASTING_SEVERE_WINDOW_DAYS - 1)
    severe = sorted((d, p) for d, p in days if first <= d <= on and pain.is_severe(p))
    return severe if len(severe) >= LASTING_SEVERE_CHECKINS else []


def lasting_severe_reason(severe: Sequence[tuple[date, int]]) -> str:
    return LASTING_SEVERE_REASON.format(
        levels=", ".join(str(p) for _, p in severe),
        count=len(severe),
        days=LASTING_SEVERE_WINDOW_DAYS,
    )
