"""When a person's diary says they should be reviewed, as plain functions over plain data.

Each rule reads the whole history and returns every episode it finds, each with a stable key,
so the same history always raises the same items (an acknowledged item stays acknowledged)
and deleting the data an item rests on withdraws it. The thresholds and their sources:

- Warning signs: a day on which the person reported a safety-screen warning sign (in a
  check-in, even one replaced since, or a signed-in recommendation; app.safety keeps each
  report) raises an item with the triage `POST /v1/recommendations` gives
  (app.recommendations.logic): NICE NG59 and CKS list these signs as reasons to be assessed,
  urgently for some.
- Pain above baseline: pain at least `RISE_POINTS` (2) above the mean of the person's first
  week of check-ins on `RUN_LENGTH` (3) check-ins in a row. Two points is the usual smallest
  important change on the 0-10 scale (the same threshold as a session's flare-up,
  app.progress.pain); NICE NG59 asks for a review when pain is getting worse.
- PEG not improving: no meaningful improvement (1 point and 30%, from the seed) in the PEG
  score `LONG_DURATION_WEEKS` (6) weeks after the first response, and every 6 weeks after: NICE
  NG59 and the recommendation's own rule (app.recommendations.rules) expect back pain that is
  not getting better after about six weeks to be looked at.
- Lasting severe pain and a PEG worsening: the concerns the safety state holds for them
  (app.safety.logic), one item each.
- Flare-ups: `FLARE_UPS` (3) days with a flare-up within `FLARE_UP_WINDOW_DAYS` (14) days.
  A flare-up is a session whose pain rose by the progress rule (app.progress.pain), or a
  check-in whose pain rose by the same rule from the check-in of the day before.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.outcomes.scoring import Thresholds, meaningful_change
from app.progress.pain import is_flare_up
from app.recommendations.logic import Answers, escalation
from app.recommendations.rules import LONG_DURATION_WEEKS
from app.recommendations.schemas import Caution, RedFlag
from app.recommendations.screening import clinical_label
from app.safety import logic as safety
from app.safety.schemas import CareTimeframe, ConcernSource, TriageLevel
from app.shared.enums import Area
from app.shared.pain import IMPORTANT_CHANGE_POINTS

BASELINE_DAYS = 7
RISE_POINTS = IMPORTANT_CHANGE_POINTS
RUN_LENGTH = 3
PEG_REVIEW_DAYS = LONG_DURATION_WEEKS * 7
FLARE_UPS = 3
FLARE_UP_WINDOW_DAYS = 14

REVIEW_ADVICE = (
    "Please have your back pain reviewed: book an appointment with your doctor or a back pain "
    "specialist, and take your pain diary report along. "
    "If you develop any of the warning signs of the safety screen, get care at once as it "
    "advises."
)
PAIN_ABOVE_BASELINE_REASON = (
    "Your pain has been at least {points} points above where it was in your first week "
    "({baseline} out of 10 on average) on {run} check-ins in a row, up to {last} out of 10."
)
# One template for one point and one for several, so each language says its own plural.
PEG_NOT_IMPROVING_REASONS = (
    "{weeks} weeks after your first PEG questionnaire your score is {score} out of 10, against "
    "{baseline} at the start: not the improvement of {points} point and {percent}% or more "
    "that would count as meaningful.",
    "{weeks} weeks after your first PEG questionnaire your score is {score} out of 10, against "
    "{baseline} at the start: not the improvement of {points} points and {percent}% or more "
    "that would count as meaningful.",
)
FLARE_UPS_REASON = "You had {count} flare-ups within {days} days: on {dates}."
# The same findings in the third person, as the clinician report states them.
WARNING_SIGN_FINDINGS = ("Warning sign reported: {labels}.", "Warning signs reported: {labels}.")
PAIN_ABOVE_BASELINE_FINDING = (
    "Pain at least {points} points above the first week's average ({baseline}/10) on {run} "
    "check-ins in a row, up to {last}/10."
)
PEG_NOT_IMPROVING_FINDINGS = (
    "PEG {score} at {weeks} weeks against a baseline of {baseline}: short of a meaningful "
    "improvement ({points} point and {percent}%).",
    "PEG {score} at {weeks} weeks against a baseline of {baseline}: short of a meaningful "
    "improvement ({points} points and {percent}%).",
)
FLARE_UPS_FINDING = "{count} flare-ups within {days} days: {dates}."
TREND_FINDINGS: dict[ConcernSource, str] = {
    ConcernSource.DIARY_TREND: (
        f"Severe pain (7-10) on {safety.LASTING_SEVERE_CHECKINS} or more check-ins within "
        f"{safety.LASTING_SEVERE_WINDOW_DAYS} days."
    ),
    ConcernSource.PEG: "PEG score meaningfully worse than baseline (both thresholds reached).",
}
# Every sentence an item's reason, finding or advice is made of, for translating them.
ATTENTION_TEXTS = (
    REVIEW_ADVICE,
    PAIN_ABOVE_BASELINE_REASON,
    *PEG_NOT_IMPROVING_REASONS,
    FLARE_UPS_REASON,
    *WARNING_SIGN_FINDINGS,
    PAIN_ABOVE_BASELINE_FINDING,
    *PEG_NOT_IMPROVING_FINDINGS,
    FLARE_UPS_FINDING,
    *TREND_FINDINGS.values(),
)
TRIAGE_MESSAGES: dict[CareTimeframe, str] = {
    CareTimeframe.NOW: safety.URGENT_GUIDANCE,
    CareTimeframe.TODAY: safety.SAME_DAY_GUIDANCE,
    CareTimeframe.SOON: safety.SEE_DOCTOR_GUIDANCE,
}


class AttentionKind(StrEnum):
    """Why an attention item was raised: `warning_sign` (a safety-screen warning sign answered
    yes in a check-in or a signed-in recommendation), `pain_above_baseline` (pain 2 or more
    above the first week's on 3 check-ins in a row), `peg_not_improving` (no meaningful PEG
    improvement after 6 weeks), `flare_ups` (3 flare-ups within 14 days),
    `lasting_severe_pain` (3 check-ins of 7 or more within 7 days) or `peg_worsening` (the PEG
    score meaningfully worse than the first)."""

    WARNING_SIGN = "warning_sign"
    PAIN_ABOVE_BASELINE = "pain_above_baseline"
    PEG_NOT_IMPROVING = "peg_not_improving"
    FLARE_UPS = "flare_ups"
    LASTING_SEVERE_PAIN = "lasting_severe_pain"
    PEG_WORSENING = "peg_worsening"


@dataclass(frozen=True)
class DayPain:
    """A check-in: its local day and pain now."""

    day: date
    pain: int


@dataclass(frozen=True)
class ScreenedDay:
    """A check-in's day, pain and safety-screen answers, with what the check-in's own triage
    uses besides (the area it is triaged for, the age that day), so the item says what the
    check-in said."""

    day: date
    pain: int
    red_flags: frozenset[RedFlag]
    cautions: frozenset[Caution] = frozenset()
    area: Area = Area.LOWER
    age: int | None = None


@dataclass(frozen=True)
class TrendConcern:
    """A concern the safety state holds for a trend: its id, source, day and reasons."""

    key: str
    source: ConcernSource
    opened_on: date
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PegPoint:
    """A PEG response: its local day and the sum of its three answers."""

    day: date
    total: int


@dataclass(frozen=True)
class Raised:
    """One episode a rule found."""

    kind: AttentionKind
    key: str
    """Stable within the person's history: the same episode always has the same key."""
    raised_on: date
    reasons: tuple[str, ...]
    """What in the diary raised it, one sentence each (each translated on its own)."""
    advice: str
    timeframe: CareTimeframe
    referral: bool
    """Whether the answer should offer the in-person referral (never in an emergency or for a
    same-day review)."""
    finding: str
    """What was found, in the third person, for the clinician report."""

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)

    @property
    def general_guidance(self) -> bool:
        """Whether NG59's general advice goes with it: not beside emergency, same-day or
        see-a-doctor-before-exercising advice."""
        return self.timeframe is CareTimeframe.ROUTINE


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def warning_signs(days: Iterable[ScreenedDay]) -> list[Raised]:
    """An item for each check-in whose warning signs send the person to be seen, with the
    recommendation's own escalation for the same answers, area and age."""
    out = []
    for checkin in days:
        if not checkin.red_flags:
            continue
        answers = Answers(
            area=checkin.area,
            pain_level=checkin.pain,
            red_flags=checkin.red_flags,
            cautions=checkin.cautions,
            age=checkin.age,
        )
        level, timeframe, reasons = escalation(answers)
        if level is TriageLevel.SELF_CARE or timeframe is None:
            continue
        out.append(
            Raised(
                kind=AttentionKind.WARNING_SIGN,
                key=checkin.day.isoformat(),
                raised_on=checkin.day,
                reasons=tuple(reasons),
                finding=WARNING_SIGN_FINDINGS[len(checkin.red_flags) > 1].format(
                    labels="; ".join(sorted(clinical_label(f) for f in checkin.red_flags)),
                ),
                advice=TRIAGE_MESSAGES[timeframe],
                timeframe=timeframe,
                # The article offers its clinic for severe pain only, never for a warning
                # sign (a possible cancer or infection among them).
                referral=False,
            )
        )
    return out


