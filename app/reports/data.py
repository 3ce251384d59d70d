"""What a report says, gathered from the domains it reads, as plain data."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Session

from app.accounts.models import User
from app.attention import service as attention
from app.attention.rules import (
    ATTENTION_TEXTS,
    TREND_FINDINGS,
    AttentionKind,
    DayPain,
    flare_up_days,
)
from app.checkins import service as checkins
from app.checkins.models import Checkin
from app.exercises import service as exercises
from app.exercises.errors import ArticleNotLoaded
from app.outcomes import scoring
from app.outcomes import service as outcomes
from app.outcomes.errors import QuestionnaireNotLoaded
from app.outcomes.scoring import Thresholds
from app.progress import service as progress
from app.progress.pain import FLARE_UP_RISE_POINTS, is_flare_up
from app.recommendations.logic import AREA_WORDS
from app.recommendations.schemas import Caution, RedFlag
from app.recommendations.screening import CAUTIONS_BY_ID, WARNING_SIGNS_BY_ID, clinical_label
from app.safety import logic as safety_logic
from app.safety import service as safety
from app.safety.schemas import CareTimeframe, ConcernSource, SafetyState
from app.shared import pain
from app.shared.enums import Area

# How soon each timeframe sent the person, as the report states it to a clinician.
URGENCY_TIERS: dict[CareTimeframe, str] = {
    CareTimeframe.NOW: "Emergency",
    CareTimeframe.TODAY: "Urgent, same day",
    CareTimeframe.SOON: "Soon, within days",
    CareTimeframe.ROUTINE: "Routine",
}
NOT_ESCALATED = "Not escalated"
NO_ADVICE = "None: the safety screen's rules did not call for care with these answers."
SOURCE_WORDS: dict[str, str] = {
    ConcernSource.CHECKIN: "a check-in",
    ConcernSource.RECOMMENDATION: "an exercise recommendation",
    ConcernSource.SESSION: "an exercise session",
    ConcernSource.PEG: "a PEG questionnaire",
    ConcernSource.DIARY_TREND: "the pain diary",
}
SEVERE_PAIN_FINDING = "Severe pain reported in {source}."
SEVERE_PAIN_LEVEL_FINDING = "Severe pain ({level}/10) reported in {source}."
# A move done, with its dose ("Cat-camel (2 sets, 10 reps, hold 5 s)").
MOVE_DONE = "{name} ({dose})"
DOSE_SETS = ("{sets} set", "{sets} sets")
DOSE_REPS = "{reps} reps"
DOSE_HOLD = "hold {hold} s"
# What else a warning sign was answered with ("caution: osteoporosis; pain in the upper back").
ANSWERED_CAUTION = "caution: {label}"
ANSWERED_AREA = "pain in the {area}"
# The templates the report's findings, moves and answers are made of, to say them in another
# language: its own, and an attention item's finding and advice.
REPORT_TEMPLATES = (
    SEVERE_PAIN_FINDING,
    SEVERE_PAIN_LEVEL_FINDING,
    MOVE_DONE,
    *DOSE_SETS,
    DOSE_REPS,
    DOSE_HOLD,
    ANSWERED_CAUTION,
    ANSWERED_AREA,
    *ATTENTION_TEXTS,
)
# The service's own flare-up rule (app.progress.pain, app.attention.rules), in a clinician's
# words.
FLARE_UP_DEFINITION = (
    f"A session whose pain rose by {FLARE_UP_RISE_POINTS} points or more, or rose into the "
    f"severe band ({pain.SEVERE_FROM}-{pain.PAIN_MAX}); or a day whose check-in pain rose the "
    "same way from the previous day's check-in. The service's own rule (inferred)."
)
# A reference ends at its DOI; the rest of a seed source says how the service uses it.
_REFERENCE = re.compile(r"^(.*?doi:\S+?)\.(\s|$)")


def urgency_words(timeframe: CareTimeframe | None) -> str:
    """ "Emergency: be seen now", "Urgent, same day: be seen today", ..."""
    if timeframe is None:
        return NOT_ESCALATED
    if timeframe is CareTimeframe.ROUTINE:
        return URGENCY_TIERS[timeframe] + ": book a review"
    return f"{URGENCY_TIERS[timeframe]}: be seen {safety_logic.TIMEFRAME_WORDS[timeframe]}"


def reference(source: str) -> str:
    """The bibliographic part of a seed's source text (up to its DOI), or all of it."""
    found = _REFERENCE.match(source)
    return found.group(1) if found else source


class AlertKind(StrEnum):
    RED_FLAG = "red_flag"
    PAIN_OR_PEG = "pain_or_peg"


