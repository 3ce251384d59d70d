"""The whole screen as a table: every question id alone and every pair of them, each area, the
combination rules, every age from 0 to 120 and each region, through the same validation and
service the endpoint uses. The expected tier and the citation id of each row are written out
here, independently of the rule tables in app/recommendations."""

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from app.recommendations import service
from app.recommendations.schemas import RecommendationCreate
from tests import screening_ids

EMERGENCY = set(screening_ids.EMERGENCY)
TODAY = set(screening_ids.TODAY)
RISK = set(screening_ids.RISK_FACTORS)
NERVE = set(screening_ids.NERVE)
CAUTION_IDS = set(screening_ids.CAUTIONS)
AREAS = ["upper", "mid", "lower"]
# The citation each sign's tier rests on (seed/triage_sources.json).
CITATION = {
    "saddle_numbness": "nhs-999-genitals",
    "bladder_bowel_change": "nhs-999-bladder-bowel",
    "sexual_dysfunction": "ces-sexual-function",
    "both_legs_numb_or_weak": "nhs-999-both-legs",
    "both_legs_pain": "nhs-999-both-legs",
    "leg_weakness_worsening": "cks-progressive-deficit",
    "difficulty_walking": "cks-progressive-deficit",
    "chest_pain": "nhs-999-chest-pain",
    "major_trauma": "nhs-999-accident",
    "leg_weakness_both_or_worsening": "nhs-999-both-legs",
    "fever_or_unwell": "nhs-111-temperature",
    "unexplained_weight_loss": "nhs-111-weight-loss",
    "new_lump_or_deformity": "nhs-111-lump",
    "night_pain": "nhs-111-rest-or-night",
    "pain_at_rest": "nhs-111-rest-or-night",
    "cough_sneeze_strain_pain": "nhs-111-cough-sneeze",
    "pain_unchanged_by_movement": "nhs-111-rest-or-night",
    "night_or_rest_pain": "nhs-111-rest-or-night",
    "fall_or_minor_injury": "cks-fracture",
    "cancer_history": "cks-cancer-history",
    "recent_infection": "cks-infection",
    "injected_drugs": "cks-infection",
    "recent_spinal_procedure": "inferred-spinal-procedure",
    "weakened_immune_system": "cks-infection",
    "long_term_steroids": "cks-fracture",
}
# Every id a client may send in red_flags (the caution ids the deprecated way too).
RED_FLAG_IDS = sorted(set(CITATION) | CAUTION_IDS)
SOURCES = json.loads(
    (Path(__file__).resolve().parents[2] / "seed" / "triage_sources.json").read_text("utf-8")
)


def test_the_table_covers_every_id_the_api_accepts() -> None:
    schema = RecommendationCreate.model_json_schema()
    assert set(schema["$defs"]["RedFlag"]["enum"]) == set(RED_FLAG_IDS)
    assert set(schema["$defs"]["Caution"]["enum"]) == CAUTION_IDS
    assert set(CITATION.values()) <= set(SOURCES["citations"])


def expected(
    flags: set[str], cautions: set[str], area: str, pain: int, age: int | None, weeks: int | None
) -> tuple[str, str | None, set[str]]:
    """(level, timeframe, citations that must be given) by the rules as docs/api.md states
    them."""
    cautions = cautions | (flags & CAUTION_IDS)
    new_pain = weeks is None or weeks <= 6
    age_risk = age is not None and new_pain and (age > 50 or age < 20)
    cancer = "cancer_history" in flags
    now = {CITATION[f] for f in flags & EMERGENCY}
    if cancer and (flags & NERVE or "leg_pain_below_knee" in cautions):
        now.add("mscc-neurological")
    if now:
        return "urgent_care", "now", now
    today = {CITATION[f] for f in flags & TODAY}
    if "pain_unchanged_by_movement" in flags and area in ("upper", "mid"):
        today.add("nhs-111-top-of-back")
    fragile = age is None or age > 50 or "osteoporosis" in cautions or "long_term_steroids" in flags
    if "fall_or_minor_injury" in flags and fragile:
        today.add("cks-fracture")
    risks = flags & RISK
    if risks and len(risks) + age_risk >= 2:
        today.add("inferred-risk-features-together")
    if cancer and area in ("upper", "mid"):
        today.add("mscc-thoracic")
    if cancer and pain >= 7 and "pain_at_rest" not in flags:
        today.add("mscc-unremitting")
    if today:
        return "see_doctor", "today", today
    soon = {CITATION[f] for f in risks}
    if pain >= 7:
        soon.add("nhs-gp-severe")
    if age is not None and age < 16:
        soon.add("ng59-over-16s" if area == "lower" else "inferred-under-16")
    if soon:
        return "see_doctor", "soon", soon
    routine = (weeks is not None and weeks > 6 and pain > 0) or age_risk
    return "self_care", "routine" if routine else None, set()


