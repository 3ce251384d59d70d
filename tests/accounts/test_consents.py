"""Explicit consent: the versions accepted at sign-up, health-data consent given and
withdrawn, and health-data writes refused without it."""

import pytest
from fastapi.testclient import TestClient

from tests.factories import AFTER_SAMPLES, POLICY_VERSION, AuthUser, register_user, session_payload

CONSENT_REQUIRED = "https://backpain.example/problems/consent-required"


def _consent(client: TestClient, user: AuthUser, granted: bool = True, **changes: str) -> dict:
    body = {"purpose": "health_data", "version": POLICY_VERSION, "granted": granted} | changes
    response = client.post("/v1/me/consents", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    assert response.headers["Location"] == "/v1/me/consents"
    return dict(response.json())


def _log(client: TestClient, user: AuthUser) -> int:
    response = client.post("/v1/progress/sessions", json=session_payload(), headers=user.headers)
    return response.status_code


def test_current_policies_come_from_the_seed(client: TestClient) -> None:
    body = client.get("/v1/policies").json()
    assert body["count"] == 2
    assert {(p["kind"], p["version"]) for p in body["data"]} == {
        ("terms", POLICY_VERSION),
        ("privacy_notice", POLICY_VERSION),
    }


def test_sign_up_records_the_versions_accepted_and_when(client: TestClient) -> None:
    user = register_user(client)
    body = client.get("/v1/me/consents", headers=user.headers).json()
    assert body["terms_version"] == POLICY_VERSION
    assert body["privacy_notice_version"] == POLICY_VERSION
    assert body["health_data"] is True
    assert {r["purpose"] for r in body["history"]} == {"terms", "privacy_notice", "health_data"}
    assert all(r["granted"] and r["recorded_at"] for r in body["history"])
    assert body["your_data"] == {"export": "/v1/me/export", "delete": "/v1/me"}


@pytest.mark.time_machine(AFTER_SAMPLES)
def test_health_data_is_refused_until_consent_is_given(client: TestClient) -> None:
    user = register_user(client, health_data_consent=False)
    assert client.get("/v1/me", headers=user.headers).json()["health_data_consent"] is False
    response = client.post("/v1/progress/sessions", json=session_payload(), headers=user.headers)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == CONSENT_REQUIRED
    # The problem says exactly what to send, in words and as a request a client can send.
    wanted = {"purpose": "health_data", "version": POLICY_VERSION}
    assert problem["fix"] == {"method": "POST", "path": "/v1/me/consents", "body": wanted}
    assert (
        f'POST /v1/me/consents {{"purpose": "health_data", "version": "{POLICY_VERSION}"}}'
        in problem["detail"]
    )

    fix = problem["fix"]
    given = client.request(fix["method"], fix["path"], json=fix["body"], headers=user.headers)
    assert given.status_code == 201, given.text
    assert given.json()["health_data"] is True
    assert _log(client, user) == 201


@pytest.mark.time_machine(AFTER_SAMPLES)
def test_withdrawing_stops_new_health_data_but_keeps_it_visible_exportable_deletable(
    client: TestClient, alice: AuthUser
) -> None:
    logged = client.post("/v1/progress/sessions", json=session_payload(), headers=alice.headers)
    assert logged.status_code == 201
    overview = _consent(client, alice, granted=False)
    assert overview["health_data"] is False
    assert overview["history"][0]["granted"] is False
    assert overview["your_data"]["export"] == "/v1/me/export"
    assert _log(client, alice) == 403

    listed = client.get("/v1/progress/sessions", headers=alice.headers).json()
    assert listed["count"] == 1
    export = client.get("/v1/me/export", headers=alice.headers).json()
    assert len(export["sessions"]) == 1
    assert [c["granted"] for c in export["consents"] if c["purpose"] == "health_data"] == [
        True,
        False,
    ]
    session_id = logged.json()["id"]
    deleted = client.delete(f"/v1/progress/sessions/{session_id}", headers=alice.headers)
    assert deleted.status_code == 204


def test_a_consent_for_an_old_version_is_a_422_naming_the_field(
    client: TestClient, alice: AuthUser
) -> None:
    body = {"purpose": "health_data", "version": "2020-01-01"}
    response = client.post("/v1/me/consents", json=body, headers=alice.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.version"

    signup = client.post(
        "/v1/auth/register",
        json={
            "email": "old-terms@example.com",
            "password": "correct horse battery",
            "consents": [{"purpose": "terms", "version": "2020-01-01"}],
        },
    )
    assert signup.status_code == 422
    assert signup.json()["errors"][0]["field"] == "body.consents.0.version"


def test_only_health_data_consent_can_be_withdrawn(client: TestClient, alice: AuthUser) -> None:
    body = {"purpose": "terms", "version": POLICY_VERSION, "granted": False}
    response = client.post("/v1/me/consents", json=body, headers=alice.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.granted"


def test_a_purpose_given_twice_at_sign_up_is_recorded_once(client: TestClient) -> None:
    consent = {"purpose": "terms", "version": POLICY_VERSION}
    response = client.post(
        "/v1/auth/register",
        json={
            "email": "twice@example.com",
            "password": "correct horse battery",
            "consents": [consent, consent],
        },
    )
    assert response.status_code == 201
    tokens = client.post(
        "/v1/auth/token",
        data={"username": "twice@example.com", "password": "correct horse battery"},
    ).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    history = client.get("/v1/me/consents", headers=headers).json()["history"]
    assert [r["purpose"] for r in history] == ["terms"]
