"""The summary's maintained figures: per-person totals, per-day rows, per-move counts and runs
of consecutive days, changed in the same transaction as the session they count.

Callers tick the owner's sync clock first (app.shared.sync): its row lock serialises one
person's writes, so the read-then-write steps here (the runs of days) never interleave, and
the counters use `x = x + n` so they stay exact whatever the engine's isolation level.
`rebuild` recomputes one person's figures from the sessions (for data loaded in bulk).
"""

import functools
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from app.core.db import dialect_of, insert_into
from app.progress import pain
from app.progress.models import (
    ProgressDay,
    ProgressExerciseCount,
    ProgressSession,
    ProgressStreak,
    ProgressTotals,
    SessionExercise,
)
from app.progress.pain import flare_up_sql, improved_sql

ONE_DAY = timedelta(days=1)

TOTALS: sa.Table = ProgressTotals.__table__  # type: ignore[attr-defined]
DAYS: sa.Table = ProgressDay.__table__  # type: ignore[attr-defined]
MOVES: sa.Table = ProgressExerciseCount.__table__  # type: ignore[attr-defined]
RUNS: sa.Table = ProgressStreak.__table__  # type: ignore[attr-defined]
SESSIONS: sa.Table = ProgressSession.__table__  # type: ignore[attr-defined]
SESSION_MOVES: sa.Table = SessionExercise.__table__  # type: ignore[attr-defined]


def _upsert(
    db: Session | sa.Connection,
    table: sa.Table,
    rows: list[dict[str, Any]],
    keys: tuple[str, ...],
    counters: tuple[str, ...],
    returning: sa.Column[Any] | None = None,
) -> Any:
    """Insert the rows, or add their counters to the rows already there."""
    # Core execution on the connection: the ORM's execution path costs more than the statement.
    bind = db.connection() if isinstance(db, Session) else db
    statement = _upsert_statement(dialect_of(bind), table, keys, counters, returning)
    if returning is not None:
        (row,) = rows
        return bind.execute(statement, row).scalar_one()
    bind.execute(statement, rows)
    return None


@functools.cache
def _upsert_statement(
    dialect: str,
    table: sa.Table,
    keys: tuple[str, ...],
    counters: tuple[str, ...],
    returning: sa.Column[Any] | None,
) -> Any:
    """Built once: building it (the `excluded` row above all) costs more than running it."""
    insert = insert_into(dialect, table)
    statement = insert.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + insert.excluded[name] for name in counters},
    )
    return statement if returning is None else statement.returning(returning)


def signs(before: int, after: int) -> tuple[int, int]:
    return int(pain.is_meaningful_improvement(before, after)), int(pain.is_flare_up(before, after))


