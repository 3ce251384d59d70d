import functools
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, desc, func, update
from sqlalchemy import insert as sql_insert
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.core.clock import as_utc, local_date, utcnow
from app.core.db import dialect_of, insert_into
from app.core.errors import InvalidInput
from app.core.pagination import SortKey, count, fetch_keyset
from app.exercises.models import Exercise
from app.exercises.service import moves_for, translated_text
from app.i18n import current_language
from app.i18n.schemas import TranslatedText
from app.progress import pain, rollups
from app.progress.errors import SESSION_IDS, SessionDeleted, SessionNotFound, UnknownRoutine
from app.progress.fingerprint import canonical_content
from app.progress.models import ProgressSession, SessionTombstone
from app.progress.pain import flare_up_sql
from app.progress.rollups import SESSION_MOVES, SESSIONS
from app.progress.schemas import (
    DailyPain,
    ExerciseCount,
    FlareUpPublic,
    FlareUps,
    SessionCreate,
    SessionExercisePublic,
    SessionFigures,
    SessionList,
    SessionPublic,
)
from app.progress.streaks import ONE_DAY, Streaks
from app.routines import service as routines
from app.safety import service as safety
from app.safety.schemas import CareTimeframe, ConcernSource
from app.shared import sync
from app.shared.enums import Area
from app.shared.idempotency import Created, create_once, fingerprint, refuse_future

RECENT_FLARE_UPS = 5


def _public(
    row: ProgressSession, exercises: list[SessionExercisePublic], created_at: datetime
) -> SessionPublic:
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
        general_guidance=(
            safety.general_guidance()
            if pain.keeps_general_guidance(row.pain_before, row.pain_after)
            else None
        ),
        exercises=exercises,
        notes=row.notes,
        created_at=created_at,
    )


def name_translated(name: str) -> TranslatedText | None:
    return translated_text(name, current_language())


def to_public(row: ProgressSession) -> SessionPublic:
    return _public(
        row,
        [
            SessionExercisePublic(
                order=e.position,
                position=e.position,
                exercise_slug=e.exercise.slug,
                exercise_name=e.exercise.name,
                exercise_name_translated=name_translated(e.exercise.name),
                sets=e.sets,
                reps=e.reps,
                hold_seconds=e.hold_seconds,
            )
            for e in row.exercises
        ],
        row.created_at,
    )


def with_safety(db: Session, public: SessionPublic, user: User) -> SessionPublic:
    """The answer to a logged session: while a concern in the person's safety state holds
    exercise, the advice is that concern's guidance (the session is stored all the same)."""
    holding = safety.holding(db, user.id)
    if holding is None:
        return public
    advice = pain.advice_on_hold(
        public.pain_before,
        public.pain_after,
        safety.guidance_of(holding),
        urgent=holding.timeframe == CareTimeframe.NOW.value,
    )
    return public.model_copy(update={"advice": advice, "general_guidance": None})


def _report_severe(db: Session, user: User, row: ProgressSession, now: datetime) -> None:
    """A session that ends in severe pain raises a concern: the triage a recommendation at that
    pain gives (see a doctor in the next few days, no moves meanwhile)."""
    if not pain.is_severe(row.pain_after):
        return
    safety.report(
        db,
        user.id,
        safety.Report(
            source=ConcernSource.SESSION,
            source_id=row.id,
            reported_at=as_utc(row.completed_at),
            local_date=row.local_date,
            timeframe=CareTimeframe.SOON,
            reasons=[pain.ENDED_SEVERE.format(now=pain.describe(row.pain_after))],
            pain=row.pain_after,
            advice=pain.session_advice(row.pain_before, row.pain_after) or "",
        ),
        now,
    )


def log_session(
    db: Session, user: User, payload: SessionCreate, now: datetime
) -> Created[SessionPublic]:
    """Store a session once. A repeat with the same id and content returns the stored one
    (even if, say, its routine was deleted since); other content under that id is a conflict,
    and the id of a deleted session is gone (a late retry must not bring it back)."""
    digest = fingerprint(canonical_content(payload))
    if payload.id is not None:
        tombstone = db.get(SessionTombstone, (user.id, payload.id))
        if tombstone is not None:
            raise SessionDeleted(payload.id)
    # A new id is the common case: no look-up before the insert, whose conflict on the id
    # says whether it is a repeat.
    return create_once(
        db,
        SESSION_IDS,
        ProgressSession,
        client_id=payload.id,
        user_id=user.id,
        digest=digest,
        store=lambda session_id: _log_new(db, user, payload, digest, session_id, now),
        repeat=lambda existing: with_safety(db, to_public(existing), user),
        look_first=False,
    )