def pain_baseline(checkins: Sequence[DayPain]) -> float | None:
    """The mean pain of the check-ins in the first `BASELINE_DAYS` days from the first one;
    None with no check-ins."""
    if not checkins:
        return None
    first = min(c.day for c in checkins)
    week = [c.pain for c in checkins if c.day < first + timedelta(days=BASELINE_DAYS)]
    return sum(week) / len(week)


def pain_above_baseline(checkins: Sequence[DayPain]) -> list[Raised]:
    """An item each time `RUN_LENGTH` check-ins in a row after the first week are each at
    least `RISE_POINTS` above the baseline; one item per run, however long it lasts."""
    ordered = sorted(checkins, key=lambda c: c.day)
    baseline = pain_baseline(ordered)
    if baseline is None:
        return []
    after_week = ordered[0].day + timedelta(days=BASELINE_DAYS)
    out = []
    run: list[DayPain] = []
    for checkin in ordered:
        if checkin.day < after_week:
            continue
        if checkin.pain >= baseline + RISE_POINTS:
            run.append(checkin)
        else:
            run = []
        if len(run) == RUN_LENGTH:
            out.append(
                Raised(
                    kind=AttentionKind.PAIN_ABOVE_BASELINE,
                    key=run[0].day.isoformat(),
                    raised_on=checkin.day,
                    reasons=(
                        PAIN_ABOVE_BASELINE_REASON.format(
                            points=RISE_POINTS,
                            baseline=_number(baseline),
                            run=RUN_LENGTH,
                            last=checkin.pain,
                        ),
                    ),
                    finding=PAIN_ABOVE_BASELINE_FINDING.format(
                        points=RISE_POINTS,
                        baseline=_number(baseline),
                        run=RUN_LENGTH,
                        last=checkin.pain,
                    ),
                    advice=REVIEW_ADVICE,
                    timeframe=CareTimeframe.ROUTINE,
                    referral=True,
                )
            )
    return out


