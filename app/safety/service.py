"""A person's safety state, held in one place: the features that hear something report it
here, and every feature that offers exercise reads it from here (rules in `logic.py`)."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.clock import as_utc
from app.i18n.catalog import Translated, format_translated, translate, weakest
from app.i18n.schemas import TranslationPublic
from app.safety import logic
from app.safety.errors import ConcernNotFound, SeenOnOutOfRange
from app.safety.models import SafetyConcern, SafetyReport
from app.safety.schemas import (
    CareTimeframe,
    ClosedBy,
    ConcernClose,
    ConcernFilter,
    ConcernPublic,
    ConcernSource,
    ConcernStatus,
    Exercise,
    GeneralGuidance,
    ReportPublic,
    SafetyState,
    SafetyStatus,
)


def general_guidance() -> GeneralGuidance:
    """NICE NG59's first advice, its text in the request's language; the guideline's words
    stay as they were written."""
    text = translate(logic.GENERAL_GUIDANCE_TEXT)
    return GeneralGuidance(
        text=text.text,
        translation=TranslationPublic.of(text),
        quote=logic.GENERAL_GUIDANCE_QUOTE,
        source=logic.GENERAL_GUIDANCE_SOURCE,
    )


# Losing the race to open a concern this many times in a row is not a race.
WRITE_ATTEMPTS = 3


@dataclass(frozen=True)
class Report:
    """What a feature heard. A `timeframe` of `now`, `today` or `soon` raises (or joins) a
    concern; none (or `routine`) is a clear answer, which closes the concerns it can."""

    source: ConcernSource
    source_id: uuid.UUID | None
    reported_at: datetime
    local_date: date
    timeframe: CareTimeframe | None
    reasons: Sequence[str] = ()
    red_flags: Sequence[str] = ()
    cautions: Sequence[str] = ()
    pain: int | None = None
    area: str | None = None
    advice: str = ""


def _view(row: SafetyConcern) -> logic.OpenConcern:
    return logic.OpenConcern(
        CareTimeframe(row.timeframe), ConcernSource(row.source), as_utc(row.opened_at)
    )


def open_concerns(db: Session, user_id: uuid.UUID) -> list[SafetyConcern]:
    """The person's open concerns, most urgent first, then newest."""
    rows = list(
        db.exec(
            select(SafetyConcern).where(
                SafetyConcern.user_id == user_id, col(SafetyConcern.closed_at).is_(None)
            )
        ).all()
    )
    return _most_urgent_first(rows)


def _most_urgent_first(rows: list[SafetyConcern]) -> list[SafetyConcern]:
    rows = sorted(rows, key=lambda r: as_utc(r.opened_at), reverse=True)
    return sorted(rows, key=lambda r: logic.urgency(CareTimeframe(r.timeframe)))


def holds(row: SafetyConcern) -> bool:
    """Whether this open concern puts exercise on hold."""
    return _view(row).holds_exercise


def holding(db: Session, user_id: uuid.UUID) -> SafetyConcern | None:
    """The open concern that puts exercise on hold, the most urgent of them; None when
    exercise is allowed."""
    rows = open_concerns(db, user_id)
    return next((r for r in rows if _view(r).holds_exercise), None)


def guidance_of(row: SafetyConcern) -> str:
    return logic.guidance(CareTimeframe(row.timeframe), ConcernSource(row.source))


def translated_guidance_of(row: SafetyConcern) -> Translated:
    """The concern's guidance in the request's language, with its translation status."""
    template, values = logic.guidance_parts(CareTimeframe(row.timeframe), ConcernSource(row.source))
    return format_translated(template, **values)


def _merge(into: list[str], more: Iterable[str]) -> list[str]:
    return into + [item for item in more if item not in into]


def _find_open(
    db: Session, user_id: uuid.UUID, source: ConcernSource, timeframe: CareTimeframe
) -> SafetyConcern | None:
    return db.exec(
        select(SafetyConcern).where(
            SafetyConcern.user_id == user_id,
            SafetyConcern.source == source.value,
            SafetyConcern.timeframe == timeframe.value,
            col(SafetyConcern.closed_at).is_(None),
        )
    ).first()


