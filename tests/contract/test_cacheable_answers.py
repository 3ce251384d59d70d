"""Answers built only from the request and the seed content (the catalog, the screen, the
questionnaire, curated routines, the referral): the same bytes and ETag for the same request
while the content stays the same, 304 for a copy that is still current, one answer per
language, and never an answer from before a content change."""

import logging
import re
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session
from time_machine import TimeMachineFixture

from app.contract.caching import ContentAnswer, content_answer
from app.core.config import get_settings
from app.core.db import DbDep
from app.core.ratelimit import install_rate_limiting
from seed.loader import record_version
from tests.factories import create_routine, register_user

# Headers of this request alone: its id, its date, and what is left of the caller's allowance.
SAME_EVERY_TIME = ("x-request-id", "date", "ratelimit")


def without_per_request(headers: httpx.Headers) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k not in SAME_EVERY_TIME}


def counted(client: TestClient, route: str, status: int, method: str = "GET") -> float:
    """How many requests /metrics has counted for the method, route template and status."""
    labels = f'method="{method}",route="{re.escape(route)}",status="{status}"'
    pattern = rf"^http_requests_total\{{{labels}\}} (\S+)"
    found = re.search(pattern, client.get("/metrics").text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


@pytest.mark.parametrize(
    "path",
    [
        "/v1/exercises?area=mid",
        "/v1/exercises/knee-rolls",
        "/v1/areas",
        "/v1/screening/questions",
        "/v1/outcomes/peg",
        "/v1/routines/curated/mid-back-mobility",
        "/v1/care/referral",
        "/v1/care/routes",
    ],
)
def test_the_same_request_gets_the_same_answer_with_every_header(
    client: TestClient, path: str
) -> None:
    first = client.get(path, headers={"Accept-Encoding": "identity"})
    second = client.get(path, headers={"Accept-Encoding": "identity"})
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]
    for response in (first, second):
        assert response.headers["cache-control"].startswith("public, max-age=")
        assert response.headers["content-language"] == "en"
        vary = [v.strip() for v in response.headers["vary"].split(",")]
        assert {"Accept-Encoding", "Accept-Language"} <= set(vary)
        assert len(vary) == len(set(vary))
        # What the middleware adds to every answer is on this one too.
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["api-version"]
        assert response.headers["content-type"] == "application/json"
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    unchanged = {k: v for k, v in first.headers.items() if k not in SAME_EVERY_TIME}
    assert {k: v for k, v in second.headers.items() if k not in SAME_EVERY_TIME} == unchanged


def test_a_current_copy_is_answered_304_with_the_headers_of_the_200(client: TestClient) -> None:
    path = "/v1/exercises/knee-rolls"
    first = client.get(path)
    etag = first.headers["etag"]
    before = counted(client, "/v1/exercises/{slug}", 304)
    for _ in range(2):
        not_modified = client.get(path, headers={"If-None-Match": etag, "X-Request-ID": "r-1"})
        assert not_modified.status_code == 304
        assert not_modified.content == b""
        assert "content-type" not in not_modified.headers
        assert not_modified.headers["etag"] == etag
        assert not_modified.headers["cache-control"] == first.headers["cache-control"]
        assert not_modified.headers["content-language"] == "en"
        assert "Accept-Language" in not_modified.headers["vary"]
        assert not_modified.headers["api-version"] == first.headers["api-version"]
        assert not_modified.headers["x-request-id"] == "r-1"
    # Counted and logged like any other answer, under the route's template.
    assert counted(client, "/v1/exercises/{slug}", 304) == before + 2
    other = client.get(path, headers={"If-None-Match": 'W/"other"'})
    assert other.status_code == 200 and other.content == first.content
    head = client.head(path, headers={"Accept-Encoding": "identity"})
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == plain.headers["content-length"]
    assert head.headers["etag"] == etag
    long = client.get(path, headers={"If-None-Match": "x" * 1001})
    assert long.status_code == 422