def peg_not_improving(responses: Sequence[PegPoint], thresholds: Thresholds) -> list[Raised]:
    """For each `PEG_REVIEW_DAYS` period after the first response (6 weeks, 12 weeks, ...),
    the first response in it, if its score has not improved meaningfully (both thresholds). A
    first score of 0 leaves nothing to improve, so no item."""
    ordered = sorted(responses, key=lambda r: r.day)
    if not ordered or ordered[0].total == 0:
        return []
    baseline = ordered[0]
    out = []
    seen_periods: set[int] = set()
    for response in ordered[1:]:
        period = (response.day - baseline.day).days // PEG_REVIEW_DAYS
        if period < 1 or period in seen_periods:
            continue
        seen_periods.add(period)
        if meaningful_change(baseline.total, response.total, thresholds).improved:
            continue
        plural = thresholds.points != 1
        values = {
            "weeks": (response.day - baseline.day).days // 7,
            "score": _number(round(response.total / 3, 2)),
            "baseline": _number(round(baseline.total / 3, 2)),
            "points": _number(float(thresholds.points)),
            "percent": thresholds.percent,
        }
        out.append(
            Raised(
                kind=AttentionKind.PEG_NOT_IMPROVING,
                key=f"{baseline.day.isoformat()}/{period}",
                raised_on=response.day,
                reasons=(PEG_NOT_IMPROVING_REASONS[plural].format(**values),),
                finding=PEG_NOT_IMPROVING_FINDINGS[plural].format(**values),
                advice=REVIEW_ADVICE,
                timeframe=CareTimeframe.ROUTINE,
                referral=True,
            )
        )
    return out