def answer(db: Session, body: dict[str, Any]) -> dict[str, Any]:
    request = RecommendationCreate.model_validate(body)
    return service.create_recommendation(db, request).model_dump(mode="json")


def check(db: Session, row: dict[str, Any]) -> None:
    flags = set(row.get("red_flags", []))
    cautions = set(row.get("cautions", []))
    level, timeframe, citations = expected(
        flags, cautions, row["area"], row["pain_level"], row.get("age"), row.get("duration_weeks")
    )
    got = answer(db, {"red_flags": [], "cautions": [], **row})
    triage = got["triage"]
    assert (triage["level"], triage["timeframe"]) == (level, timeframe), row
    assert citations <= {c["id"] for c in triage["citations"]}, row
    if level == "urgent_care":
        assert got["moves"] == [] and got["referral"] is None and got["disclaimer"] is None, row
        assert "emergency" in triage["message"], row
    elif level == "see_doctor":
        assert got["moves"] == [], row
        clinic = (
            timeframe == "soon"
            and citations == {"nhs-gp-severe"}
            and not (
                row.get("age") is not None
                and (row.get("duration_weeks") is None or row["duration_weeks"] <= 6)
                and (row["age"] > 50 or row["age"] < 20)
            )
        )
        assert (got["referral"] is not None) is clinic, row
    else:
        assert got["referral"] is None, row


@pytest.mark.parametrize("flag", [None, *RED_FLAG_IDS])
def test_every_sign_alone_at_every_pain_in_every_area(db: Session, flag: str | None) -> None:
    for pain, area in itertools.product(range(11), AREAS):
        row: dict[str, Any] = {"area": area, "pain_level": pain, "age": 40, "duration_weeks": 2}
        if flag:
            row["red_flags"] = [flag]
        check(db, row)


@pytest.mark.parametrize("caution", sorted(CAUTION_IDS))
def test_every_caution_alone_and_with_each_sign(db: Session, caution: str) -> None:
    for flag, area in itertools.product([None, *CITATION], AREAS):
        row: dict[str, Any] = {"area": area, "pain_level": 4, "cautions": [caution]}
        if flag:
            row["red_flags"] = [flag]
        check(db, row)


@pytest.mark.parametrize("first", RED_FLAG_IDS)
def test_every_pair_of_signs(db: Session, first: str) -> None:
    for second in RED_FLAG_IDS:
        if second <= first:
            continue
        for area in AREAS:
            check(db, {"area": area, "pain_level": 4, "red_flags": [first, second]})