def _log_new(
    db: Session,
    user: User,
    payload: SessionCreate,
    digest: str,
    session_id: uuid.UUID,
    now: datetime,
) -> SessionPublic | None:
    """Check and store a new session under `session_id`; None when the id is taken."""
    refuse_future(SESSION_IDS, payload.completed_at, now)
    if payload.routine_id is not None and not routines.is_visible(db, payload.routine_id, user.id):
        raise UnknownRoutine()
    moves = moves_for(db, [e.exercise_slug for e in payload.exercises], "exercises")
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
        created_at=utcnow(),
    )
    done = list(enumerate(zip(payload.exercises, moves, strict=True), 1))
    move_rows = [
        {
            "session_id": session_id,
            "position": index,
            "exercise_id": move.id,
            "sets": logged.sets,
            "reps": logged.reps,
            "hold_seconds": logged.hold_seconds,
        }
        for index, (logged, move) in done
    ]
    exercises = [
        SessionExercisePublic(
            order=index,
            position=index,
            exercise_slug=logged.exercise_slug,
            exercise_name=move.name,
            exercise_name_translated=name_translated(move.name),
            sets=logged.sets,
            reps=logged.reps,
            hold_seconds=logged.hold_seconds,
        )
        for index, (logged, move) in done
    ]
    # Built before the writes: from the first write to the commit the owner's clock is locked.
    public = _public(row, exercises, row.created_at)
    if not _store(db, row, move_rows):
        return None
    _report_severe(db, user, row, now)
    return with_safety(db, public, user)


@functools.cache
def _insert_new(dialect: str) -> Any:
    """A session's row, unless its id is taken."""
    return (
        insert_into(dialect, SESSIONS)
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(SESSIONS.c.id)
    )


def _store(db: Session, row: ProgressSession, moves: list[dict[str, Any]]) -> bool:
    """Write a new session, its moves and the summary's figures; False when the id is taken.
    Core statements with ON CONFLICT, the same on both engines, rather than the unit of work:
    the rows are written once and never read back, and a lost race for the id is "nothing
    inserted", with no savepoint to roll back. The owner's clock row, locked from the tick to
    the commit, serialises one person's writes, so the statements after it are few: one each
    for the session, its moves and each kind of figure."""
    row.change_seq = sync.tick(db, sync.user_scope(row.user_id))
    values = {c.name: getattr(row, c.name) for c in SESSIONS.columns}
    # On the connection, with the values as parameters: each statement is built and compiled
    # once, and the ORM's execution path (which costs more than the statement) is left out.
    connection = db.connection()
    stored = connection.execute(_insert_new(dialect_of(connection)), values).first()
    if stored is None:
        return False
    connection.execute(sql_insert(SESSION_MOVES), moves)
    rollups.count_session(
        db,
        row.user_id,
        row.local_date,
        row.pain_before,
        row.pain_after,
        [(m["exercise_id"], m["sets"]) for m in moves],
    )
    return True


def get_owned_session(db: Session, session_id: uuid.UUID, user_id: uuid.UUID) -> ProgressSession:
    row = db.exec(
        select(ProgressSession).where(
            ProgressSession.id == session_id, ProgressSession.user_id == user_id
        )
    ).first()
    if row is None:
        raise SessionNotFound(session_id)
    return row


LIST_ORDER = (
    SortKey(col(ProgressSession.completed_at), descending=True),
    SortKey(col(ProgressSession.id), descending=True),
)
CHANGE_ORDER = (SortKey(col(ProgressSession.change_seq)), SortKey(col(ProgressSession.id)))
TOMBSTONE_ORDER = (SortKey(col(SessionTombstone.change_seq)), SortKey(col(SessionTombstone.id)))


def _change_key(item: ProgressSession | SessionTombstone) -> tuple[Any, ...]:
    return (item.change_seq, item.id)


def list_sessions(
    db: Session,
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
) -> SessionList:
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
        # Read before any row: see app.shared.sync.
        marks=lambda: {"own": sync.current(db, scope)},
    )
    mine = col(ProgressSession.user_id) == user_id
    if walk.since is not None:
        since = walk.since.marks.get("own", 0)
        changes = sync.read_changes(
            db,
            walk,
            ProgressSession,
            live=select(ProgressSession).where(mine, col(ProgressSession.change_seq) > since),
            live_order=CHANGE_ORDER,
            gone=select(SessionTombstone).where(
                col(SessionTombstone.user_id) == user_id, col(SessionTombstone.change_seq) > since
            ),
            gone_order=TOMBSTONE_ORDER,
            key=_change_key,
            limit=limit,
            offset=offset,
        )
        return SessionList(
            data=[to_public(r) for r in changes.rows],
            deleted=changes.deleted,
            count=changes.count,
            next_cursor=walk.next_cursor(changes.next_key),
            sync_token=walk.token,
        )
    query = select(ProgressSession).where(mine)
    if date_from is not None:
        query = query.where(col(ProgressSession.local_date) >= date_from)
    if date_to is not None:
        query = query.where(col(ProgressSession.local_date) <= date_to)
    if area is not None:
        query = query.where(ProgressSession.area == area.value)
    rows, next_key = fetch_keyset(
        db,
        query,
        LIST_ORDER,
        lambda r: (r.completed_at, r.id),
        start=walk.start,
        limit=limit,
        offset=offset,
    )
    return SessionList(
        data=[to_public(r) for r in rows],
        deleted=[],
        count=_count_listed(db, user_id, query, date_from, date_to, area),
        next_cursor=walk.next_cursor(next_key),
        sync_token=walk.token,
    )


