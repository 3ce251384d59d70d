"""Share links through the API: created with a consent and kept only as a hash, opened by a
clinician (logged, rate limited), listed with their openings, revoked or expired (410), ended
by withdrawing health-data consent or deleting the account, and invisible to anyone else."""

import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient
from limits import RateLimitItemPerHour
from sqlalchemy import select
from sqlmodel import Session

from app.core.ratelimit import SHARE_ADDRESS_BUCKET, SHARE_LINK_BUCKET, Limiter, PrunedMemoryStorage
from app.shares.models import ClinicianShare
from tests.factories import POLICY_VERSION, AuthUser, log_session, login, set_timezone

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
BROWSER = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
}
FHIR_CLIENT = {"User-Agent": "HAPI-FHIR/7.0.0 (FHIR Client; FHIR 4.0.1/R4; apache)"}


@pytest.fixture(autouse=True)
def pinned_clock(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


def fill_diary(client: TestClient, user: AuthUser) -> None:
    """Two weeks of check-ins (a night-pain answer on the 9th), two PEG responses and a
    session, in Chicago."""
    set_timezone(client, user, "America/Chicago")
    pains = [5, 5, 4, 4, 5, 3, 4, 4, 3, 3, 3, 2, 3, 2]
    for day, pain in enumerate(pains, start=1):
        body: dict[str, Any] = {"recorded_at": f"2026-11-{day:02d}T20:00:00-06:00", "pain": pain}
        if day == 9:
            body |= {"red_flags": ["night_pain"], "notes": "Woke at 3am <b>sore</b>"}
        assert client.post("/v1/checkins", json=body, headers=user.headers).status_code == 201
    for when, score in [("2026-11-02", 6), ("2026-11-16", 4)]:
        peg = {
            "answered_at": f"{when}T18:00:00Z",
            "pain": score,
            "enjoyment": score,
            "activity": score,
        }
        assert (
            client.post("/v1/outcomes/peg/responses", json=peg, headers=user.headers).status_code
            == 201
        )
    log_session(
        client,
        user,
        started_at="2026-11-12T07:30:00-06:00",
        completed_at="2026-11-12T07:45:00-06:00",
        pain_before=3,
        pain_after=2,
    )


def share(client: TestClient, user: AuthUser, **changes: Any) -> dict[str, Any]:
    body = {"from": "2026-11-01", "to": "2026-11-24", "expires_in_days": 14} | changes
    response = client.post("/v1/me/shares", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    return response.json()


def path_of(created: dict[str, Any]) -> str:
    return created["url"].removeprefix("http://testserver")


def test_a_share_opens_as_a_page_and_is_logged(
    client: TestClient, alice: AuthUser, db: Session
) -> None:
    fill_diary(client, alice)
    created = share(client, alice)
    assert created["status"] == "active"
    assert created["scopes"] == ["summary", "diary", "peg", "sessions", "safety"]
    assert (created["from"], created["to"]) == ("2026-11-01", "2026-11-24")
    assert created["expires_at"] == "2026-12-08T18:00:00Z"
    token = re.fullmatch(r"http://testserver/s/([A-Za-z0-9_-]+)", created["url"])
    assert token is not None and len(token.group(1)) >= 43  # 32 bytes: 256 bits
    # Only the hash is kept.
    row = db.execute(select(ClinicianShare)).scalars().one()
    assert row.token_hash == hashlib.sha256(token.group(1).encode()).hexdigest()
    assert token.group(1) not in str(client.get("/v1/me/shares", headers=alice.headers).json())

    opened = client.get(path_of(created), headers=BROWSER)
    assert opened.status_code == 200
    assert opened.headers["content-type"] == "text/html; charset=utf-8"
    csp = opened.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/=]+'", csp)
    assert opened.headers["x-robots-tag"].startswith("noindex")
    assert opened.headers["cache-control"] == "no-store"
    assert opened.headers["referrer-policy"] == "no-referrer"
    html = opened.text
    assert "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert html.index("Alerts") < html.index("Summary") < html.index("Charts")
    assert "Woke at 3am &lt;b&gt;sore&lt;/b&gt;" in html  # the person's text, escaped
    assert "be seen today" in html.lower()
    assert html.count("<svg") == 2
    assert f'href="{path_of(created)}/report.pdf"' in html and "/fhir" in html

    assert client.get(path_of(created) + "/fhir", headers=FHIR_CLIENT).status_code == 200
    csv = client.get(path_of(created) + "/report.csv", headers={"User-Agent": "curl/8.5"})
    assert csv.status_code == 200 and csv.text.startswith("date,checkin_pain")

    accesses = client.get(f"/v1/me/shares/{created['id']}/accesses", headers=alice.headers)
    assert accesses.status_code == 200
    # All at the same pinned instant: compared as a set.
    assert sorted((a["opened"], a["client"]) for a in accesses.json()["data"]) == [
        ("csv", "script"),
        ("fhir", "fhir_client"),
        ("page", "browser"),
    ]
    assert accesses.json()["count"] == 3
    listed = client.get("/v1/me/shares", headers=alice.headers).json()
    assert listed["count"] == 1 and listed["data"][0]["access_count"] == 3
    assert listed["data"][0]["last_accessed_at"] == "2026-11-24T18:00:00Z"


def test_creating_a_share_records_the_consent(client: TestClient, alice: AuthUser) -> None:
    share(client, alice)
    history = client.get("/v1/me/consents", headers=alice.headers).json()["history"]
    (given,) = [c for c in history if c["purpose"] == "share_with_clinician"]
    assert given["version"] == POLICY_VERSION and given["granted"] is True
    assert given["recorded_at"] == "2026-11-24T18:00:00Z"
    # Given only by creating a share.
    direct = client.post(
        "/v1/me/consents",
        json={"purpose": "share_with_clinician", "version": POLICY_VERSION},
        headers=alice.headers,
    )
    assert direct.status_code == 422
    assert ["body", "purpose"] in [e["loc"] for e in direct.json()["errors"]]


def test_revoking_ends_the_link_at_once(client: TestClient, alice: AuthUser) -> None:
    created = share(client, alice)
    assert client.get(path_of(created)).status_code == 200
    revoke = client.delete(f"/v1/me/shares/{created['id']}", headers=alice.headers)
    assert revoke.status_code == 204
    for suffix in ("", "/report.pdf", "/report.csv", "/fhir"):
        gone = client.get(path_of(created) + suffix)
        assert gone.status_code == 410, suffix
        assert gone.headers["cache-control"] == "no-store"
    page = client.get(path_of(created))
    assert "No longer available" in page.text and "Alerts" not in page.text
    outcome = client.get(path_of(created) + "/fhir").json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "expired"
    got = client.get(f"/v1/me/shares/{created['id']}", headers=alice.headers).json()
    assert got["status"] == "revoked" and got["ended_at"] == "2026-11-24T18:00:00Z"


def test_a_link_expires(
    client: TestClient, alice: AuthUser, time_machine: time_machine.TimeMachineFixture
) -> None:
    created = share(client, alice, expires_in_days=1)
    time_machine.move_to(NOW + timedelta(days=1) - timedelta(seconds=1), tick=False)
    assert client.get(path_of(created)).status_code == 200
    time_machine.move_to(NOW + timedelta(days=1), tick=False)
    assert client.get(path_of(created)).status_code == 410
    # A day later the access token has run out too: sign in again.
    headers = {"Authorization": f"Bearer {login(client, alice.email)['access_token']}"}
    listed = client.get("/v1/me/shares", headers=headers).json()["data"]
    assert listed[0]["status"] == "expired"


def test_an_altered_or_guessed_token_is_404(client: TestClient, alice: AuthUser) -> None:
    created = share(client, alice)
    path = path_of(created)
    altered = path[:-1] + ("A" if path[-1] != "A" else "B")
    for guess in (altered, "/s/" + "x" * 43, "/s/short", "/s/%00%ff"):
        response = client.get(guess)
        assert response.status_code == 404, guess
        assert "No longer available" in response.text
    assert client.get(altered + "/fhir").json()["issue"][0]["code"] == "not-found"
    # A wrong token leaves no trace on the real one.
    accesses = client.get(f"/v1/me/shares/{created['id']}/accesses", headers=alice.headers)
    assert accesses.json()["count"] == 0


def test_another_persons_share_is_invisible(
    client: TestClient, alice: AuthUser, bob: AuthUser
) -> None:
    created = share(client, alice)
    assert client.get("/v1/me/shares", headers=bob.headers).json()["count"] == 0
    for method, suffix in (("GET", ""), ("GET", "/accesses"), ("DELETE", "")):
        response = client.request(
            method, f"/v1/me/shares/{created['id']}{suffix}", headers=bob.headers
        )
        assert response.status_code == 404
        assert response.json()["type"].endswith("share-not-found")
    assert client.get(path_of(created)).status_code == 200


def test_partial_shares_show_only_what_is_shared(client: TestClient, alice: AuthUser) -> None:
    fill_diary(client, alice)
    created = share(client, alice, scopes=["peg"])
    html = client.get(path_of(created)).text
    assert "PEG responses" in html and "Daily check-ins" not in html
    assert "Woke at 3am" not in html and "Alerts" not in html
    assert "report.pdf" not in html
    assert client.get(path_of(created) + "/report.pdf").status_code == 404
    bundle = client.get(path_of(created) + "/fhir").json()
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {"Patient", "Questionnaire", "QuestionnaireResponse"}


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"expires_in_days": 91}, ["body", "expires_in_days"]),
        ({"expires_in_days": 0}, ["body", "expires_in_days"]),
        ({"scopes": []}, ["body", "scopes"]),
        ({"scopes": ["everything"]}, ["body", "scopes", 0]),
        ({"from": "2026-11-20", "to": "2026-11-10"}, ["body", "to"]),
        ({"to": "2026-12-30"}, ["body", "to"]),
        ({"clinician_email": "not an address"}, ["body", "clinician_email"]),
    ],
)
def test_bad_shares_are_422(
    client: TestClient, alice: AuthUser, changes: dict[str, Any], where: list[Any]
) -> None:
    body = {"from": "2026-11-01", "to": "2026-11-24", "expires_in_days": 14} | changes
    response = client.post("/v1/me/shares", json=body, headers=alice.headers)
    assert response.status_code == 422, response.text
    assert where in [e["loc"] for e in response.json()["errors"]]