def flare_up_days(session_flare_ups: Iterable[date], checkins: Sequence[DayPain]) -> list[date]:
    """The days with a flare-up, oldest first: days with a session that flared up, and days
    whose check-in rose by the flare-up rule from the check-in of the day before."""
    days = set(session_flare_ups)
    by_day = {c.day: c.pain for c in checkins}
    for day, now in by_day.items():
        before = by_day.get(day - timedelta(days=1))
        if before is not None and is_flare_up(before, now):
            days.add(day)
    return sorted(days)


def flare_up_clusters(days: Sequence[date]) -> list[Raised]:
    """An item when `FLARE_UPS` flare-up days fall within `FLARE_UP_WINDOW_DAYS` days; counting
    starts afresh after each item, so one cluster raises one item."""
    out = []
    window: list[date] = []
    for day in sorted(set(days)):
        window = [d for d in window if (day - d).days < FLARE_UP_WINDOW_DAYS] + [day]
        if len(window) == FLARE_UPS:
            out.append(
                Raised(
                    kind=AttentionKind.FLARE_UPS,
                    key=window[0].isoformat(),
                    raised_on=day,
                    reasons=(
                        FLARE_UPS_REASON.format(
                            count=FLARE_UPS,
                            days=FLARE_UP_WINDOW_DAYS,
                            dates=", ".join(d.isoformat() for d in window),
                        ),
                    ),
                    finding=FLARE_UPS_FINDING.format(
                        count=FLARE_UPS,
                        days=FLARE_UP_WINDOW_DAYS,
                        dates=", ".join(d.isoformat() for d in window),
                    ),
                    advice=REVIEW_ADVICE,
                    timeframe=CareTimeframe.ROUTINE,
                    referral=True,
                )
            )
            window = []
    return out


TREND_KINDS: dict[ConcernSource, AttentionKind] = {
    ConcernSource.DIARY_TREND: AttentionKind.LASTING_SEVERE_PAIN,
    ConcernSource.PEG: AttentionKind.PEG_WORSENING,
}


def trend_concerns(concerns: Iterable[TrendConcern]) -> list[Raised]:
    """An item for each concern the safety state raised from a trend in the diary (lasting
    severe pain, a PEG worsening), with the concern's own guidance."""
    return [
        Raised(
            kind=TREND_KINDS[c.source],
            key=c.key,
            raised_on=c.opened_on,
            reasons=c.reasons,
            finding=TREND_FINDINGS[c.source],
            advice=safety.guidance(CareTimeframe.SOON, c.source),
            timeframe=CareTimeframe.SOON,
            referral=True,
        )
        for c in concerns
        if c.source in TREND_KINDS
    ]


def most_urgent_first(raised: Iterable[Raised]) -> list[Raised]:
    """Urgency first (`now`, `today`, `soon`, `routine`), then the newest first."""
    newest = sorted(raised, key=lambda r: (r.raised_on, r.kind.value, r.key), reverse=True)
    return sorted(newest, key=lambda r: safety.urgency(r.timeframe))