def _open_or_join(db: Session, user_id: uuid.UUID, item: Report) -> SafetyConcern:
    assert item.timeframe is not None
    reported_at = as_utc(item.reported_at)
    for attempt in range(WRITE_ATTEMPTS):
        concern = _find_open(db, user_id, item.source, item.timeframe)
        if concern is not None:
            concern.reasons = _merge(list(concern.reasons), item.reasons)
            concern.signs = _merge(list(concern.signs), item.red_flags)
            concern.last_reported_at = max(as_utc(concern.last_reported_at), reported_at)
            db.add(concern)
            return concern
        concern = SafetyConcern(
            user_id=user_id,
            source=item.source.value,
            timeframe=item.timeframe.value,
            reasons=list(item.reasons),
            signs=list(dict.fromkeys(item.red_flags)),
            opened_at=reported_at,
            opened_on=item.local_date,
            last_reported_at=reported_at,
            follow_up_due_at=logic.follow_up_due_at(reported_at, item.timeframe),
        )
        try:
            # A savepoint: a request opening the same concern at once may win the insert.
            with db.begin_nested():
                db.add(concern)
                db.flush()
        except IntegrityError:
            if attempt == WRITE_ATTEMPTS - 1:
                raise
            continue
        return concern
    raise AssertionError("unreachable")


def _clear(db: Session, user_id: uuid.UUID, item: Report, now: datetime) -> None:
    reported_at = as_utc(item.reported_at)
    for concern in open_concerns(db, user_id):
        closed_by = logic.closed_by_clear_report(
            item.source, CareTimeframe(concern.timeframe), ConcernSource(concern.source)
        )
        if closed_by is None or as_utc(concern.last_reported_at) >= reported_at:
            continue
        concern.closed_at = now
        concern.closed_by = closed_by.value
        concern.closing_source_id = item.source_id
        db.add(concern)


def report(db: Session, user_id: uuid.UUID, item: Report, now: datetime) -> None:
    """Record what a feature heard: raise or join a concern, or clear the ones a clear answer
    closes."""
    if item.timeframe not in logic.CONCERN_TIMEFRAMES:
        _clear(db, user_id, item, now)
        db.flush()
        return
    concern = _open_or_join(db, user_id, item)
    db.add(
        SafetyReport(
            user_id=user_id,
            concern_id=concern.id,
            source=item.source.value,
            source_id=item.source_id,
            reported_at=as_utc(item.reported_at),
            local_date=item.local_date,
            pain=item.pain,
            area=item.area,
            red_flags=list(item.red_flags),
            cautions=list(item.cautions),
            timeframe=concern.timeframe,
            reasons=list(item.reasons),
            advice=item.advice or guidance_of(concern),
        )
    )
    db.flush()


def has_open(db: Session, user_id: uuid.UUID, source: ConcernSource) -> bool:
    return (
        db.exec(
            select(SafetyConcern.id).where(
                SafetyConcern.user_id == user_id,
                SafetyConcern.source == source.value,
                col(SafetyConcern.closed_at).is_(None),
            )
        ).first()
        is not None
    )


def last_closed_at(db: Session, user_id: uuid.UUID, source: ConcernSource) -> datetime | None:
    """When the person's latest concern of this source closed, if one has."""
    closed = db.exec(
        select(SafetyConcern.closed_at)
        .where(
            SafetyConcern.user_id == user_id,
            SafetyConcern.source == source.value,
            col(SafetyConcern.closed_at).is_not(None),
        )
        .order_by(col(SafetyConcern.closed_at).desc())
        .limit(1)
    ).first()
    return as_utc(closed) if closed is not None else None


