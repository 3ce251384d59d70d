"""The API against the article itself: every step, hold, repetition count, caution and the
disclaimer quote it word for word, and every value the article does not give says so
(`"basis": "inferred"` with a reason). Reads ../shared/source-article.txt."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

AREA_WORDS = {"upper": "upper", "mid": "mid", "lower": "lower"}


def quoted(text: str, article: str) -> bool:
    """`text` is the article's own words: a sentence or clause of it, allowing only a capital
    first letter (a clause that followed "Then," or "Next,") and the full stop."""
    body = text.rstrip(".")
    return body in article or (body[:1].lower() + body[1:]) in article


def disclaimer_in(article: str) -> str:
    match = re.search(r"It assumes[^.]*\.", article)
    assert match, "the article's disclaimer sentence"
    return match.group(0)


def section_of(article: str, heading: str, headings: list[str]) -> str:
    """The article's text under one move's heading, up to the next heading."""
    start = article.index(f"\n{heading}\n") + len(heading) + 2
    ends = [article.find(f"\n{h}\n", start) for h in headings if h != heading]
    ends = [e for e in ends if e != -1] or [len(article)]
    return article[start : min(ends)]


def figure(value: dict[str, int]) -> str:
    return str(value["min"]) if value["min"] == value["max"] else f"{value['min']}-{value['max']}"


def walk(node: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    yield where, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}[{index}]")


@pytest.fixture()
def moves(client: TestClient) -> list[dict[str, Any]]:
    return client.get("/v1/exercises").json()["data"]


@pytest.fixture()
def everything(client: TestClient) -> dict[str, Any]:
    """Every response that carries content, by name."""
    out: dict[str, Any] = {
        "exercises": client.get("/v1/exercises").json(),
        "areas": client.get("/v1/areas").json(),
        "routines": client.get("/v1/routines").json(),
        "referral": client.get("/v1/care/referral").json(),
    }
    for move in out["exercises"]["data"]:
        out[f"exercise {move['slug']}"] = client.get(f"/v1/exercises/{move['slug']}").json()
    for routine in out["routines"]["data"]:
        out[f"routine {routine['slug']}"] = client.get(f"/v1/routines/{routine['id']}").json()
    for area in AREA_WORDS:
        for body in ({}, {"pain_level": 8}, {"duration_weeks": 10}):
            answer = client.post(
                "/v1/recommendations",
                json={"area": area, "pain_level": 3, "red_flags": [], "cautions": [], **body},
            )
            out[f"recommendation {area} {body}"] = answer.json()
    return out


def test_every_step_and_caution_is_the_articles_own_words_in_its_order(
    moves: list[dict[str, Any]], source_article: str
) -> None:
    for move in moves:
        section = section_of(
            source_article, move["source"]["heading"], [m["source"]["heading"] for m in moves]
        )
        at = -1
        for step in move["steps"]:
            assert quoted(step, section), (move["slug"], step)
            where = section.find(step.rstrip(".")[1:])
            assert where > at, (move["slug"], "steps out of the article's order", step)
            at = where
        for caution in move["cautions"]:
            assert quoted(caution, section), (move["slug"], caution)
        assert move["helps_with"] in section
        assert all(alias in section for alias in move["aliases"])
        assert f"\n{move['source']['section']}\n" in source_article


def test_every_hold_and_repetition_count_is_the_articles(
    moves: list[dict[str, Any]], source_article: str
) -> None:
    headings = [m["source"]["heading"] for m in moves]
    for move in moves:
        section = section_of(source_article, move["source"]["heading"], headings)
        dose = move["dose"]
        for field, unit in (("hold_seconds", "seconds"), ("reps", "repetitions")):
            in_article = re.findall(rf"(\d+(?:-\d+)?) {unit}", section)
            if dose[field] is None:
                # Null means the article gives none, and then it must really give none.
                assert in_article == [], (move["slug"], field)
                assert dose["provenance"][field] is None
                continue
            assert in_article == [figure(dose[field])], (move["slug"], field)
            source = dose["provenance"][field]
            assert source["basis"] == "article", (move["slug"], field)
            assert quoted(source["quote"], section)
            assert f"{figure(dose[field])} {unit}" in source["quote"]


def test_the_disclaimer_is_the_articles_sentence_wherever_it_appears(
    everything: dict[str, Any], source_article: str
) -> None:
    expected = disclaimer_in(source_article)
    seen = 0
    for name, response in everything.items():
        for where, node in walk(response, name):
            if where.endswith((".disclaimer", ".disclaimer_quote")) and node is not None:
                assert node == expected, where
                seen += 1
    # Exercises (list and detail), routines (list and detail), the referral, recommendations.
    assert seen >= 5 + 5 + 4 + 4 + 2 + 9


def test_every_quote_is_verbatim_and_every_inference_gives_a_reason(
    everything: dict[str, Any], source_article: str
) -> None:
    checked = {"article": 0, "inferred": 0, "illustration": 0}
    for name, response in everything.items():
        for where, node in walk(response, name):
            if not isinstance(node, dict) or "basis" not in node:
                continue
            checked[node["basis"]] += 1
            if node["basis"] == "illustration":
                # A drawing of this service's, never the article's: it says what it shows and
                # under which licence.
                assert node["alt"] and node["license"], where
                continue
            if node.get("quote") is not None:
                assert quoted(node["quote"], source_article), where
            if node["basis"] == "article":
                assert node["quote"], where
            else:
                assert node["basis"] == "inferred", where
                assert node["reason"] and len(node["reason"]) <= 300, where
    assert checked["article"] and checked["inferred"] and checked["illustration"]


def test_what_the_article_does_not_say_is_marked_inferred(
    everything: dict[str, Any], moves: list[dict[str, Any]], source_article: str
) -> None:
    # The article never says which side a move is done on, so no per-side reading is its own.
    for move in moves:
        assert move["dose"]["provenance"]["per_side"]["basis"] == "inferred", move["slug"]
        position = move["provenance"]["position"]
        if position["basis"] == "article":
            assert quoted(position["quote"], source_article)
    # A part of the back is the article's only where it names it for the move.
    for move in moves:
        for target in move["target_areas"]:
            named = target["basis"] == "article"
            if named:
                assert AREA_WORDS[target["area"]] in target["quote"].lower()
            assert named is (target["relevance"] == "primary"), (move["slug"], target["area"])
    # The area descriptions are not the article's.
    for area in everything["areas"]["data"]:
        assert area["description"] not in source_article
        assert area["provenance"]["description"]["basis"] == "inferred"
        for listed in area["exercises"]:
            assert listed["basis"] == (
                "article" if listed["relevance"] == "primary" else "inferred"
            )


def test_curated_routines_use_the_articles_figures_or_say_why_not(
    everything: dict[str, Any], moves: list[dict[str, Any]], source_article: str
) -> None:
    dose = {m["slug"]: m["dose"] for m in moves}
    assert not re.search(r"\bsets?\b", source_article)  # so every number of sets is inferred
    for routine in everything["routines"]["data"]:
        assert routine["curated"]
        for step in routine["steps"]:
            where = (routine["slug"], step["position"], step["exercise_slug"])
            source = step["provenance"]
            assert source["sets"]["basis"] == "inferred" and source["sets"]["reason"], where
            for field in ("reps", "hold_seconds"):
                value, article = step[field], dose[step["exercise_slug"]][field]
                if value is None:
                    assert source[field] is None, where
                elif article and article["min"] <= value <= article["max"]:
                    assert source[field]["basis"] == "article", where
                    assert (
                        source[field]["quote"]
                        == dose[step["exercise_slug"]]["provenance"][field]["quote"]
                    ), where
                else:
                    assert source[field]["basis"] == "inferred", where
                    assert source[field]["reason"], where
            assert source["per_side"] == dose[step["exercise_slug"]]["provenance"]["per_side"]