def test_the_link_is_emailed_to_the_clinician(
    client: TestClient, alice: AuthUser, mailbox: Any
) -> None:
    created = share(client, alice, clinician_email="Physio@Clinic.example")
    assert created["clinician_email"] == "physio@clinic.example"
    (message,) = mailbox.to("physio@clinic.example")
    assert created["url"] in mailbox.text(message)
    assert "(November 1, 2026 to November 24, 2026)" in mailbox.text(message)
    assert "until December 8, 2026, 18:00 UTC" in mailbox.text(message)


@pytest.mark.parametrize(
    ("chosen", "accept_language", "subject", "words"),
    [
        (
            "es",
            "de",
            "Alice ha compartido con usted un diario de dolor de espalda",
            [
                "(del 1 de noviembre de 2026 al 24 de noviembre de 2026)",
                "hasta el 8 de diciembre de 2026, 18:00 UTC",
            ],
        ),
        (
            None,
            "de-AT",
            "Alice hat ein Rückenschmerz-Tagebuch mit Ihnen geteilt",
            ["(1. November 2026 bis 24. November 2026)", "bis 8. Dezember 2026, 18:00 UTC"],
        ),
    ],
)
def test_the_clinicians_email_is_in_the_persons_language(
    client: TestClient,
    alice: AuthUser,
    mailbox: Any,
    chosen: str | None,
    accept_language: str,
    subject: str,
    words: list[str],
) -> None:
    profile = {"language": chosen, "display_name": "Alice"}
    assert client.patch("/v1/me", json=profile, headers=alice.headers).status_code == 200
    headers = {**alice.headers, "Accept-Language": accept_language}
    created = client.post(
        "/v1/me/shares",
        json={
            "from": "2026-11-01",
            "to": "2026-11-24",
            "expires_in_days": 14,
            "clinician_email": "gp@practice.example",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    (message,) = mailbox.to("gp@practice.example")
    assert message["Subject"] == subject
    text = mailbox.text(message)
    assert created.json()["url"] in text
    assert all(w in text for w in words), text
    assert all(w in mailbox.html(message) for w in words)


def test_withdrawing_health_data_consent_ends_every_share(
    client: TestClient, alice: AuthUser
) -> None:
    first, second = share(client, alice), share(client, alice, scopes=["summary"])
    withdraw = client.post(
        "/v1/me/consents",
        json={"purpose": "health_data", "version": POLICY_VERSION, "granted": False},
        headers=alice.headers,
    )
    assert withdraw.status_code == 201
    for created in (first, second):
        assert client.get(path_of(created)).status_code == 410
    statuses = {
        s["status"] for s in client.get("/v1/me/shares", headers=alice.headers).json()["data"]
    }
    assert statuses == {"consent_withdrawn"}
    # Giving it again does not bring the links back.
    client.post(
        "/v1/me/consents",
        json={"purpose": "health_data", "version": POLICY_VERSION},
        headers=alice.headers,
    )
    assert client.get(path_of(first)).status_code == 410


def test_sharing_needs_health_data_consent(client: TestClient) -> None:
    from tests.factories import register_user

    carol = register_user(client, health_data_consent=False)
    response = client.post("/v1/me/shares", json={}, headers=carol.headers)
    assert response.status_code == 403


def test_export_holds_shares_and_openings_and_deletion_ends_them(
    client: TestClient, alice: AuthUser
) -> None:
    created = share(client, alice, clinician_email="gp@practice.example")
    client.get(path_of(created), headers=BROWSER)
    export = client.get("/v1/me/export", headers=alice.headers).json()
    (exported,) = export["shares"]
    assert exported["id"] == created["id"] and exported["clinician_email"] == "gp@practice.example"
    assert [(a["opened"], a["client"]) for a in exported["accesses"]] == [("page", "browser")]
    assert "url" not in exported and "token_hash" not in exported
    assert client.delete("/v1/me", headers=alice.headers).status_code == 204
    assert client.get(path_of(created)).status_code == 404


def test_openings_are_rate_limited_per_link(client: TestClient, alice: AuthUser) -> None:
    from app.main import app

    app.state.rate_limiter = Limiter(
        PrunedMemoryStorage(),
        {
            SHARE_LINK_BUCKET: RateLimitItemPerHour(3),
            SHARE_ADDRESS_BUCKET: RateLimitItemPerHour(100),
        },
    )
    created, other = share(client, alice), share(client, alice)
    assert [client.get(path_of(created)).status_code for _ in range(3)] == [200] * 3
    limited = client.get(path_of(created) + "/fhir")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert client.get(path_of(other)).status_code == 200
    # Refused openings are not logged.
    accesses = client.get(f"/v1/me/shares/{created['id']}/accesses", headers=alice.headers)
    assert accesses.json()["count"] == 3


def test_links_are_built_on_the_public_base_url(
    client: TestClient, alice: AuthUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core.config import get_settings

    monkeypatch.setattr(get_settings(), "public_base_url", "https://api.backpain.example")
    created = share(client, alice)
    assert created["url"].startswith("https://api.backpain.example/s/")
    assert created["fhir_url"] == created["url"] + "/fhir"


def test_any_wrong_token_costs_the_same_lookup(
    client: TestClient, alice: AuthUser, db: Session
) -> None:
    """No timing is measured (that would be luck); what decides the time is the same: a
    guessed, an altered and a malformed token each run exactly the same SQL, one indexed
    lookup of a SHA-256 digest, and never compare anything against the secret."""
    from sqlalchemy import event

    created = share(client, alice)
    path = path_of(created)
    engine = db.get_bind()
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # The test's savepoints are numbered; the statements are what matters.
        statements.append(re.sub(r"sa_savepoint_\d+", "sa_savepoint", statement))

    runs = []
    for wrong in (path[:-1] + ("A" if path[-1] != "A" else "B"), "/s/" + "x" * 43, "/s/x"):
        statements.clear()
        event.listen(engine, "before_cursor_execute", seen)
        try:
            assert client.get(wrong).status_code == 404
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        runs.append(list(statements))
    assert runs[0] == runs[1] == runs[2]
    lookups = [s for s in runs[0] if "clinician_share" in s]
    assert len(lookups) == 1 and "token_hash" in lookups[0]
