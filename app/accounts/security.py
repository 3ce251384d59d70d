"""Passwords, access tokens and refresh tokens: plain functions with no database access.

Hashing with Argon2 is deliberately slow (tens of milliseconds of CPU and memory). The routes
that hash or verify are plain `def` functions, which FastAPI runs in its thread pool, so the
event loop keeps serving other requests meanwhile.
"""

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from pwdlib import PasswordHash

ALGORITHM = "HS256"
ACCESS_TOKEN_TYPE = "access"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "jti", "typ"]

# pwdlib's recommended Argon2id parameters (RFC 9106's second recommendation: 64 MiB, 3
# passes). Hashes carry their parameters, so a cheaper hasher (tests) still verifies them.
PRODUCTION_PASSWORD_HASH = PasswordHash.recommended()
_password_hash = PRODUCTION_PASSWORD_HASH


def use_password_hash(hasher: PasswordHash) -> None:
    """Hash and verify with `hasher` from now on (the test suite uses cheap parameters)."""
    global _password_hash
    _password_hash = hasher
    _dummy_hash.cache_clear()


class InvalidTokenError(Exception):
    """The access token is malformed, expired, signed with another key or algorithm, or not
    an access token."""


def hash_password(password: str) -> str:
    return _password_hash.hash(password)


def verify_and_update_password(password: str, password_hash: str) -> tuple[bool, str | None]:
    """Whether the password matches, and a fresh hash when the stored one uses outdated
    parameters (so hashes follow the recommended settings as people sign in)."""
    return _password_hash.verify_and_update(password, password_hash)


@lru_cache
def _dummy_hash() -> str:
    return _password_hash.hash(secrets.token_urlsafe(16))


def burn_password_check(password: str) -> None:
    """Verify against a throwaway hash, so a log-in for an unknown email takes as long as one
    with a wrong password and response times do not reveal which emails have accounts."""
    _password_hash.verify(password, _dummy_hash())


def create_access_token(
    user_id: uuid.UUID,
    *,
    secret: str,
    now: datetime,
    lifetime: timedelta,
    sign_in: uuid.UUID | None = None,
) -> str:
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "typ": ACCESS_TOKEN_TYPE,
        "jti": uuid.uuid4().hex,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    if sign_in is not None:
        # The sign-in (refresh token family) the token came from, so "every sign-in but this
        # one" can be ended.
        claims["sid"] = str(sign_in)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_access_token(token: str, *, secret: str) -> uuid.UUID:
    """The user id the token was issued to. Only HS256 is accepted, so `alg: none` and tokens
    signed with a public-key algorithm are rejected before their signature is even read."""
    return decode_access_claims(token, secret=secret)[0]


def decode_access_claims(token: str, *, secret: str) -> tuple[uuid.UUID, uuid.UUID | None]:
    """The user id and, when the token names one, the sign-in it was issued to."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": REQUIRED_CLAIMS}
        )
    except jwt.PyJWTError as exc:
        raise InvalidTokenError(str(exc)) from exc
    if claims.get("typ") != ACCESS_TOKEN_TYPE:
        raise InvalidTokenError("not an access token")
    try:
        user_id = uuid.UUID(str(claims["sub"]))
        sign_in = uuid.UUID(str(claims["sid"])) if "sid" in claims else None
    except ValueError as exc:
        raise InvalidTokenError("malformed subject") from exc
    return user_id, sign_in


def new_single_use_token() -> str:
    """For links sent by email: as random as a refresh token, stored only as its hash."""
    return secrets.token_urlsafe(32)


def new_refresh_token() -> str:
    """256 random bits: opaque to the client, and too long to guess."""
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    # A fast hash is enough here: the token is random and long, unlike a password, so there
    # is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()
