"""Rules the whole OpenAPI document follows, so that SDK generators produce clean clients and
every endpoint added later is held to them too."""

import re
from collections.abc import Iterator
from typing import Any

from app.contract.versioning import API_VERSION
from app.main import app

PROBLEM = "application/problem+json"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
UNVERSIONED = {"/healthz", "/readyz"}


def spec() -> dict[str, Any]:
    return app.openapi()


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec()["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if not ref:
        return node
    kind, name = ref.split("/")[-2:]
    return spec()["components"][kind][name]


def walk(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}/{index}")


def test_document_names_its_version_and_servers() -> None:
    document = spec()
    assert document["info"]["version"] == API_VERSION
    assert document["info"]["title"] and document["info"]["description"]
    assert document["servers"] and all("url" in server for server in document["servers"])


def test_every_api_path_is_versioned() -> None:
    for path in spec()["paths"]:
        assert path.startswith("/v1/") or path in UNVERSIONED, path


def test_operation_ids_are_readable_snake_case_and_unique() -> None:
    seen: dict[str, str] = {}
    for path, method, operation in operations():
        op_id = operation["operationId"]
        where = f"{method.upper()} {path}"
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", op_id), f"{where}: {op_id}"
        # FastAPI's fallback ids spell out the path and method (list_exercises_v1_exercises_get).
        assert "v1" not in op_id.split("_"), f"{where}: {op_id}"
        assert op_id.rsplit("_", 1)[-1] not in METHODS or "_" not in op_id, f"{where}: {op_id}"
        assert op_id not in seen, f"{where} and {seen.get(op_id)} share {op_id}"
        seen[op_id] = where


def test_models_are_named_for_what_they_are() -> None:
    for name in spec()["components"]["schemas"]:
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", name), name
        assert not name.startswith("Body"), name


def test_every_model_is_described() -> None:
    for name, schema in spec()["components"]["schemas"].items():
        assert schema.get("description"), f"{name} has no description (docstring)"


def test_enums_are_named_schemas() -> None:
    document = spec()
    for name, schema in document["components"]["schemas"].items():
        for where, node in walk(schema, name):
            if where != name:
                assert "enum" not in node, f"inline enum at {where}; use a StrEnum"
    for where, node in walk(document["paths"], "paths"):
        assert "enum" not in node, f"inline enum at {where}; use a StrEnum"


def test_every_parameter_is_described() -> None:
    for path, method, operation in operations():
        for parameter in operation.get("parameters", []):
            parameter = resolve(parameter)
            assert parameter.get("description"), f"{method.upper()} {path}: {parameter['name']}"


def test_every_request_body_has_an_example() -> None:
    for path, method, operation in operations():
        body = operation.get("requestBody")
        if not body:
            continue
        for media_type, content in body["content"].items():
            schema = resolve(content.get("schema", {}))
            has_example = any(key in content for key in ("example", "examples")) or schema.get(
                "examples"
            )
            assert has_example, f"{method.upper()} {path} ({media_type}) has no example"


def test_every_operation_has_a_summary_and_one_tag() -> None:
    tags = {tag["name"] for tag in spec().get("tags", [])}
    for path, method, operation in operations():
        assert operation.get("summary"), f"{method.upper()} {path}"
        assert len(operation["tags"]) == 1 and operation["tags"][0] in tags, path


def test_every_non_2xx_response_is_problem_json() -> None:
    for path, method, operation in operations():
        for status, response in operation["responses"].items():
            where = f"{method.upper()} {path} {status}"
            if status.startswith("2"):
                continue
            if status.startswith("3"):
                # Redirects and 304 Not Modified have no body at all.
                assert "content" not in response, where
                continue
            assert list(response["content"]) == [PROBLEM], where
            assert response["content"][PROBLEM]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }, where


ACCEPT_LANGUAGE = {"$ref": "#/components/parameters/AcceptLanguage"}


def test_every_operation_takes_accept_language_and_names_the_answers_language() -> None:
    parameter = spec()["components"]["parameters"]["AcceptLanguage"]
    assert parameter["name"] == "Accept-Language" and parameter["in"] == "header"
    for path, method, operation in operations():
        where = f"{method.upper()} {path}"
        assert ACCEPT_LANGUAGE in operation.get("parameters", []), where
        for status, response in operation["responses"].items():
            if "application/json" in response.get("content", {}):
                assert "Content-Language" in response["headers"], f"{where} {status}"


def test_operations_document_the_errors_they_can_return() -> None:
    for path, method, operation in operations():
        where = f"{method.upper()} {path}"
        statuses = set(operation["responses"])
        assert "500" in statuses, where
        body = operation.get("requestBody")
        # Accept-Language is never refused: anything unusable means English.
        refusable = [p for p in operation.get("parameters", []) if p != ACCEPT_LANGUAGE]
        if refusable or body:
            assert "422" in statuses, where
        if body:
            assert "413" in statuses, where
            if "application/json" in body["content"]:
                assert "400" in statuses, where
        if operation.get("security"):
            assert "401" in statuses, where
            assert "WWW-Authenticate" in operation["responses"]["401"]["headers"], where


def test_every_response_documents_the_version_header() -> None:
    for path, method, operation in operations():
        for status, response in operation["responses"].items():
            assert "API-Version" in response.get("headers", {}), f"{method} {path} {status}"


def test_errors_documented_with_a_schema_not_fastapis_default() -> None:
    schemas = spec()["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    problem = schemas["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "instance"}


def test_caching_and_location_headers_are_documented_where_they_are_sent() -> None:
    for path, method, operation in operations():
        where = f"{method.upper()} {path}"
        responses = operation["responses"]
        for status, response in responses.items():
            headers = response.get("headers", {})
            if status == "201":
                assert "Location" in headers, where
            if "304" in responses and status in ("200", "304"):
                assert {"ETag", "Cache-Control", "Vary"} <= set(headers), where
            if any(operation.get("security", [])):
                assert "Cache-Control" in headers, f"{where} {status}"
        if "304" in responses:
            names = [p.get("name") for p in operation.get("parameters", [])]
            assert "If-None-Match" in names, where
        if method == "get" and path.startswith("/v1/routines") and "{slug}" not in path:
            vary = responses["200"]["headers"]["Vary"]["$ref"]
            assert vary.endswith("/VaryAuthorization"), where


def test_public_and_optional_auth_are_said_per_operation() -> None:
    for path, method, operation in operations():
        security = operation["security"]
        assert security in ([], [{}, {"OAuth2PasswordBearer": []}], [{"OAuth2PasswordBearer": []}])
        if security == []:
            assert (
                "401" not in operation["responses"]
                or path == "/v1/auth/token"
                or (path == "/v1/auth/refresh")
            ), f"{method} {path}"
