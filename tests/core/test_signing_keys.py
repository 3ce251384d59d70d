"""The production key check: every key from a common recipe is accepted, typed and published
keys are refused, and the alphabet a key is judged by is the one it could have come from."""

import base64
import random
from collections.abc import Callable

import pytest

from app.core import signing_keys
from app.core.config import LEGACY_DEV_JWT_SECRET, secret_problem

DRAWS = 100_000


# The recipes operators use, fed from a seeded generator so that a failure names keys that
# can be drawn again: `secrets.token_urlsafe(32)`, `secrets.token_hex(16)` and `(32)`, and
# `openssl rand -base64 32` (base64 of 32 random bytes, padding included).
RECIPES: dict[str, Callable[[random.Random], str]] = {
    "token_urlsafe(32)": lambda rng: (
        base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()
    ),
    "token_hex(16)": lambda rng: rng.randbytes(16).hex(),
    "token_hex(32)": lambda rng: rng.randbytes(32).hex(),
    "openssl rand -base64 32": lambda rng: base64.b64encode(rng.randbytes(32)).decode(),
}


@pytest.mark.parametrize("recipe", RECIPES)
def test_every_key_from_a_common_recipe_is_accepted(recipe: str) -> None:
    rng = random.Random(f"signing keys: {recipe}")
    make = RECIPES[recipe]
    refused = [key for key in (make(rng) for _ in range(DRAWS)) if secret_problem(key)]
    assert refused == []


def test_the_key_once_refused_at_random_is_accepted() -> None:
    # A `token_hex(16)` that the old check (distinct characters, Shannon estimate) refused.
    assert secret_problem("db6cd3c3eee74ee4e7de848ebdeeed6e") is None


@pytest.mark.parametrize(
    ("key", "complaint"),
    [
        (None, "not set"),
        ("", "not set"),
        (LEGACY_DEV_JWT_SECRET, "public development key"),
        # FastAPI's JWT tutorial shows this key, and many deployments copy it.
        (
            "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7",
            "published in documentation",
        ),
        ("short-but-random-Zq8", "shorter than 32 bytes"),
        # Repeated characters.
        ("a" * 32, "too predictable"),
        ("0" * 64, "too predictable"),
        ("aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb", "too predictable"),
        # A few short pieces, repeated.
        ("abc" * 12, "too predictable"),
        ("Zq8" * 11, "too predictable"),
        ("12341234123412341234123412341234", "too predictable"),
        ("abcdabcdxyzwxyzwabcdabcdxyzwxyzw", "too predictable"),
        ("kP3v9QzL" * 4, "too predictable"),
        # Runs, alone or repeated.
        ("abcdefghijklmnopqrstuvwxyz012345", "too predictable"),
        ("01234567890123456789012345678901", "too predictable"),
        ("0123456789abcdef0123456789abcdef", "too predictable"),
        ("ZYXWVUTSRQPONMLKJIHGFEDCBA987654", "too predictable"),
        # Words and phrases.
        ("password" * 4, "too predictable"),
        ("ChangeMeChangeMeChangeMe12345678", "too predictable"),
        ("my-super-secret-jwt-key-for-production", "too predictable"),
        ("please-change-this-secret-key-before-deploy", "too predictable"),
        ("thisismysecretkeyforproductionuse", "too predictable"),
        ("correct horse battery staple correct", "too predictable"),
        ("a-key-anyone-could-read-in-a-repository", "too predictable"),
        ("a-string-secret-at-least-256-bits-long", "too predictable"),
        ("qwertyuiopasdfghjklzxcvbnm1234567890", "too predictable"),
        ("HelloWorldHelloWorldHelloWorld!!", "too predictable"),
    ],
)
def test_weak_keys_are_refused_with_the_reason(key: str | None, complaint: str) -> None:
    problem = secret_problem(key)
    assert problem is not None and problem.startswith("JWT_SECRET") and complaint in problem


