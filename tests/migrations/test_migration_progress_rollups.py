"""The migration that adds the summary's kept figures fills them from the sessions already
logged: the same figures a recomputation gives, for several people, on either engine."""

import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from app.accounts.models import User
from app.core.clock import local_date
from app.core.db import make_engine
from app.exercises.models import SourceArticle
from app.progress import rollups
from seed import loader
from tests.support import fresh_database, migrate

BEFORE = "20261124_content_version"
TABLES = (rollups.TOTALS, rollups.DAYS, rollups.MOVES, rollups.RUNS)


def _figures(conn: sa.Connection, user_id: uuid.UUID) -> dict[str, set[tuple[object, ...]]]:
    return {
        t.name: {tuple(r) for r in conn.execute(sa.select(t).where(t.c.user_id == user_id))}
        for t in TABLES
    }


def test_figures_are_filled_from_existing_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    # The policies table comes in a later revision than the one this test starts from.
    monkeypatch.delitem(loader.LOADERS, "policies")
    # So does the source article's publisher; the test needs only the moves.
    upsert = loader._upsert
    monkeypatch.setattr(
        loader,
        "_upsert",
        lambda db, model, slug, values: (
            (None, "unchanged") if model is SourceArticle else upsert(db, model, slug, values)
        ),
    )
    with fresh_database() as url:
        migrate(url, BEFORE)
        engine = make_engine(url)
        try:
            # Only the catalog: later seed sections need tables this revision does not have.
            with Session(engine) as seeding:
                loader.load_catalog(seeding)
                seeding.commit()
            rng = random.Random(4)
            users = User.__table__  # type: ignore[attr-defined]
            now = datetime(2026, 11, 20, 12, tzinfo=UTC)
            people = [(uuid.uuid4(), tz) for tz in ("UTC", "Asia/Tokyo", "America/New_York")]
            with engine.begin() as conn:
                moves = list(conn.execute(sa.text("SELECT id FROM exercise")).scalars())
                for person, tz in people:
                    conn.execute(
                        sa.insert(users).values(
                            id=person,
                            email=f"{person.hex[:8]}@example.com",
                            password_hash="!",
                            timezone=tz,
                            usual_areas=[],
                            created_at=now,
                        )
                    )
                    for n in range(60):
                        completed = now - timedelta(hours=rng.randrange(0, 24 * 40))
                        session_id = uuid.uuid4()
                        before = rng.randint(0, 10)
                        conn.execute(
                            sa.insert(rollups.SESSIONS).values(
                                id=session_id,
                                user_id=person,
                                area="lower",
                                started_at=completed - timedelta(minutes=10),
                                completed_at=completed,
                                local_date=local_date(completed, tz),
                                pain_before=before,
                                pain_after=max(0, min(10, before + rng.randint(-3, 3))),
                                fingerprint=f"{n:064x}",
                                created_at=completed,
                                change_seq=n + 1,
                            )
                        )
                        picked = [rng.choice(moves) for _ in range(rng.randint(1, 3))]
                        conn.execute(
                            sa.insert(rollups.SESSION_MOVES),
                            [
                                {
                                    "session_id": session_id,
                                    "position": i,
                                    "exercise_id": move,
                                    "sets": rng.randint(1, 3),
                                }
                                for i, move in enumerate(picked, 1)
                            ],
                        )
            migrate(url)
            with engine.begin() as conn:
                for person, _ in people:
                    filled = _figures(conn, person)
                    assert all(filled.values())
                    rollups.rebuild(conn, person)
                    assert _figures(conn, person) == filled
        finally:
            engine.dispose()
