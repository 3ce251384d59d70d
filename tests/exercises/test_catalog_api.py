"""Filtering, paging, errors and conditional requests on the catalog."""

import pytest
from fastapi.testclient import TestClient


def slugs(client: TestClient, query: str) -> list[str]:
    response = client.get(f"/v1/exercises?{query}")
    assert response.status_code == 200, response.text
    return [e["slug"] for e in response.json()["data"]]


def test_filter_by_area(client: TestClient) -> None:
    assert "shoulder-rotations" in slugs(client, "area=upper")
    assert "knee-rolls" not in slugs(client, "area=upper")
    assert slugs(client, "area=lower") == [
        "cat-camel",
        "abdominal-crunches",
        "knee-rolls",
        "hamstring-stretch",
    ]


def test_filter_by_kind_and_position(client: TestClient) -> None:
    assert slugs(client, "kind=exercise") == ["cat-camel", "abdominal-crunches"]
    assert slugs(client, "kind=stretch") == [
        "shoulder-rotations",
        "knee-rolls",
        "hamstring-stretch",
    ]
    assert slugs(client, "position=lying_on_back") == ["abdominal-crunches", "knee-rolls"]
    assert slugs(client, "position=sitting&kind=exercise") == []


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("hairballs", ["cat-camel"]),  # alias
        ("KNEE rolls", ["knee-rolls"]),  # name, case-insensitive, all words
        ("toes", ["hamstring-stretch"]),  # step text
        ("chest", ["cat-camel", "abdominal-crunches"]),
        ("100%", []),  # LIKE wildcards are literal
        ("zzz", []),
    ],
)
def test_text_search(client: TestClient, q: str, expected: list[str]) -> None:
    response = client.get("/v1/exercises", params={"q": q})
    assert [e["slug"] for e in response.json()["data"]] == expected
    assert response.json()["count"] == len(expected)


def test_pagination_reports_total_count(client: TestClient) -> None:
    body = client.get("/v1/exercises?limit=2&offset=1").json()
    assert [e["slug"] for e in body["data"]] == ["abdominal-crunches", "shoulder-rotations"]
    assert body["count"] == 5
    past_end = client.get("/v1/exercises?offset=50").json()
    assert past_end == {"data": [], "count": 5}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "query.limit"),
        ("limit=100000", "query.limit"),
        ("limit=abc", "query.limit"),
        ("offset=-1", "query.offset"),
        ("area=neck", "query.area"),
        ("kind=yoga", "query.kind"),
        ("position=upside_down", "query.position"),
    ],
)
def test_bad_query_is_a_clear_422(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"/v1/exercises?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 422
    assert [e["field"] for e in body["errors"]] == [field]


def test_unknown_slug_is_404_problem(client: TestClient) -> None:
    response = client.get("/v1/exercises/back-flip")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 404
    assert "back-flip" in body["detail"]
    assert body["instance"] == "/v1/exercises/back-flip"


@pytest.mark.parametrize("path", ["/v1/exercises?area=mid", "/v1/exercises/cat-camel", "/v1/areas"])
def test_etag_round_trip(client: TestClient, path: str) -> None:
    first = client.get(path)
    etag = first.headers["etag"]
    assert "max-age" in first.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # The tag is weak; a list, or the same tag written strong, still matches.
    assert etag.startswith('W/"')
    listed = client.get(path, headers={"If-None-Match": f'"other", {etag.removeprefix("W/")}'})
    assert listed.status_code == 304
    stale = client.get(path, headers={"If-None-Match": '"not-it"'})
    assert stale.status_code == 200
    assert stale.json() == first.json()


def test_different_representations_have_different_etags(client: TestClient) -> None:
    upper = client.get("/v1/exercises?area=upper").headers["etag"]
    mid = client.get("/v1/exercises?area=mid").headers["etag"]
    assert upper != mid
