"""Input meant to break things gets a 4xx naming the field, the same on SQLite and PostgreSQL,
and leaves nothing stored and no secret in the log."""

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.factories import (
    AFTER_SAMPLES,
    AuthUser,
    create_routine,
    register_user,
    routine_payload,
    session_payload,
)

PROBLEM = "application/problem+json"
NUL = "\x00"
OPENAPI = json.loads((Path(__file__).resolve().parents[2] / "openapi.json").read_text())


def assert_rejected(response: Any, field: str, status: int = 422) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    fields = [e["field"] for e in body.get("errors", [])]
    assert field in fields, fields
    return body


@pytest.fixture()
def user(client: TestClient) -> AuthUser:
    return register_user(client)


def signup(**changes: Any) -> dict[str, Any]:
    return {"email": "nul@example.com", "password": "correct horse battery"} | changes


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (signup(email=f"a{NUL}b@example.com"), "body.email"),
        (signup(password=f"correct horse{NUL}battery"), "body.password"),
        (signup(display_name=f"Ana{NUL}"), "body.display_name"),
        (signup(timezone=f"Europe/Berlin{NUL}"), "body.timezone"),
        (signup(email="x" * 250 + "@example.com"), "body.email"),
        (signup(password="p" * 129), "body.password"),
        (signup(display_name="A" * 101), "body.display_name"),
        (signup(usual_areas=["lower"] * 4), "body.usual_areas"),
    ],
)
def test_registration(client: TestClient, body: dict[str, Any], field: str) -> None:
    assert_rejected(client.post("/v1/auth/register", json=body), field)
    # Nothing was created: the address is still free.
    created = client.post("/v1/auth/register", json=signup(email="nul@example.com"))
    assert created.status_code == 201


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"username": f"ana{NUL}@example.com", "password": "whatever123"}, "body.username"),
        ({"username": "ana@example.com", "password": f"what{NUL}ever"}, "body.password"),
        ({"username": "a" * 255, "password": "whatever123"}, "body.username"),
        (
            {"username": "ana@example.com", "password": "x", "grant_type": "magic"},
            "body.grant_type",
        ),
    ],
)
def test_sign_in(client: TestClient, form: dict[str, str], field: str) -> None:
    assert_rejected(client.post("/v1/auth/token", data=form), field)


def test_refresh_token_with_nul(client: TestClient) -> None:
    response = client.post("/v1/auth/refresh", json={"refresh_token": f"abc{NUL}def"})
    assert_rejected(response, "body.refresh_token")


