"""The pictures through the API: every move and every step has one with alt text, lists,
routines and recommendations carry thumbnails, and the files are served like content-addressed
assets (strong ETag, cached for good, 304, HEAD, problem details for an unknown name)."""

import hashlib
import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.media.service import URL_PREFIX

MOVES = ["cat-camel", "abdominal-crunches", "shoulder-rotations", "knee-rolls", "hamstring-stretch"]
NAME = re.compile(r"^/v1/media/[0-9a-f]{20}\.(svg|png|json)$")
IMMUTABLE = "public, max-age=31536000, immutable"
SVG = "{http://www.w3.org/2000/svg}"


def detail(client: TestClient, slug: str) -> dict[str, Any]:
    response = client.get(f"/v1/exercises/{slug}")
    assert response.status_code == 200
    return dict(response.json())


def check_illustration(still: dict[str, Any]) -> None:
    assert NAME.match(still["url"]) and still["url"].endswith(".svg")
    assert still["type"] == "image/svg+xml"
    assert (still["width"], still["height"]) == (400, 300)
    assert still["license"] == "CC-BY-4.0"
    assert still["basis"] == "illustration"
    assert still["dark"]["url"] != still["url"] and still["dark"]["type"] == "image/svg+xml"
    for key in ("png", "dark_png"):
        assert [(p["scale"], p["width"], p["height"], p["type"]) for p in still[key]] == [
            (1, 400, 300, "image/png"),
            (2, 800, 600, "image/png"),
            (3, 1200, 900, "image/png"),
        ]


@pytest.mark.parametrize("slug", MOVES)
def test_every_step_of_every_move_has_a_picture_with_alt_text(
    client: TestClient, slug: str
) -> None:
    move = detail(client, slug)
    media = move["media"]
    assert [s["step"] for s in media["steps"]] == list(range(1, len(move["steps"]) + 1))
    for still, text in zip(media["steps"], move["steps"], strict=True):
        check_illustration(still)
        assert len(still["alt"]) > 20
        assert still["caption"] == f"Step {still['step']} of {len(move['steps'])}: {text}"
    assert media["thumbnail"] in media["steps"]
    animation = media["animation"]
    assert NAME.match(animation["url"]) and animation["type"] == "image/svg+xml"
    assert animation["step"] is None and animation["alt"]
    assert animation["basis"] == "illustration" and animation["license"] == "CC-BY-4.0"
    assert animation["keyframes"]["url"].endswith(".json")
    assert animation["duration_seconds"] > 0


def test_list_items_carry_a_thumbnail(client: TestClient) -> None:
    body = client.get("/v1/exercises").json()
    assert [m["slug"] for m in body["data"]] == MOVES
    for move in body["data"]:
        check_illustration(move["media"]["thumbnail"])
        assert move["media"] == detail(client, move["slug"])["media"]


def test_routine_steps_carry_the_moves_thumbnail_and_animation(client: TestClient) -> None:
    steps = client.get("/v1/routines/curated/all-five-moves").json()["steps"]
    assert [step["exercise_slug"] for step in steps] == MOVES
    for step in steps:
        media = detail(client, step["exercise_slug"])["media"]
        assert step["media"] == {"thumbnail": media["thumbnail"], "animation": media["animation"]}


def test_recommended_moves_carry_the_moves_thumbnail(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations",
        json={"area": "lower", "pain_level": 3, "red_flags": [], "cautions": []},
    )
    assert response.status_code == 200
    moves = response.json()["moves"]
    assert moves
    for move in moves:
        media = detail(client, move["exercise"]["slug"])["media"]
        assert move["media"]["thumbnail"] == media["thumbnail"]


def every_file(client: TestClient) -> list[str]:
    urls = []
    for slug in MOVES:
        media = detail(client, slug)["media"]
        for still in media["steps"]:
            urls += [still["url"], still["dark"]["url"]]
            urls += [p["url"] for p in still["png"] + still["dark_png"]]
        animation = media["animation"]
        urls += [animation["url"], animation["dark"]["url"], animation["keyframes"]["url"]]
    return urls


