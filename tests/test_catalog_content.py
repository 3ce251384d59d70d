"""Every fact the catalog takes from the source article, checked through the API."""

import pytest
from fastapi.testclient import TestClient

ARTICLE_TITLE = "Back Pain Relief: Exercises & Stretches That Can Help With Back Pain"

EXPECTED = {
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
            "Lie on your back with your knees pointed up and your hands crossed over your chest.",
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
            "Sit down.",
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
            "Raise your knees so they're pointing up again.",
            "Repeat on the other side.",
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
    assert move["dose"] == expected["dose"]
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
    text = source_article.replace("’", "'")
    assert ARTICLE_TITLE in text
    for expected in EXPECTED.values():
        assert expected["helps_with"] in text
        assert f"\n{expected['name']}\n" in text
        assert f"\n{expected['section']}\n" in text


def test_cautions_the_article_states(client: TestClient) -> None:
    crunches = client.get("/v1/exercises/abdominal-crunches").json()
    assert any("crossed over your chest" in c and "neck pain" in c for c in crunches["cautions"])
    hamstring = client.get("/v1/exercises/hamstring-stretch").json()
    assert any("flexibility" in c for c in hamstring["cautions"])
    assert client.get("/v1/exercises/knee-rolls").json()["cautions"] == []


def test_areas_list_the_moves_that_target_them(client: TestClient) -> None:
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