def sets_per_move(moves: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Sets per move id (a move done twice in a session counts once for `sessions`)."""
    sets: dict[int, int] = {}
    for exercise_id, done in moves:
        sets[exercise_id] = sets.get(exercise_id, 0) + done
    return sets


def count_session(
    db: Session,
    user_id: uuid.UUID,
    day: date,
    before: int,
    after: int,
    moves: Iterable[tuple[int, int]],
    sign: int = 1,
) -> None:
    """Add (sign 1) or take away (sign -1) one session: its day, pain scores and (move id,
    sets) pairs."""
    improved, flare_up = signs(before, after)
    _upsert(
        db,
        TOTALS,
        [
            {
                "user_id": user_id,
                "sessions": sign,
                "pain_before_sum": sign * before,
                "pain_after_sum": sign * after,
                "improved": sign * improved,
                "flare_ups": sign * flare_up,
            }
        ],
        ("user_id",),
        ("sessions", "pain_before_sum", "pain_after_sum", "improved", "flare_ups"),
    )
    on_day = _upsert(
        db,
        DAYS,
        [
            {
                "user_id": user_id,
                "local_date": day,
                "sessions": sign,
                "pain_before_sum": sign * before,
                "pain_after_sum": sign * after,
                "flare_ups": sign * flare_up,
            }
        ],
        ("user_id", "local_date"),
        ("sessions", "pain_before_sum", "pain_after_sum", "flare_ups"),
        returning=DAYS.c.sessions,
    )
    sets = sets_per_move(moves)
    if sets:
        _upsert(
            db,
            MOVES,
            [
                {"user_id": user_id, "exercise_id": move, "sessions": sign, "sets": sign * n}
                for move, n in sorted(sets.items())
            ],
            ("user_id", "exercise_id"),
            ("sessions", "sets"),
        )
    if sign > 0 and on_day == 1:
        day_filled(db, user_id, day)
    elif sign < 0 and on_day == 0:
        db.execute(sa.delete(DAYS).where(DAYS.c.user_id == user_id, DAYS.c.local_date == day))
        _day_emptied(db, user_id, day)


def day_filled(db: Session, user_id: uuid.UUID, day: date) -> None:
    """`day` has its first session: extend, join or start a run."""
    neighbours = db.execute(
        sa.select(RUNS.c.first_day, RUNS.c.last_day).where(
            RUNS.c.user_id == user_id,
            sa.or_(RUNS.c.last_day == day - ONE_DAY, RUNS.c.first_day == day + ONE_DAY),
        )
    ).all()
    left = next((r for r in neighbours if r.last_day == day - ONE_DAY), None)
    right = next((r for r in neighbours if r.first_day == day + ONE_DAY), None)
    mine = RUNS.c.user_id == user_id
    if right is not None:
        db.execute(sa.delete(RUNS).where(mine, RUNS.c.first_day == right.first_day))
    first = left.first_day if left is not None else day
    last = right.last_day if right is not None else day
    days = (last - first).days + 1
    if left is not None:
        db.execute(
            sa.update(RUNS)
            .where(mine, RUNS.c.first_day == left.first_day)
            .values(last_day=last, days=days)
        )
    else:
        db.execute(
            sa.insert(RUNS).values(user_id=user_id, first_day=first, last_day=last, days=days)
        )


def _day_emptied(db: Session, user_id: uuid.UUID, day: date) -> None:
    """`day` lost its last session: shorten or split the run holding it."""
    mine = RUNS.c.user_id == user_id
    run = db.execute(
        sa.select(RUNS.c.first_day, RUNS.c.last_day)
        .where(mine, RUNS.c.first_day <= day)
        .order_by(RUNS.c.first_day.desc())
        .limit(1)
    ).first()
    if run is None or run.last_day < day:
        raise RuntimeError(f"no run of days holds {day}")  # the rows disagree: a bug
    db.execute(sa.delete(RUNS).where(mine, RUNS.c.first_day == run.first_day))
    pieces = [(run.first_day, day - ONE_DAY), (day + ONE_DAY, run.last_day)]
    rows = [
        {"user_id": user_id, "first_day": a, "last_day": b, "days": (b - a).days + 1}
        for a, b in pieces
        if a <= b
    ]
    if rows:
        db.execute(sa.insert(RUNS), rows)


def runs_of(days: Iterable[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days, oldest first."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] == day - ONE_DAY:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def rebuild(connection: sa.Connection, user_id: uuid.UUID) -> None:
    """Recompute one person's figures from their sessions (after loading rows in bulk)."""
    for table in (TOTALS, DAYS, MOVES, RUNS):
        connection.execute(sa.delete(table).where(table.c.user_id == user_id))
    before, after = SESSIONS.c.pain_before, SESSIONS.c.pain_after

    def count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    mine = SESSIONS.c.user_id == user_id
    connection.execute(
        sa.insert(TOTALS).from_select(
            ["user_id", "sessions", "pain_before_sum", "pain_after_sum", "improved", "flare_ups"],
            sa.select(
                SESSIONS.c.user_id,
                sa.func.count(),
                sa.func.sum(before),
                sa.func.sum(after),
                count_if(improved_sql(before, after)),
                count_if(flare_up_sql(before, after)),
            )
            .where(mine)
            .group_by(SESSIONS.c.user_id),
        )
    )
    connection.execute(
        sa.insert(DAYS).from_select(
            ["user_id", "local_date", "sessions", "pain_before_sum", "pain_after_sum", "flare_ups"],
            sa.select(
                SESSIONS.c.user_id,
                SESSIONS.c.local_date,
                sa.func.count(),
                sa.func.sum(before),
                sa.func.sum(after),
                count_if(flare_up_sql(before, after)),
            )
            .where(mine)
            .group_by(SESSIONS.c.user_id, SESSIONS.c.local_date),
        )
    )
    connection.execute(
        sa.insert(MOVES).from_select(
            ["user_id", "exercise_id", "sessions", "sets"],
            sa.select(
                SESSIONS.c.user_id,
                SESSION_MOVES.c.exercise_id,
                sa.func.count(sa.distinct(SESSION_MOVES.c.session_id)),
                sa.func.sum(SESSION_MOVES.c.sets),
            )
            .join(SESSIONS, SESSIONS.c.id == SESSION_MOVES.c.session_id)
            .where(mine)
            .group_by(SESSIONS.c.user_id, SESSION_MOVES.c.exercise_id),
        )
    )
    days = connection.execute(
        sa.select(DAYS.c.local_date).where(DAYS.c.user_id == user_id)
    ).scalars()
    runs = [
        {"user_id": user_id, "first_day": a, "last_day": b, "days": (b - a).days + 1}
        for a, b in runs_of(days)
    ]
    if runs:
        connection.execute(sa.insert(RUNS), runs)
