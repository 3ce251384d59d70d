"""The diary as FHIR R4: `GET /v1/me/fhir` and a share's `/fhir` give a Bundle that an
established FHIR model library (fhir.resources, its R4B models: the resources used are the
same in R4) accepts, whose references all resolve inside it, with LOINC, SNOMED CT and UCUM
codes as docs/sharing.md lists, and no email address anywhere."""

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from fastapi.testclient import TestClient

from tests.factories import AuthUser
from tests.shares.test_shares_api import fill_diary, path_of, share

NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
PERIOD = {"from": "2026-11-01", "to": "2026-11-24"}


@pytest.fixture(autouse=True)
def pinned_clock(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(NOW, tick=False)


def validated(bundle: dict[str, Any]) -> None:
    """Every resource parses and validates with fhir.resources' models."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)


def references(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [r for v in value.values() for r in references(v)]
    if isinstance(value, list):
        return [r for v in value for r in references(v)]
    return []


def by_type(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_validates_and_its_references_resolve(
    client: TestClient, alice: AuthUser
) -> None:
    fill_diary(client, alice)
    response = client.get("/v1/me/fhir", params=PERIOD, headers=alice.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/fhir+json"
    bundle = response.json()
    validated(bundle)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"

    full_urls = [e["fullUrl"] for e in bundle["entry"]]
    assert all(u.startswith("urn:uuid:") for u in full_urls)
    assert len(set(full_urls)) == len(full_urls)
    assert set(references(bundle)) <= set(full_urls)
    assert references(bundle)

    (patient,) = by_type(bundle, "Patient")
    assert alice.email not in response.text and "telecom" not in patient

    pains = [o for o in by_type(bundle, "Observation") if "partOf" not in o]  # the check-ins
    assert len(pains) == 14
    for observation in pains:
        assert observation["code"]["coding"] == [
            {
                "system": "http://loinc.org",
                "code": "72514-3",
                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
            }
        ]
        quantity = observation["valueQuantity"]
        assert quantity["system"] == "http://unitsofmeasure.org" and quantity["code"] == "{score}"
        assert 0 <= quantity["value"] <= 10
    assert pains[0]["effectiveDateTime"] == "2026-11-01" and pains[0]["valueQuantity"]["value"] == 5

    (questionnaire,) = by_type(bundle, "Questionnaire")
    responses = by_type(bundle, "QuestionnaireResponse")
    assert len(responses) == 2
    assert {r["questionnaire"] for r in responses} == {questionnaire["url"]}
    assert [i["linkId"] for i in questionnaire["item"]] == [
        "pain",
        "enjoyment",
        "activity",
        "score",
    ]
    second = {i["linkId"]: i["answer"][0] for i in responses[1]["item"]}
    assert second["pain"] == {"valueInteger": 4} and second["score"] == {"valueDecimal": 4.0}

    (procedure,) = by_type(bundle, "Procedure")
    assert procedure["code"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": "229065009",
        "display": "Exercise therapy (regime/therapy)",
    }
    assert procedure["performedDateTime"] == "2026-11-12"
    assert procedure["note"][0]["text"].startswith("Knee Rolls")
    during = [o for o in by_type(bundle, "Observation") if "partOf" in o]
    assert [o["valueQuantity"]["value"] for o in during] == [3, 2]

    (flag,) = by_type(bundle, "Flag")
    assert flag["status"] == "active"
    priority = flag["extension"][0]
    assert priority["url"] == "http://hl7.org/fhir/StructureDefinition/flag-priority"
    assert priority["valueCodeableConcept"]["coding"][0]["code"] == "PM"  # be seen today
    assert "night" in flag["code"]["text"].lower()


def test_the_same_diary_exports_the_same_ids(client: TestClient, alice: AuthUser) -> None:
    fill_diary(client, alice)
    first = client.get("/v1/me/fhir", params=PERIOD, headers=alice.headers).json()
    again = client.get("/v1/me/fhir", params=PERIOD, headers=alice.headers).json()
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in again["entry"]]


def test_a_shares_bundle_validates_and_holds_only_what_is_shared(
    client: TestClient, alice: AuthUser
) -> None:
    fill_diary(client, alice)
    created = share(client, alice, scopes=["diary", "safety"])
    response = client.get(path_of(created) + "/fhir")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/fhir+json"
    bundle = response.json()
    validated(bundle)
    kinds = sorted({e["resource"]["resourceType"] for e in bundle["entry"]})
    assert kinds == ["Flag", "Observation", "Patient"]


def test_an_empty_diary_is_a_bundle_with_only_the_patient(
    client: TestClient, alice: AuthUser
) -> None:
    bundle = client.get("/v1/me/fhir", headers=alice.headers).json()
    validated(bundle)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]


def test_a_bad_period_is_422(client: TestClient, alice: AuthUser) -> None:
    response = client.get(
        "/v1/me/fhir", params={"from": "2026-11-20", "to": "2026-11-01"}, headers=alice.headers
    )
    assert response.status_code == 422
