"""The safety screen as the app renders it."""

from fastapi.testclient import TestClient

EXPECTED_TIERS = {
    "saddle_numbness": "urgent",
    "bladder_bowel_change": "urgent",
    "leg_weakness_both_or_worsening": "urgent",
    "chest_pain": "urgent",
    "major_trauma": "urgent",
    "fever_or_unwell": "see_doctor",
    "unexplained_weight_loss": "see_doctor",
    "cancer_history": "see_doctor",
    "night_or_rest_pain": "see_doctor",
    "weakened_immune_system": "see_doctor",
    "new_lump_or_deformity": "see_doctor",
    "osteoporosis": "caution",
    "leg_pain_below_knee": "caution",
}


def questions(client: TestClient) -> list[dict[str, str]]:
    response = client.get("/v1/screening/questions")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["data"])
    return body["data"]


def test_questions_have_stable_ids_and_tiers(client: TestClient) -> None:
    assert {q["id"]: q["tier"] for q in questions(client)} == EXPECTED_TIERS


def test_most_serious_questions_come_first(client: TestClient) -> None:
    tiers = [q["tier"] for q in questions(client)]
    rank = {"urgent": 0, "see_doctor": 1, "caution": 2}
    assert tiers == sorted(tiers, key=rank.__getitem__)


def test_questions_are_plain_yes_no_questions(client: TestClient) -> None:
    by_id = {q["id"]: q["text"] for q in questions(client)}
    assert all(text.endswith("?") and len(text) < 200 for text in by_id.values())
    assert "genitals, buttocks or inner thighs" in by_id["saddle_numbness"]
    assert "both legs" in by_id["leg_weakness_both_or_worsening"]
    assert "steroid" in by_id["weakened_immune_system"]
    assert "osteoporosis" in by_id["osteoporosis"]
    assert "below the knee" in by_id["leg_pain_below_knee"]


def test_every_question_id_is_accepted_as_a_red_flag(client: TestClient) -> None:
    for question in questions(client):
        response = client.post(
            "/v1/recommendations",
            json={"area": "mid", "pain_level": 2, "red_flags": [question["id"]]},
        )
        assert response.status_code == 200, (question["id"], response.text)


def test_questions_are_cacheable(client: TestClient) -> None:
    first = client.get("/v1/screening/questions")
    assert "max-age" in first.headers["cache-control"]
    again = client.get("/v1/screening/questions", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
