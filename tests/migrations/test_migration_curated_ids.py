"""The stable-id migration on a database where curated routines have random ids and people
have logged sessions with them: every reference follows the new id and nothing is lost, on
either engine."""

import re
import uuid

import sqlalchemy as sa

from app.core.db import make_engine
from app.routines.models import curated_routine_id
from seed import loader
from tests.support import fresh_database, migrate

BEFORE = "20261124_provenance"
SLUG = "mid-back-mobility"


def uuid_params(*names: str) -> list[sa.BindParameter[uuid.UUID]]:
    return [sa.bindparam(name, type_=sa.Uuid()) for name in names]


def scalar(engine: sa.Engine, sql: str, **params: uuid.UUID) -> object:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql).bindparams(*uuid_params(*params)), params).scalar()


def test_curated_ids_become_stable_and_every_reference_follows() -> None:
    with fresh_database() as url:
        migrate(url, BEFORE)
        engine = make_engine(url)
        try:
            user, curated, own, logged = (uuid.uuid4() for _ in range(4))
            ids = {"user": user, "curated": curated, "own": own, "logged": logged}
            with engine.begin() as conn:

                def run(sql: str, **extra: object) -> None:
                    params = {
                        k: v for k, v in {**ids, **extra}.items() if re.search(rf":{k}\b", sql)
                    }
                    typed = [k for k, v in params.items() if v is None or isinstance(v, uuid.UUID)]
                    conn.execute(sa.text(sql).bindparams(*uuid_params(*typed)), params)

                run(
                    "INSERT INTO exercise (slug, sort_order, name, kind, position, summary, "
                    "benefit, aliases, steps, cautions, per_side, source_title, source_section, "
                    "source_heading, search_text, provenance) VALUES ('cat-camel', 0, "
                    "'Cat camel', 'stretch', 'sitting', 's', 'b', '[]', '[]', '[]', false, "
                    "'t', 's', 'h', 'cat camel', '{}')"
                )
                run(
                    "INSERT INTO user_account (id, email, password_hash, timezone, usual_areas, "
                    "created_at) VALUES (:user, 'a@example.com', 'x', 'UTC', '[]', "
                    "CURRENT_TIMESTAMP)"
                )
                for routine, slug, owner in ((curated, SLUG, None), (own, None, user)):
                    run(
                        "INSERT INTO routine (id, slug, owner_id, sort_order, name, created_at, "
                        "updated_at) VALUES (:routine, :slug, :owner, 0, 'R', "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                        routine=routine,
                        slug=slug,
                        owner=owner,
                    )
                    run(
                        "INSERT INTO routine_area (routine_id, area, area_order) VALUES "
                        "(:routine, 'mid', 1)",
                        routine=routine,
                    )
                    run(
                        "INSERT INTO routine_step (routine_id, position, exercise_id, sets, reps, "
                        "per_side) SELECT :routine, 1, id, 1, 5, false FROM exercise",
                        routine=routine,
                    )
                run(
                    "INSERT INTO progress_session (id, user_id, routine_id, area, started_at, "
                    "completed_at, local_date, pain_before, pain_after, fingerprint, created_at) "
                    "VALUES (:logged, :user, :curated, 'mid', '2026-11-20 07:30:00', "
                    "'2026-11-20 07:42:00', '2026-11-20', 6, 3, 'f', CURRENT_TIMESTAMP)"
                )

            migrate(url)
            stable = curated_routine_id(SLUG)
            assert stable != curated
            find = "SELECT count(*) FROM {table} WHERE {column} = :id"
            for table, column in (
                ("routine", "id"),
                ("routine_area", "routine_id"),
                ("routine_step", "routine_id"),
                ("progress_session", "routine_id"),
            ):
                assert scalar(engine, find.format(table=table, column=column), id=stable) == 1
                assert scalar(engine, find.format(table=table, column=column), id=curated) == 0
            assert scalar(engine, "SELECT slug FROM routine WHERE id = :id", id=stable) == SLUG
            # People's own routines keep their ids.
            assert scalar(engine, "SELECT count(*) FROM routine WHERE id = :id", id=own) == 1
            assert scalar(engine, "SELECT count(*) FROM routine_step") == 2

            # The seed then finds the routine by slug and keeps its id.
            loader.load_all(engine)
            by_slug = f"SELECT count(*) FROM routine WHERE slug = '{SLUG}' AND id = :id"
            assert scalar(engine, by_slug, id=stable) == 1
        finally:
            engine.dispose()
