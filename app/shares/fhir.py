"""The diary as a FHIR R4 Bundle (type `collection`), built as plain JSON.

Every resource has a `urn:uuid:` fullUrl, derived from the person and the item (uuid5), so
the same diary exports the same ids, and every reference points inside the bundle. Codes:

- Pain: LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported", the
  code for a self-reported 0-10 numeric pain rating; category `survey` (a patient's answer);
  value as a UCUM `{score}` quantity.
- A session: Procedure coded SNOMED CT 229065009 "Exercise therapy (regime/therapy)", the
  moves done as notes; the pain before and after it as LOINC 72514-3 Observations `partOf`
  the Procedure.
- PEG: a Questionnaire in the bundle (its three items in the published wording) and one
  QuestionnaireResponse per answer set, pointing at it by canonical URL; no LOINC panel code is
  claimed for it.
- An open safety concern: Flag, category `clinical`, with the flag-priority extension (PH for
  be seen now, PM today, PL in the next few days).
"""

import uuid
from datetime import date, datetime
from typing import Any

from app.outcomes.schemas import QuestionnairePublic
from app.reports.data import ReportData
from app.safety.schemas import CareTimeframe
from app.shares.models import ShareScope

MEDIA_TYPE = "application/fhir+json"
FHIR_VERSION = "4.0.1"
NAMESPACE = uuid.UUID("0b6f3c1e-7d1a-5c8e-9f3a-2f4b6c8d1e20")

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
FLAG_PRIORITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/flag-priority"
FLAG_PRIORITY = "http://hl7.org/fhir/flag-priority-code"

PAIN_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
EXERCISE_THERAPY = {
    "system": SNOMED,
    "code": "229065009",
    "display": "Exercise therapy (regime/therapy)",
}
# How soon to be seen, as the flag-priority codes: high, medium, low.
PRIORITY = {
    CareTimeframe.NOW: ("PH", "High priority"),
    CareTimeframe.TODAY: ("PM", "Medium priority"),
    CareTimeframe.SOON: ("PL", "Low priority"),
    CareTimeframe.ROUTINE: ("PL", "Low priority"),
}
PEG_ITEMS = ("pain", "enjoyment", "activity")


def _id(person: uuid.UUID, *parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join([str(person), *map(str, parts)])))


def _entry(resource_id: str, resource: dict[str, Any]) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{resource_id}", "resource": {"id": resource_id, **resource}}


def _pain(
    person_ref: dict[str, str], day: date, score: int, note: str | None = None
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": {"coding": [PAIN_CODE], "text": "Pain (0-10)"},
        "subject": person_ref,
        "effectiveDateTime": day.isoformat(),
        "valueQuantity": {"value": score, "unit": "{score}", "system": UCUM, "code": "{score}"},
    }
    if note:
        resource["note"] = [{"text": note}]
    return resource


def questionnaire_url(person: uuid.UUID) -> str:
    return f"urn:uuid:{_id(person, 'questionnaire', 'peg')}"


