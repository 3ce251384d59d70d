"""The summary's maintained figures (app.progress.rollups) against a recomputation from the
sessions themselves, after logging, retrying, deleting and logging again; under concurrent
writes on a real database; and the query plans of the summary and the session list, which
must reach a person's rows through an index, never by reading everyone's."""

import random
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import User
from app.core.config import get_settings
from app.core.ratelimit import install_rate_limiting
from app.progress import pain, rollups
from app.progress.streaks import streaks
from tests.factories import AuthUser, freeze_now, register_user, session_payload, set_timezone
from tests.support import BACKEND

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
MOVES = ["knee-rolls", "hamstring-stretch", "cat-camel"]
FIGURE_TABLES = (rollups.TOTALS, rollups.DAYS, rollups.MOVES, rollups.RUNS)


def _payload(rng: random.Random, session_id: str, day: date) -> dict[str, Any]:
    end = datetime(day.year, day.month, day.day, 12, tzinfo=UTC) + timedelta(
        minutes=rng.randrange(0, 300)
    )
    picked = rng.sample(MOVES, rng.randint(1, 3))
    if rng.random() < 0.2:
        picked.append(picked[0])  # the same move twice in one session counts once
    before = rng.randint(0, 10)
    return session_payload(
        id=session_id,
        started_at=(end - timedelta(minutes=15)).isoformat(),
        completed_at=end.isoformat(),
        pain_before=before,
        pain_after=max(0, min(10, before + rng.choice((-4, -2, -1, 0, 1, 2, 3)))),
        exercises=[{"exercise_slug": s, "sets": rng.randint(1, 3), "reps": 5} for s in picked],
    )


def _churn(client: TestClient, user: AuthUser, rng: random.Random, steps: int) -> None:
    """Log, retry, delete and log again (under a new id), on days close together so runs join
    and split."""
    # Weeks of use sent within a minute: far past the upload limit, which is not what these
    # tests are about (tests/core/test_ratelimit_routes.py is).
    assert isinstance(client.app, FastAPI)
    install_rate_limiting(
        client.app,
        get_settings().model_copy(
            update={"upload_rate_limit": 10**6, "upload_address_rate_limit": 10**6}
        ),
    )
    logged: dict[str, dict[str, Any]] = {}
    deleted: dict[str, dict[str, Any]] = {}
    for _ in range(steps):
        action = rng.random()
        if action < 0.5 or not logged:
            session_id = str(uuid.uuid4())
            day = NOW.date() - timedelta(days=rng.randrange(0, 20))
            body = _payload(rng, session_id, day)
            assert (
                client.post("/v1/progress/sessions", json=body, headers=user.headers).status_code
                == 201
            )
            logged[session_id] = body
        elif action < 0.65:
            session_id = rng.choice(list(logged))
            again = client.post(
                "/v1/progress/sessions", json=logged[session_id], headers=user.headers
            )
            assert again.status_code == 200
        elif action < 0.9:
            session_id = rng.choice(list(logged))
            gone = client.delete(f"/v1/progress/sessions/{session_id}", headers=user.headers)
            assert gone.status_code == 204
            deleted[session_id] = logged.pop(session_id)
        elif deleted:
            # A deleted id stays deleted (410); the same session logged again takes a new id.
            session_id = rng.choice(list(deleted))
            late = client.post(
                "/v1/progress/sessions", json=deleted[session_id], headers=user.headers
            )
            assert late.status_code == 410
            body = deleted.pop(session_id) | {"id": str(uuid.uuid4())}
            back = client.post("/v1/progress/sessions", json=body, headers=user.headers)
            assert back.status_code == 201
            logged[body["id"]] = body


def _figures(connection: sa.Connection, user_id: uuid.UUID) -> dict[str, set[tuple[Any, ...]]]:
    return {
        table.name: {
            tuple(row)
            for row in connection.execute(sa.select(table).where(table.c.user_id == user_id))
        }
        for table in FIGURE_TABLES
    }


def _assert_figures_match_rebuild(connection: sa.Connection, user_id: uuid.UUID) -> None:
    kept = _figures(connection, user_id)
    rollups.rebuild(connection, user_id)
    assert _figures(connection, user_id) == kept