@pytest.mark.parametrize(
    ("key", "alphabet", "bits_per_char"),
    [
        ("db6cd3c3eee74ee4e7de848ebdeeed6e", "hex digits", 4.0),
        ("DB6CD3C3EEE74EE4E7DE848EBDEEED6E", "hex digits", 4.0),
        # Digits alone could have been drawn as hex.
        ("40713895123087461230985612340987", "hex digits", 4.0),
        ("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U====", "base32", 5.0),
        ("kP3v9QzL1xR7mT2wB8nY4cF6hJ0dS5gAuEoI", "letters and digits", 5.954),
        ("kP3v9QzL1xR7mT2wB8nY4cF6hJ0dS5gA-uE_oI", "base64url", 6.0),
        ("kP3v9QzL1xR7mT2wB8nY4cF6hJ0dS5gA+uE/oI8=", "base64", 6.0),
        ("kP3v9QzL1xR7mT2wB8nY4cF6hJ0dS5gA+uE_oI!", "printable ASCII", 6.570),
        ("kP3v9QzL1xR7mT2wB8nY4cF6hJ0dS5gA-éè", "bytes", 8.0),
    ],
)
def test_a_key_is_judged_by_the_alphabet_it_could_come_from(
    key: str, alphabet: str, bits_per_char: float
) -> None:
    judged, _ = signing_keys.alphabet_of(key)
    assert judged.name == alphabet
    assert judged.bits_per_char == pytest.approx(bits_per_char, abs=1e-3)


def test_padding_carries_no_randomness() -> None:
    _, payload = signing_keys.alphabet_of("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U====")
    assert payload == "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"


def test_a_random_key_costs_its_full_length_in_the_pattern_code() -> None:
    # 32 hex characters with no repeat, run or word: 5 bits each (a flag and 4 bits).
    assert signing_keys.pattern_bits("3f9c1e7a5b8d2f4a6c0e9b7d1a3c5e8f") == pytest.approx(160)


def test_a_long_key_is_read_for_patterns_at_its_start_only() -> None:
    random_start = base64.urlsafe_b64encode(random.Random(7).randbytes(48)).decode()
    assert secret_problem(random_start + "a" * 1000) is None
    assert secret_problem("a" * 1000 + random_start) is not None


def test_every_listed_word_is_lowercase_and_three_letters_or_more() -> None:
    assert all(w.isalpha() and w.islower() and len(w) >= 3 for w in signing_keys.COMMON_WORDS)


def test_the_quick_look_agrees_with_the_full_search() -> None:
    # Keys built from words, separators, repeats, runs and random pieces, seeded: whenever
    # the cheap bound lets a key through, the full search must find it unpredictable too.
    rng = random.Random("pieces")
    words = sorted(signing_keys.COMMON_WORDS)
    verdicts = set()
    for _ in range(400):
        parts: list[str] = []
        while sum(map(len, parts)) < rng.randint(32, 70):
            kind = rng.random()
            if kind < 0.3:
                word = rng.choice(words)
                parts.append(rng.choice([word, word.upper(), word.capitalize()]))
            elif kind < 0.45:
                parts.append(rng.choice("-_ .!"))
            elif kind < 0.6 and parts:
                parts.append(rng.choice(parts))
            elif kind < 0.75:
                start = rng.randrange(48, 110)
                parts.append("".join(chr(start + i) for i in range(rng.randint(3, 8))))
            else:
                piece = base64.urlsafe_b64encode(rng.randbytes(rng.randint(1, 8)))
                parts.append(piece.decode().rstrip("="))
        key = "".join(parts)
        full = (
            signing_keys.word_share(key) >= signing_keys.MAX_WORD_SHARE
            or signing_keys.pattern_bits(key) < signing_keys.MIN_PATTERN_BITS
        )
        assert signing_keys.predictable(key) == full, key
        verdicts.add(full)
    assert verdicts == {True, False}