def bundle(
    data: ReportData,
    person: uuid.UUID,
    display_name: str | None,
    scopes: set[ShareScope],
    peg: QuestionnairePublic | None,
    now: datetime,
) -> dict[str, Any]:
    """The shared parts of `data` as a Bundle; a minimal Patient (a name if the person gave
    one, never the email address)."""
    patient_id = _id(person, "patient")
    ref = {"reference": f"urn:uuid:{patient_id}"}
    patient: dict[str, Any] = {"resourceType": "Patient"}
    if display_name:
        patient["name"] = [{"text": display_name}]
    entries = [_entry(patient_id, patient)]

    if ShareScope.DIARY in scopes:
        for day, score in sorted(data.checkin_pain.items()):
            note = data.checkin_areas.get(day)
            entries.append(
                _entry(
                    _id(person, "checkin", day),
                    _pain(ref, day, score, f"Areas: {note}" if note else None),
                )
            )

    if ShareScope.SESSIONS in scopes:
        for index, logged in enumerate(data.sessions):
            procedure_id = _id(person, "session", logged.day, index)
            procedure: dict[str, Any] = {
                "resourceType": "Procedure",
                "status": "completed",
                "code": {"coding": [EXERCISE_THERAPY], "text": "Home exercise session"},
                "subject": ref,
                "performedDateTime": logged.day.isoformat(),
            }
            if logged.moves:
                procedure["note"] = [{"text": move} for move in logged.moves]
            entries.append(_entry(procedure_id, procedure))
            for moment, score in (("before", logged.pain_before), ("after", logged.pain_after)):
                observation = _pain(ref, logged.day, score, f"Pain {moment} the session")
                observation["partOf"] = [{"reference": f"urn:uuid:{procedure_id}"}]
                entries.append(
                    _entry(_id(person, "session", logged.day, index, moment), observation)
                )

    if ShareScope.PEG in scopes and data.peg:
        url = questionnaire_url(person)
        questionnaire_id = url.removeprefix("urn:uuid:")
        texts = {item.id: item.text for item in peg.items} if peg is not None else {}
        entries.append(
            _entry(
                questionnaire_id,
                {
                    "resourceType": "Questionnaire",
                    "url": url,
                    "name": "PEG",
                    "title": peg.title if peg is not None else "PEG three-item pain scale",
                    "status": "active",
                    "subjectType": ["Patient"],
                    "description": peg.citation if peg is not None else "PEG (Krebs et al. 2009)",
                    "item": [
                        {"linkId": link, "text": texts.get(link, link), "type": "integer"}
                        for link in PEG_ITEMS
                    ]
                    + [
                        {
                            "linkId": "score",
                            "text": "PEG score: the mean of the three answers (0-10)",
                            "type": "decimal",
                            "readOnly": True,
                        }
                    ],
                },
            )
        )
        for line in data.peg:
            answers = {"pain": line.pain, "enjoyment": line.enjoyment, "activity": line.activity}
            entries.append(
                _entry(
                    _id(person, "peg", line.day),
                    {
                        "resourceType": "QuestionnaireResponse",
                        "questionnaire": url,
                        "status": "completed",
                        "subject": ref,
                        "authored": line.day.isoformat(),
                        "item": [
                            {
                                "linkId": link,
                                "text": texts.get(link, link),
                                "answer": [{"valueInteger": answers[link]}],
                            }
                            for link in PEG_ITEMS
                        ]
                        + [{"linkId": "score", "answer": [{"valueDecimal": line.score}]}],
                    },
                )
            )

    if ShareScope.SAFETY in scopes and data.safety is not None:
        for concern in data.safety.concerns:
            code, display = PRIORITY[concern.timeframe]
            entries.append(
                _entry(
                    _id(person, "concern", concern.id),
                    {
                        "resourceType": "Flag",
                        "status": "active",
                        "extension": [
                            {
                                "url": FLAG_PRIORITY_EXTENSION,
                                "valueCodeableConcept": {
                                    "coding": [
                                        {"system": FLAG_PRIORITY, "code": code, "display": display}
                                    ]
                                },
                            }
                        ],
                        "category": [
                            {
                                "coding": [
                                    {
                                        "system": FLAG_CATEGORY,
                                        "code": "clinical",
                                        "display": "Clinical",
                                    }
                                ]
                            }
                        ],
                        "code": {
                            "text": f"{concern.guidance} Reported: {' '.join(concern.reasons)}"
                        },
                        "subject": ref,
                        "period": {"start": concern.opened_at.isoformat()},
                    },
                )
            )

    return {
        "resourceType": "Bundle",
        "id": _id(person, "bundle", data.date_from, data.date_to, now.isoformat()),
        "meta": {"lastUpdated": now.isoformat()},
        "type": "collection",
        "timestamp": now.isoformat(),
        "entry": entries,
    }
