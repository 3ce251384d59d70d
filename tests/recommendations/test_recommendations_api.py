"""Every triage and filtering rule, through POST /v1/recommendations, on the article's moves."""

import itertools
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests import screening_ids

URGENT = screening_ids.EMERGENCY
SAME_DAY = screening_ids.TODAY
SOON = screening_ids.RISK_FACTORS
CAUTION = ["osteoporosis", "leg_pain_below_knee"]
LIMITATIONS = ["cannot_kneel", "cannot_lie_on_floor", "cannot_stand_unsupported"]
LIMITED_POSITION = {
    "cannot_kneel": "hands_and_knees",
    "cannot_lie_on_floor": "lying_on_back",
    "cannot_stand_unsupported": "standing",
}


def recommend(client: TestClient, **body: Any) -> dict[str, Any]:
    body.setdefault("area", "lower")
    body.setdefault("pain_level", 3)
    body.setdefault("red_flags", [])
    body.setdefault("cautions", [])
    response = client.post("/v1/recommendations", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def slugs(answer: dict[str, Any]) -> list[str]:
    """The moves best match first (`rank`); the list itself comes in the order they are done."""
    return [m["exercise"]["slug"] for m in sorted(answer["moves"], key=lambda m: m["rank"])]


def excluded(answer: dict[str, Any]) -> dict[str, list[str]]:
    return {e["slug"]: e["causes"] for e in answer["excluded"]}


@pytest.fixture()
def catalog(client: TestClient) -> dict[str, dict[str, Any]]:
    """The article's moves as the catalog serves them, by slug."""
    return {e["slug"]: e for e in client.get("/v1/exercises").json()["data"]}


def disclaimer(client: TestClient) -> str:
    return client.get("/v1/care/referral").json()["disclaimer"]


# --- triage ---------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", URGENT)
def test_any_urgent_flag_gets_emergency_guidance_only(client: TestClient, flag: str) -> None:
    answer = recommend(client, red_flags=[flag], pain_level=2, duration_weeks=10)
    assert answer["triage"]["level"] == "urgent_care"
    assert answer["triage"]["timeframe"] == "now"
    assert answer["moves"] == [] and answer["excluded"] == []
    assert answer["estimated_total_seconds"] == 0
    message = answer["triage"]["message"]
    assert "emergency number" in message and "emergency department" in message
    assert "exercise" not in message and "specialist" not in message
    assert len(answer["triage"]["reasons"]) == 1
    # No pain clinic and no "see a specialist about these moves" beside an emergency.
    assert answer["referral"] is None and answer["disclaimer"] is None


@pytest.mark.parametrize("flag", SAME_DAY)
def test_urgent_gp_or_111_signs_get_a_same_day_medical_review(
    client: TestClient, flag: str
) -> None:
    answer = recommend(client, red_flags=[flag])
    assert answer["triage"]["level"] == "see_doctor"
    assert answer["triage"]["timeframe"] == "today"
    assert "today" in answer["triage"]["message"] and "same-day" in answer["triage"]["message"]
    assert "today" in answer["triage"]["reasons"][0]
    assert answer["moves"] == []
    assert answer["referral"] is None and answer["disclaimer"] is None


@pytest.mark.parametrize("flag", SOON)
def test_a_risk_factor_alone_means_a_doctor_soon_without_the_clinic(
    client: TestClient, flag: str
) -> None:
    answer = recommend(client, red_flags=[flag])
    assert answer["triage"]["level"] == "see_doctor"
    assert answer["triage"]["timeframe"] == "soon"
    assert answer["moves"] == []
    assert "doctor" in answer["triage"]["message"]
    # The article offers its clinic for severe pain, never for a possible cancer or infection.
    assert answer["referral"] is None
    assert len(answer["triage"]["reasons"]) == 1


@pytest.mark.parametrize("pain", [7, 8, 9, 10])
def test_severe_pain_means_see_doctor_with_referral(client: TestClient, pain: int) -> None:
    answer = recommend(client, pain_level=pain)
    assert answer["triage"]["level"] == "see_doctor"
    assert answer["triage"]["pain_band"] == "severe"
    assert answer["moves"] == []
    assert answer["referral"]["location"] == "Chicago, Illinois"
    assert answer["triage"]["reasons"] == [
        f"Your pain is severe ({pain} out of 10). The NHS advises seeing a GP when back pain "
        "is severe, and the article's words are: \"if you\u2019re dealing with severe back "
        'pain, you may want to see a back pain relief specialist".'
    ]


@pytest.mark.parametrize(("pain", "band"), [(0, "none"), (1, "mild"), (3, "mild"), (6, "moderate")])
def test_pain_below_severe_gets_moves(client: TestClient, pain: int, band: str) -> None:
    answer = recommend(client, pain_level=pain)
    assert answer["triage"]["level"] == "self_care"
    assert answer["triage"]["pain_band"] == band
    assert band in answer["triage"]["reasons"][0]
    assert len(answer["moves"]) == 4
    assert answer["referral"] is None


def test_urgent_outranks_see_doctor_and_carries_only_the_emergency(client: TestClient) -> None:
    answer = recommend(
        client, pain_level=9, red_flags=["fever_or_unwell", "major_trauma", "chest_pain"]
    )
    assert answer["triage"]["level"] == "urgent_care"
    reasons = answer["triage"]["reasons"]
    assert len(reasons) == 2
    assert not any("fever" in r or "severe" in r for r in reasons)


@pytest.mark.parametrize(
    "sent", [{"cautions": CAUTION}, {"red_flags": CAUTION}, {"red_flags": ["osteoporosis"]}]
)
def test_caution_answers_do_not_escalate(client: TestClient, sent: dict[str, list[str]]) -> None:
    answer = recommend(client, **sent)
    assert answer["triage"]["level"] == "self_care"
    assert answer["moves"]


@pytest.mark.parametrize(
    ("age", "extra", "timeframe"),
    [(None, {}, "today"), (72, {}, "today"), (35, {"cautions": ["osteoporosis"]}, "today")],
)
def test_a_fall_with_fragile_bones_is_a_same_day_review(
    client: TestClient, age: int | None, extra: dict[str, Any], timeframe: str
) -> None:
    body = {"red_flags": ["fall_or_minor_injury"], **extra}
    if age is not None:
        body["age"] = age
    answer = recommend(client, **body)
    assert answer["triage"]["timeframe"] == timeframe
    assert answer["moves"] == [] and answer["referral"] is None
    assert "break a bone in the spine" in answer["triage"]["reasons"][0]


def test_a_minor_injury_at_35_without_fragile_bones_keeps_the_moves(client: TestClient) -> None:
    answer = recommend(client, red_flags=["fall_or_minor_injury"], age=35)
    assert answer["triage"]["level"] == "self_care" and answer["moves"]
    assert any(
        r.startswith("Your back pain started after a fall") for r in answer["triage"]["reasons"]
    )


def test_long_lasting_pain_gets_moves_and_advice_to_have_it_looked_at(client: TestClient) -> None:
    answer = recommend(client, pain_level=4, duration_weeks=7)
    assert answer["triage"]["level"] == "self_care"
    assert answer["triage"]["timeframe"] == "routine"
    assert slugs(answer) == ["knee-rolls", "cat-camel", "abdominal-crunches", "hamstring-stretch"]
    assert "looked at" in answer["triage"]["message"]
    assert any("7 weeks" in r for r in answer["triage"]["reasons"])
    # Not severe: the article's clinic is not offered; the routine route is.
    assert answer["referral"] is None
    assert answer["care_route"]["routine"]["action"] in answer["triage"]["message"]


@pytest.mark.parametrize(("weeks", "pain"), [(6, 4), (0, 4), (30, 0)])
def test_no_advice_within_six_weeks_or_without_pain(
    client: TestClient, weeks: int, pain: int
) -> None:
    answer = recommend(client, pain_level=pain, duration_weeks=weeks)
    assert answer["triage"]["level"] == "self_care"
    assert "looked at" not in answer["triage"]["message"]
    assert answer["referral"] is None


def test_answers_that_mention_the_moves_carry_the_articles_disclaimer(client: TestClient) -> None:
    expected = disclaimer(client)
    assert "you may want to see a back pain relief specialist" in expected
    for body in (
        {},
        {"pain_level": 9},
        {"red_flags": ["cancer_history"]},
        {"limitations": LIMITATIONS, "area": "mid"},
        {"duration_weeks": 10},
    ):
        assert recommend(client, **body)["disclaimer"] == expected
    for body in ({"red_flags": ["chest_pain"]}, {"red_flags": ["fever_or_unwell"]}):
        assert recommend(client, **body)["disclaimer"] is None


# --- ranking and order ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("area", "ranked"),
    [
        ("upper", ["shoulder-rotations", "cat-camel", "abdominal-crunches", "hamstring-stretch"]),
        ("mid", ["knee-rolls", "cat-camel", "abdominal-crunches", "hamstring-stretch"]),
        ("lower", ["knee-rolls", "cat-camel", "abdominal-crunches", "hamstring-stretch"]),
    ],
)
def test_each_area_ranks_its_primary_move_first(
    client: TestClient, area: str, ranked: list[str]
) -> None:
    answer = recommend(client, area=area)
    assert answer["triage"]["level"] == "self_care"
    assert slugs(answer) == ranked
    assert [m["relevance"] for m in sorted(answer["moves"], key=lambda m: m["rank"])] == [
        "primary",
        "secondary",
        "secondary",
        "secondary",
    ]
    first = min(answer["moves"], key=lambda m: m["order"])
    assert first["exercise"]["slug"] == ranked[0]
    assert answer["excluded"] == []
    assert answer["referral"] is None