def test_every_file_is_what_its_url_and_media_object_say(client: TestClient) -> None:
    sizes = {}
    for slug in MOVES:
        for still in detail(client, slug)["media"]["steps"]:
            for png in still["png"] + still["dark_png"]:
                sizes[png["url"]] = (png["width"], png["height"])
    urls = every_file(client)
    assert len(urls) == len(set(urls))
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "identity"})
        assert response.status_code == 200, url
        name = url.removeprefix(URL_PREFIX)
        digest = name.partition(".")[0]
        # Content-addressed: the name is the hash of the bytes, the ETag strong.
        assert hashlib.sha256(response.content).hexdigest().startswith(digest)
        assert response.headers["etag"] == f'"{digest}"'
        assert response.headers["cache-control"] == IMMUTABLE
        if url.endswith(".png"):
            assert response.headers["content-type"] == "image/png"
            with Image.open(io.BytesIO(response.content)) as image:
                assert image.format == "PNG" and image.size == sizes[url]
        elif url.endswith(".svg"):
            assert response.headers["content-type"].startswith("image/svg+xml")
            root = ET.fromstring(response.content)
            assert root.get("role") == "img" and root.find(f"{SVG}title") is not None
        else:
            assert response.headers["content-type"] == "application/json"
            assert response.json()["keyframes"]


def test_the_svg_title_is_the_alt_text(client: TestClient) -> None:
    still = detail(client, "cat-camel")["media"]["steps"][0]
    root = ET.fromstring(client.get(still["url"]).content)
    assert root.findtext(f"{SVG}title") == still["alt"]
    assert root.get("aria-label") == still["alt"]


def test_an_unchanged_file_answers_304_and_head_sends_the_headers(client: TestClient) -> None:
    url = detail(client, "knee-rolls")["media"]["thumbnail"]["png"][1]["url"]
    plain = {"Accept-Encoding": "identity"}
    first = client.get(url, headers=plain)
    etag = first.headers["etag"]
    assert not etag.startswith("W/")
    again = client.get(url, headers={**plain, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["cache-control"] == IMMUTABLE
    # If-None-Match compares weakly and may list several validators.
    listed = client.get(url, headers={**plain, "If-None-Match": f'"0000", W/{etag}'})
    assert listed.status_code == 304
    assert client.get(url, headers={**plain, "If-None-Match": '"0000"'}).status_code == 200
    head = client.head(url, headers=plain)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(first.content))
    assert head.headers["etag"] == etag


def test_a_compressed_svg_gets_a_weak_etag_that_still_revalidates(client: TestClient) -> None:
    url = detail(client, "knee-rolls")["media"]["animation"]["url"]
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["etag"].startswith('W/"')
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert zipped.content == plain.content
    assert not plain.headers["etag"].startswith("W/")
    revalidated = client.get(
        url, headers={"If-None-Match": zipped.headers["etag"], "Accept-Encoding": "gzip"}
    )
    assert revalidated.status_code == 304


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("0123456789abcdef0123.svg", "media-not-found"),
        ("nothing", "media-not-found"),
        ("manifest.json", "media-not-found"),
        ("..%2Fmanifest.json", "not-found"),  # not a name: no route has that path
    ],
)
def test_an_unknown_file_is_a_404_problem(client: TestClient, name: str, problem: str) -> None:
    response = client.get(f"/v1/media/{name}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith(f"/{problem}")


def test_keyframes_let_an_app_animate_the_move(client: TestClient) -> None:
    media = detail(client, "knee-rolls")["media"]
    keyframes = client.get(media["animation"]["keyframes"]["url"]).json()
    assert keyframes["duration_seconds"] == media["animation"]["duration_seconds"]
    frames = keyframes["keyframes"]
    holds = [(f["step"], f["hold_seconds"]) for f in frames if f["article_hold"]]
    assert holds == [(2, 3), (5, 3)]  # one side, then the other, 3 seconds each
    for frame in frames:
        assert {"knee_r", "head", "pelvis"} <= set(frame["points"])
        assert all(0 <= x <= 400 and 0 <= y <= 300 for x, y in frame["points"].values())
