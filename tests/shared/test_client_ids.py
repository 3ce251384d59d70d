"""Records a phone creates under its own id (sessions, check-ins, PEG responses) follow one
rule: a retry answers the stored record, other content under the id is a 409 of the record's
own problem type that reveals nothing about it, and a moment more than 5 minutes ahead of the
service's clock is refused with the field named."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import AuthUser, freeze_now, session_payload

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Kind:
    path: str
    body: dict[str, Any]
    moment: str  # the field that says when it happened
    changed: dict[str, Any]  # other content
    problem: str
    title: str

    def at(self, moment: str) -> dict[str, Any]:
        body = self.body | {self.moment: moment}
        if self.moment == "completed_at":
            body["started_at"] = "2026-11-24T17:30:00Z"
        return body


KINDS = [
    Kind(
        "/v1/progress/sessions",
        session_payload(),
        "completed_at",
        {"pain_after": 5},
        "session-id-conflict",
        "Session id already used",
    ),
    Kind(
        "/v1/checkins",
        {"recorded_at": "2026-11-23T21:15:00-05:00", "pain": 4},
        "recorded_at",
        {"pain": 5},
        "checkin-id-conflict",
        "Check-in id already used",
    ),
    Kind(
        "/v1/outcomes/peg/responses",
        {"answered_at": "2026-11-02T09:00:00Z", "pain": 6, "enjoyment": 6, "activity": 6},
        "answered_at",
        {"pain": 2},
        "peg-response-id-conflict",
        "PEG response id already used",
    ),
]
IDS = [k.problem for k in KINDS]


@pytest.fixture(autouse=True)
def frozen_clock(alice: AuthUser, bob: AuthUser) -> None:
    """The service's clock reads NOW once both people have signed in."""
    freeze_now(NOW)


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_retry_answers_the_stored_record_and_other_content_is_its_own_conflict(
    client: TestClient, alice: AuthUser, bob: AuthUser, kind: Kind
) -> None:
    record_id = str(uuid.uuid4())
    body = kind.body | {"id": record_id}
    first = client.post(kind.path, json=body, headers=alice.headers)
    assert first.status_code == 201, first.text
    again = client.post(kind.path, json=body, headers=alice.headers)
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]

    other = client.post(kind.path, json=body | kind.changed, headers=alice.headers)
    assert other.status_code == 409
    problem = other.json()
    assert problem["type"] == f"https://backpain.example/problems/{kind.problem}"
    assert problem["title"] == kind.title
    assert record_id in problem["detail"]
    # Someone else's record under the id: the same answer, nothing about it revealed.
    theirs = client.post(kind.path, json=body, headers=bob.headers)
    assert theirs.status_code == 409
    assert theirs.json() == problem

    listed = client.get(kind.path, headers=alice.headers).json()
    assert [item["id"] for item in listed["data"]] == [record_id]
    assert client.get(kind.path, headers=bob.headers).json()["count"] == 0


@pytest.mark.parametrize("kind", KINDS, ids=IDS)
def test_a_phone_clock_may_run_up_to_five_minutes_ahead(
    client: TestClient, alice: AuthUser, kind: Kind
) -> None:
    ahead = client.post(kind.path, json=kind.at("2026-11-24T18:04:59Z"), headers=alice.headers)
    assert ahead.status_code == 201, ahead.text
    too_far = client.post(kind.path, json=kind.at("2026-11-24T18:06:00Z"), headers=alice.headers)
    assert too_far.status_code == 422
    problem = too_far.json()
    assert problem["type"] == "https://backpain.example/problems/validation-error"
    assert [e["field"] for e in problem["errors"]] == [f"body.{kind.moment}"]
    assert "device clock" in problem["errors"][0]["message"]
