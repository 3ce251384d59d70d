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
from app.outcomes import service as outcomes
from app.outcomes.errors import QuestionnaireNotLoaded
from app.progress import service as progress
from app.progress.pain import is_flare_up
from app.recommendations.schemas import Caution, RedFlag
from app.recommendations.screening import CAUTIONS_BY_ID, WARNING_SIGNS_BY_ID


@dataclass(frozen=True)
class ScreenAnswer:
    day: date
    question_id: str
    question: str


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
    peg_meaningful_percent: int | None = None
    flare_up_days: list[date] = field(default_factory=list)
    screen_answers: list[ScreenAnswer] = field(default_factory=list)
    attention: list[AttentionLine] = field(default_factory=list)
    disclaimer: str = ""

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def session_days(self) -> int:
        return len({s.day for s in self.sessions})


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
            data.peg_meaningful_percent = outcomes.meaningful_change_percent(session)
        except QuestionnaireNotLoaded:
            data.peg_meaningful_percent = None
        baseline = responses[0]
        data.peg_baseline = round(outcomes.total(baseline) / 3, 2)
        for response in responses:
            if date_from <= response.local_date <= date_to:
                public = outcomes.to_public(response, baseline, data.peg_meaningful_percent or 30)
                data.peg.append(
                    PegLine(
                        response.local_date,
                        response.pain,
                        response.enjoyment,
                        response.activity,
                        public.score,
                        public.change_percent,
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