def test_upper_back_never_gets_knee_rolls_and_mid_lower_never_shoulder_rotations(
    client: TestClient,
) -> None:
    assert "knee-rolls" not in slugs(recommend(client, area="upper"))
    for area in ("mid", "lower"):
        assert "shoulder-rotations" not in slugs(recommend(client, area=area))


def test_suggested_order_keeps_floor_moves_together(client: TestClient) -> None:
    answer = recommend(client, area="lower")
    in_order = [m["exercise"]["slug"] for m in sorted(answer["moves"], key=lambda m: m["order"])]
    assert in_order == ["knee-rolls", "abdominal-crunches", "cat-camel", "hamstring-stretch"]


def test_moves_carry_the_articles_reason_and_exact_dose(
    client: TestClient, catalog: dict[str, dict[str, Any]]
) -> None:
    for area in ("upper", "mid", "lower"):
        for move in recommend(client, area=area)["moves"]:
            source = catalog[move["exercise"]["slug"]]
            assert move["reason"] == source["helps_with"]
            assert move["dose"] == source["dose"]
            assert move["exercise"] == {
                **{key: source[key] for key in ("slug", "name", "kind", "position")},
                "name_translated": None,
            }
            targets = {t["area"]: t["relevance"] for t in source["target_areas"]}
            assert move["relevance"] == targets[area]
    knee = recommend(client, area="mid")["moves"][0]
    dose = {key: value for key, value in knee["dose"].items() if key != "provenance"}
    assert dose == {
        "hold_seconds": {"min": 3, "max": 3},
        "reps": {"min": 6, "max": 8},
        "per_side": True,
    }
    assert knee["dose"]["provenance"]["per_side"]["basis"] == "inferred"


