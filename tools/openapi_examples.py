"""`python -m tools.openapi_examples`: record the examples of `openapi.json` from the service
itself.

The service is started in-process on a fresh SQLite database, migrated and seeded, and used as
an app would: browse the catalog and the screen, ask for a recommendation with the documented
request example, sign up, plan a routine, log sessions, sync, schedule the routine, register a
phone, read the summary and export. Each answer becomes the example of its response model, and
the values inside it the examples of the models they are made of, so every example is real seed
content and internally consistent. The result is `app/openapi_examples.json`, which the
document builder merges into every component that declares no example of its own
(app.contract.openapi). Run it after changing a response model or the seed, then `python -m
tools.openapi_export`; tests/contract/test_openapi_examples.py fails while an example no longer
matches the schema or the seed content.
"""

import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXAMPLES_FILE = Path(__file__).resolve().parents[1] / "app" / "openapi_examples.json"
SCHEMA_REF = "#/components/schemas/"


def _component(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref", "")
    return ref.removeprefix(SCHEMA_REF) if ref.startswith(SCHEMA_REF) else None


def collect(schemas: dict[str, Any], name: str, value: Any, found: dict[str, Any]) -> None:
    """Record `value` as the example of component `name` unless it has one, and, walking its
    schema, the values of the components inside it (the first occurrence of each)."""
    if value is None:
        return
    found.setdefault(name, value)
    _walk(schemas, schemas[name], value, found)


def _walk(
    schemas: dict[str, Any], schema: dict[str, Any], value: Any, found: dict[str, Any]
) -> None:
    if value is None:
        return
    if (name := _component(schema)) is not None:
        collect(schemas, name, value, found)
        return
    variants = schema.get("anyOf", []) + schema.get("oneOf", [])
    if (discriminator := schema.get("discriminator")) and isinstance(value, dict):
        # Only the variant the value's tag names describes it.
        tag = value.get(discriminator["propertyName"])
        variants = [{"$ref": discriminator["mapping"][tag]}] if tag is not None else []
    for variant in variants:
        if variant.get("type") != "null":
            _walk(schemas, variant, value, found)
    if isinstance(value, list) and "items" in schema:
        for item in value:
            _walk(schemas, schema["items"], item, found)
    if isinstance(value, dict):
        for key, prop in schema.get("properties", {}).items():
            if key in value:
                _walk(schemas, prop, value[key], found)


# "Now" for the answers that depend on it: the day after the examples' last check-in.
EXAMPLES_NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
# Severe pain and nothing else: the one answer that carries the article's clinic.
SEVERE_EXAMPLE: dict[str, Any] = {
    "area": "lower",
    "pain_level": 8,
    "red_flags": [],
    "cautions": [],
    "age": 40,
    "duration_weeks": 10,
}


def declared_examples() -> dict[str, list[Any]]:
    """The examples models declare themselves (request bodies), by model name."""
    from app.contract.openapi import app_models

    out: dict[str, list[Any]] = {}
    for name, model in app_models().items():
        extra = model.model_config.get("json_schema_extra")
        examples = extra.get("examples") if isinstance(extra, dict) else None
        if isinstance(examples, list):
            out[name] = examples
    return out


def record() -> dict[str, Any]:
    from alembic import command
    from fastapi.testclient import TestClient

    from app.accounts.schemas import UserCreate
    from app.checkins.schemas import CHECKIN_EXAMPLE
    from app.core import db
    from app.core.clock import request_time
    from app.core.config import get_settings
    from app.core.migrations import alembic_config
    from app.main import create_app
    from app.outcomes.schemas import PEG_RESPONSE_EXAMPLE
    from app.plans.schemas import PLAN_EXAMPLE
    from app.progress.schemas import SESSION_EXAMPLE
    from app.recommendations.schemas import CAUTION_EXAMPLE, SELF_CARE_EXAMPLE
    from app.reminders.schemas import DEVICE_EXAMPLE
    from app.routines.schemas import RoutineCreate
    from app.safety.schemas import CLOSE_EXAMPLE
    from app.shares.schemas import CREATE_EXAMPLE as SHARE_EXAMPLE
    from seed.loader import load_all

    with tempfile.TemporaryDirectory(prefix="backpain-examples-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'examples.db'}"
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        db._engine = None
        config = alembic_config(url)
        config.attributes["configure_logger"] = False
        command.upgrade(config, "head")
        load_all(db.get_engine())
        app = create_app()
        schemas = app.openapi()["components"]["schemas"]
        answers: list[tuple[str, Any]] = []

        with TestClient(app) as http:

            def keep(model: str, response: Any) -> Any:
                assert response.status_code < 300, response.text
                body = response.json()
                answers.append((model, body))
                return body

            keep("ExerciseList", http.get("/v1/exercises", params={"area": "lower", "limit": 2}))
            keep("AreaList", http.get("/v1/areas"))
            keep("ScreeningQuestionList", http.get("/v1/screening/questions"))
            keep("RecommendationPublic", http.post("/v1/recommendations", json=SELF_CARE_EXAMPLE))
            # Pain for two months: the answer also advises a routine appointment.
            keep("RecommendationPublic", http.post("/v1/recommendations", json=CAUTION_EXAMPLE))
            # Severe pain with nothing else: the answer also carries the article's clinic.
            keep("RecommendationPublic", http.post("/v1/recommendations", json=SEVERE_EXAMPLE))
            keep("CareReferralPublic", http.get("/v1/care/referral"))
            keep("CareRouteList", http.get("/v1/care/routes"))
            keep("RoutinePublic", http.get("/v1/routines/curated/mid-back-mobility"))
            keep("HealthStatus", http.get("/healthz"))
            problem = http.post("/v1/recommendations", json={"area": "lower", "pain_level": 4})
            answers.append(("Problem", problem.json()))
            account = {"email": "ana@example.com", "password": "correct horse battery"}
            keep("PolicyList", http.get("/v1/policies"))
            consents = UserCreate.model_json_schema()["examples"][0]["consents"]
            keep(
                "UserPublic",
                http.post(
                    "/v1/auth/register",
                    json={
                        **account,
                        "display_name": "Ana",
                        "timezone": "America/Chicago",
                        "consents": consents,
                    },
                ),
            )
            tokens = keep(
                "TokenPair",
                http.post(
                    "/v1/auth/token",
                    data={
                        "username": account["email"],
                        "password": account["password"],
                        "device": "Ana's phone",
                    },
                ),
            )
            auth = {"Authorization": f"Bearer {tokens['access_token']}"}
            keep(
                "Accepted",
                http.post("/v1/auth/password-reset", json={"email": account["email"]}),
            )
            keep("ConsentOverview", http.get("/v1/me/consents", headers=auth))
            keep("SignInList", http.get("/v1/me/sign-ins", headers=auth))
            mine = RoutineCreate.model_json_schema()["examples"][0]
            keep("RoutineList", http.post("/v1/routines", json=mine, headers=auth))
            answers.pop()  # a single routine, not a list: only to have one of one's own
            keep("RoutineList", http.get("/v1/routines", params={"limit": 2}, headers=auth))
            first_sync = http.get("/v1/progress/sessions", headers=auth).json()["sync_token"]
            logged = keep(
                "SessionPublic",
                http.post("/v1/progress/sessions", json=SESSION_EXAMPLE, headers=auth),
            )
            flare = {
                **SESSION_EXAMPLE,
                "id": "3d0c6a52-61a4-4a39-9f0e-2f4b9b8d7c15",
                "started_at": "2026-11-22T19:05:00-05:00",
                "completed_at": "2026-11-22T19:20:00-05:00",
                "pain_before": 4,
                "pain_after": 7,
                "notes": "Overdid the stretch.",
            }
            http.post("/v1/progress/sessions", json=flare, headers=auth)
            dropped = {**flare, "id": "c2f1a8e0-1b7d-4c55-8a3e-5e0d9f6b2a44", "notes": None}
            http.post("/v1/progress/sessions", json=dropped, headers=auth)
            http.delete(f"/v1/progress/sessions/{dropped['id']}", headers=auth)
            keep(
                "SessionList",
                http.get(
                    "/v1/progress/sessions", params={"changed_since": first_sync}, headers=auth
                ),
            )
            # A plan of the session's routine, and a phone to remind.
            keep("PlanPublic", http.post("/v1/plans", json=PLAN_EXAMPLE, headers=auth))
            keep("PlanList", http.get("/v1/plans", headers=auth))
            keep(
                "DuePlans",
                http.get("/v1/plans/today", params={"date": "2026-11-23"}, headers=auth),
            )
            keep("DevicePublic", http.post("/v1/me/devices", json=DEVICE_EXAMPLE, headers=auth))
            keep("DeviceList", http.get("/v1/me/devices", headers=auth))
            keep("QuestionnairePublic", http.get("/v1/outcomes/peg"))
            keep(
                "CheckinPublic",
                http.post("/v1/checkins", json=CHECKIN_EXAMPLE, headers=auth),
            )
            screened = {
                **CHECKIN_EXAMPLE,
                "id": "0e8b4c2d-7f61-4a3b-9d25-6c1a8e3f5b70",
                "recorded_at": "2026-11-22T20:30:00-06:00",
                "pain": 5,
                "areas": {"lower": 5},
                "notes": None,
                "red_flags": ["night_pain"],
            }
            assert http.post("/v1/checkins", json=screened, headers=auth).status_code == 201
            keep("CheckinList", http.get("/v1/checkins", params={"limit": 1}, headers=auth))
            baseline = {
                **PEG_RESPONSE_EXAMPLE,
                "id": "2c7d9e14-5a3b-4f60-8e21-b4d0c6a9f385",
                "answered_at": "2026-11-16T20:00:00-06:00",
                "pain": 7,
                "enjoyment": 7,
                "activity": 8,
            }
            first = http.post("/v1/outcomes/peg/responses", json=baseline, headers=auth)
            assert first.status_code == 201, first.text
            keep(
                "PegResponsePublic",
                http.post("/v1/outcomes/peg/responses", json=PEG_RESPONSE_EXAMPLE, headers=auth),
            )
            keep(
                "PegResponseList",
                http.get("/v1/outcomes/peg/responses", params={"limit": 2}, headers=auth),
            )
            attention = keep(
                "AttentionList",
                http.get("/v1/progress/attention", params={"status": "open"}, headers=auth),
            )
            # Values sent as query parameters are examples of their enums too.
            answers.append(("AttentionFilter", "open"))
            report = http.get("/v1/me/report", params={"format": "csv"}, headers=auth)
            assert report.status_code == 200, report.text
            answers.append(("ReportFormat", "csv"))
            keep(
                "AttentionItemPublic",
                http.post(
                    f"/v1/progress/attention/{attention['data'][0]['id']}/acknowledge",
                    headers=auth,
                ),
            )
            # The examples' dates are fixed, so the summary's "now" is too: its series then
            # cover them whatever day the examples are made.
            app.dependency_overrides[request_time] = lambda: EXAMPLES_NOW
            keep(
                "ProgressSummary",
                http.get("/v1/progress/summary", params={"days": 7}, headers=auth),
            )
            app.dependency_overrides.pop(request_time)
            # The night pain the check-in reported is a concern in the safety state, until
            # Ana says she was seen.
            keep("SafetyState", http.get("/v1/me/safety", headers=auth))
            concerns = keep("ConcernList", http.get("/v1/me/safety/concerns", headers=auth))
            answers.append(("ConcernFilter", "all"))
            keep(
                "ConcernPublic",
                http.post(
                    f"/v1/me/safety/concerns/{concerns['data'][0]['id']}/close",
                    json=CLOSE_EXAMPLE,
                    headers=auth,
                ),
            )
            # A link for Ana's physiotherapist, opened once in a browser.
            created = keep(
                "ShareCreated", http.post("/v1/me/shares", json=SHARE_EXAMPLE, headers=auth)
            )
            page = http.get(
                created["url"].removeprefix(str(http.base_url).rstrip("/")),
                headers={"User-Agent": "Mozilla/5.0 (Macintosh) Safari/605.1.15"},
            )
            assert page.status_code == 200, page.text
            keep("ShareList", http.get("/v1/me/shares", headers=auth))
            keep("SharePublic", http.get(f"/v1/me/shares/{created['id']}", headers=auth))
            keep(
                "ShareAccessList",
                http.get(f"/v1/me/shares/{created['id']}/accesses", headers=auth),
            )
            # Revoked, so the export shows how a link ends.
            revoked = http.delete(f"/v1/me/shares/{created['id']}", headers=auth)
            assert revoked.status_code == 204, revoked.text
            keep("AccountExport", http.get("/v1/me/export", headers=auth))
            assert logged["id"] == SESSION_EXAMPLE["id"]

        db.get_engine().dispose()
        db._engine = None

    found: dict[str, Any] = {}
    for model, body in answers:
        collect(schemas, model, body, found)
    # Request models keep their own examples; the values in them (enums such as `Caution`)
    # are examples too.
    for name, examples in declared_examples().items():
        for example in examples:
            if name in schemas:
                _walk(schemas, schemas[name], example, found)
    return dict(sorted(found.items()))


def main() -> int:
    os.environ.setdefault("ENVIRONMENT", "development")
    examples = record()
    EXAMPLES_FILE.write_text(json.dumps(examples, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {EXAMPLES_FILE} ({len(examples)} models)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
