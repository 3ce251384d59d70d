"""What a report says, gathered from the domains it reads, as plain data."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from app.accounts.models import User
from app.attention import service as attention
from app.attention.rules import DayPain, flare_up_days
from app.attention.schemas import AttentionFilter
from app.care import service as care_service
from app.checkins import service as checkins
from app.outcomes import scoring
from app.outcomes import service as outcomes
from app.outcomes.errors import QuestionnaireNotLoaded
from app.outcomes.scoring import Thresholds
from app.progress import service as progress
from app.progress.pain import is_flare_up
from app.recommendations.schemas import Caution, RedFlag
from app.recommendations.screening import CAUTIONS_BY_ID, WARNING_SIGNS_BY_ID
from app.safety import logic as safety_logic
from app.safety import service as safety
from app.safety.schemas import CareTimeframe, SafetyState


@dataclass(frozen=True)
class ScreenAnswer:
    day: date
    question_id: str
    question: str


@dataclass(frozen=True)
class SafetyLine:
    """Something reported that called for care, kept even if its check-in was replaced."""

    day: date
    source: str
    questions: list[str]
    timeframe: CareTimeframe
    advice: str

    @property
    def urgency(self) -> str:
        """How soon, in the words the service uses for it."""
        return "be seen " + safety_logic.TIMEFRAME_WORDS[self.timeframe]


@dataclass(frozen=True)
class SessionLine:
    day: date
    pain_before: int
    pain_after: int
    flare_up: bool
    moves: list[str]


@dataclass(frozen=True)
class PegLine:
    day: date
    pain: int
    enjoyment: int
    activity: int
    score: float
    change_percent: float | None


@dataclass(frozen=True)
class AttentionLine:
    raised_on: date
    kind: str
    reason: str
    acknowledged: bool


@dataclass
class ReportData:
    person: str
    timezone: str
    date_from: date
    date_to: date
    generated_at: datetime
    checkin_pain: dict[date, int] = field(default_factory=dict)
    checkin_areas: dict[date, str] = field(default_factory=dict)
    checkin_notes: dict[date, str] = field(default_factory=dict)
    sessions: list[SessionLine] = field(default_factory=list)
    peg: list[PegLine] = field(default_factory=list)
    peg_baseline: float | None = None
    peg_thresholds: Thresholds | None = None
    flare_up_days: list[date] = field(default_factory=list)
    screen_answers: list[ScreenAnswer] = field(default_factory=list)
    safety_reports: list[SafetyLine] = field(default_factory=list)
    safety: SafetyState | None = None
    attention: list[AttentionLine] = field(default_factory=list)
    disclaimer: str = ""

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def session_days(self) -> int:
        return len({s.day for s in self.sessions})

    @property
    def peg_threshold_words(self) -> str:
        t = self.peg_thresholds
        if t is None:
            return "a change of 1 point and 30% or more"
        points = f"{float(t.points):g}"
        return f"a change of {points} point{'' if t.points == 1 else 's'} and {t.percent}% or more"

    def urgency_on(self, day: date) -> str:
        """The most urgent timeframe reported that day (`now`, `today`, `soon`), or ""."""
        found = [r.timeframe for r in self.safety_reports if r.day == day]
        return min(found, key=safety_logic.urgency).value if found else ""


def question_text(question_id: str) -> str:
    if question_id in {c.value for c in Caution}:
        return CAUTIONS_BY_ID[Caution(question_id)].text
    return WARNING_SIGNS_BY_ID[RedFlag(question_id)].text


def _dose(sets: int, reps: int | None, hold: int | None) -> str:
    parts = [f"{sets} set" + ("s" if sets != 1 else "")]
    if reps is not None:
        parts.append(f"{reps} reps")
    if hold is not None:
        parts.append(f"hold {hold} s")
    return ", ".join(parts)


def gather(
    session: Session, user: User, date_from: date, date_to: date, now: datetime
) -> ReportData:
    """Everything the report shows for the period (days in the person's timezone)."""
    data = ReportData(
        person=user.display_name or user.email,
        timezone=user.timezone,
        date_from=date_from,
        date_to=date_to,
        generated_at=now,
        disclaimer=care_service.get_disclaimer(session),
    )
    all_checkins = checkins.checkins_between(session, user.id)
    for checkin in all_checkins:
        if not date_from <= checkin.local_date <= date_to:
            continue
        data.checkin_pain[checkin.local_date] = checkin.pain
        if checkin.areas:
            data.checkin_areas[checkin.local_date] = ", ".join(
                f"{area} {level}" for area, level in checkin.areas.items()
            )
        if checkin.notes:
            data.checkin_notes[checkin.local_date] = checkin.notes
        for answer in [*checkin.red_flags, *checkin.cautions]:
            data.screen_answers.append(
                ScreenAnswer(checkin.local_date, answer, question_text(answer))
            )
    # What was reported to the safety state stays, a replaced check-in's answers included.
    answered = {(a.day, a.question_id) for a in data.screen_answers}
    for report in safety.reports_of(session, user.id, date_from, date_to):
        asked = [*report.red_flags, *report.cautions]
        data.safety_reports.append(
            SafetyLine(
                report.local_date,
                report.source,
                [question_text(q) for q in asked],
                CareTimeframe(report.timeframe),
                report.advice,
            )
        )
        for answer in asked:
            if (report.local_date, answer) not in answered:
                answered.add((report.local_date, answer))
                data.screen_answers.append(
                    ScreenAnswer(report.local_date, answer, question_text(answer))
                )
    data.screen_answers.sort(key=lambda a: a.day)
    data.safety = safety.safety_state(session, user.id, now)
    for logged in progress.list_all_sessions(session, user.id):
        if not date_from <= logged.local_date <= date_to:
            continue
        data.sessions.append(
            SessionLine(
                day=logged.local_date,
                pain_before=logged.pain_before,
                pain_after=logged.pain_after,
                flare_up=is_flare_up(logged.pain_before, logged.pain_after),
                moves=[
                    f"{e.exercise_name} ({_dose(e.sets, e.reps, e.hold_seconds)})"
                    for e in logged.exercises
                ],
            )
        )
    days = [DayPain(r.local_date, r.pain) for r in all_checkins]
    session_flares = [s.day for s in data.sessions if s.flare_up]
    data.flare_up_days = [
        d for d in flare_up_days(session_flares, days) if date_from <= d <= date_to
    ]
    responses = outcomes.responses(session, user.id)
    if responses:
        try:
            data.peg_thresholds = outcomes.meaningful_change(session)
        except QuestionnaireNotLoaded:
            data.peg_thresholds = None
        baseline = responses[0]
        data.peg_baseline = round(outcomes.total(baseline) / 3, 2)
        for response in responses:
            if date_from <= response.local_date <= date_to:
                data.peg.append(
                    PegLine(
                        response.local_date,
                        response.pain,
                        response.enjoyment,
                        response.activity,
                        scoring.score([response.pain, response.enjoyment, response.activity]),
                        scoring.change_percent(outcomes.total(baseline), outcomes.total(response)),
                    )
                )
    for item in attention.list_items(session, user, AttentionFilter.ALL):
        if date_from <= item.raised_on <= date_to:
            data.attention.append(
                AttentionLine(
                    item.raised_on, item.kind.value, item.reason, item.acknowledged_at is not None
                )
            )
    return data