def test_estimated_time_adds_up(client: TestClient) -> None:
    answer = recommend(client, area="lower")
    per_move = {m["exercise"]["slug"]: m["estimated_seconds"] for m in answer["moves"]}
    # 2 sides x 8 reps x (3 s hold + 3 s to move)
    assert per_move["knee-rolls"] == 96
    # The article gives cat camel and crunches no hold and no count: no time, not 3 s.
    assert per_move["cat-camel"] is None and per_move["abdominal-crunches"] is None
    # 15 s to change between each two of the four moves
    timed = sum(s for s in per_move.values() if s is not None)
    assert answer["estimated_total_seconds"] == timed + 3 * 15
    assert answer["estimated_seconds"] == answer["estimated_total_seconds"]
    fewer = recommend(client, area="lower", limitations=["cannot_lie_on_floor"])
    assert fewer["estimated_total_seconds"] < answer["estimated_total_seconds"]


# --- holding moves back ---------------------------------------------------------------------


@pytest.mark.parametrize("field", ["cautions", "red_flags"])
def test_osteoporosis_holds_back_crunches_and_the_hamstring_stretch(
    client: TestClient, field: str
) -> None:
    answer = recommend(client, area="mid", **{field: ["osteoporosis"]})
    assert slugs(answer) == ["knee-rolls", "cat-camel"]
    assert excluded(answer) == {
        "abdominal-crunches": ["osteoporosis"],
        "hamstring-stretch": ["osteoporosis"],
    }
    assert all("osteoporosis" in e["reason"] for e in answer["excluded"])
    assert any("osteoporosis" in r for r in answer["triage"]["reasons"])


