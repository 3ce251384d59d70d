import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    and_,
    case,
    delete,
    desc,
    distinct,
    func,
    or_,
    update,
)
from sqlalchemy import select as sql_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core import sync
from app.core.clock import as_utc, utcnow
from app.core.enums import Area
from app.core.errors import InvalidInput
from app.core.pagination import SortKey, count, fetch_keyset, merge_keyset
from app.core.sync import Tombstone
from app.exercises.models import Exercise
from app.exercises.service import moves_for
from app.progress import pain
from app.progress.errors import SessionIdConflict, SessionInFuture, SessionNotFound, UnknownRoutine
from app.progress.fingerprint import canonical_content, fingerprint
from app.progress.models import ProgressSession, SessionExercise, SessionTombstone
from app.progress.schemas import (
    CLOCK_SKEW,
    DailyPain,
    ExerciseCount,
    FlareUpPublic,
    FlareUps,
    ProgressSummary,
    SessionCreate,
    SessionExercisePublic,
    SessionPublic,
)
from app.progress.streaks import local_date, streaks
from app.routines import service as routines

RECENT_FLARE_UPS = 5


def to_public(row: ProgressSession) -> SessionPublic:
    started, completed = as_utc(row.started_at), as_utc(row.completed_at)
    return SessionPublic(
        id=row.id,
        routine_id=row.routine_id,
        area=Area(row.area),
        started_at=started,
        completed_at=completed,
        local_date=row.local_date,
        duration_seconds=int((completed - started).total_seconds()),
        pain_before=row.pain_before,
        pain_after=row.pain_after,
        pain_change=row.pain_after - row.pain_before,
        improved=pain.is_meaningful_improvement(row.pain_before, row.pain_after),
        flare_up=pain.is_flare_up(row.pain_before, row.pain_after),
        advice=pain.session_advice(row.pain_before, row.pain_after),
        exercises=[
            SessionExercisePublic(
                order=e.position,
                position=e.position,
                exercise_slug=e.exercise.slug,
                exercise_name=e.exercise.name,
                sets=e.sets,
                reps=e.reps,
                hold_seconds=e.hold_seconds,
            )
            for e in row.exercises
        ],
        notes=row.notes,
        created_at=row.created_at,
    )


@dataclass(frozen=True)
class Logged:
    """The stored session, and whether this request stored it (False: a repeat)."""

    session: SessionPublic
    created: bool


def _repeat(existing: ProgressSession, user_id: uuid.UUID, digest: str) -> Logged:
    if existing.user_id != user_id or existing.fingerprint != digest:
        raise SessionIdConflict(existing.id)
    return Logged(to_public(existing), created=False)


def find_session(session: Session, session_id: uuid.UUID) -> ProgressSession | None:
    """Anyone's session with this id (callers decide what the requester may learn)."""
    return session.get(ProgressSession, session_id)


def log_session(session: Session, user: User, payload: SessionCreate, now: datetime) -> Logged:
    """Store a session once. A repeat with the same id and content returns the stored one
    (even if, say, its routine was deleted since); other content under that id is a conflict."""
    digest = fingerprint(canonical_content(payload))
    if payload.id is not None:
        existing = find_session(session, payload.id)
        if existing is not None:
            return _repeat(existing, user.id, digest)

    if as_utc(payload.completed_at) > now + CLOCK_SKEW:
        raise SessionInFuture()
    if payload.routine_id is not None and not routines.is_visible(
        session, payload.routine_id, user.id
    ):
        raise UnknownRoutine()
    session_id = payload.id or uuid.uuid4()
    moves = moves_for(session, [e.exercise_slug for e in payload.exercises], "exercises")
    exercises = []
    for index, (done, move) in enumerate(zip(payload.exercises, moves, strict=True)):
        assert move.id is not None  # a stored row
        row_exercise = SessionExercise(
            session_id=session_id,
            position=index + 1,
            exercise_id=move.id,
            sets=done.sets,
            reps=done.reps,
            hold_seconds=done.hold_seconds,
        )
        row_exercise.exercise = move
        exercises.append(row_exercise)

    row = ProgressSession(
        id=session_id,
        user_id=user.id,
        routine_id=payload.routine_id,
        area=payload.area.value,
        started_at=as_utc(payload.started_at),
        completed_at=as_utc(payload.completed_at),
        local_date=local_date(payload.completed_at, user.timezone),
        pain_before=payload.pain_before,
        pain_after=payload.pain_after,
        notes=payload.notes or None,
        fingerprint=digest,
        change_seq=sync.tick(session, sync.user_scope(user.id)),
    )
    row.exercises = exercises
    try:
        # A savepoint, so that losing a race for the id leaves the request's transaction usable.
        with session.begin_nested():
            session.add(row)
            # A deleted session's id may come back: it is no longer deleted.
            session.execute(
                delete(SessionTombstone).where(
                    col(SessionTombstone.user_id) == user.id,
                    col(SessionTombstone.id) == session_id,
                )
            )
            session.flush()
    except IntegrityError:
        # Another request stored this id between our look-up and our insert.
        existing = find_session(session, session_id)
        if existing is None:
            raise
        return _repeat(existing, user.id, digest)
    return Logged(to_public(row), created=True)