def test_each_language_has_its_own_answer_and_etag(client: TestClient) -> None:
    path = "/v1/exercises/cat-camel"
    answers = {
        language: client.get(path, headers={"Accept-Language": language})
        for language in ("en", "es", "de", "es-MX")
    }
    etags = {language: r.headers["etag"] for language, r in answers.items()}
    assert len({etags["en"], etags["es"], etags["de"]}) == 3
    assert etags["es-MX"] == etags["es"]
    assert answers["es"].headers["content-language"] == "es"
    assert answers["es"].json() != answers["en"].json()
    # Asked again in English after the other languages: still English.
    again = client.get(path, headers={"Accept-Language": "en"})
    assert again.content == answers["en"].content
    # A Spanish copy is not current for a German reader.
    german = client.get(path, headers={"Accept-Language": "de", "If-None-Match": etags["es"]})
    assert german.status_code == 200 and german.headers["content-language"] == "de"
    spanish = client.get(path, headers={"Accept-Language": "es", "If-None-Match": etags["es"]})
    assert spanish.status_code == 304 and spanish.headers["content-language"] == "es"


def rename_cat_camel(db: Session, name: str) -> None:
    db.execute(text("UPDATE exercise SET name = :name WHERE slug = 'cat-camel'"), {"name": name})


def test_a_content_change_gives_new_answers_and_new_etags(
    client: TestClient, db: Session, content_changed: Callable[[], None]
) -> None:
    # Each asked twice: the second is sent from memory, as it was sent first.
    one = [client.get("/v1/exercises/cat-camel") for _ in "ab"][1]
    listed = [client.get("/v1/exercises") for _ in "ab"][1]
    rename_cat_camel(db, "Cat-camel, reloaded")
    content_changed()
    changed = client.get("/v1/exercises/cat-camel", headers={"If-None-Match": one.headers["etag"]})
    assert changed.status_code == 200
    assert changed.json()["name"] == "Cat-camel, reloaded"
    assert changed.headers["etag"] != one.headers["etag"]
    relisted = client.get("/v1/exercises", headers={"If-None-Match": listed.headers["etag"]})
    assert relisted.status_code == 200
    assert "Cat-camel, reloaded" in {m["name"] for m in relisted.json()["data"]}
    again = client.get(
        "/v1/exercises/cat-camel", headers={"If-None-Match": changed.headers["etag"]}
    )
    assert again.status_code == 304