def test_profile_changes(client: TestClient, user: AuthUser) -> None:
    for body, field in [
        ({"display_name": f"A{NUL}"}, "body.display_name"),
        ({"timezone": NUL}, "body.timezone"),
        ({"display_name": "A" * 101}, "body.display_name"),
    ]:
        assert_rejected(client.patch("/v1/me", json=body, headers=user.headers), field)
    assert client.get("/v1/me", headers=user.headers).json()["display_name"] is None


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/exercises?q=%00", "query.q"),
        ("/v1/exercises?q=" + "a" * 101, "query.q"),
        ("/v1/exercises/cat%00camel", "path.slug"),
        ("/v1/exercises/" + "a" * 65, "path.slug"),
        ("/v1/exercises?limit=101", "query.limit"),
        ("/v1/exercises?offset=-1", "query.offset"),
    ],
)
def test_catalog_queries(client: TestClient, path: str, field: str) -> None:
    assert_rejected(client.get(path), field)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": f"Morning{NUL}"}, "body.name"),
        ({"description": f"Gentle{NUL}"}, "body.description"),
        ({"name": "N" * 121}, "body.name"),
        ({"description": "d" * 2001}, "body.description"),
        ({"areas": ["lower"] * 7}, "body.areas"),
        (
            {"steps": [{"exercise_slug": f"knee{NUL}rolls", "reps": 6}]},
            "body.steps.0.exercise_slug",
        ),
        ({"steps": [{"exercise_slug": "knee-rolls", "reps": 6}] * 21}, "body.steps"),
        ({"steps": [{"exercise_slug": "knee-rolls", "reps": 51}]}, "body.steps.0.reps"),
    ],
)
def test_routines(client: TestClient, user: AuthUser, changes: dict[str, Any], field: str) -> None:
    body = routine_payload(**changes)
    assert_rejected(client.post("/v1/routines", json=body, headers=user.headers), field)
    mine = create_routine(client, user)
    patch = {k: v for k, v in changes.items()}
    response = client.patch(f"/v1/routines/{mine['id']}", json=patch, headers=user.headers)
    assert_rejected(response, field)
    assert client.get(f"/v1/routines/{mine['id']}", headers=user.headers).json() == mine


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"notes": f"Stiff{NUL}"}, "body.notes"),
        ({"notes": "n" * 2001}, "body.notes"),
        (
            {"exercises": [{"exercise_slug": f"knee{NUL}", "reps": 8}]},
            "body.exercises.0.exercise_slug",
        ),
        ({"exercises": [{"exercise_slug": "knee-rolls", "reps": 8}] * 31}, "body.exercises"),
        ({"pain_before": 11}, "body.pain_before"),
        (
            {
                "started_at": "0001-01-01T00:00:00+05:00",
                "completed_at": "0001-01-01T00:10:00+05:00",
            },
            "body.started_at",
        ),
        (
            {
                "started_at": "9999-12-31T23:00:00-05:00",
                "completed_at": "9999-12-31T23:59:59-05:00",
            },
            "body.started_at",
        ),
        ({"started_at": "1999-06-01T07:00:00Z"}, "body.started_at"),
        ({"completed_at": "2026-11-20T07:42:00"}, "body.completed_at"),
    ],
)
def test_sessions(client: TestClient, user: AuthUser, changes: dict[str, Any], field: str) -> None:
    response = client.post(
        "/v1/progress/sessions", json=session_payload(**changes), headers=user.headers
    )
    assert_rejected(response, field)
    assert client.get("/v1/progress/sessions", headers=user.headers).json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=0001-01-01", "query.from"),
        ("to=9999-12-31", "query.to"),
        ("from=2026-13-01", "query.from"),
        ("area=%00", "query.area"),
    ],
)
def test_session_list_queries(client: TestClient, user: AuthUser, query: str, field: str) -> None:
    response = client.get(f"/v1/progress/sessions?{query}", headers=user.headers)
    assert_rejected(response, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"area": "lower", "pain_level": 3, "red_flags": [f"fever{NUL}"], "cautions": []},
            "body.red_flags.0",
        ),
        ({"area": f"lower{NUL}", "pain_level": 3, "red_flags": [], "cautions": []}, "body.area"),
        (
            {
                "area": "lower",
                "pain_level": 3,
                "red_flags": [],
                "cautions": [],
                "limitations": [NUL],
            },
            "body.limitations.0",
        ),
    ],
)
def test_recommendations(client: TestClient, body: dict[str, Any], field: str) -> None:
    assert_rejected(client.post("/v1/recommendations", json=body), field)


# --- the contract says so, for every operation ------------------------------------------


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = OPENAPI["components"]["schemas"][schema["$ref"].rpartition("/")[2]]
    return schema