def test_pain_below_the_knee_holds_back_the_hamstring_stretch(client: TestClient) -> None:
    answer = recommend(client, area="upper", cautions=["leg_pain_below_knee"])
    assert slugs(answer) == ["shoulder-rotations", "cat-camel", "abdominal-crunches"]
    assert excluded(answer) == {"hamstring-stretch": ["leg_pain_below_knee"]}
    assert "knee" in answer["excluded"][0]["reason"]


@pytest.mark.parametrize(
    ("limitation", "removed"),
    [
        ("cannot_kneel", ["cat-camel"]),
        ("cannot_lie_on_floor", ["knee-rolls", "abdominal-crunches"]),
        ("cannot_stand_unsupported", ["hamstring-stretch"]),
    ],
)
def test_limitations_remove_moves_by_starting_position(
    client: TestClient, limitation: str, removed: list[str]
) -> None:
    answer = recommend(client, area="lower", limitations=[limitation])
    assert excluded(answer) == {slug: [limitation] for slug in removed}
    assert not set(removed) & set(slugs(answer))
    assert len(answer["moves"]) == 4 - len(removed)
    assert all(e["reason"] for e in answer["excluded"])


def test_upper_back_keeps_the_seated_move_whatever_the_limitations(client: TestClient) -> None:
    answer = recommend(client, area="upper", limitations=LIMITATIONS, cautions=CAUTION)
    assert slugs(answer) == ["shoulder-rotations"]
    assert answer["moves"][0]["order"] == 1


def test_nothing_left_says_so_and_offers_the_referral(client: TestClient) -> None:
    answer = recommend(client, area="mid", limitations=LIMITATIONS)
    assert answer["triage"]["level"] == "self_care"
    assert answer["moves"] == []
    assert set(excluded(answer)) == {
        "cat-camel",
        "abdominal-crunches",
        "knee-rolls",
        "hamstring-stretch",
    }
    assert "None of the article's moves suits your answers" in answer["triage"]["message"]
    assert answer["triage"]["timeframe"] == "routine"
    assert answer["referral"] is None
    assert answer["care_route"]["routine"]["action"] in answer["triage"]["message"]
    assert answer["estimated_total_seconds"] == 0


def test_nothing_left_with_a_caution_flag_too(client: TestClient) -> None:
    answer = recommend(
        client,
        area="lower",
        cautions=["osteoporosis"],
        limitations=["cannot_kneel", "cannot_lie_on_floor"],
    )
    assert answer["moves"] == []
    assert answer["triage"]["timeframe"] == "routine"


def test_duplicate_answers_count_once(client: TestClient) -> None:
    answer = recommend(
        client,
        red_flags=["osteoporosis"],
        cautions=["osteoporosis", "osteoporosis"],
        limitations=["cannot_kneel"] * 2,
    )
    assert excluded(answer)["cat-camel"] == ["cannot_kneel"]
    assert excluded(answer)["hamstring-stretch"] == ["osteoporosis"]


