"""The whole screen as a table: every question id, every pain value 0-10, each area and each
limitation, through the same validation and service the endpoint uses. The expected outcome of
each row is written out here, independently of the rule tables in app/recommendations."""

import itertools
from typing import Any

import pytest
from sqlmodel import Session

from app.recommendations import service
from app.recommendations.schemas import RecommendationCreate
from tests import screening_ids

EMERGENCY = set(screening_ids.EMERGENCY)
# Possible spinal infection, or (with no age given) a possible broken bone after a fall.
INFECTION = set(screening_ids.INFECTION)
SAME_DAY = INFECTION | {"fall_or_minor_injury"}
SOON = set(screening_ids.SOON)
# Caution -> the moves it holds back.
CAUTIONS = {
    "osteoporosis": {"abdominal-crunches", "hamstring-stretch"},
    "leg_pain_below_knee": {"hamstring-stretch"},
}
LINKED = {
    "upper": {"cat-camel", "abdominal-crunches", "shoulder-rotations", "hamstring-stretch"},
    "mid": {"cat-camel", "abdominal-crunches", "knee-rolls", "hamstring-stretch"},
    "lower": {"cat-camel", "abdominal-crunches", "knee-rolls", "hamstring-stretch"},
}
LIMITED = {
    None: set(),
    "cannot_kneel": {"cat-camel"},
    "cannot_lie_on_floor": {"abdominal-crunches", "knee-rolls"},
    "cannot_stand_unsupported": {"hamstring-stretch"},
}
BANDS = ["none"] + ["mild"] * 3 + ["moderate"] * 3 + ["severe"] * 4

# Every id a client may send: each red flag (deprecated ones too), each caution, and the caution
# ids the deprecated way, in red_flags; None is a screen with every answer "no".
ROWS: list[tuple[str | None, str]] = [
    (None, "red_flags"),
    *((flag, "red_flags") for flag in sorted(EMERGENCY | SAME_DAY | SOON | set(CAUTIONS))),
    *((caution, "cautions") for caution in sorted(CAUTIONS)),
]


def test_the_table_covers_every_id_the_api_accepts() -> None:
    schema = RecommendationCreate.model_json_schema()
    red_flags = set(schema["$defs"]["RedFlag"]["enum"])
    cautions = set(schema["$defs"]["Caution"]["enum"])
    assert {i for i, field in ROWS if field == "red_flags" and i} == red_flags
    assert {i for i, field in ROWS if field == "cautions"} == cautions


def answer(session: Session, body: dict[str, Any]) -> dict[str, Any]:
    request = RecommendationCreate.model_validate(body)
    return service.create_recommendation(session, request).model_dump(mode="json")


@pytest.mark.parametrize(("question", "field"), ROWS, ids=[f"{f}:{q}" for q, f in ROWS])
def test_every_answer_goes_to_the_right_place(
    session: Session, content_cached: None, question: str | None, field: str
) -> None:
    for pain, area, limitation in itertools.product(range(11), LINKED, LIMITED):
        body: dict[str, Any] = {
            "area": area,
            "pain_level": pain,
            "red_flags": [],
            "limitations": [limitation] if limitation else [],
        }
        if question:
            body[field] = [question]
        got = answer(session, body)
        row = (question, pain, area, limitation)
        triage = got["triage"]
        assert triage["pain_band"] == BANDS[pain], row

        if question in EMERGENCY:
            assert (triage["level"], triage["timeframe"]) == ("urgent_care", "now"), row
            # Emergency guidance and nothing else.
            assert got["moves"] == [] and got["excluded"] == [], row
            assert got["referral"] is None and got["disclaimer"] is None, row
            assert "emergency number" in triage["message"], row
            for text in [triage["message"], *triage["reasons"]]:
                assert "specialist" not in text and "clinic" not in text, row
                assert "moves" not in text and "exercise" not in text, row
            continue

        if question in SAME_DAY:
            assert (triage["level"], triage["timeframe"]) == ("see_doctor", "today"), row
            assert got["moves"] == [] and got["excluded"] == [], row
            assert got["referral"] is None and got["disclaimer"] is None, row
            assert "same-day" in triage["message"] and "today" in triage["reasons"][0], row
            if question in INFECTION:
                assert "infection" in triage["reasons"][0], row
            else:
                assert "break a bone" in triage["reasons"][0], row
            continue

        if question in SOON or pain >= 7:
            assert (triage["level"], triage["timeframe"]) == ("see_doctor", "soon"), row
            assert got["moves"] == [] and got["excluded"] == [], row
            assert got["referral"] is not None and got["disclaimer"], row
            assert "not the only place" in got["referral"]["guidance"], row
            assert any(f"({pain} out of 10)" in r for r in triage["reasons"]) is (pain >= 7), row
            continue

        # Self-care: only moves for the area, and none that an answer holds back.
        assert triage["level"] == "self_care", row
        held = LIMITED[limitation] | CAUTIONS.get(question or "", set())
        moves = {m["exercise"]["slug"] for m in got["moves"]}
        excluded = {e["slug"] for e in got["excluded"]}
        assert moves == LINKED[area] - held, row
        assert excluded == LINKED[area] & held, row
        assert got["disclaimer"], row
        assert (got["referral"] is not None) is (not moves), row
        assert triage["timeframe"] == (None if moves else "routine"), row
        assert f"({pain} out of 10)" in triage["reasons"][0], row