def _recomputed(connection: sa.Connection, user_id: uuid.UUID, today: date, days: int) -> dict:
    """The summary's figures straight from the session rows, as plain Python."""
    sessions = rollups.SESSIONS
    rows = connection.execute(
        sa.select(
            sessions.c.id, sessions.c.local_date, sessions.c.pain_before, sessions.c.pain_after
        ).where(sessions.c.user_id == user_id)
    ).all()
    moves = connection.execute(
        sa.select(
            rollups.SESSION_MOVES.c.session_id,
            rollups.SESSION_MOVES.c.exercise_id,
            rollups.SESSION_MOVES.c.sets,
        )
        .join(sessions, sessions.c.id == rollups.SESSION_MOVES.c.session_id)
        .where(sessions.c.user_id == user_id)
    ).all()
    slugs: dict[int, str] = dict(connection.execute(sa.text("SELECT id, slug FROM exercise")).all())
    per_move: dict[str, list[Any]] = {}
    for session_id, exercise_id, sets in moves:
        entry = per_move.setdefault(slugs[exercise_id], [set(), 0])
        entry[0].add(session_id)
        entry[1] += sets
    total = len(rows)
    by_day: dict[date, list[tuple[int, int]]] = {}
    for _, day, before, after in rows:
        by_day.setdefault(day, []).append((before, after))
    streak = streaks(by_day, today)

    def mean(values: list[int]) -> float | None:
        return round(sum(values) / len(values), 2) if values else None

    return {
        "total_sessions": total,
        "sessions_last_7_days": sum(1 for r in rows if r[1] >= today - timedelta(days=6)),
        "sessions_last_30_days": sum(1 for r in rows if r[1] >= today - timedelta(days=29)),
        "current_streak_days": streak.current,
        "longest_streak_days": streak.longest,
        "average_pain_before": mean([r[2] for r in rows]),
        "average_pain_after": mean([r[3] for r in rows]),
        "average_pain_change": mean([r[3] - r[2] for r in rows]),
        "improved_sessions": sum(1 for r in rows if pain.is_meaningful_improvement(r[2], r[3])),
        "flare_ups": sum(1 for r in rows if pain.is_flare_up(r[2], r[3])),
        "exercises": {slug: (len(ids), sets) for slug, (ids, sets) in per_move.items()},
        "daily_pain": [
            (d, len(v), mean([b for b, _ in v]), mean([a for _, a in v]))
            for d, v in sorted(by_day.items())
            if d >= today - timedelta(days=days - 1)
        ],
    }


def test_summary_equals_a_recomputation_after_logging_retrying_and_deleting(
    client: TestClient, db: Session
) -> None:
    user = register_user(client)
    other = register_user(client)
    freeze_now(NOW)
    rng = random.Random(7)
    _churn(client, user, rng, 120)
    _churn(client, other, rng, 30)

    user_id = uuid.UUID(user.id)
    connection = db.connection()
    summary = client.get("/v1/progress/summary?days=14", headers=user.headers).json()
    expected = _recomputed(connection, user_id, NOW.date(), 14)
    assert expected["total_sessions"] > 20
    got = {key: summary[key] for key in expected if key not in {"exercises", "daily_pain"}}
    got["flare_ups"] = summary["flare_ups"]["count"]
    assert got == {k: v for k, v in expected.items() if k not in {"exercises", "daily_pain"}}
    assert {
        e["exercise_slug"]: (e["sessions"], e["sets"]) for e in summary["exercises"]
    } == expected["exercises"]
    assert [
        (
            date.fromisoformat(d["date"]),
            d["sessions"],
            d["average_pain_before"],
            d["average_pain_after"],
        )
        for d in summary["daily_pain"]
    ] == expected["daily_pain"]
    _assert_figures_match_rebuild(connection, user_id)
    _assert_figures_match_rebuild(connection, uuid.UUID(other.id))