def test_no_combination_ever_returns_a_move_the_catalog_does_not_link_to_the_area(
    client: TestClient, catalog: dict[str, dict[str, Any]]
) -> None:
    linked = {
        area: {
            slug for slug, e in catalog.items() if area in {t["area"] for t in e["target_areas"]}
        }
        for area in ("upper", "mid", "lower")
    }
    limitation_sets = [
        list(c) for n in range(len(LIMITATIONS) + 1) for c in itertools.combinations(LIMITATIONS, n)
    ]
    caution_sets = [
        list(c) for n in range(len(CAUTION) + 1) for c in itertools.combinations(CAUTION, n)
    ]
    for area, limitations, flags in itertools.product(linked, limitation_sets, caution_sets):
        answer = recommend(client, area=area, limitations=limitations, cautions=flags)
        returned, held = set(slugs(answer)), set(excluded(answer))
        assert returned <= linked[area], (area, limitations, flags)
        assert returned | held == linked[area] and not returned & held
        for move in answer["moves"]:
            assert move["exercise"]["position"] not in {LIMITED_POSITION[x] for x in limitations}
        assert sorted(m["order"] for m in answer["moves"]) == list(range(1, len(returned) + 1))
        if not returned:
            assert answer["triage"]["timeframe"] == "routine"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"area": "neck"}, "body.area"),
        ({"area": "LOWER"}, "body.area"),
        ({"area": None}, "body.area"),
        ({"pain_level": 11}, "body.pain_level"),
        ({"pain_level": -1}, "body.pain_level"),
        ({"pain_level": 3.5}, "body.pain_level"),
        ({"pain_level": "abc"}, "body.pain_level"),
        ({"pain_level": "5"}, "body.pain_level"),
        ({"pain_level": True}, "body.pain_level"),
        ({"pain_level": 10**30}, "body.pain_level"),
        ({"red_flags": ["back_ache"]}, "body.red_flags.0"),
        ({"red_flags": ["chest_pain", "CHEST_PAIN"]}, "body.red_flags.1"),
        ({"red_flags": "chest_pain"}, "body.red_flags"),
        ({"red_flags": ["x"] * 51}, "body.red_flags"),
        ({"cautions": ["chest_pain"]}, "body.cautions.0"),
        ({"cautions": None}, "body.cautions"),
        ({"limitations": ["cannot_jump"]}, "body.limitations.0"),
        ({"age": -1}, "body.age"),
        ({"age": 121}, "body.age"),
        ({"age": "40"}, "body.age"),
        ({"age": 40.5}, "body.age"),
        ({"duration_weeks": -1}, "body.duration_weeks"),
        ({"duration_weeks": 2.5}, "body.duration_weeks"),
        ({"mood": "grumpy"}, "body.mood"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    body = {"area": "lower", "pain_level": 3, "red_flags": [], "cautions": [], **change}
    response = client.post("/v1/recommendations", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == [field]
    assert field in problem["detail"]


def test_whole_numbers_written_with_a_decimal_point_are_whole_numbers(client: TestClient) -> None:
    # JSON has one number type: 4.0 is the integer JSON Schema documents, as 4 is.
    written = {"area": "lower", "pain_level": 4.0, "red_flags": [], "cautions": [], "age": 40.0}
    plain = {"area": "lower", "pain_level": 4, "red_flags": [], "cautions": [], "age": 40}
    first = client.post("/v1/recommendations", json=written)
    assert first.status_code == 200, first.text
    assert first.json() == client.post("/v1/recommendations", json=plain).json()


@pytest.mark.parametrize("missing", ["area", "pain_level", "red_flags", "cautions"])
def test_required_fields(client: TestClient, missing: str) -> None:
    body: dict[str, Any] = {"area": "lower", "pain_level": 3, "red_flags": [], "cautions": []}
    del body[missing]
    response = client.post("/v1/recommendations", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [f"body.{missing}"]


@pytest.mark.parametrize("red_flags", ["absent", None])
def test_without_the_screen_the_answer_is_to_ask_it_first(
    client: TestClient, red_flags: str | None
) -> None:
    body: dict[str, Any] = {"area": "lower", "pain_level": 3, "cautions": [], "limitations": []}
    if red_flags is None:
        body["red_flags"] = None
    response = client.post("/v1/recommendations", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    [error] = response.json()["errors"]
    assert error["field"] == "body.red_flags" and error["type"] == "screen_missing"
    assert "safety screen first" in error["message"] and "[]" in error["message"]
    assert "/v1/screening/questions" in error["message"]


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "null",
        "[]",
        '"lower"',
        "42",
        "{",
        '{"area": {"x": 1}, "pain_level": [3]}',
        '{"area": "lower", "pain_level": 3, "red_flags": [null, 1, {}]}',
        '{"area": "lower", "pain_level": 1e400}',
        '{"area": "lower", "pain_level": 3, "duration_weeks": 99999999999999999999}',
    ],
)
def test_odd_bodies_are_client_errors_never_500(client: TestClient, raw: str) -> None:
    response = client.post(
        "/v1/recommendations", content=raw, headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


def test_request_examples_are_in_the_contract(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/recommendations"]["post"]
    assert operation["operationId"] == "create_recommendation"
    assert operation["tags"] == ["recommendations"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert {"self_care", "red_flag", "same_day", "caution"} <= set(examples)
    for example in examples.values():
        assert recommend(client, **example["value"])["triage"]["level"]
    red_flag = recommend(client, **examples["red_flag"]["value"])
    assert red_flag["triage"]["level"] == "urgent_care"
    assert recommend(client, **examples["same_day"]["value"])["triage"]["timeframe"] == "today"
    body = spec["components"]["schemas"]["RecommendationCreate"]
    assert {"red_flags", "cautions"} <= set(body["required"])
    schema = spec["components"]["schemas"]["RecommendationCreate"]
    assert schema["examples"]