def get_owned_session(
    session: Session, session_id: uuid.UUID, user_id: uuid.UUID
) -> ProgressSession:
    row = session.exec(
        select(ProgressSession).where(
            ProgressSession.id == session_id, ProgressSession.user_id == user_id
        )
    ).first()
    if row is None:
        raise SessionNotFound(session_id)
    return row


@dataclass(frozen=True)
class Listing:
    """One page of a walk through the caller's sessions."""

    data: list[SessionPublic]
    deleted: list[Tombstone]
    count: int
    next_cursor: str | None
    sync_token: str


LIST_ORDER = (
    SortKey(col(ProgressSession.completed_at), descending=True),
    SortKey(col(ProgressSession.id), descending=True),
)
CHANGE_ORDER = (SortKey(col(ProgressSession.change_seq)), SortKey(col(ProgressSession.id)))
TOMBSTONE_ORDER = (SortKey(col(SessionTombstone.change_seq)), SortKey(col(SessionTombstone.id)))


def _change_key(item: ProgressSession | SessionTombstone) -> tuple[Any, ...]:
    return (item.change_seq, item.id)


def list_sessions(
    session: Session,
    *,
    user_id: uuid.UUID,
    date_from: date | None,
    date_to: date | None,
    area: Area | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
    changed_since: str | None = None,
    now: datetime | None = None,
) -> Listing:
    """Newest first, or with `changed_since` what changed since then, in change order, with
    tombstones."""
    if date_from is not None and date_to is not None and date_to < date_from:
        raise InvalidInput("`to` must not be before `from`.", loc=["query", "to"])
    if changed_since is not None:
        for name, value in (("from", date_from), ("to", date_to), ("area", area)):
            if value is not None:
                raise sync.filters_refused(["query", name])
    scope = sync.user_scope(user_id)
    walk = sync.begin_walk(
        cursor=cursor,
        changed_since=changed_since,
        width=2,
        user_id=user_id,
        now=now or utcnow(),
        # Read before any row: see app.core.sync.
        marks=lambda: {"own": sync.current(session, scope)},
    )
    mine = col(ProgressSession.user_id) == user_id
    deleted: list[Tombstone] = []
    if walk.since is None:
        query = select(ProgressSession).where(mine)
        if date_from is not None:
            query = query.where(col(ProgressSession.local_date) >= date_from)
        if date_to is not None:
            query = query.where(col(ProgressSession.local_date) <= date_to)
        if area is not None:
            query = query.where(ProgressSession.area == area.value)
        rows, next_key = fetch_keyset(
            session,
            query,
            LIST_ORDER,
            lambda r: (r.completed_at, r.id),
            start=walk.start,
            limit=limit,
            offset=offset,
        )
        total = count(session, query)
    else:
        since = walk.since.marks.get("own", 0)
        live = select(ProgressSession).where(mine, col(ProgressSession.change_seq) > since)
        gone = select(SessionTombstone).where(
            col(SessionTombstone.user_id) == user_id, col(SessionTombstone.change_seq) > since
        )
        streams = [
            fetch_keyset(session, q, order, _change_key, start=walk.start, limit=limit + offset)
            for q, order in ((live, CHANGE_ORDER), (gone, TOMBSTONE_ORDER))
        ]
        page, next_key = merge_keyset(streams, _change_key, limit=limit, offset=offset)
        rows = [item for item in page if isinstance(item, ProgressSession)]
        deleted = [
            Tombstone(id=item.id, deleted_at=item.deleted_at)
            for item in page
            if isinstance(item, SessionTombstone)
        ]
        total = count(session, live)
    return Listing(
        data=[to_public(r) for r in rows],
        deleted=deleted,
        count=total,
        next_cursor=walk.next_cursor(next_key),
        sync_token=walk.token,
    )


def list_all_sessions(session: Session, user_id: uuid.UUID) -> list[SessionPublic]:
    """Every session of the user, oldest first (for the data export)."""
    rows = session.exec(
        select(ProgressSession)
        .where(ProgressSession.user_id == user_id)
        .order_by(col(ProgressSession.completed_at), col(ProgressSession.id))
    ).all()
    return [to_public(r) for r in rows]


def delete_session(session: Session, row: ProgressSession) -> None:
    """Delete it and leave a tombstone for syncing clients (older ones are purged). The id may
    be used again; logging it again removes the tombstone."""
    now = utcnow()
    tombstone = session.get(SessionTombstone, (row.user_id, row.id))
    if tombstone is None:
        tombstone = SessionTombstone(user_id=row.user_id, id=row.id, deleted_at=now, change_seq=0)
        session.add(tombstone)
    tombstone.deleted_at = now
    tombstone.change_seq = sync.tick(session, sync.user_scope(row.user_id))
    session.execute(
        delete(SessionTombstone).where(
            col(SessionTombstone.user_id) == row.user_id,
            col(SessionTombstone.deleted_at) < now - sync.TOMBSTONE_RETENTION,
        )
    )
    session.delete(row)
    session.flush()


