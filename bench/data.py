"""History seeded straight into the database in bulk, through the app's own table definitions:
thousands of logged sessions for one person, spread over days and moves, and other people's
sessions beside them, so a query that reads rows it should not would show in the timings."""

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.accounts.models import User
from app.core.clock import local_date
from app.core.db import metadata
from app.progress.models import ProgressSession, SessionExercise
from app.shared.enums import Area
from app.shared.sync import SyncClock, user_scope

CHUNK = 2000
# The most days a history spreads over: ten years.
MAX_SPREAD_DAYS = 3650
OTHER_TIMEZONES = ("UTC", "Europe/Lisbon", "America/New_York", "Asia/Tokyo")
AREA_WEIGHTS = {Area.LOWER: 6, Area.MID: 2, Area.UPPER: 2}
NOTES = (None, None, None, None, "Stiff after the drive; better afterwards.", "Felt looser.")


def _table(name: object) -> sa.Table:
    return metadata.tables[str(name)]


def spread_days(total: int) -> int:
    """Days a history of `total` sessions covers: about one session a day up to ten years,
    then more on each day."""
    return max(30, min(MAX_SPREAD_DAYS, total))


class Seeder:
    def __init__(self, url: str, seed: int = 10) -> None:
        connect_args = {"timeout": 60} if url.startswith("sqlite") else {}
        self.engine = sa.create_engine(url, connect_args=connect_args)
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC)
        with self.engine.connect() as conn:
            self.exercise_ids = [
                row[0] for row in conn.execute(sa.text("SELECT id FROM exercise ORDER BY id"))
            ]
        if not self.exercise_ids:
            raise RuntimeError("the catalog is empty: seed the database first")

    def close(self) -> None:
        self.engine.dispose()

    def add_people(self, count: int) -> list[tuple[uuid.UUID, str]]:
        """Accounts that never sign in (their password hash matches no password)."""
        people = [(uuid.uuid4(), self.rng.choice(OTHER_TIMEZONES)) for _ in range(count)]
        rows: list[dict[str, object]] = [
            {
                "id": user_id,
                "email": f"other-{user_id.hex[:12]}@example.com",
                "password_hash": "!",
                "display_name": None,
                "timezone": tz,
                "usual_areas": [],
                "created_at": self.now - timedelta(days=MAX_SPREAD_DAYS + 1),
            }
            for user_id, tz in people
        ]
        with self.engine.begin() as conn:
            conn.execute(sa.insert(_table(User.__tablename__)), rows)
        return people

    def add_sessions(self, user_id: uuid.UUID, timezone: str, count: int, days: int) -> None:
        """`count` finished sessions ending over the last `days` days, each with 1-4 moves."""
        sessions_table = _table(ProgressSession.__tablename__)
        moves_table = _table(SessionExercise.__tablename__)
        # Each write of a person's session takes the next number of their sync clock.
        numbered = "change_seq" in sessions_table.c
        seq = self._clock(user_id) if numbered else 0
        areas = list(AREA_WEIGHTS)
        weights = list(AREA_WEIGHTS.values())
        rng = self.rng
        for start in range(0, count, CHUNK):
            sessions: list[dict[str, Any]] = []
            moves: list[dict[str, Any]] = []
            for _ in range(min(CHUNK, count - start)):
                session_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                completed = self.now - timedelta(seconds=rng.randrange(60, days * 86_400))
                before = rng.randint(1, 8)
                after = min(10, max(0, before + rng.choice((-3, -2, -2, -1, -1, 0, 0, 1, 2))))
                sessions.append(
                    {
                        "id": session_id,
                        "user_id": user_id,
                        "routine_id": None,
                        "area": rng.choices(areas, weights)[0].value,
                        "started_at": completed - timedelta(minutes=rng.randint(5, 40)),
                        "completed_at": completed,
                        "local_date": local_date(completed, timezone),
                        "pain_before": before,
                        "pain_after": after,
                        "notes": rng.choice(NOTES),
                        "fingerprint": f"{rng.getrandbits(256):064x}",
                        "created_at": completed + timedelta(seconds=rng.randint(1, 600)),
                    }
                )
                most = min(4, len(self.exercise_ids))
                picked = rng.sample(self.exercise_ids, rng.randint(1, most))
                for position, exercise_id in enumerate(picked, start=1):
                    moves.append(
                        {
                            "session_id": session_id,
                            "position": position,
                            "exercise_id": exercise_id,
                            "sets": rng.randint(1, 3),
                            "reps": rng.choice((None, 6, 8, 10)),
                            "hold_seconds": rng.choice((None, 3, 5, 10)),
                        }
                    )
            if numbered:
                # Logged in the order they were done, as an app that syncs at once would.
                for row in sorted(sessions, key=lambda r: r["completed_at"]):
                    seq += 1
                    row["change_seq"] = seq
            with self.engine.begin() as conn:
                conn.execute(sa.insert(sessions_table), sessions)
                conn.execute(sa.insert(moves_table), moves)
                if numbered:
                    self._set_clock(conn, user_id, seq)
        self._refresh_figures(user_id)

    def _refresh_figures(self, user_id: uuid.UUID) -> None:
        """The service keeps the summary's figures as sessions are logged; rows loaded in bulk
        bypass that, so recompute them from the rows, as the migration that added them did."""
        try:
            from app.progress import rollups
        except ImportError:  # code from before the figures were kept
            return
        with self.engine.begin() as conn:
            rollups.rebuild(conn, user_id)

    def _clock(self, user_id: uuid.UUID) -> int:
        clock = _table(SyncClock.__tablename__)
        query = sa.select(clock.c.value).where(clock.c.scope == user_scope(user_id))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar() or 0)

    def _set_clock(self, conn: sa.Connection, user_id: uuid.UUID, value: int) -> None:
        clock = _table(SyncClock.__tablename__)
        scope = user_scope(user_id)
        updated = conn.execute(clock.update().where(clock.c.scope == scope).values(value=value))
        if updated.rowcount == 0:
            conn.execute(clock.insert().values(scope=scope, value=value))

    def count_sessions(self, user_ids: list[uuid.UUID]) -> int:
        table = _table(ProgressSession.__tablename__)
        query = sa.select(sa.func.count()).select_from(table).where(table.c.user_id.in_(user_ids))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def analyze(self) -> None:
        """PostgreSQL's autovacuum analyzes a table soon after a bulk load; do it now so that
        the planner sees what it would see in service. SQLite keeps no statistics unless asked."""
        if self.engine.dialect.name == "postgresql":
            with self.engine.begin() as conn:
                conn.execute(sa.text("ANALYZE"))
