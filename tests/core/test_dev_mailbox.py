"""Development without an SMTP server shows each email in full, in the log and at
`GET /dev/mailbox`, so an address can be verified and a password reset on a laptop; production
has no such route, and the contract never mentions it."""

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.core.config import Environment, Settings
from app.core.dev_mailbox import DEV_MAILBOX_PATH, DevMailbox, KeptMessage
from app.core.mail import LogMailer, mailer_from_settings
from app.main import create_app
from tests.factories import register_user

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "pH7qK2vX9mR4tW8zL3nB6cY1dF5gJ0sA-strong-production-key"


def _mail_to(client: TestClient, address: str) -> list[dict]:
    response = client.get(DEV_MAILBOX_PATH, params={"to": address})
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json()
    assert body["count"] == len(body["data"])
    return list(body["data"])


def test_a_newcomer_verifies_the_address_from_the_development_mailbox(
    client: TestClient,
) -> None:
    user = register_user(client)
    [message] = _mail_to(client, user.email)
    assert message["to"] == user.email
    assert message["subject"] == "Confirm your email address for Back Pain Relief"
    [link] = message["links"]
    assert link["url"] in message["text"] and f"?token={link['token']}" in link["url"]

    verified = client.post("/v1/auth/verify-email", json={"token": link["token"]})
    assert verified.status_code == 204, verified.text
    assert client.get("/v1/me", headers=user.headers).json()["email_verified"] is True


def test_a_newcomer_resets_a_password_from_the_development_mailbox(client: TestClient) -> None:
    user = register_user(client)
    assert client.post("/v1/auth/password-reset", json={"email": user.email}).status_code == 202
    newest = _mail_to(client, user.email)[0]
    assert "reset" in newest["subject"].lower()
    token = newest["links"][0]["token"]

    confirmed = client.post(
        "/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a brand new passphrase"},
    )
    assert confirmed.status_code == 204, confirmed.text
    signed_in = client.post(
        "/v1/auth/token",
        data={"username": user.email, "password": "a brand new passphrase"},
    )
    assert signed_in.status_code == 200


def test_the_log_holds_the_whole_message(caplog: pytest.LogCaptureFixture) -> None:
    from app.core.mail import Message

    with caplog.at_level(logging.INFO, logger="app.mail"):
        LogMailer().send(
            Message(
                to="log@example.com",
                subject="Reset your password",
                text="Open https://app.backpain.example/reset-password?token=abc_123 now.\n",
                html="<p>ignored</p>",
            )
        )
    [record] = [r for r in caplog.records if r.name == "app.mail"]
    logged = record.getMessage()
    assert "to=log@example.com" in logged and "subject=Reset your password" in logged
    assert "https://app.backpain.example/reset-password?token=abc_123" in logged
    assert DEV_MAILBOX_PATH in logged


def test_the_mailbox_keeps_the_newest_messages_first_and_finds_by_address() -> None:
    box = DevMailbox(capacity=2)
    for n in range(3):
        box.add(f"P{n}@Example.com", f"subject {n}", "no link here")
    assert [m.subject for m in box.messages()] == ["subject 2", "subject 1"]
    assert [m.subject for m in box.messages(" p1@example.com ")] == ["subject 1"]


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("no link", []),
        (
            "https://a.example/verify-email?token=T-1_x\nand https://a.example/help",
            [
                {"url": "https://a.example/verify-email?token=T-1_x", "token": "T-1_x"},
                {"url": "https://a.example/help", "token": None},
            ],
        ),
    ],
)
def test_links_and_their_tokens(text: str, links: list[dict]) -> None:
    from datetime import UTC, datetime

    message = KeptMessage("a@example.com", "s", text, datetime(2026, 1, 1, tzinfo=UTC))
    assert message.links() == links


def _app(**settings: object) -> TestClient:
    return TestClient(create_app(Settings(**settings)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "settings",
    [
        {"environment": Environment.PRODUCTION, "jwt_secret": STRONG_KEY},
        {"environment": Environment.DEVELOPMENT, "smtp_host": "mail.example.com"},
    ],
    ids=["production", "development-with-smtp"],
)
def test_no_mailbox_outside_development_without_smtp(settings: dict[str, object]) -> None:
    client = _app(**settings)
    response = client.get(DEV_MAILBOX_PATH)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert not isinstance(mailer_from_settings(Settings(**settings)), LogMailer)  # type: ignore[arg-type]


def test_the_contract_never_mentions_the_mailbox() -> None:
    development = _app(environment=Environment.DEVELOPMENT)
    assert development.get(DEV_MAILBOX_PATH).status_code == 200
    assert not any(p.startswith("/dev") for p in development.app.openapi()["paths"])  # type: ignore[attr-defined]
    committed = json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))
    assert not any(p.startswith("/dev") for p in committed["paths"])