def _count_listed(
    db: Session,
    user_id: uuid.UUID,
    query: Any,
    date_from: date | None,
    date_to: date | None,
    area: Area | None,
) -> int:
    """The sessions a listing matches, from the maintained figures unless `area` filters."""
    if area is not None:
        return count(db, query)
    if date_from is None and date_to is None:
        total = db.execute(
            sql_select(rollups.TOTALS.c.sessions).where(rollups.TOTALS.c.user_id == user_id)
        ).scalar()
        return int(total or 0)
    days = rollups.DAYS
    matched = sql_select(func.coalesce(func.sum(days.c.sessions), 0)).where(
        days.c.user_id == user_id
    )
    if date_from is not None:
        matched = matched.where(days.c.local_date >= date_from)
    if date_to is not None:
        matched = matched.where(days.c.local_date <= date_to)
    return int(db.execute(matched).scalar_one())


def list_all_sessions(db: Session, user_id: uuid.UUID) -> list[SessionPublic]:
    """Every session of the user, oldest first (for the data export)."""
    rows = db.exec(
        select(ProgressSession)
        .where(ProgressSession.user_id == user_id)
        .order_by(col(ProgressSession.completed_at), col(ProgressSession.id))
    ).all()
    return [to_public(r) for r in rows]


def delete_session(db: Session, row: ProgressSession) -> None:
    """Delete it and leave a tombstone for syncing clients (older ones are purged). While the
    tombstone is kept, logging the id again is a 410."""
    now = utcnow()
    tombstone = db.get(SessionTombstone, (row.user_id, row.id))
    if tombstone is None:
        tombstone = SessionTombstone(user_id=row.user_id, id=row.id, deleted_at=now, change_seq=0)
        db.add(tombstone)
    tombstone.deleted_at = now
    tombstone.change_seq = sync.tick(db, sync.user_scope(row.user_id))
    db.execute(
        delete(SessionTombstone).where(
            col(SessionTombstone.user_id) == row.user_id,
            col(SessionTombstone.deleted_at) < now - sync.TOMBSTONE_RETENTION,
        )
    )
    rollups.count_session(
        db,
        row.user_id,
        row.local_date,
        row.pain_before,
        row.pain_after,
        [(e.exercise_id, e.sets) for e in row.exercises],
        sign=-1,
    )
    db.delete(row)
    db.flush()


def unlink_routine(db: Session, routine_id: uuid.UUID) -> None:
    """Sessions logged with a routine that is being deleted lose the link (the foreign key
    would null it too) and count as changed, so syncing clients learn it. The app factory
    hands this to routines (`on_routine_deleted`)."""
    owners = db.exec(
        select(ProgressSession.user_id).where(ProgressSession.routine_id == routine_id).distinct()
    ).all()
    for owner in owners:
        db.execute(
            update(ProgressSession)
            .where(
                col(ProgressSession.routine_id) == routine_id,
                col(ProgressSession.user_id) == owner,
            )
            .values(routine_id=None, change_seq=sync.tick(db, sync.user_scope(owner)))
            .execution_options(synchronize_session="fetch")
        )


