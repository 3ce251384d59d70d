"""Answers built only from the request and the seed content are sent again from memory: the
same bytes and headers as the route's own answer, never across a content change, never one
person's answer to another."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.core.config import get_settings
from app.core.content import CONTENT
from app.main import app
from tests.factories import create_routine, register_user

RECOMMENDATION = {"area": "lower", "pain_level": 4, "red_flags": [], "cautions": []}


@pytest.fixture()
def caching(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Content caching on, as served; nothing kept from other tests."""
    monkeypatch.setattr(get_settings(), "content_recheck_seconds", 60.0)
    assert app.replayer is not None
    app.replayer.cache.clear()
    CONTENT.forget()
    yield
    app.replayer.cache.clear()
    CONTENT.forget()


def routes_run(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """Counts the calls of a service function, to tell a replayed answer from a built one."""
    calls: list[int] = []
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


# Headers of this request alone: its id, its date, and what is left of the caller's allowance.
PER_REQUEST = ("x-request-id", "date", "ratelimit")


def without_request_id(headers: Any) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in PER_REQUEST}


def test_the_same_catalog_request_is_answered_again_without_rebuilding_it(
    client: TestClient, caching: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.exercises import service

    calls = routes_run(monkeypatch, service, "list_exercises")
    first = client.get("/v1/exercises?area=mid")
    second = client.get("/v1/exercises?area=mid")
    assert first.status_code == second.status_code == 200
    assert len(calls) == 1
    assert second.content == first.content
    assert without_request_id(second.headers) == without_request_id(first.headers)
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert "x-replay-version" not in {k.lower() for k in second.headers}
    # Another query is another answer.
    other = client.get("/v1/exercises?area=upper")
    assert len(calls) == 2
    assert other.json()["data"] != first.json()["data"]


def test_a_replayed_answer_revalidates_and_serves_head(
    client: TestClient, caching: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.exercises import service

    calls = routes_run(monkeypatch, service, "find_exercise")
    first = client.get("/v1/exercises/knee-rolls")
    etag = first.headers["etag"]
    not_modified = client.get("/v1/exercises/knee-rolls", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    assert not_modified.headers["api-version"] == first.headers["api-version"]
    assert "content-type" not in not_modified.headers
    changed = client.get("/v1/exercises/knee-rolls", headers={"If-None-Match": 'W/"other"'})
    assert changed.status_code == 200 and changed.content == first.content
    head = client.head("/v1/exercises/knee-rolls")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == first.headers["content-length"]
    assert len(calls) == 1
    # An over-long If-None-Match is still refused, by the route.
    long = client.get("/v1/exercises/knee-rolls", headers={"If-None-Match": "x" * 1001})
    assert long.status_code == 422


def test_compressed_and_plain_answers_are_kept_apart(client: TestClient, caching: None) -> None:
    plain = [client.get("/v1/exercises", headers={"Accept-Encoding": "identity"}) for _ in "ab"]
    gzipped = [client.get("/v1/exercises", headers={"Accept-Encoding": "gzip"}) for _ in "ab"]
    assert all("content-encoding" not in r.headers for r in plain)
    assert all(r.headers["content-encoding"] == "gzip" for r in gzipped)
    assert plain[1].json() == gzipped[1].json() == plain[0].json()


def test_a_content_change_is_seen_at_the_next_recheck(
    client: TestClient, engine: Engine, caching: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.exercises import service

    calls = routes_run(monkeypatch, service, "list_exercises")
    client.get("/v1/exercises")
    client.get("/v1/exercises")
    assert len(calls) == 1
    with engine.begin() as conn:
        old = conn.execute(text("SELECT version FROM content_version")).scalar_one()
        conn.execute(text("UPDATE content_version SET version = 'reloaded'"))
    try:
        CONTENT.forget()  # as when the recheck interval has passed
        client.get("/v1/exercises")
        assert len(calls) == 2
        client.get("/v1/exercises")
        assert len(calls) == 2
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE content_version SET version = :v"), {"v": old})


def test_recommendations_are_replayed_by_body_and_never_for_bad_input(
    client: TestClient, caching: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.recommendations import service

    calls = routes_run(monkeypatch, service, "create_recommendation")
    answers = [client.post("/v1/recommendations", json=RECOMMENDATION) for _ in range(3)]
    assert {r.status_code for r in answers} == {200}
    assert answers[2].content == answers[0].content
    assert len(calls) == 1
    severe = client.post("/v1/recommendations", json=RECOMMENDATION | {"pain_level": 8})
    assert severe.json()["moves"] == [] and answers[0].json()["moves"]
    assert len(calls) == 2
    for _ in range(2):
        bad = client.post("/v1/recommendations", json=RECOMMENDATION | {"pain_level": 11})
        assert bad.status_code == 422
    # The same bytes sent as another media type are not the same request.
    as_text = client.post(
        "/v1/recommendations",
        content=client.post("/v1/recommendations", json=RECOMMENDATION).request.content,
        headers={"Content-Type": "text/plain"},
    )
    assert as_text.status_code != 200


def test_signed_in_callers_get_their_own_answers(client: TestClient, caching: None) -> None:
    person = register_user(client)
    mine = create_routine(client, person, name="Mine only")
    anonymous = [client.get("/v1/routines") for _ in "ab"]
    assert anonymous[1].content == anonymous[0].content
    assert mine["id"] not in {r["id"] for r in anonymous[1].json()["data"]}
    signed_in = client.get("/v1/routines", headers=person.headers)
    assert mine["id"] in {r["id"] for r in signed_in.json()["data"]}
    assert signed_in.headers["cache-control"] == "no-store"
    # With credentials, a recommendation is never stored by intermediaries, replayed or not.
    for _ in "ab":
        answer = client.post("/v1/recommendations", json=RECOMMENDATION, headers=person.headers)
        assert answer.headers["cache-control"] == "no-store"
    assert "cache-control" not in client.post("/v1/recommendations", json=RECOMMENDATION).headers


def test_nothing_is_replayed_when_content_caching_is_off(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.exercises import service

    calls = routes_run(monkeypatch, service, "list_exercises")
    client.get("/v1/exercises")
    client.get("/v1/exercises")
    assert len(calls) == 2


def test_answers_are_kept_even_when_every_caller_only_revalidates(
    client: TestClient, caching: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phones hold ETags across a restart of the service, so a fresh process may see nothing
    but conditional requests: the second of them already asks the route for the whole answer,
    keeps it and still answers 304; from the third on, nothing is rebuilt."""
    from app.exercises import service

    etag = client.get("/v1/exercises/cat-camel").headers["etag"]
    assert app.replayer is not None
    app.replayer.cache.clear()
    app.replayer.replayable_paths.clear()
    calls = routes_run(monkeypatch, service, "find_exercise")
    answers = [
        client.get("/v1/exercises/cat-camel", headers={"If-None-Match": etag}) for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [304, 304, 304, 304]
    assert all(a.content == b"" and a.headers["etag"] == etag for a in answers)
    assert len(calls) == 2
    assert without_request_id(answers[1].headers) == without_request_id(answers[3].headers)
    # Another ETag still gets the whole, current answer.
    other = client.get("/v1/exercises/cat-camel", headers={"If-None-Match": 'W/"other"'})
    assert other.status_code == 200 and other.json()["slug"] == "cat-camel"
    assert len(calls) == 2
