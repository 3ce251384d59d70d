"""The safety screen as the app renders it: ids, where a "yes" sends the person, and wording a
person in pain can answer."""

import re

from fastapi.testclient import TestClient

# id -> (tier, timeframe, request field for a "yes")
EXPECTED = {
    "saddle_numbness": ("urgent", "now", "red_flags"),
    "bladder_bowel_change": ("urgent", "now", "red_flags"),
    "sexual_dysfunction": ("urgent", "now", "red_flags"),
    "both_legs_numb_or_weak": ("urgent", "now", "red_flags"),
    "both_legs_pain": ("urgent", "now", "red_flags"),
    "leg_weakness_worsening": ("urgent", "now", "red_flags"),
    "difficulty_walking": ("urgent", "now", "red_flags"),
    "chest_pain": ("urgent", "now", "red_flags"),
    "major_trauma": ("urgent", "now", "red_flags"),
    "fever_or_unwell": ("see_doctor", "today", "red_flags"),
    "unexplained_weight_loss": ("see_doctor", "today", "red_flags"),
    "new_lump_or_deformity": ("see_doctor", "today", "red_flags"),
    "night_pain": ("see_doctor", "today", "red_flags"),
    "pain_at_rest": ("see_doctor", "today", "red_flags"),
    "cough_sneeze_strain_pain": ("see_doctor", "today", "red_flags"),
    "pain_unchanged_by_movement": ("see_doctor", "today", "red_flags"),
    "fall_or_minor_injury": ("see_doctor", "today", "red_flags"),
    "cancer_history": ("see_doctor", "soon", "red_flags"),
    "recent_infection": ("see_doctor", "soon", "red_flags"),
    "injected_drugs": ("see_doctor", "soon", "red_flags"),
    "recent_spinal_procedure": ("see_doctor", "soon", "red_flags"),
    "weakened_immune_system": ("see_doctor", "soon", "red_flags"),
    "long_term_steroids": ("see_doctor", "soon", "red_flags"),
    "osteoporosis": ("caution", None, "cautions"),
    "leg_pain_below_knee": ("caution", None, "cautions"),
}
# The 1.0 questions that asked two things at once: no longer asked, still accepted.
DEPRECATED = ["leg_weakness_both_or_worsening", "night_or_rest_pain"]

AUXILIARIES = r"(?:do|does|did|is|are|was|were|have|has|had|can|could|will|would)"
NEGATIONS = r"\b(?:not|no|never|none|nothing|nor|neither|without)\b|n't\b"


def questions(client: TestClient) -> list[dict[str, str]]:
    response = client.get("/v1/screening/questions")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["data"])
    return body["data"]


def test_questions_have_stable_ids_tiers_and_timeframes(client: TestClient) -> None:
    assert {
        q["id"]: (q["tier"], q["timeframe"], q["answer_in"]) for q in questions(client)
    } == EXPECTED


def test_most_serious_questions_come_first(client: TestClient) -> None:
    rank = {"now": 0, "today": 1, "soon": 2, None: 3}
    order = [rank[q["timeframe"]] for q in questions(client)]
    assert order == sorted(order)


def test_each_question_asks_one_thing_in_plain_words(client: TestClient) -> None:
    for q in questions(client):
        text = q["text"]
        # A single yes/no question: starts with a verb that asks, one question mark, at the end.
        assert re.match(rf"^(?:{AUXILIARIES})\b", text, re.IGNORECASE) or text.startswith(
            "Along with"
        ), text
        assert text.count("?") == 1 and text.endswith("?"), text
        # No second question joined on: "..., or does it ...", "... and do you ...".
        assert not re.search(rf"\b(?:or|and)\s+{AUXILIARIES}\b", text, re.IGNORECASE), text
        # No negative question ("does it not ease?"), so no "yes" that means "no".
        assert not re.search(NEGATIONS, text, re.IGNORECASE), text
        assert len(text) <= 120, text


def test_each_question_has_a_plain_help_line(client: TestClient) -> None:
    for q in questions(client):
        help_line = q["help"]
        assert help_line and help_line.endswith(".") and "?" not in help_line, q["id"]
        assert len(help_line) <= 260, q["id"]
        # A double negative in the help line would undo the plain question.
        assert len(re.findall(NEGATIONS, help_line, re.IGNORECASE)) <= 1, q["id"]


def test_questions_keep_the_words_people_recognise(client: TestClient) -> None:
    by_id = {q["id"]: q["text"] + " " + q["help"] for q in questions(client)}
    assert "genitals, buttocks or inner thighs" in by_id["saddle_numbness"]
    assert "both legs" in by_id["both_legs_numb_or_weak"]
    assert "getting worse" in by_id["leg_weakness_worsening"]
    assert "steroid" in by_id["long_term_steroids"]
    assert "over 50" in by_id["fall_or_minor_injury"]
    assert "osteoporosis" in by_id["osteoporosis"]
    assert "below the knee" in by_id["leg_pain_below_knee"]


def test_every_id_is_accepted_where_the_screen_says(client: TestClient) -> None:
    for question in questions(client):
        body = {"area": "mid", "pain_level": 2, "red_flags": [], "cautions": [], "age": 30}
        body[question["answer_in"]] = [question["id"]]
        response = client.post("/v1/recommendations", json=body)
        assert response.status_code == 200, (question["id"], response.text)


def test_deprecated_ids_are_not_asked_but_still_accepted(client: TestClient) -> None:
    asked = {q["id"] for q in questions(client)}
    for old in DEPRECATED:
        assert old not in asked
        response = client.post(
            "/v1/recommendations",
            json={"area": "mid", "pain_level": 2, "red_flags": [old], "cautions": []},
        )
        assert response.status_code == 200
        assert response.json()["triage"]["level"] != "self_care"
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    documented = schema["RecommendationCreate"]["properties"]["red_flags"]["description"]
    assert all(old in documented for old in [*DEPRECATED, "osteoporosis"])
    assert "deprecated" in documented


def test_questions_are_cacheable(client: TestClient) -> None:
    first = client.get("/v1/screening/questions")
    assert "max-age" in first.headers["cache-control"]
    again = client.get("/v1/screening/questions", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
