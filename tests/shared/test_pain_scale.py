"""One pain scale for every rule, and every text built from a pain score read out at every
value 0-10: the words must match the number."""

import re
from typing import Any

import pytest
from sqlmodel import Session

from app.progress.pain import is_flare_up, is_meaningful_improvement, session_advice
from app.recommendations import service
from app.recommendations.schemas import Caution, Limitation, RecommendationCreate, RedFlag
from app.shared.pain import PainBand, band, band_range, describe, is_severe

EXPECTED_BANDS = {
    0: PainBand.NONE,
    1: PainBand.MILD,
    2: PainBand.MILD,
    3: PainBand.MILD,
    4: PainBand.MODERATE,
    5: PainBand.MODERATE,
    6: PainBand.MODERATE,
    7: PainBand.SEVERE,
    8: PainBand.SEVERE,
    9: PainBand.SEVERE,
    10: PainBand.SEVERE,
}
BAND_WORDS = {
    PainBand.NONE: "no back pain",
    PainBand.MILD: "mild",
    PainBand.MODERATE: "moderate",
    PainBand.SEVERE: "severe",
}


def test_bands() -> None:
    assert {level: band(level) for level in range(11)} == EXPECTED_BANDS
    assert [band_range(b) for b in PainBand] == [(0, 0), (1, 3), (4, 6), (7, 10)]
    assert [level for level in range(11) if is_severe(level)] == [7, 8, 9, 10]
    assert describe(0) == "no pain (0 out of 10)"
    assert describe(5) == "moderate pain (5 out of 10)"
    for bad in (-1, 11):
        with pytest.raises(ValueError):
            band(bad)


def reads_naturally(text: str) -> None:
    """A sentence a person can read: no template left over, no "1 points", no double spaces,
    and every "N out of 10" named by N's own band, never "0 out of 10 isn't severe"."""
    assert text[:1].isupper() and text.endswith("."), text
    assert "{" not in text and "}" not in text and "  " not in text, text
    assert not re.search(r"\s[.,;]", text), text
    assert not re.search(r"\b1 (?:points|weeks|repetitions|seconds)\b", text), text
    assert not re.search(r"\b(?:isn't|not) (?:severe|mild|moderate)\b", text), text
    for match in re.finditer(r"(\d+) out of 10", text):
        level = int(match.group(1))
        before = text[max(0, match.start() - 40) : match.start()].lower()
        assert BAND_WORDS[band(level)] in before, text
        others = [w for b, w in BAND_WORDS.items() if b is not band(level)]
        assert not any(w in before for w in others), text


VARIANTS: list[dict[str, Any]] = [
    {},
    {"duration_weeks": 10},
    {"duration_weeks": 52, "age": 70},
    {"red_flags": ["fall_or_minor_injury"], "age": 30},
    {"red_flags": ["fall_or_minor_injury"], "age": 64},
    {"red_flags": ["fall_or_minor_injury"]},
    {"red_flags": ["fall_or_minor_injury", "long_term_steroids"], "age": 70},
    {"red_flags": ["fall_or_minor_injury"], "cautions": ["osteoporosis"], "age": 51},
    {"cautions": [c.value for c in Caution], "limitations": [x.value for x in Limitation]},
    *({"red_flags": [flag.value]} for flag in RedFlag),
]


def test_every_recommendation_text_reads_naturally_at_every_pain_level(db: Session) -> None:
    seen = set()
    for level in range(11):
        for variant in VARIANTS:
            for area in ("upper", "mid", "lower"):
                body = {
                    "area": area,
                    "pain_level": level,
                    "red_flags": [],
                    "cautions": [],
                    **variant,
                }
                answer = service.create_recommendation(
                    db, RecommendationCreate.model_validate(body)
                )
                triage = answer.triage
                assert triage.pain_band is band(level)
                texts = [triage.message, *triage.reasons]
                texts += [e.reason for e in answer.excluded]
                for text in texts:
                    reads_naturally(text)
                    seen.add(text)
                first = triage.reasons[0]
                if triage.level == "self_care":
                    assert f"({level} out of 10)" in first
    assert len(seen) > 40


def test_every_session_advice_reads_naturally_for_every_pair_of_scores() -> None:
    for before in range(11):
        for after in range(11):
            advice = session_advice(before, after)
            improved = is_meaningful_improvement(before, after)
            flare = is_flare_up(before, after)
            assert not (improved and flare), (before, after)
            if advice is None:
                assert not flare and not is_severe(after), (before, after)
                continue
            reads_naturally(advice)
            if flare:
                assert "went up" in advice or "severe" in advice
            assert describe(after) in advice
            if is_severe(after):
                # The words of the `soon` timeframe, as a recommendation at severe pain says.
                assert "in the next few days" in advice
            else:
                assert "rest" not in advice and "stop a move" in advice.lower()