@pytest.mark.parametrize(
    ("row", "level", "timeframe", "citation"),
    [
        # Past cancer: thoracic pain, night pain, straining, unremitting pain, nerve symptoms.
        (
            {"area": "upper", "red_flags": ["cancer_history"]},
            "see_doctor",
            "today",
            "mscc-thoracic",
        ),
        ({"area": "mid", "red_flags": ["cancer_history"]}, "see_doctor", "today", "mscc-thoracic"),
        ({"red_flags": ["cancer_history", "night_pain"]}, "see_doctor", "today", "mscc-night"),
        (
            {"red_flags": ["cancer_history", "cough_sneeze_strain_pain"]},
            "see_doctor",
            "today",
            "mscc-straining",
        ),
        (
            {"red_flags": ["cancer_history"], "pain_level": 8},
            "see_doctor",
            "today",
            "mscc-unremitting",
        ),
        (
            {"red_flags": ["cancer_history"], "cautions": ["leg_pain_below_knee"], "age": 64},
            "urgent_care",
            "now",
            "mscc-neurological",
        ),
        (
            {"red_flags": ["cancer_history"], "duration_weeks": 30},
            "see_doctor",
            "soon",
            "cks-cancer-history",
        ),
        # Age with new pain and another risk feature.
        ({"red_flags": ["cancer_history"], "age": 64}, "see_doctor", "today", "cks-age"),
        ({"red_flags": ["recent_infection"], "age": 18}, "see_doctor", "today", "cks-age"),
        (
            {"red_flags": ["recent_infection"], "age": 18, "duration_weeks": 10},
            "see_doctor",
            "soon",
            "cks-infection",
        ),
        ({"age": 64, "duration_weeks": 1}, "self_care", "routine", "cks-age"),
        # Risk factors together; a soft sign alone.
        (
            {"red_flags": ["recent_infection", "weakened_immune_system"]},
            "see_doctor",
            "today",
            "inferred-risk-features-together",
        ),
        (
            {"red_flags": ["weakened_immune_system"], "age": 30},
            "see_doctor",
            "soon",
            "inferred-soft-sign-alone",
        ),
        # Upper and mid back pain and movement.
        (
            {"area": "upper", "red_flags": ["pain_unchanged_by_movement"]},
            "see_doctor",
            "today",
            "nhs-111-top-of-back",
        ),
        (
            {"area": "upper", "age": 30},
            "self_care",
            None,
            "inferred-upper-mid-changes-with-movement",
        ),
        # A fall: fragile bones or not.
        (
            {"red_flags": ["fall_or_minor_injury"], "age": 30},
            "self_care",
            None,
            "inferred-fall-over-50",
        ),
        (
            {"red_flags": ["fall_or_minor_injury"], "age": 51},
            "see_doctor",
            "today",
            "inferred-fall-over-50",
        ),
        # Severe pain: the article's words.
        ({"pain_level": 9, "age": 30}, "see_doctor", "soon", "article-severe-pain"),
    ],
)
def test_combination_rules(
    db: Session,
    row: dict[str, Any],
    level: str,
    timeframe: str | None,
    citation: str,
) -> None:
    full = {"area": "lower", "pain_level": 4, **row}
    check(db, full)
    triage = answer(db, {"red_flags": [], "cautions": [], **full})["triage"]
    assert (triage["level"], triage["timeframe"]) == (level, timeframe)
    assert citation in {c["id"] for c in triage["citations"]}


@pytest.mark.parametrize("flags", [[], ["recent_infection"], ["fall_or_minor_injury"]])
def test_every_age_from_0_to_120(db: Session, flags: list[str]) -> None:
    for age, weeks in itertools.product(range(121), (2, 30)):
        check(
            db,
            {
                "area": "lower",
                "pain_level": 3,
                "red_flags": flags,
                "age": age,
                "duration_weeks": weeks,
            },
        )


@pytest.mark.parametrize("region", ["GB", "IE", "DE", "FR", "US", "NZ", None])
def test_each_region_names_its_own_numbers_at_every_tier(db: Session, region: str | None) -> None:
    routes = json.loads(
        (Path(__file__).resolve().parents[2] / "seed" / "care_routes.json").read_text("utf-8")
    )
    kept = {r["region"]: r for r in routes["regions"]}
    route = kept.get(region or "", routes["fallback"])
    body: dict[str, Any] = {"area": "lower", "pain_level": 3, "age": 40}
    if region:
        body["region"] = region
    for flags, words in (
        (["chest_pain"], route["emergency"]["number"] or "your local emergency number"),
        (["fever_or_unwell"], route["urgent"]["action"]),
        (["recent_infection"], route["routine"]["action"]),
    ):
        got = answer(db, {**body, "red_flags": flags, "cautions": []})
        assert words in got["triage"]["message"], (region, flags)
        assert got["care_route"]["region"] == route["region"]
    long_lasting = answer(db, {**body, "red_flags": [], "cautions": [], "duration_weeks": 10})
    assert route["routine"]["action"] in long_lasting["triage"]["message"]
    if route["physiotherapy"]:
        assert route["physiotherapy"]["action"] in long_lasting["triage"]["message"]


def test_every_citation_the_rules_use_is_kept_and_every_kept_one_is_used(db: Session) -> None:
    """The sources file and the rules agree: the questions, and the answers of the table."""
    from app.recommendations import logic, screening

    used = {
        c for q in screening.WARNING_SIGNS + screening.DEPRECATED_WARNING_SIGNS for c in q.citations
    }
    source = Path(logic.__file__).read_text("utf-8")
    used |= {c for c in SOURCES["citations"] if f'"{c}"' in source}
    assert used == set(SOURCES["citations"])
