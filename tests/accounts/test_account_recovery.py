"""Password change and reset, address verification, and the email outbox, through the API
with the messages read from a real SMTP server."""

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import EmailOutbox, OutboxStatus
from app.accounts.outbox import deliver_pending, enqueue
from app.core.clock import utcnow
from app.core.mail import Message
from tests.factories import DEFAULT_PASSWORD, AuthUser, freeze_now, login, register_user
from tests.mailbox import Mailbox

NEW_PASSWORD = "a different passphrase"
PROBLEM = "https://backpain.example/problems/"


def _sign_in_status(client: TestClient, email: str, password: str) -> int:
    response = client.post("/v1/auth/token", data={"username": email, "password": password})
    return response.status_code


def _refresh_status(client: TestClient, token: str) -> int:
    return client.post("/v1/auth/refresh", json={"refresh_token": token}).status_code


# --- password change -------------------------------------------------------------------


def test_changing_the_password_keeps_this_sign_in_and_ends_the_others(
    client: TestClient, mailbox: Mailbox
) -> None:
    user = register_user(client)
    other = login(client, user.email)
    response = client.post(
        "/v1/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        headers=user.headers,
    )
    assert response.status_code == 204, response.text
    assert _sign_in_status(client, user.email, DEFAULT_PASSWORD) == 401
    assert _sign_in_status(client, user.email, NEW_PASSWORD) == 200
    assert _refresh_status(client, other["refresh_token"]) == 401
    assert _refresh_status(client, user.refresh_token) == 200
    told = [m for m in mailbox.to(user.email) if "password was changed" in m["Subject"]]
    assert len(told) == 1


def test_a_wrong_current_password_changes_nothing(client: TestClient, alice: AuthUser) -> None:
    response = client.post(
        "/v1/me/password",
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
        headers=alice.headers,
    )
    assert response.status_code == 403
    assert response.json()["type"] == PROBLEM + "wrong-password"
    assert _sign_in_status(client, alice.email, DEFAULT_PASSWORD) == 200


def test_a_short_new_password_is_a_422_naming_it(client: TestClient, alice: AuthUser) -> None:
    response = client.post(
        "/v1/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": "short"},
        headers=alice.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.new_password"


