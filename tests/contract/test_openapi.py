import json
from pathlib import Path

from app.main import app
from tools.openapi_export import render

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.json"


def test_committed_openapi_matches_the_app() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render(), (
        "openapi.json is stale: run `python -m tools.openapi_export`"
    )


def test_served_openapi_is_the_committed_contract(client) -> None:
    assert client.get("/openapi.json").json() == json.loads(COMMITTED.read_text())


def test_every_operation_has_one_tag_and_a_readable_unique_id() -> None:
    spec = app.openapi()
    ids = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert len(op["tags"]) == 1, f"{method} {path}: {op['tags']}"
            assert op["operationId"].isidentifier(), op["operationId"]
            assert "__" not in op["operationId"] and not op["operationId"].startswith("_")
            ids.append(op["operationId"])
    assert len(ids) == len(set(ids))
    assert spec["paths"]["/v1/exercises"]["get"]["operationId"] == "list_exercises"
    assert spec["paths"]["/v1/exercises/{slug}"]["get"]["operationId"] == "get_exercise"


def test_every_error_response_is_documented_as_problem_json() -> None:
    spec = app.openapi()
    for item in spec["paths"].values():
        for op in item.values():
            for status, response in op["responses"].items():
                if status[0] in "45":
                    assert list(response["content"]) == ["application/problem+json"]