@pytest.mark.parametrize(
    ("days_logged", "longest", "current"),
    [
        # Days as logged east of the date line, read from west of it: "today" there is
        # 2026-11-19, so the day after is ignored and the run is cut at today.
        (["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"], 4, 4),
        # The longest run lies wholly after today: only the run up to today counts.
        (["2026-11-10", "2026-11-11", "2026-11-20", "2026-11-21", "2026-11-22"], 2, 0),
    ],
)
def test_streaks_ignore_days_after_today(
    client: TestClient, days_logged: list[str], longest: int, current: int
) -> None:
    user = register_user(client)
    set_timezone(client, user, "Pacific/Kiritimati")  # UTC+14
    freeze_now(datetime(2026, 11, 22, tzinfo=UTC))  # after every day logged, even there
    for day in days_logged:
        assert (
            client.post(
                "/v1/progress/sessions",
                json=session_payload(
                    started_at=f"{day}T10:00:00+14:00", completed_at=f"{day}T10:10:00+14:00"
                ),
                headers=user.headers,
            ).status_code
            == 201
        )
    set_timezone(client, user, "Pacific/Pago_Pago")  # UTC-11
    freeze_now(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))  # 2026-11-19 in Pago Pago
    body = client.get("/v1/progress/summary", headers=user.headers).json()
    assert body["today"] == "2026-11-19"
    expected = streaks([date.fromisoformat(d) for d in days_logged], date(2026, 11, 19))
    assert (body["longest_streak_days"], body["current_streak_days"]) == (longest, current)
    assert (expected.longest, expected.current) == (longest, current)


def test_recent_flare_ups_are_the_latest_by_completion(client: TestClient, db: Session) -> None:
    user = register_user(client)
    freeze_now(NOW)
    rng = random.Random(3)
    _churn(client, user, rng, 80)
    listed = client.get("/v1/progress/sessions?limit=100", headers=user.headers).json()["data"]
    flare_ups = [s["id"] for s in listed if s["flare_up"]][:5]
    summary = client.get("/v1/progress/summary", headers=user.headers).json()
    assert [f["id"] for f in summary["flare_ups"]["recent"]] == flare_ups


def test_the_list_count_comes_out_the_same_with_and_without_filters(
    client: TestClient, db: Session
) -> None:
    user = register_user(client)
    freeze_now(NOW)
    _churn(client, user, random.Random(11), 60)
    listed = client.get("/v1/progress/sessions?limit=100", headers=user.headers).json()
    assert listed["count"] == len(listed["data"])
    start, end = (
        (NOW.date() - timedelta(days=9)).isoformat(),
        (NOW.date() - timedelta(days=3)).isoformat(),
    )
    window = client.get(
        f"/v1/progress/sessions?limit=100&from={start}&to={end}", headers=user.headers
    ).json()
    assert window["count"] == sum(1 for s in listed["data"] if start <= s["local_date"] <= end)
    assert window["count"] == len(window["data"])


# Concurrent writers, committing for real.


@pytest.fixture()
def committing_client(engine: sa.Engine) -> Iterator[TestClient]:
    from app.main import app

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_figures_stay_exact_under_concurrent_writes(
    committing_client: TestClient, engine: sa.Engine
) -> None:
    """Four writers on one account, on the same few days: logging, retrying the same ids at
    once, deleting; the kept figures must equal a recomputation afterwards."""
    user = register_user(committing_client)
    user_id = uuid.UUID(user.id)
    # The service's own clock is read here (no test client to pin it), so the days end
    # yesterday in UTC: every time below is in the past at any hour and in any timezone.
    last_day = datetime.now(UTC).date() - timedelta(days=1)
    shared = [
        session_payload(
            id=str(uuid.uuid4()),
            started_at=f"{last_day - timedelta(days=i % 4)}T08:00:00+00:00",
            completed_at=f"{last_day - timedelta(days=i % 4)}T08:20:00+00:00",
            pain_before=5,
            pain_after=(i % 3) + 3,
        )
        for i in range(12)
    ]
    failures: list[str] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        mine: list[str] = []
        for step in range(15):
            if step % 5 == 4 and mine:
                session_id = mine.pop(rng.randrange(len(mine)))
                answer = committing_client.delete(
                    f"/v1/progress/sessions/{session_id}", headers=user.headers
                )
                if answer.status_code not in (204, 404):
                    failures.append(answer.text)
                continue
            if step % 3 == 0:
                body = shared[rng.randrange(len(shared))]  # several writers send the same
            else:
                day = last_day - timedelta(days=rng.randrange(0, 6))
                body = _payload(rng, str(uuid.uuid4()), day)
                body["completed_at"] = f"{day}T09:00:00+00:00"
                body["started_at"] = f"{day}T08:45:00+00:00"
                mine.append(body["id"])
            answer = committing_client.post(
                "/v1/progress/sessions", json=body, headers=user.headers
            )
            if answer.status_code not in (200, 201):
                failures.append(answer.text)

    try:
        threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not failures, failures
        with engine.begin() as conn:
            assert (
                conn.execute(
                    sa.select(rollups.TOTALS.c.sessions).where(rollups.TOTALS.c.user_id == user_id)
                ).scalar_one()
                == conn.execute(
                    sa.select(sa.func.count()).where(rollups.SESSIONS.c.user_id == user_id)
                ).scalar_one()
            )
            _assert_figures_match_rebuild(conn, user_id)
    finally:
        with engine.begin() as conn:
            users = User.__table__  # type: ignore[attr-defined]
            conn.execute(sa.delete(users).where(users.c.id == user_id))


