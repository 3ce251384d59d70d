import uuid
from datetime import UTC, datetime, timedelta

import pytest

from app.accounts import security

SECRET = "unit-test-secret-that-is-32-bytes-or-more"


def test_password_hash_is_argon2_and_verifies_only_the_right_password() -> None:
    hashed = security.hash_password("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert "correct horse battery" not in hashed
    assert security.verify_and_update_password("correct horse battery", hashed)[0] is True
    assert security.verify_and_update_password("correct horse batterY", hashed)[0] is False


def test_production_hashes_use_argon2id_at_the_recommended_cost() -> None:
    hashed = security.PRODUCTION_PASSWORD_HASH.hash("correct horse battery")
    # m=65536 KiB (64 MiB), t=3 passes, p=4 lanes: RFC 9106's memory-constrained choice.
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert security.PRODUCTION_PASSWORD_HASH.verify("correct horse battery", hashed)


def test_a_hash_made_at_another_cost_still_verifies_and_is_upgraded() -> None:
    # Made by the suite's cheap hasher; the production hasher verifies it and asks for a
    # rehash at its own parameters, as happens at sign-in after a cost change.
    cheap = security.hash_password("correct horse battery")
    valid, upgraded = security.PRODUCTION_PASSWORD_HASH.verify_and_update(
        "correct horse battery", cheap
    )
    assert valid and upgraded is not None and upgraded.startswith("$argon2id$v=19$m=65536")


def test_same_password_hashes_differently_each_time() -> None:
    assert security.hash_password("same password") != security.hash_password("same password")


def test_access_token_round_trip() -> None:
    user_id = uuid.uuid4()
    token = security.create_access_token(
        user_id, secret=SECRET, now=datetime.now(UTC), lifetime=timedelta(minutes=15)
    )
    assert security.decode_access_token(token, secret=SECRET) == user_id


def test_expired_access_token_does_not_decode() -> None:
    token = security.create_access_token(
        uuid.uuid4(),
        secret=SECRET,
        now=datetime(2020, 1, 1, tzinfo=UTC),
        lifetime=timedelta(minutes=15),
    )
    with pytest.raises(security.InvalidTokenError):
        security.decode_access_token(token, secret=SECRET)


def test_access_token_does_not_decode_with_another_secret() -> None:
    token = security.create_access_token(
        uuid.uuid4(), secret=SECRET, now=datetime.now(UTC), lifetime=timedelta(minutes=15)
    )
    with pytest.raises(security.InvalidTokenError):
        security.decode_access_token(token, secret=SECRET + "-rotated")


def test_refresh_tokens_are_random_and_hash_to_a_stable_digest() -> None:
    first, second = security.new_refresh_token(), security.new_refresh_token()
    assert first != second
    assert len(first) >= 43
    digest = security.hash_refresh_token(first)
    assert digest == security.hash_refresh_token(first)
    assert digest != security.hash_refresh_token(second)
    assert len(digest) == 64 and first not in digest
