"""The provenance migration on a database that already holds content and people's routines:
nothing is lost on the way up or down, on either engine."""

import uuid

import sqlalchemy as sa
from alembic import command

from app.core.db import make_engine
from app.core.migrations import alembic_config
from seed import loader
from tests.support import fresh_database, migrate

BEFORE = "20261123_progress"


def count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_existing_rows_survive_the_upgrade_and_the_downgrade() -> None:
    with fresh_database() as url:
        migrate(url, BEFORE)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO exercise (slug, sort_order, name, kind, position, summary, "
                        "benefit, aliases, steps, cautions, per_side, source_title, "
                        "source_section, source_heading, search_text) VALUES ('cat-camel', 0, "
                        "'Cat camel', 'stretch', 'sitting', 's', 'b', '[]', '[]', '[]', false, "
                        "'t', 's', 'h', 'cat camel')"
                    )
                )
                move_id = conn.execute(sa.text("SELECT id FROM exercise")).scalar_one()
                conn.execute(
                    sa.text(
                        "INSERT INTO exercise_target (exercise_id, area, area_order, relevance, "
                        "reason) VALUES (:id, 'upper', 0, 'secondary', 'r')"
                    ),
                    {"id": move_id},
                )
                user_id, routine_id = uuid.uuid4(), uuid.uuid4()
                conn.execute(
                    sa.text(
                        "INSERT INTO user_account (id, email, password_hash, timezone, "
                        "usual_areas, created_at) VALUES (:id, 'a@example.com', 'x', 'UTC', "
                        "'[]', CURRENT_TIMESTAMP)"
                    ).bindparams(sa.bindparam("id", type_=sa.Uuid())),
                    {"id": user_id},
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO routine (id, owner_id, sort_order, name, created_at, "
                        "updated_at) VALUES (:id, :owner, 0, 'Mine', CURRENT_TIMESTAMP, "
                        "CURRENT_TIMESTAMP)"
                    ).bindparams(
                        sa.bindparam("id", type_=sa.Uuid()), sa.bindparam("owner", type_=sa.Uuid())
                    ),
                    {"id": routine_id, "owner": user_id},
                )
                conn.execute(
                    sa.text(
                        "INSERT INTO routine_step (routine_id, position, exercise_id, sets, reps, "
                        "per_side) VALUES (:routine, 1, :move, 1, 5, false)"
                    ).bindparams(sa.bindparam("routine", type_=sa.Uuid())),
                    {"routine": routine_id, "move": move_id},
                )

            migrate(url)
            for table in ("exercise", "exercise_target", "routine", "routine_step"):
                assert count(engine, table) == 1, table
            with engine.connect() as conn:
                basis = conn.execute(sa.text("SELECT basis FROM exercise_target")).scalar_one()
            # Nothing is claimed as the article's until the seed says so.
            assert basis == "inferred"
            # The seed then fills in the provenance, updating the move in place.
            loader.load_all(engine)
            with engine.connect() as conn:
                still = conn.execute(
                    sa.text(
                        "SELECT exercise_id FROM routine_step WHERE routine_id = :r"
                    ).bindparams(sa.bindparam("r", type_=sa.Uuid())),
                    {"r": routine_id},
                ).scalar_one()
            assert still == move_id
            assert count(engine, "exercise") == 5

            cfg = alembic_config(url)
            cfg.attributes["configure_logger"] = False
            command.downgrade(cfg, BEFORE)
            assert count(engine, "exercise") == 5
            assert count(engine, "exercise_target") == 12
            assert count(engine, "routine_step") >= 1
        finally:
            engine.dispose()
