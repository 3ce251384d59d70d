"""Pain classification and session fingerprints, as plain functions."""

import pytest

from app.progress.fingerprint import canonical_content
from app.progress.pain import is_flare_up, is_meaningful_improvement, session_advice
from app.progress.schemas import SessionCreate
from app.shared.idempotency import fingerprint


@pytest.mark.parametrize(
    ("before", "after", "improved"),
    [
        (6, 4, True),  # 2 points
        (8, 7, False),  # 1 point, 12.5%
        (3, 2, True),  # 1 point but 33%
        (4, 3, False),  # 1 point, 25%
        (10, 7, True),
        (1, 0, True),  # 100%
        (0, 0, False),
        (5, 5, False),
        (2, 4, False),
    ],
)
def test_meaningful_improvement(before: int, after: int, improved: bool) -> None:
    assert is_meaningful_improvement(before, after) is improved


@pytest.mark.parametrize(
    ("before", "after", "flare"),
    [
        (2, 4, True),  # up by 2
        (2, 3, False),
        (5, 6, False),  # up by 1, still moderate
        (6, 7, True),  # up by 1, into severe
        (7, 8, True),
        (9, 6, False),  # better: an improvement, not a flare-up
        (8, 6, False),
        (8, 8, False),  # severe but no worse
        (5, 5, False),
        (0, 2, True),
        (7, 5, False),
    ],
)
def test_flare_up(before: int, after: int, flare: bool) -> None:
    assert is_flare_up(before, after) is flare


def test_a_session_is_never_both_an_improvement_and_a_flare_up() -> None:
    for before in range(11):
        for after in range(11):
            both = is_meaningful_improvement(before, after) and is_flare_up(before, after)
            assert not both, (before, after)


def test_advice_for_flare_ups_and_severe_endings_says_why() -> None:
    assert session_advice(6, 3) is None
    assert session_advice(5, 6) is None
    rise = session_advice(2, 5)
    assert rise is not None and "went up by 3" in rise and "moderate pain (5 out of 10)" in rise
    assert "specialist" in rise and "severe" not in rise
    high = session_advice(8, 8)
    assert high is not None and "severe pain (8 out of 10)" in high and "went up" not in high
    both = session_advice(4, 9)
    assert both is not None and "went up by 5" in both and "severe pain (9 out of 10)" in both


def payload(**changes: object) -> SessionCreate:
    base: dict[str, object] = {
        "area": "lower",
        "started_at": "2026-11-23T07:30:00-05:00",
        "completed_at": "2026-11-23T07:42:00-05:00",
        "pain_before": 6,
        "pain_after": 3,
        "exercises": [{"exercise_slug": "knee-rolls", "reps": 8, "hold_seconds": 3}],
    }
    return SessionCreate.model_validate(base | changes)


def digest(p: SessionCreate) -> str:
    return fingerprint(canonical_content(p))


def test_fingerprint_is_about_content_not_spelling() -> None:
    same_instant_in_utc = payload(
        started_at="2026-11-23T12:30:00Z", completed_at="2026-11-23T12:42:00.000+00:00"
    )
    assert digest(payload()) == digest(same_instant_in_utc)
    assert digest(payload(id="7f0c1f5e-9a43-4c8e-9a57-3d7d1c0b6a21")) == digest(payload())
    assert digest(payload(notes="  ")) == digest(payload())


@pytest.mark.parametrize(
    "change",
    [
        {"pain_after": 4},
        {"area": "mid"},
        {"completed_at": "2026-11-23T07:43:00-05:00"},
        {"notes": "felt fine"},
        {"routine_id": "7f0c1f5e-9a43-4c8e-9a57-3d7d1c0b6a21"},
        {"exercises": [{"exercise_slug": "knee-rolls", "reps": 7, "hold_seconds": 3}]},
    ],
)
def test_fingerprint_changes_with_content(change: dict[str, object]) -> None:
    assert digest(payload(**change)) != digest(payload())


def test_canonical_times_are_utc() -> None:
    content = canonical_content(payload())
    assert content["started_at"] == "2026-11-23T12:30:00+00:00"
    assert content["completed_at"] == "2026-11-23T12:42:00+00:00"