def reports_of(
    db: Session,
    user_id: uuid.UUID,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[SafetyReport]:
    """Everything the person reported that raised a concern, oldest first."""
    query = select(SafetyReport).where(SafetyReport.user_id == user_id)
    if date_from is not None:
        query = query.where(col(SafetyReport.local_date) >= date_from)
    if date_to is not None:
        query = query.where(col(SafetyReport.local_date) <= date_to)
    return list(
        db.exec(query.order_by(col(SafetyReport.reported_at), col(SafetyReport.created_at))).all()
    )


def concerns_of(db: Session, user_id: uuid.UUID) -> list[SafetyConcern]:
    """Every concern the person had, open or closed, oldest first."""
    return list(
        db.exec(
            select(SafetyConcern)
            .where(SafetyConcern.user_id == user_id)
            .order_by(col(SafetyConcern.opened_at), col(SafetyConcern.id))
        ).all()
    )


def _report_public(row: SafetyReport) -> ReportPublic:
    return ReportPublic(
        id=row.id,
        source=ConcernSource(row.source),
        source_id=row.source_id,
        reported_at=as_utc(row.reported_at),
        local_date=row.local_date,
        pain=row.pain,
        red_flags=list(row.red_flags),
        cautions=list(row.cautions),
        timeframe=CareTimeframe(row.timeframe),
        reasons=list(row.reasons),
        advice=row.advice,
    )


def _reports_by_concern(
    db: Session, concern_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ReportPublic]]:
    found: dict[uuid.UUID, list[ReportPublic]] = {c: [] for c in concern_ids}
    if not concern_ids:
        return found
    rows = db.exec(
        select(SafetyReport)
        .where(col(SafetyReport.concern_id).in_(list(concern_ids)))
        .order_by(col(SafetyReport.reported_at), col(SafetyReport.created_at))
    ).all()
    for row in rows:
        found[row.concern_id].append(_report_public(row))
    return found


def to_public(row: SafetyConcern, reports: list[ReportPublic], now: datetime) -> ConcernPublic:
    timeframe, source = CareTimeframe(row.timeframe), ConcernSource(row.source)
    is_open = row.closed_at is None
    due = is_open and now >= as_utc(row.follow_up_due_at)
    template, values = logic.guidance_parts(timeframe, source)
    guidance = format_translated(template, **values)
    question = translate(logic.FOLLOW_UP_QUESTION) if due else None
    closes = translate(logic.closes_when(timeframe, source))
    words = weakest(*(t for t in (guidance, question, closes) if t is not None))
    assert words is not None
    return ConcernPublic(
        id=row.id,
        status=ConcernStatus.OPEN if is_open else ConcernStatus.CLOSED,
        source=source,
        level=logic.level_of(timeframe),
        timeframe=timeframe,
        exercise=Exercise.ON_HOLD if logic.holds_exercise(timeframe, source) else Exercise.ALLOWED,
        reasons=list(row.reasons),
        guidance=guidance.text,
        signs=list(row.signs),
        opened_at=as_utc(row.opened_at),
        opened_on=row.opened_on,
        follow_up_due_at=as_utc(row.follow_up_due_at),
        follow_up_due=due,
        follow_up_question=question.text if question is not None else None,
        closes_when=closes.text,
        translation=TranslationPublic.of(words),
        reports=reports,
        closed_at=as_utc(row.closed_at) if row.closed_at is not None else None,
        closed_by=ClosedBy(row.closed_by) if row.closed_by is not None else None,
        seen_on=row.seen_on,
        note=row.note,
    )


def _publics(db: Session, rows: Sequence[SafetyConcern], now: datetime) -> list[ConcernPublic]:
    reports = _reports_by_concern(db, [r.id for r in rows])
    return [to_public(r, reports[r.id], now) for r in rows]


@dataclass
class State:
    """The open concerns as rows and as the public state, for features that need both."""

    rows: list[SafetyConcern] = field(default_factory=list)
    public: SafetyState | None = None

    @property
    def holding(self) -> SafetyConcern | None:
        return next((r for r in self.rows if _view(r).holds_exercise), None)

    @property
    def on_hold(self) -> bool:
        return self.holding is not None