def test_changing_the_password_needs_a_sign_in(client: TestClient) -> None:
    response = client.post(
        "/v1/me/password", json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 401


# --- password reset --------------------------------------------------------------------


def _ask_reset(client: TestClient, email: str) -> Any:
    return client.post("/v1/auth/password-reset", json={"email": email})


def test_reset_link_sets_the_password_once_and_ends_every_sign_in(
    client: TestClient, mailbox: Mailbox
) -> None:
    user = register_user(client, email="reset-me@example.com")
    asked = _ask_reset(client, "Reset-Me@example.com ")
    assert asked.status_code == 202
    [message] = [m for m in mailbox.to(user.email) if "Reset" in m["Subject"]]
    assert "30 minutes" in mailbox.text(message)
    token = mailbox.token(message)

    confirm = {"token": token, "new_password": NEW_PASSWORD}
    done = client.post("/v1/auth/password-reset/confirm", json=confirm)
    assert done.status_code == 204, done.text
    assert _refresh_status(client, user.refresh_token) == 401
    assert _sign_in_status(client, user.email, DEFAULT_PASSWORD) == 401
    assert _sign_in_status(client, user.email, NEW_PASSWORD) == 200

    again = client.post(
        "/v1/auth/password-reset/confirm", json={"token": token, "new_password": "third one here"}
    )
    assert again.status_code == 403
    assert again.json()["type"] == PROBLEM + "invalid-email-token"
    assert _sign_in_status(client, user.email, NEW_PASSWORD) == 200


def test_reset_answers_the_same_for_an_unknown_address(
    client: TestClient, mailbox: Mailbox
) -> None:
    user = register_user(client)
    known = _ask_reset(client, user.email)
    unknown = _ask_reset(client, "nobody-here@example.com")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert mailbox.to("nobody-here@example.com") == []


def test_the_reset_answer_is_sent_before_the_account_is_looked_up(
    client: TestClient, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same work before the answer for a known and an unknown address: none. The look-up,
    the token and the email come after the answer is made, so its timing cannot reveal them.
    (Whether a test client hands the answer over before its background tasks run depends on
    the Starlette version, so the order is read where the answer is made.)"""
    from app.accounts import router, service

    user = register_user(client)
    looked_up: list[str] = []
    made: list[list[str]] = []
    real_lookup = service.request_password_reset
    real_answer = router.Accepted

    def answer(**fields: Any) -> Any:
        made.append(list(looked_up))
        return real_answer(**fields)

    def after_the_answer(db: Session, email: str, now: Any) -> None:
        looked_up.append(email)
        real_lookup(db, email, now)

    monkeypatch.setattr(router, "Accepted", answer)
    monkeypatch.setattr(service, "request_password_reset", after_the_answer)

    response = client.post("/v1/auth/password-reset", json={"email": user.email})
    assert response.status_code == 202
    assert made == [[]], "the account was looked up before the answer was made"
    assert looked_up == [user.email]
    assert len(mailbox.to(user.email)) == 2  # the verification email, then the reset


def test_a_reset_link_expires_after_30_minutes(client: TestClient, mailbox: Mailbox) -> None:
    user = register_user(client)
    _ask_reset(client, user.email)
    [message] = [m for m in mailbox.to(user.email) if "Reset" in m["Subject"]]
    freeze_now(utcnow() + timedelta(minutes=31))
    response = client.post(
        "/v1/auth/password-reset/confirm",
        json={"token": mailbox.token(message), "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 403


def test_a_made_up_reset_token_is_refused(client: TestClient) -> None:
    response = client.post(
        "/v1/auth/password-reset/confirm", json={"token": "made-up", "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 403
    assert response.json()["type"] == PROBLEM + "invalid-email-token"


def test_reset_requests_are_rate_limited_per_address(client: TestClient) -> None:
    from app.main import app
    from tests.factories import small_limiter

    app.state.rate_limiter = small_limiter(2, 60)
    statuses = [_ask_reset(client, "limited@example.com").status_code for _ in range(3)]
    assert statuses == [202, 202, 429]


def test_the_reset_token_is_stored_only_as_a_hash(
    client: TestClient, db: Session, mailbox: Mailbox
) -> None:
    from app.accounts.models import AccountToken

    user = register_user(client)
    _ask_reset(client, user.email)
    [message] = [m for m in mailbox.to(user.email) if "Reset" in m["Subject"]]
    token = mailbox.token(message)
    hashes = db.exec(select(AccountToken.token_hash)).all()
    assert token not in hashes and hashes
    # Once sent, the outbox keeps no copy of the link either.
    bodies = db.exec(select(EmailOutbox.text_body).where(EmailOutbox.to_address == user.email))
    assert all(token not in body for body in bodies)


def test_a_queued_email_holds_no_token_until_it_is_sent(client: TestClient, db: Session) -> None:
    import contextlib
    import re

    from app.accounts import service
    from app.accounts.outbox import LINK_TOKEN

    user = register_user(client)
    service.request_password_reset(db, user.email, utcnow())
    db.commit()
    row = db.exec(
        select(EmailOutbox).where(
            EmailOutbox.to_address == user.email, EmailOutbox.status == OutboxStatus.PENDING
        )
    ).one()
    # Whatever sits in the table while the message waits, no link in it works.
    assert re.findall(r"\?token=([A-Za-z0-9_\-]+)", row.text_body) == [LINK_TOKEN]
    assert f"?token={LINK_TOKEN}" in row.html_body
    refused = client.post(
        "/v1/auth/password-reset/confirm",
        json={"token": LINK_TOKEN, "new_password": "a new long password"},
    )
    assert refused.status_code == 403
    mailer = FlakyMailer(failures=0)
    assert deliver_pending(lambda: contextlib.nullcontext(db), mailer) >= 1
    [sent] = [m for m in mailer.sent if m.to == user.email and "reset" in m.text.lower()]
    token = re.findall(r"\?token=([A-Za-z0-9_\-]+)", sent.text)[0]
    assert token != LINK_TOKEN
    confirmed = client.post(
        "/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a new long password"},
    )
    assert confirmed.status_code == 204, confirmed.text


# --- address verification --------------------------------------------------------------


def test_the_sign_up_email_verifies_the_address_once(client: TestClient, mailbox: Mailbox) -> None:
    user = register_user(client)
    assert client.get("/v1/me", headers=user.headers).json()["email_verified"] is False
    [message] = mailbox.to(user.email)
    assert "Confirm" in message["Subject"]
    token = mailbox.token(message)
    assert client.post("/v1/auth/verify-email", json={"token": token}).status_code == 204
    assert client.get("/v1/me", headers=user.headers).json()["email_verified"] is True
    again = client.post("/v1/auth/verify-email", json={"token": token})
    assert again.status_code == 403


def test_a_new_verification_link_on_request(client: TestClient, mailbox: Mailbox) -> None:
    user = register_user(client)
    response = client.post("/v1/me/email-verification", headers=user.headers)
    assert response.status_code == 202
    messages = mailbox.to(user.email)
    assert len(messages) == 2
    assert client.post("/v1/auth/verify-email", json={"token": mailbox.token(messages[1])})
    assert client.get("/v1/me", headers=user.headers).json()["email_verified"] is True
    after = client.post("/v1/me/email-verification", headers=user.headers)
    assert after.json()["message"] == "This address is already verified."
    assert len(mailbox.to(user.email)) == 2


# --- the outbox ------------------------------------------------------------------------


class FlakyMailer:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionRefusedError("SMTP server down")
        self.sent.append(message)


def _queued(db: Session) -> EmailOutbox:
    now = utcnow()
    row = enqueue(
        db,
        user_id=None,
        to="queued@example.com",
        template="password_changed",
        context={"name": None},
        now=now - timedelta(seconds=1),
    )
    db.commit()
    return row


def test_a_failed_send_is_retried_and_a_sent_row_never_goes_twice(
    client: TestClient, db: Session
) -> None:
    import contextlib

    row = _queued(db)
    mailer = FlakyMailer(failures=1)

    def sessions() -> Any:
        return contextlib.nullcontext(db)

    assert deliver_pending(sessions, mailer) == 0
    db.refresh(row)
    assert (row.status, row.attempts, row.last_error) == (
        OutboxStatus.PENDING,
        1,
        "ConnectionRefusedError",
    )
    # Due again after the retry delay.
    later = row.next_attempt_at + timedelta(seconds=1)
    assert deliver_pending(sessions, mailer, clock=lambda: later) == 1
    assert deliver_pending(sessions, mailer, clock=lambda: later + timedelta(hours=1)) == 0
    assert [m.to for m in mailer.sent] == ["queued@example.com"]
    db.refresh(row)
    assert (row.status, row.text_body, row.html_body) == (OutboxStatus.SENT, "", "")


def test_a_failed_request_queues_no_email(client: TestClient, mailbox: Mailbox) -> None:
    register_user(client, email="taken@example.com")
    before = len(mailbox.messages)
    again = client.post(
        "/v1/auth/register", json={"email": "taken@example.com", "password": DEFAULT_PASSWORD}
    )
    assert again.status_code == 409
    assert len(mailbox.messages) == before


def test_a_row_that_fails_its_last_attempt_is_deleted(client: TestClient, db: Session) -> None:
    import contextlib
    import functools

    from app.accounts.outbox import MAX_ATTEMPTS

    row = _queued(db)
    row_id = row.id
    mailer = FlakyMailer(failures=MAX_ATTEMPTS)

    def sessions() -> Any:
        return contextlib.nullcontext(db)

    start = utcnow()
    for attempt in range(MAX_ATTEMPTS):
        clock = functools.partial(lambda at: at, start + timedelta(hours=3 * attempt))
        assert deliver_pending(sessions, mailer, clock=clock) == 0
    db.expire_all()
    assert db.get(EmailOutbox, row_id) is None
    assert mailer.sent == []