# Query plans: no statement of the summary or the session list reads the per-person tables
# without narrowing them to the person through an index.

PERSON_TABLES = (
    "progress_session",
    "progress_session_exercise",
    "progress_totals",
    "progress_day",
    "progress_exercise_count",
    "progress_streak",
)


def _statements(engine: sa.Engine, send: Any) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        send()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def _plan(connection: sa.Connection, statement: str, parameters: Any) -> list[str]:
    if BACKEND == "postgresql":
        rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters).all()
        return [row[0] for row in rows]
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return [row[-1] for row in rows]


def _full_reads(plan: list[str]) -> list[str]:
    """Plan lines that read a per-person table without an index condition on its owner."""
    bad = []
    for index, line in enumerate(plan):
        for table in PERSON_TABLES:
            if BACKEND == "postgresql":
                if f"Seq Scan on {table} " in line + " ":
                    bad.append(line)
                elif "Index Scan" in line:  # plain, backward, only, bitmap
                    if f" on {table} " not in line + " ":
                        continue
                    # The node's own details follow it, indented deeper.
                    details = []
                    depth = len(line) - len(line.lstrip())
                    for follow in plan[index + 1 :]:
                        if len(follow) - len(follow.lstrip()) <= depth:
                            break
                        details.append(follow)
                    if not any("Index Cond" in d for d in details):
                        bad.append(line)
            elif line.startswith(f"SCAN {table}") and not line.startswith(f"SCAN {table}_"):
                bad.append(line)
    return bad


@pytest.fixture()
def planner(db: Session) -> Iterator[sa.Connection]:
    connection = db.connection()
    if BACKEND == "postgresql":
        # Tables this small are read whole whatever the indexes; ask whether an index path
        # exists at all.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    yield connection


def test_summary_statements_read_only_the_persons_rows(
    client: TestClient, engine: sa.Engine, planner: sa.Connection
) -> None:
    user = register_user(client)
    freeze_now(NOW)
    _churn(client, user, random.Random(5), 40)
    statements = _statements(
        engine, lambda: client.get("/v1/progress/summary", headers=user.headers)
    )
    assert any("progress_streak" in s for s, _ in statements)
    for statement, parameters in statements:
        plan = _plan(planner, statement, parameters)
        assert not _full_reads(plan), (statement, plan)


def test_session_pages_read_only_the_persons_rows(
    client: TestClient, engine: sa.Engine, planner: sa.Connection
) -> None:
    user = register_user(client)
    freeze_now(NOW)
    _churn(client, user, random.Random(9), 40)
    first = client.get("/v1/progress/sessions?limit=5", headers=user.headers).json()
    cursor = first["next_cursor"]
    statements = _statements(
        engine,
        lambda: client.get(
            "/v1/progress/sessions", params={"limit": 5, "cursor": cursor}, headers=user.headers
        ),
    )
    assert statements
    if BACKEND == "postgresql":
        # With a handful of rows any index will do; ask for one that also gives the order.
        planner.exec_driver_sql("SET LOCAL enable_sort = off")
    for statement, parameters in statements:
        plan = _plan(planner, statement, parameters)
        assert not _full_reads(plan), (statement, plan)
        if "ORDER BY progress_session.completed_at DESC" in statement:
            # The page starts in the index at the cursor, not at the person's newest session.
            starts = [line for line in plan if "completed_at" in line and "user_id" in line]
            if BACKEND == "postgresql":
                starts = [line for line in starts if "Index Cond" in line]
            else:
                starts = [line for line in starts if line.startswith("SEARCH")]
            assert starts, plan
    # The count comes from the kept total, not from counting the sessions.
    assert not any("count(" in s.lower() and "FROM progress_session " in s for s, _ in statements)