@dataclass(frozen=True)
class Alert:
    """A warning sign, or severe pain or a PEG worsening, reported on a day, with how soon it
    sent the person and the advice they were given, in a clinician's words."""

    day: date
    kind: AlertKind
    finding: str
    source: str
    timeframe: CareTimeframe | None
    advice: str
    red_flags: tuple[str, ...] = ()
    answered_with: str = ""
    """What else the screen weighed with the warning signs (cautions, the part of the back
    when not the lower back), as a clinician reads it; empty when nothing."""

    @property
    def urgency(self) -> str:
        return urgency_words(self.timeframe)


@dataclass(frozen=True)
class CautionLine:
    day: date
    caution_id: str

    @property
    def label(self) -> str:
        return clinical_label(self.caution_id)


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
    baseline: bool = False


@dataclass(frozen=True)
class AttentionLine:
    raised_on: date
    kind: AttentionKind
    finding: str
    timeframe: CareTimeframe
    advice: str
    acknowledged: bool

    @property
    def urgency(self) -> str:
        return urgency_words(self.timeframe)


@dataclass(frozen=True)
class PegDefinition:
    """What the report says of the PEG, from the questionnaire's seed."""

    scoring: str
    citation: str
    points_source: str
    percent_source: str


@dataclass(frozen=True)
class Article:
    title: str
    publisher: str | None


@dataclass
class ReportData:
    person: str
    birth_year: int | None
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
    safety: SafetyState | None = None
    alerts: list[Alert] = field(default_factory=list)
    cautions: list[CautionLine] = field(default_factory=list)
    attention: list[AttentionLine] = field(default_factory=list)
    peg_definition: PegDefinition | None = None
    article: Article | None = None
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

    @property
    def red_flag_alerts(self) -> list[Alert]:
        return [a for a in self.alerts if a.kind is AlertKind.RED_FLAG]

    @property
    def pain_alerts(self) -> list[Alert]:
        return [a for a in self.alerts if a.kind is AlertKind.PAIN_OR_PEG]

    def most_urgent_on(self, day: date) -> Alert | None:
        """The most urgent alert of a day, if any."""
        found = [a for a in self.alerts if a.day == day]
        return min(found, key=lambda a: safety_logic.urgency(a.timeframe)) if found else None


def question_text(question_id: str) -> str:
    if question_id in {c.value for c in Caution}:
        return CAUTIONS_BY_ID[Caution(question_id)].text
    return WARNING_SIGNS_BY_ID[RedFlag(question_id)].text


def _dose(sets: int, reps: int | None, hold: int | None) -> str:
    parts = [DOSE_SETS[sets != 1].format(sets=sets)]
    if reps is not None:
        parts.append(DOSE_REPS.format(reps=reps))
    if hold is not None:
        parts.append(DOSE_HOLD.format(hold=hold))
    return ", ".join(parts)


def gather(db: Session, user: User, date_from: date, date_to: date, now: datetime) -> ReportData:
    """Everything the report shows for the period (days in the person's timezone)."""
    data = ReportData(
        person=user.display_name or user.email,
        birth_year=user.birth_year,
        timezone=user.timezone,
        date_from=date_from,
        date_to=date_to,
        generated_at=now,
        disclaimer=exercises.get_disclaimer(db),
    )
    try:
        article = exercises.get_article(db)
        data.article = Article(article.title, article.publisher)
    except ArticleNotLoaded:
        data.article = None
    all_checkins = checkins.checkins_between(db, user.id)
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
    for report in safety.reports_of(db, user.id, date_from, date_to):
        asked = [*report.red_flags, *report.cautions]
        for answer in asked:
            if (report.local_date, answer) not in answered:
                answered.add((report.local_date, answer))
                data.screen_answers.append(
                    ScreenAnswer(report.local_date, answer, question_text(answer))
                )
    data.screen_answers.sort(key=lambda a: a.day)
    data.alerts, data.cautions = _alerts(db, user, all_checkins, date_from, date_to)
    data.safety = safety.safety_state(db, user.id, now)
    for logged in progress.list_all_sessions(db, user.id):
        if not date_from <= logged.local_date <= date_to:
            continue
        data.sessions.append(
            SessionLine(
                day=logged.local_date,
                pain_before=logged.pain_before,
                pain_after=logged.pain_after,
                flare_up=is_flare_up(logged.pain_before, logged.pain_after),
                moves=[
                    MOVE_DONE.format(
                        name=e.exercise_name, dose=_dose(e.sets, e.reps, e.hold_seconds)
                    )
                    for e in logged.exercises
                ],
            )
        )
    days = [DayPain(r.local_date, r.pain) for r in all_checkins]
    session_flares = [s.day for s in data.sessions if s.flare_up]
    data.flare_up_days = [
        d for d in flare_up_days(session_flares, days) if date_from <= d <= date_to
    ]
    responses = outcomes.responses(db, user.id)
    if responses:
        try:
            data.peg_thresholds = outcomes.meaningful_change(db)
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
                        baseline=response.id == baseline.id,
                    )
                )
    for raised, acknowledged_at in attention.evaluate_with_acknowledgement(db, user.id):
        if date_from <= raised.raised_on <= date_to:
            data.attention.append(
                AttentionLine(
                    raised.raised_on,
                    raised.kind,
                    raised.finding,
                    raised.timeframe,
                    raised.advice,
                    acknowledged_at is not None,
                )
            )
    try:
        row = outcomes.get_questionnaire_row(db)
        data.peg_definition = PegDefinition(
            scoring=row.scoring,
            citation=row.citation,
            points_source=row.meaningful_change_points_source or "",
            percent_source=row.meaningful_change_source,
        )
        if data.peg_thresholds is None:
            data.peg_thresholds = outcomes.thresholds_of(row)
    except QuestionnaireNotLoaded:
        data.peg_definition = None
    return data