def _unlink_routine(session: Session, routine_id: uuid.UUID) -> None:
    """Sessions logged with a routine that is being deleted lose the link (the foreign key
    would null it too) and count as changed, so syncing clients learn it."""
    owners = session.exec(
        select(ProgressSession.user_id).where(ProgressSession.routine_id == routine_id).distinct()
    ).all()
    for owner in owners:
        session.execute(
            update(ProgressSession)
            .where(
                col(ProgressSession.routine_id) == routine_id,
                col(ProgressSession.user_id) == owner,
            )
            .values(routine_id=None, change_seq=sync.tick(session, sync.user_scope(owner)))
            .execution_options(synchronize_session="fetch")
        )


sync.on_delete("routine", _unlink_routine)


# The same rules as app.progress.pain, as SQL over the two pain columns.
def improved_sql(
    before: SQLColumnExpression[int], after: SQLColumnExpression[int]
) -> ColumnElement[bool]:
    drop = before - after
    return and_(
        drop > 0,
        or_(
            drop >= pain.MEANINGFUL_DROP_POINTS,
            drop * 100 >= pain.MEANINGFUL_DROP_PERCENT * before,
        ),
    )


def flare_up_sql(
    before: SQLColumnExpression[int], after: SQLColumnExpression[int]
) -> ColumnElement[bool]:
    rise = after - before
    return or_(rise >= pain.FLARE_UP_RISE_POINTS, and_(rise > 0, after >= pain.SEVERE_FROM))


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _number(value: float | Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarize(session: Session, user: User, now: datetime, days: int) -> ProgressSummary:
    today = local_date(now, user.timezone)
    before = col(ProgressSession.pain_before)
    after = col(ProgressSession.pain_after)
    day = col(ProgressSession.local_date)
    mine = col(ProgressSession.user_id) == user.id

    totals = session.execute(
        sql_select(
            func.count(),
            _count_if(day >= today - timedelta(days=6)),
            _count_if(day >= today - timedelta(days=29)),
            func.avg(before),
            func.avg(after),
            func.avg(after - before),
            _count_if(improved_sql(before, after)),
            _count_if(flare_up_sql(before, after)),
        ).where(mine)
    ).one()
    total, last_7, last_30, avg_before, avg_after, avg_change, improved, flare_ups = totals

    recent_flare_ups = session.exec(
        select(ProgressSession.id, day, before, after)
        .where(mine, flare_up_sql(before, after))
        .order_by(desc(col(ProgressSession.completed_at)), desc(col(ProgressSession.id)))
        .limit(RECENT_FLARE_UPS)
    ).all()

    sessions_with_move = func.count(distinct(col(SessionExercise.session_id)))
    per_exercise = session.exec(
        select(Exercise.slug, Exercise.name, sessions_with_move, func.sum(SessionExercise.sets))
        .join(SessionExercise, col(SessionExercise.exercise_id) == Exercise.id)
        .join(ProgressSession, col(ProgressSession.id) == SessionExercise.session_id)
        .where(mine)
        .group_by(col(Exercise.id), col(Exercise.slug), col(Exercise.name))
        .order_by(desc(sessions_with_move), func.min(Exercise.sort_order))
    ).all()

    daily = session.exec(
        select(day, func.count(), func.avg(before), func.avg(after))
        .where(mine, day >= today - timedelta(days=days - 1))
        .group_by(day)
        .order_by(day)
    ).all()

    session_days = session.exec(select(day).where(mine).distinct()).all()
    streak = streaks(session_days, today)

    return ProgressSummary(
        timezone=user.timezone,
        today=today,
        total_sessions=total,
        sessions_last_7_days=last_7,
        sessions_last_30_days=last_30,
        current_streak_days=streak.current,
        longest_streak_days=streak.longest,
        average_pain_before=_number(avg_before),
        average_pain_after=_number(avg_after),
        average_pain_change=_number(avg_change),
        improved_sessions=improved,
        improvement_share=_share(improved, total),
        flare_ups=FlareUps(
            count=flare_ups,
            share=_share(flare_ups, total),
            recent=[
                FlareUpPublic(id=i, local_date=d, pain_before=b, pain_after=a)
                for i, d, b, a in recent_flare_ups
            ],
        ),
        exercises=[
            ExerciseCount(exercise_slug=slug, exercise_name=name, sessions=n, sets=sets)
            for slug, name, n, sets in per_exercise
        ],
        daily_pain=[
            DailyPain(
                date=d,
                sessions=n,
                average_pain_before=round(float(b), 2),
                average_pain_after=round(float(a), 2),
            )
            for d, n, b, a in daily
        ],
    )