def _number(value: float | Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _recent_flare_ups(db: Session, user_id: uuid.UUID) -> list[FlareUpPublic]:
    """The latest flare-ups, newest first, reading only the days that hold them: the days with
    a flare-up give a first day D such that at least RECENT_FLARE_UPS of them fall on D or
    later. A session two or more local days before D ended more than 22 hours before any of
    those (UTC offsets span 26 hours), so it cannot be among the latest."""
    days = rollups.DAYS
    flare_days = (
        db.execute(
            sql_select(days.c.local_date)
            .where(days.c.user_id == user_id, days.c.flare_ups > 0)
            .order_by(days.c.local_date.desc())
            .limit(RECENT_FLARE_UPS)
        )
        .scalars()
        .all()
    )
    if not flare_days:
        return []
    before = col(ProgressSession.pain_before)
    after = col(ProgressSession.pain_after)
    day = col(ProgressSession.local_date)
    rows = db.exec(
        select(ProgressSession.id, day, before, after)
        .where(
            col(ProgressSession.user_id) == user_id,
            day >= min(flare_days) - timedelta(days=2),
            flare_up_sql(before, after),
        )
        .order_by(desc(col(ProgressSession.completed_at)), desc(col(ProgressSession.id)))
        .limit(RECENT_FLARE_UPS)
    ).all()
    return [FlareUpPublic(id=i, local_date=d, pain_before=b, pain_after=a) for i, d, b, a in rows]


def _streaks(db: Session, user_id: uuid.UUID, today: date) -> Streaks:
    """The current and longest run of days (ignoring days after today), from the maintained
    runs: two index look-ups, whatever the length of the history."""
    runs = rollups.RUNS
    mine = runs.c.user_id == user_id
    latest = db.execute(
        sql_select(runs.c.first_day, runs.c.last_day)
        .where(mine, runs.c.first_day <= today)
        .order_by(runs.c.first_day.desc())
        .limit(1)
    ).first()
    if latest is None:
        return Streaks(current=0, longest=0)
    end = min(latest.last_day, today)
    current = (end - latest.first_day).days + 1 if today - end <= ONE_DAY else 0
    longest_run = db.execute(
        sql_select(runs.c.last_day, runs.c.days).where(mine).order_by(runs.c.days.desc()).limit(1)
    ).one()
    if longest_run.last_day <= today:
        return Streaks(current=current, longest=int(longest_run.days))
    # Days logged after today (a timezone moved east): cut each run at today.
    held = db.execute(
        sql_select(runs.c.first_day, runs.c.last_day).where(mine, runs.c.first_day <= today)
    ).all()
    longest = max((min(last, today) - first).days + 1 for first, last in held)
    return Streaks(current=current, longest=longest)


def session_figures(db: Session, user: User, now: datetime, days: int) -> SessionFigures:
    """From the maintained figures (app.progress.rollups): the totals row, the day rows of the
    window, the per-move rows, the runs of days and the days holding the latest flare-ups."""
    today = local_date(now, user.timezone)
    totals = db.execute(
        sql_select(
            rollups.TOTALS.c.sessions,
            rollups.TOTALS.c.pain_before_sum,
            rollups.TOTALS.c.pain_after_sum,
            rollups.TOTALS.c.improved,
            rollups.TOTALS.c.flare_ups,
        ).where(rollups.TOTALS.c.user_id == user.id)
    ).first()
    total, before_sum, after_sum, improved, flare_ups = totals or (0, 0, 0, 0, 0)

    window_start = today - timedelta(days=max(days, 30) - 1)
    day_rows = rollups.DAYS
    window = db.execute(
        sql_select(
            day_rows.c.local_date,
            day_rows.c.sessions,
            day_rows.c.pain_before_sum,
            day_rows.c.pain_after_sum,
        )
        .where(day_rows.c.user_id == user.id, day_rows.c.local_date >= window_start)
        .order_by(day_rows.c.local_date)
    ).all()
    last_7 = sum(n for d, n, _, _ in window if d >= today - timedelta(days=6))
    last_30 = sum(n for d, n, _, _ in window if d >= today - timedelta(days=29))
    daily_from = today - timedelta(days=days - 1)

    moves = rollups.MOVES
    per_exercise = db.execute(
        sql_select(col(Exercise.slug), col(Exercise.name), moves.c.sessions, moves.c.sets)
        .join(moves, moves.c.exercise_id == col(Exercise.id))
        .where(moves.c.user_id == user.id, moves.c.sessions > 0)
        .order_by(moves.c.sessions.desc(), col(Exercise.sort_order))
    ).all()

    streak = _streaks(db, user.id, today)

    def average(part: int) -> float | None:
        return round(part / total, 2) if total else None

    return SessionFigures(
        timezone=user.timezone,
        today=today,
        total_sessions=total,
        sessions_last_7_days=last_7,
        sessions_last_30_days=last_30,
        current_streak_days=streak.current,
        longest_streak_days=streak.longest,
        average_pain_before=average(before_sum),
        average_pain_after=average(after_sum),
        average_pain_change=average(after_sum - before_sum),
        improved_sessions=improved,
        improvement_share=_share(improved, total),
        flare_ups=FlareUps(
            count=flare_ups,
            share=_share(flare_ups, total),
            recent=_recent_flare_ups(db, user.id) if flare_ups else [],
        ),
        exercises=[
            ExerciseCount(
                exercise_slug=slug,
                exercise_name=name,
                exercise_name_translated=name_translated(name),
                sessions=n,
                sets=sets,
            )
            for slug, name, n, sets in per_exercise
        ],
        daily_pain=[
            DailyPain(
                date=d,
                sessions=n,
                average_pain_before=round(b / n, 2),
                average_pain_after=round(a / n, 2),
            )
            for d, n, b, a in window
            if d >= daily_from
        ],
    )
