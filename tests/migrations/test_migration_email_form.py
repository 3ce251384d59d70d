"""The email normal-form migration: addresses are rewritten to their one form, and accounts
that share a form are left alone and reported by id, on either engine."""

import logging
import unicodedata
import uuid

import pytest
import sqlalchemy as sa

from tests.support import fresh_database, migrate

BEFORE = "20261206_clinician_shares"
NFC = unicodedata.normalize("NFC", "josé")
NFD = unicodedata.normalize("NFD", "josé")


def test_addresses_take_their_form_and_collisions_are_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    accounts = {
        uuid.uuid4(): "Ana@Example.com.",
        uuid.uuid4(): "ben@bücher.example",
        uuid.uuid4(): f"{NFC}@example.com",
        uuid.uuid4(): f"{NFD}@example.com",
        uuid.uuid4(): "cara@example.com",
    }
    ids = list(accounts)
    with fresh_database() as url:
        migrate(url, BEFORE)
        engine = sa.create_engine(url)
        try:
            with engine.begin() as conn:
                for user_id, email in accounts.items():
                    conn.execute(
                        sa.text(
                            "INSERT INTO user_account (id, email, password_hash, timezone, "
                            "usual_areas, created_at) VALUES (:id, :email, 'x', 'UTC', '[]', "
                            "CURRENT_TIMESTAMP)"
                        ).bindparams(sa.bindparam("id", type_=sa.Uuid())),
                        {"id": user_id, "email": email},
                    )
            with caplog.at_level(logging.WARNING, logger="alembic.runtime.migration"):
                migrate(url)
            with engine.connect() as conn:
                users = sa.table(
                    "user_account", sa.column("id", sa.Uuid()), sa.column("email", sa.String())
                )
                stored = dict(conn.execute(sa.select(users.c.id, users.c.email)).all())
        finally:
            engine.dispose()
    assert stored[ids[0]] == "ana@example.com"
    assert stored[ids[1]] == "ben@xn--bcher-kva.example"
    # The two spellings of one mailbox: both kept as they were, and reported by id.
    assert stored[ids[2]] == accounts[ids[2]] and stored[ids[3]] == accounts[ids[3]]
    assert stored[ids[4]] == "cara@example.com"
    reports = [r.getMessage() for r in caplog.records if "email normal form" in r.getMessage()]
    assert len(reports) == 1
    assert str(ids[2]) in reports[0] and str(ids[3]) in reports[0]
    assert "@" not in reports[0]