def _unbounded(schema: dict[str, Any], where: str, seen: set[str]) -> Iterator[str]:
    if "$ref" in schema:
        name = schema["$ref"].rpartition("/")[2]
        if name in seen:
            return
        seen = seen | {name}
    schema = _resolve(schema)
    for variant in schema.get("anyOf", []) + schema.get("oneOf", []) + schema.get("allOf", []):
        yield from _unbounded(variant, where, seen)
    kind = schema.get("type")
    if kind == "string" and not ({"enum", "const", "format"} & set(schema)):
        if "maxLength" not in schema:
            yield f"{where}: string without maxLength"
        if "pattern" not in schema:
            yield f"{where}: string without a pattern"
    elif kind == "string" and "format" in schema:
        # Ids, dates and instants too: a format bounds nothing for a generator or a gateway.
        if "maxLength" not in schema:
            yield f"{where}: {schema['format']} string without maxLength"
    elif (kind == "integer" and not ({"minimum", "exclusiveMinimum"} & set(schema))) or (
        kind == "integer" and not ({"maximum", "exclusiveMaximum"} & set(schema))
    ):
        yield f"{where}: integer without both bounds"
    elif kind == "array":
        if "maxItems" not in schema:
            yield f"{where}: array without maxItems"
        yield from _unbounded(schema.get("items", {}), f"{where}[]", seen)
    elif kind == "object":
        for name, prop in schema.get("properties", {}).items():
            yield from _unbounded(prop, f"{where}.{name}", seen)


def test_every_request_string_array_and_integer_is_bounded_in_the_contract() -> None:
    problems: list[str] = []
    for path, item in OPENAPI["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            for param in operation.get("parameters", []):
                if "$ref" in param:
                    # A shared parameter (Accept-Language), documented once.
                    param = OPENAPI["components"]["parameters"][param["$ref"].rsplit("/", 1)[1]]
                if param["name"] == "Accept-Language":
                    # Read, never refused: past its length it names no language, so English.
                    continue
                problems += _unbounded(param["schema"], f"{where} {param['name']}", set())
            for media in operation.get("requestBody", {}).get("content", {}).values():
                problems += _unbounded(media["schema"], f"{where} body", set())
    assert problems == []


# --- a failed statement leaves no secret in the log -------------------------------------


@pytest.mark.time_machine(AFTER_SAMPLES)
def test_failed_statements_log_no_password_hash_note_or_token(
    client: TestClient, db: Session, user: AuthUser, caplog: pytest.LogCaptureFixture
) -> None:
    notes = "private-note-7f3a about my back"

    def break_table(name: str) -> None:
        # The next write fails inside the database, as after a botched migration; the
        # request's rollback puts the table back.
        db.connection().exec_driver_sql(f"ALTER TABLE {name} RENAME TO {name}_gone")

    with caplog.at_level(logging.DEBUG):
        break_table("progress_session")
        logged = client.post(
            "/v1/progress/sessions", json=session_payload(notes=notes), headers=user.headers
        )
        break_table("user_account")
        signed_up = client.post(
            "/v1/auth/register",
            json={"email": "secret-owner@example.com", "password": "correct horse battery"},
        )
    assert logged.status_code in (500, 503) and signed_up.status_code in (500, 503)
    everything = caplog.text + "".join(
        logging.Formatter().formatException(r.exc_info) for r in caplog.records if r.exc_info
    )
    assert caplog.records, "the failure was not logged at all"
    for secret in (notes, "$argon2", user.access_token, "correct horse battery"):
        assert secret not in everything
    for response in (logged, signed_up):
        assert response.headers["content-type"] == PROBLEM
        assert "Traceback" not in response.text and "SELECT" not in response.text


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", "/v1/progress/sessions/urn:uuid:{id}", None, "path.session_id"),
        ("DELETE", "/v1/routines/{{{id}}}", None, "path.routine_id"),
        ("GET", "/v1/checkins?from=2026-11-23T00:00:00", None, "query.from"),
        (
            "POST",
            "/v1/checkins",
            {"recorded_at": "2026-11-23T08:00:00.0000000000+00:00", "pain": 3},
            "body.recorded_at",
        ),
    ],
)
def test_ids_and_dates_longer_than_the_contract_says_are_refused(
    client: TestClient, user: AuthUser, method: str, path: str, body: Any, field: str
) -> None:
    """The contract bounds every string a client sends; forms longer than the documented
    `maxLength` are refused by name, not accepted by a looser parser."""
    url = path.format(id="12345678-1234-5678-1234-567812345678")
    response = client.request(method, url, json=body, headers=user.headers)
    problem = assert_rejected(response, field)
    assert "at most" in json.dumps(problem)