def state_from(db: Session, rows: list[SafetyConcern], now: datetime) -> SafetyState:
    concerns = _publics(db, rows, now)
    deciding = logic.deciding([_view(r) for r in rows])
    if deciding is None:
        clear = translate(logic.CLEAR_MESSAGE)
        return SafetyState(
            status=SafetyStatus.CLEAR,
            exercise=Exercise.ALLOWED,
            level=None,
            timeframe=None,
            message=clear.text,
            translation=TranslationPublic.of(clear),
            follow_up_due=False,
            concerns=[],
            general_guidance=general_guidance(),
        )
    on_hold = logic.exercise([_view(r) for r in rows]) is Exercise.ON_HOLD
    template, values = logic.guidance_parts(deciding.timeframe, deciding.source)
    message = format_translated(template, **values)
    return SafetyState(
        status=SafetyStatus.CONCERN,
        exercise=Exercise.ON_HOLD if on_hold else Exercise.ALLOWED,
        level=logic.level_of(deciding.timeframe),
        timeframe=deciding.timeframe,
        message=message.text,
        translation=TranslationPublic.of(message),
        follow_up_due=any(c.follow_up_due for c in concerns),
        concerns=concerns,
        general_guidance=None if on_hold else general_guidance(),
    )


def current(db: Session, user_id: uuid.UUID, now: datetime) -> State:
    rows = open_concerns(db, user_id)
    return State(rows=rows, public=state_from(db, rows, now))


def safety_state(db: Session, user_id: uuid.UUID, now: datetime) -> SafetyState:
    state = current(db, user_id, now).public
    assert state is not None
    return state


def list_concerns(
    db: Session, user_id: uuid.UUID, which: ConcernFilter, now: datetime
) -> list[ConcernPublic]:
    """Open before closed; within each, most urgent first, then newest."""
    rows = concerns_of(db, user_id)
    if which is ConcernFilter.OPEN:
        rows = [r for r in rows if r.closed_at is None]
    elif which is ConcernFilter.CLOSED:
        rows = [r for r in rows if r.closed_at is not None]
    rows = _most_urgent_first(rows)
    rows.sort(key=lambda r: r.closed_at is not None)
    return _publics(db, rows, now)


def get_owned_concern(db: Session, concern_id: uuid.UUID, user_id: uuid.UUID) -> SafetyConcern:
    row = db.exec(
        select(SafetyConcern).where(
            SafetyConcern.id == concern_id, SafetyConcern.user_id == user_id
        )
    ).first()
    if row is None:
        raise ConcernNotFound(concern_id)
    return row


def close(
    db: Session, row: SafetyConcern, body: ConcernClose, today: date, now: datetime
) -> ConcernPublic:
    """The person's recorded act: "I have been seen and can exercise", on `seen_on`. Closing a
    closed concern again changes nothing."""
    if row.closed_at is None:
        # A report may be dated a few minutes ahead (a phone's clock): its day counts as today.
        last = max(today, row.opened_on)
        if not row.opened_on <= body.seen_on <= last:
            raise SeenOnOutOfRange(row.opened_on, last)
        row.closed_at = now
        row.closed_by = ClosedBy.PERSON.value
        row.seen_on = body.seen_on
        row.note = body.note or None
        db.add(row)
        db.flush()
    return _publics(db, [row], now)[0]


def claim_follow_up(db: Session, concern_id: uuid.UUID, reminder_id: uuid.UUID) -> bool:
    """Make `reminder_id` the one reminder that carries this concern's safety follow-up; True
    if it is (the same reminder, retried, still is), False once another has."""
    result = db.execute(
        update(SafetyConcern)
        .where(
            col(SafetyConcern.id) == concern_id,
            or_(
                col(SafetyConcern.follow_up_reminder_id).is_(None),
                col(SafetyConcern.follow_up_reminder_id) == reminder_id,
            ),
        )
        .values(follow_up_reminder_id=reminder_id)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def export_concerns(db: Session, user_id: uuid.UUID) -> list[dict[str, Any]]:
    """Every concern with what was reported, oldest first, for the account export."""
    rows = concerns_of(db, user_id)
    reports = _reports_by_concern(db, [r.id for r in rows])
    return [to_public(r, reports[r.id], as_utc(r.created_at)).model_dump(mode="json") for r in rows]