def _pain_or_peg_finding(source: str, pain_level: int | None) -> str:
    if source in TREND_FINDINGS:
        return TREND_FINDINGS[ConcernSource(source)]
    words = SOURCE_WORDS.get(source, source)
    if pain_level is None:
        return SEVERE_PAIN_FINDING.format(source=words)
    return SEVERE_PAIN_LEVEL_FINDING.format(level=pain_level, source=words)


def _answered_with(cautions: list[str], area: str | None) -> str:
    parts = [ANSWERED_CAUTION.format(label=clinical_label(c)) for c in cautions]
    if area is not None and area != Area.LOWER:
        parts.append(ANSWERED_AREA.format(area=AREA_WORDS[Area(area)]))
    return "; ".join(parts)


def _alerts(
    db: Session, user: User, checkins_: list[Checkin], date_from: date, date_to: date
) -> tuple[list[Alert], list[CautionLine]]:
    """Every warning sign, severe pain and PEG worsening reported in the period, oldest first,
    from the safety state's reports (a replaced check-in's included), and a check-in's yes
    that raised nothing; and every caution answered yes, once a day."""
    alerts: list[Alert] = []
    cautions: dict[tuple[date, str], CautionLine] = {}
    covered: set[tuple[date, str]] = set()
    for report in safety.reports_of(db, user.id, date_from, date_to):
        flags = [f for f in report.red_flags if f not in CAUTIONS_BY_ID]
        for answer in [*report.cautions, *(f for f in report.red_flags if f in CAUTIONS_BY_ID)]:
            cautions.setdefault((report.local_date, answer), CautionLine(report.local_date, answer))
        covered.update((report.local_date, f) for f in flags)
        if flags:
            kind = AlertKind.RED_FLAG
            finding = "; ".join(clinical_label(f) for f in flags) + "."
        else:
            kind = AlertKind.PAIN_OR_PEG
            finding = _pain_or_peg_finding(report.source, report.pain)
        alerts.append(
            Alert(
                day=report.local_date,
                kind=kind,
                finding=finding,
                source=SOURCE_WORDS.get(report.source, report.source),
                timeframe=CareTimeframe(report.timeframe),
                advice=report.advice,
                red_flags=tuple(flags),
                answered_with=_answered_with(report.cautions, report.area) if flags else "",
            )
        )
    for checkin in checkins_:
        if not date_from <= checkin.local_date <= date_to:
            continue
        for answer in [*checkin.cautions, *(f for f in checkin.red_flags if f in CAUTIONS_BY_ID)]:
            cautions.setdefault(
                (checkin.local_date, answer), CautionLine(checkin.local_date, answer)
            )
        uncovered = [
            f
            for f in checkin.red_flags
            if f not in CAUTIONS_BY_ID and (checkin.local_date, f) not in covered
        ]
        if uncovered:
            alerts.append(
                Alert(
                    day=checkin.local_date,
                    kind=AlertKind.RED_FLAG,
                    finding="; ".join(clinical_label(f) for f in uncovered) + ".",
                    source=SOURCE_WORDS[ConcernSource.CHECKIN],
                    timeframe=None,
                    advice=NO_ADVICE,
                    red_flags=tuple(uncovered),
                    answered_with=_answered_with(checkin.cautions, None),
                )
            )
    alerts.sort(key=lambda a: a.day)
    return alerts, sorted(cautions.values(), key=lambda c: (c.day, c.caution_id))
