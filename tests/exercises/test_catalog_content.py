"""Every fact the catalog takes from the source article, checked through the API against the
values written out here (tests/exercises/test_content_fidelity.py checks them against the article
itself)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

ARTICLE_TITLE = "Back Pain Relief: Exercises & Stretches That Can Help With Back Pain"

EXPECTED: dict[str, dict[str, Any]] = {
    "cat-camel": {
        "name": "Cat camel",
        "aliases": ["hairballs"],
        "kind": "exercise",
        "position": "hands_and_knees",
        "steps": [
            "Get on your hands and knees with your back straight.",
            "Gently arch your back upwards while tilting your chin towards your chest.",
            "Straighten your back slowly.",
            "Push your chest toward the floor and tilt your head upward.",
        ],
        "dose": {"hold_seconds": None, "reps": None, "per_side": False},
        "helps_with": "Great for loosening tension in your back.",
        "areas": {"upper": "secondary", "mid": "secondary", "lower": "secondary"},
        "section": "Exercises for Back Pain Relief",
    },
    "abdominal-crunches": {
        "name": "Abdominal Crunches",
        "aliases": [],
        "kind": "exercise",
        "position": "lying_on_back",
        "steps": [
            "Lay on your back with your knees pointed up and hands crossed over your chest to "
            "avoid neck pain.",
            "Lift your chest slightly up, pointing your chin toward your knees.",
        ],
        "dose": {"hold_seconds": None, "reps": None, "per_side": False},
        "helps_with": "Your abdominal muscles play a role in strengthening your core. "
        "A weak core can cause excess stress on the back.",
        "areas": {"upper": "secondary", "mid": "secondary", "lower": "secondary"},
        "section": "Exercises for Back Pain Relief",
    },
    "shoulder-rotations": {
        "name": "Shoulder Rotations",
        "aliases": [],
        "kind": "stretch",
        "position": "sitting",
        "steps": [
            "Do this stretch sitting down.",
            "While keeping your lower back straight, rotate your upper body to one side.",
            "Hold for 2-3 seconds.",
            "Turn your upper body to the other side.",
        ],
        "dose": {"hold_seconds": {"min": 2, "max": 3}, "reps": None, "per_side": True},
        "helps_with": "Perfect for upper back and shoulder pain.",
        "areas": {"upper": "primary"},
        "section": "Stretches for Back Pain Relief",
    },
    "knee-rolls": {
        "name": "Knee Rolls",
        "aliases": [],
        "kind": "stretch",
        "position": "lying_on_back",
        "steps": [
            "Lie down with your knees pointed up.",
            "Without removing your upper back from the floor, twist your back to one side so "
            "your knees are pointing outward.",
            "Hold for 3 seconds.",
            "Raise your knees so they’re pointing up again.",
            "Repeat on the other side.",
            "Do this for 6-8 repetitions.",
        ],
        "dose": {
            "hold_seconds": {"min": 3, "max": 3},
            "reps": {"min": 6, "max": 8},
            "per_side": True,
        },
        "helps_with": "Perfect for mid and lower back pain.",
        "areas": {"mid": "primary", "lower": "primary"},
        "section": "Stretches for Back Pain Relief",
    },
    "hamstring-stretch": {
        "name": "Hamstring Stretch",
        "aliases": [],
        "kind": "stretch",
        "position": "standing",
        "steps": [
            "Stand up.",
            "Bend down to touch your toes.",
            "Hold for 3-10 seconds, depending on your level of flexibility.",
            "You should feel this stretch mostly in your hamstrings and back.",
        ],
        "dose": {"hold_seconds": {"min": 3, "max": 10}, "reps": None, "per_side": False},
        "helps_with": "Helps with back muscle tightness.",
        "areas": {"upper": "secondary", "mid": "secondary", "lower": "secondary"},
        "section": "Stretches for Back Pain Relief",
    },
}


def test_catalog_lists_the_five_moves_in_article_order(client: TestClient) -> None:
    body = client.get("/v1/exercises").json()
    assert body["count"] == 5
    assert [e["slug"] for e in body["data"]] == list(EXPECTED)


@pytest.mark.parametrize("slug", list(EXPECTED))
def test_move_matches_the_article(client: TestClient, slug: str) -> None:
    expected = EXPECTED[slug]
    move = client.get(f"/v1/exercises/{slug}").json()
    assert move["name"] == expected["name"]
    assert move["aliases"] == expected["aliases"]
    assert move["kind"] == expected["kind"]
    assert move["position"] == expected["position"]
    assert move["steps"] == expected["steps"]
    assert {k: v for k, v in move["dose"].items() if k != "provenance"} == expected["dose"]
    assert move["helps_with"] == expected["helps_with"]
    assert {t["area"]: t["relevance"] for t in move["target_areas"]} == expected["areas"]
    assert all(t["reason"] for t in move["target_areas"])
    assert move["source"] == {
        "title": ARTICLE_TITLE,
        "section": expected["section"],
        "heading": expected["name"],
    }


def test_article_wording_is_quoted_exactly(source_article: str) -> None:
    """Benefit lines and the move headings are verbatim in the article itself."""
    text = source_article
    assert ARTICLE_TITLE in text
    for expected in EXPECTED.values():
        assert expected["helps_with"] in text
        assert f"\n{expected['name']}\n" in text
        assert f"\n{expected['section']}\n" in text


def test_cautions_are_only_those_the_article_states(client: TestClient) -> None:
    cautions = {e["slug"]: e["cautions"] for e in client.get("/v1/exercises").json()["data"]}
    assert cautions == {
        "cat-camel": [],
        "abdominal-crunches": ["Hands crossed over your chest to avoid neck pain."],
        "shoulder-rotations": [],
        "knee-rolls": [],
        # The hold is the stretch's dose (in `dose` and the steps), not a caution.
        "hamstring-stretch": [],
    }


@pytest.mark.parametrize(
    ("slug", "inferred"),
    [
        ("cat-camel", {"per_side"}),
        ("abdominal-crunches", {"per_side"}),
        ("shoulder-rotations", {"per_side"}),
        ("knee-rolls", {"per_side", "position"}),
        ("hamstring-stretch", {"per_side"}),
    ],
)
def test_what_the_article_leaves_open_is_marked_inferred(
    client: TestClient, slug: str, inferred: set[str]
) -> None:
    move = client.get(f"/v1/exercises/{slug}").json()
    sources = {**move["dose"]["provenance"], "position": move["provenance"]["position"]}
    marked = {field for field, p in sources.items() if p and p["basis"] == "inferred"}
    assert marked == inferred
    for field in marked:
        assert sources[field]["reason"]
    # Shoulder rotations' hold on each side and knee rolls' repetitions per side are readings.
    if slug in ("shoulder-rotations", "knee-rolls"):
        assert "side" in sources["per_side"]["reason"]


def test_target_areas_are_from_the_article_only_where_it_names_the_area(
    client: TestClient,
) -> None:
    for move in client.get("/v1/exercises").json()["data"]:
        for target in move["target_areas"]:
            if target["relevance"] == "primary":
                assert target["basis"] == "article" and target["quote"] == move["helps_with"]
            else:
                assert target["basis"] == "inferred" and target["reason"]


def test_exercise_detail_carries_the_articles_disclaimer(client: TestClient) -> None:
    expected = client.get("/v1/care/referral").json()["disclaimer_quote"]
    for move in client.get("/v1/exercises").json()["data"]:
        assert move["disclaimer"] == expected
    assert client.get("/v1/exercises/knee-rolls").json()["disclaimer"] == expected


def test_the_articles_other_name_redirects_to_the_move(client: TestClient) -> None:
    response = client.get("/v1/exercises/hairballs", follow_redirects=False)
    assert response.status_code == 308
    location = response.headers["location"]
    # Relative, so it resolves correctly behind a proxy that adds a path prefix.
    assert not location.startswith(("http:", "https:", "//"))
    assert str(response.url.join(location)).endswith("/v1/exercises/cat-camel")
    followed = client.get("/v1/exercises/HairBalls")
    assert followed.status_code == 200 and followed.json()["slug"] == "cat-camel"
    assert client.get("/v1/exercises/hairball").status_code == 404
    documented = client.get("/openapi.json").json()["paths"]["/v1/exercises/{slug}"]["get"]
    assert "Location" in documented["responses"]["308"]["headers"]


def test_areas_list_the_moves_that_target_them(client: TestClient) -> None:
    """Each area lists its moves with their relevance and reason, best match first, and says
    that its own description is not from the article."""
    areas = {a["area"]: a for a in client.get("/v1/areas").json()["data"]}
    assert list(areas) == ["upper", "mid", "lower"]
    assert areas["upper"]["exercise_slugs"] == [
        "cat-camel",
        "abdominal-crunches",
        "shoulder-rotations",
        "hamstring-stretch",
    ]
    for area in ("mid", "lower"):
        assert areas[area]["exercise_slugs"] == [
            "cat-camel",
            "abdominal-crunches",
            "knee-rolls",
            "hamstring-stretch",
        ]
    assert all(a["description"] and a["name"] for a in areas.values())
    for area in areas.values():
        assert area["provenance"]["description"]["basis"] == "inferred"
        assert area["provenance"]["description"]["reason"]
        moves = area["exercises"]
        assert sorted(m["slug"] for m in moves) == sorted(area["exercise_slugs"])
        assert [m["relevance"] for m in moves] == ["primary", "secondary", "secondary", "secondary"]
        assert all(m["reason"] and m["basis"] for m in moves)
    assert areas["upper"]["exercises"][0]["slug"] == "shoulder-rotations"
    crunches = next(m for m in areas["upper"]["exercises"] if m["slug"] == "abdominal-crunches")
    assert (crunches["relevance"], crunches["basis"]) == ("secondary", "inferred")
