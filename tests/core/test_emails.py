"""Email addresses in one form: one mailbox, one account, however it was typed."""

import unicodedata
import uuid

import pytest
from fastapi.testclient import TestClient

from app.core.emails import BadEmail, normalise_email
from tests.factories import ALL_CONSENTS, DEFAULT_PASSWORD, login

NFC = unicodedata.normalize("NFC", "josé")
NFD = unicodedata.normalize("NFD", "josé")
FULLWIDTH = "".join(chr(ord(c) + 0xFEE0) for c in "ana")  # the fullwidth forms of "ana"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ana@Example.COM", "ana@example.com"),
        ("  ana@example.com ", "ana@example.com"),
        (f"{NFD}@example.com", f"{NFC}@example.com"),
        (f"{NFC}@example.com", f"{NFC}@example.com"),
        (f"{FULLWIDTH}@example.com", "ana@example.com"),
        ("ana@bücher.example", "ana@xn--bcher-kva.example"),
        ("ana@BÜCHER.example", "ana@xn--bcher-kva.example"),
        ("ana@xn--bcher-kva.example", "ana@xn--bcher-kva.example"),
    ],
)
def test_one_stored_form(typed: str, stored: str) -> None:
    assert normalise_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["ana@example.com.", "ana@example..com", "ana@-example.com", "ana@localhost", "@example.com"],
)
def test_refused(typed: str) -> None:
    with pytest.raises(BadEmail):
        normalise_email(typed)


def sign_up(client: TestClient, email: str) -> int:
    body = {"email": email, "password": DEFAULT_PASSWORD, "consents": ALL_CONSENTS}
    return client.post("/v1/auth/register", json=body).status_code


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("{n}-" + NFC + "@example.com", "{n}-" + NFD + "@example.com"),
        ("{n}-ana@example.com", "{n}-" + FULLWIDTH + "@example.com"),
        ("{n}@bücher.example", "{n}@xn--bcher-kva.example"),
    ],
)
def test_two_spellings_of_one_address_are_one_account(
    client: TestClient, first: str, second: str
) -> None:
    n = uuid.uuid4().hex[:8]
    assert sign_up(client, first.format(n=n)) == 201
    assert sign_up(client, second.format(n=n)) == 409
    # Either spelling signs in.
    login(client, second.format(n=n))


def test_a_trailing_dot_is_a_422_naming_the_field(client: TestClient) -> None:
    body = {"email": "ana@example.com.", "password": DEFAULT_PASSWORD, "consents": ALL_CONSENTS}
    response = client.post("/v1/auth/register", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.email"]