def test_a_reseed_by_another_process_is_seen_at_the_next_recheck(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process records the new version; this one asks the database again once
    `CONTENT_RECHECK_SECONDS` has passed (here: on every request)."""
    monkeypatch.setattr(get_settings(), "content_recheck_seconds", 0.0)
    before = client.get("/v1/exercises/cat-camel")
    assert client.get("/v1/exercises/cat-camel").content == before.content
    rename_cat_camel(db, "Cat-camel, seeded elsewhere")
    record_version(db, "seeded-elsewhere")
    db.flush()
    after = client.get("/v1/exercises/cat-camel", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["name"] == "Cat-camel, seeded elsewhere"


def test_compressed_and_plain_answers_are_the_same_content(client: TestClient) -> None:
    gzipped = client.get("/v1/exercises", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/v1/exercises", headers={"Accept-Encoding": "identity"})
    assert gzipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert gzipped.json() == plain.json()
    assert gzipped.headers["etag"] == plain.headers["etag"]


def test_signed_in_callers_get_their_own_answers(client: TestClient) -> None:
    person = register_user(client)
    mine = create_routine(client, person, name="Mine only")
    anonymous = [client.get("/v1/routines") for _ in "ab"]
    assert mine["id"] not in {r["id"] for r in anonymous[1].json()["data"]}
    signed_in = client.get("/v1/routines", headers=person.headers)
    assert mine["id"] in {r["id"] for r in signed_in.json()["data"]}
    assert signed_in.headers["cache-control"] == "no-store"
    recommendation = {"area": "lower", "pain_level": 4, "red_flags": [], "cautions": []}
    for _ in "ab":
        answer = client.post("/v1/recommendations", json=recommendation, headers=person.headers)
        assert answer.headers["cache-control"] == "no-store"
    assert "cache-control" not in client.post("/v1/recommendations", json=recommendation).headers


@pytest.fixture()
def routes_run(client: TestClient) -> Iterator[list[str]]:
    """The paths of the requests that went through routing to a content route (its
    `ContentAnswerDep` solved); an answer sent again from memory adds none."""
    app = client.app
    assert isinstance(app, FastAPI)
    paths: list[str] = []

    async def counted(request: Request, response: Response, db: DbDep) -> ContentAnswer:
        paths.append(request.url.path)
        return await content_answer(request, response, db)

    app.dependency_overrides[content_answer] = counted
    yield paths
    app.dependency_overrides.pop(content_answer, None)


def remaining(response: httpx.Response) -> int:
    found = re.fullmatch(r'"default";r=(\d+);t=\d+', response.headers["ratelimit"])
    assert found is not None, response.headers["ratelimit"]
    return int(found.group(1))


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_an_answer_sent_again_from_memory_is_the_first_with_its_own_id_count_and_log_line(
    client: TestClient,
    routes_run: list[str],
    caplog: pytest.LogCaptureFixture,
    time_machine: TimeMachineFixture,
    encoding: str,
) -> None:
    time_machine.move_to("2026-11-24T12:00:10Z", tick=False)
    path = "/v1/exercises/cat-camel"
    headers = {"Accept-Encoding": encoding}
    first = client.get(path, headers=headers)
    before = counted(client, "/v1/exercises/{slug}", 200)
    heads_before = counted(client, "/v1/exercises/{slug}", 200, "HEAD")
    logged_before = len(caplog.records)
    with caplog.at_level(logging.INFO, logger="app.access"):
        again = [client.get(path, headers=headers) for _ in "ab"]
        head = client.head(path, headers=headers)
    assert routes_run == [path]
    for answer in (*again, head):
        assert answer.status_code == 200
        assert without_per_request(answer.headers) == without_per_request(first.headers)
        assert answer.headers["ratelimit-policy"] == first.headers["ratelimit-policy"]
    assert [a.content for a in again] == [first.content] * 2 and head.content == b""
    assert (encoding == "gzip") == (first.headers.get("content-encoding") == "gzip")
    ids = [a.headers["x-request-id"] for a in (first, *again, head)]
    assert len(set(ids)) == 4
    assert [remaining(a) for a in (first, *again, head)] == [remaining(first) - i for i in range(4)]
    assert counted(client, "/v1/exercises/{slug}", 200) == before + 2
    assert counted(client, "/v1/exercises/{slug}", 200, "HEAD") == heads_before + 1
    fields = [getattr(r, "fields", {}) for r in caplog.records[logged_before:]]
    lines = [f for f in fields if f.get("path") == path]
    assert [(f["method"], f["route"], f["status"]) for f in lines] == [
        ("GET", "/v1/exercises/{slug}", 200),
        ("GET", "/v1/exercises/{slug}", 200),
        ("HEAD", "/v1/exercises/{slug}", 200),
    ]
    mine = client.get(path, headers=headers | {"X-Request-ID": "phone-7"})
    assert mine.headers["x-request-id"] == "phone-7" and routes_run == [path]


def test_a_304_from_memory_is_the_one_the_stack_sends(
    client: TestClient, routes_run: list[str], content_changed: Callable[[], None]
) -> None:
    content_changed()  # nothing kept yet
    path = "/v1/exercises"
    etag = client.head(path).headers["etag"]
    from_the_stack = client.get(path, headers={"If-None-Match": etag})
    client.get(path)
    from_memory = [client.get(path, headers={"If-None-Match": etag}) for _ in "ab"]
    assert routes_run == [path, path, path]
    for answer in (from_the_stack, *from_memory):
        assert answer.status_code == 304 and answer.content == b""
        assert "content-type" not in answer.headers
    for answer in from_memory:
        assert without_per_request(answer.headers) == without_per_request(from_the_stack.headers)
    stale = client.get(path, headers={"If-None-Match": 'W/"stale"'})
    assert stale.status_code == 200 and routes_run == [path, path, path]


def test_signed_in_and_cross_origin_callers_never_get_an_answer_from_memory(
    client: TestClient, routes_run: list[str]
) -> None:
    path = "/v1/exercises/knee-rolls"
    person = register_user(client)
    anonymous = [client.get(path) for _ in "ab"]
    signed_in = client.get(path, headers=person.headers)
    bad_token = client.get(path, headers={"Authorization": "Bearer not-a-token"})
    cross_origin = client.get(path, headers={"Origin": "https://elsewhere.example"})
    assert routes_run == [path] * 4
    assert signed_in.content == anonymous[0].content
    assert bad_token.status_code == 200 and cross_origin.status_code == 200


def test_over_the_default_limit_a_kept_answer_is_refused(
    client: TestClient, routes_run: list[str], time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to("2026-11-24T12:00:10Z", tick=False)
    app = client.app
    assert isinstance(app, FastAPI)
    install_rate_limiting(app, get_settings().model_copy(update={"default_rate_limit": 2}))
    assert [client.get("/v1/areas").status_code for _ in "abc"] == [200, 200, 429]
    refused = client.get("/v1/areas")
    assert refused.status_code == 429 and refused.headers["retry-after"]
    assert remaining(refused) == 0
