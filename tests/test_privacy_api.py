"""Export and deletion cover every table that holds a person's rows: each domain registers
its tables (its `privacy.py`), and a table with a `user_id` (or any reference to an account)
that no source names fails here."""

import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from app.models import import_all_models
from app.privacy.domains import DOMAINS, all_sources
from tests.factories import AFTER_SAMPLES, create_routine, log_session, register_user

APP = Path(__file__).resolve().parents[1] / "app"
ACCOUNT_TABLE = "user_account"


def _personal_tables() -> dict[str, str]:
    """Each table holding a person's rows, and the column that names the person."""
    import_all_models()
    found = {}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            refers = any(fk.column.table.name == ACCOUNT_TABLE for fk in column.foreign_keys)
            if refers or column.name == "user_id":
                found[table.name] = column.name
    return found


def test_every_table_with_a_persons_rows_is_exported_and_deleted() -> None:
    covered = {t.__tablename__ for source in all_sources() for t in source.tables}
    missing = sorted(set(_personal_tables()) - covered)
    assert missing == [], (
        f"tables holding a user_id that no personal data source names: {missing}; register "
        "them in the domain's privacy.py"
    )
    assert "progress_session" in _personal_tables()  # the check sees what it should


def test_every_domains_privacy_module_is_listed() -> None:
    modules = sorted(f"app.{path.parent.name}.privacy" for path in APP.glob("*/privacy.py"))
    assert modules == sorted(DOMAINS)


def test_each_source_has_a_section_of_the_export(client: TestClient) -> None:
    user = register_user(client)
    export = client.get("/v1/me/export", headers=user.headers).json()
    assert {s.section for s in all_sources()} <= set(export)


@pytest.mark.time_machine(AFTER_SAMPLES)
def test_deleting_the_account_leaves_no_row_of_it_anywhere(
    client: TestClient, session: Session
) -> None:
    user = register_user(client)
    routine = create_routine(client, user)
    log_session(client, user, routine_id=routine["id"])
    logged = log_session(client, user)
    client.delete(f"/v1/progress/sessions/{logged['id']}", headers=user.headers)
    client.delete(f"/v1/routines/{create_routine(client, user)['id']}", headers=user.headers)
    client.post("/v1/auth/password-reset", json={"email": user.email})

    tables = _personal_tables()
    metadata = SQLModel.metadata.tables
    user_id = uuid.UUID(user.id)

    def rows() -> dict[str, int]:
        counts = {}
        for name, column in tables.items():
            table = metadata[name]
            query = select(func.count()).select_from(table).where(table.c[column] == user_id)
            counts[name] = session.execute(query).scalar_one()
        return counts

    before = rows()
    assert all(before[t] > 0 for t in ("refresh_token", "consent_record", "email_outbox"))
    assert before["progress_session"] > 0 and before["routine_tombstone"] > 0
    assert client.delete("/v1/me", headers=user.headers).status_code == 204
    assert rows() == dict.fromkeys(tables, 0)
    assert client.get("/v1/me", headers=user.headers).status_code == 401
