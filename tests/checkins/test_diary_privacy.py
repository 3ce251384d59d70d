"""The diary's personal data, as its domains declare it for the account export and deletion:
each source exports the person's rows and deletes them, and the account's deletion removes
them all (ON DELETE CASCADE)."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema_rs import Draft202012Validator
from sqlmodel import Session, select

from app.attention.models import AttentionAcknowledgement
from app.checkins.models import Checkin
from app.main import PERSONAL_DATA, app
from app.outcomes.models import PegResponse
from tests.factories import AuthUser, freeze_now

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
TABLES: dict[str, type[Any]] = {
    "checkins": Checkin,
    "peg_responses": PegResponse,
    "attention": AttentionAcknowledgement,
}


@pytest.fixture()
def diary(client: TestClient, alice: AuthUser) -> AuthUser:
    freeze_now(NOW)
    checkin = {"recorded_at": "2026-11-20T12:00:00Z", "pain": 4, "red_flags": ["night_pain"]}
    assert client.post("/v1/checkins", json=checkin, headers=alice.headers).status_code == 201
    peg = {"answered_at": "2026-11-20T12:00:00Z", "pain": 5, "enjoyment": 4, "activity": 6}
    assert (
        client.post("/v1/outcomes/peg/responses", json=peg, headers=alice.headers).status_code
        == 201
    )
    (item,) = client.get("/v1/progress/attention", headers=alice.headers).json()["data"]
    client.post(f"/v1/progress/attention/{item['id']}/acknowledge", headers=alice.headers)
    return alice


def test_each_source_exports_and_deletes(diary: AuthUser, db: Session) -> None:
    user_id = uuid.UUID(diary.id)
    registered = {s.section: s for s in PERSONAL_DATA}
    for section, table in TABLES.items():
        source = registered[section]
        assert source.tables == (table,)
        assert len(source.export(db, user_id)) == 1, section
    for section, table in TABLES.items():
        registered[section].delete(db, user_id)
        db.flush()
        assert db.exec(select(table).where(table.user_id == user_id)).all() == []


def test_the_export_holds_the_figures(diary: AuthUser, db: Session) -> None:
    registered = {s.section: s for s in PERSONAL_DATA}
    user_id = uuid.UUID(diary.id)
    (checkin,) = registered["checkins"].export(db, user_id)
    assert (checkin["local_date"], checkin["pain"], checkin["red_flags"]) == (
        "2026-11-20",
        4,
        ["night_pain"],
    )
    (peg,) = registered["peg_responses"].export(db, user_id)
    assert peg["score"] == 5.0
    (item,) = registered["attention"].export(db, user_id)
    assert item["kind"] == "warning_sign" and item["status"] == "acknowledged"


def test_account_deletion_removes_the_diary(
    client: TestClient, diary: AuthUser, db: Session
) -> None:
    assert client.delete("/v1/me", headers=diary.headers).status_code == 204
    user_id = uuid.UUID(diary.id)
    for table in TABLES.values():
        assert db.exec(select(table).where(table.user_id == user_id)).all() == []


def test_the_contract_types_every_section_of_the_export(
    client: TestClient, diary: AuthUser
) -> None:
    """A generated client reads the whole export from the contract: every section arrives
    declared, and the answer validates against the documented schema, which admits nothing
    undeclared."""
    export = client.get("/v1/me/export", headers=diary.headers).json()
    document = app.openapi()
    schema = {**document, "$ref": "#/components/schemas/AccountExport"}
    declared = document["components"]["schemas"]["AccountExport"]
    assert set(export) == set(declared["properties"]) == set(declared["required"])
    assert declared["additionalProperties"] is False
    assert {s.section for s in PERSONAL_DATA} <= set(export)
    assert all(export[section] for section in ("checkins", "peg_responses", "attention"))
    Draft202012Validator(schema).validate(export)
