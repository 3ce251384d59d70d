"""OpenAPI document: stable operationIds, problem+json errors, and names fit for SDKs.

Generated clients take method names from operationIds, model names from component names and
typed errors from documented error responses, so the document is tidied here once for every
endpoint instead of route by route:

- every error response is `application/problem+json` (the `Problem` schema);
- the errors any operation of a kind can produce are listed on it: 500 everywhere, 422 where
  there is input, 400 and 413 where there is a body, 401 where a token is accepted, 429 where
  a rate limit applies;
- every response documents the `API-Version` header; 401 documents `WWW-Authenticate` and
  429 `Retry-After`;
- response-only models list their defaulted fields as required (they are always sent);
- FastAPI's generated request body names (`Body_login`) become model names, and the OAuth2
  password form gets a description and an example.
"""

import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from app.core.errors import ERROR_DESCRIPTIONS, PROBLEM_MEDIA_TYPE, Problem, problem_example
from app.core.ratelimit import RateLimit
from app.core.versioning import API_VERSION_HEADER

SCHEMA_REF = "#/components/schemas/"
PROBLEM_REF = {"$ref": SCHEMA_REF + "Problem"}
JSON_MEDIA_TYPE = "application/json"

HEADERS: dict[str, dict[str, Any]] = {
    API_VERSION_HEADER: {
        "description": "Version of the API contract that produced the response.",
        "schema": {"type": "string", "examples": ["1.0.0"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer", "minimum": 1},
    },
    "WWW-Authenticate": {
        "description": "The authentication scheme to use: `Bearer`.",
        "schema": {"type": "string"},
    },
}
STATUS_HEADERS = {"401": "WWW-Authenticate", "429": "Retry-After"}


def operation_id(route: APIRoute) -> str:
    """The endpoint function's name (`list_exercises`): readable, and stable across releases
    because SDK method names are generated from it."""
    return route.name


def _component_schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {"Problem": schema, **defs}


def _uses_rate_limit(dependant: Dependant) -> bool:
    return any(
        isinstance(dep.call, RateLimit) or _uses_rate_limit(dep) for dep in dependant.dependencies
    )


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", name))


def _model_name(generated: str, form_bodies: set[str]) -> str | None:
    """A readable name for a request body model FastAPI made up (`Body_login` for a form
    becomes `LoginForm`), or None to keep the name."""
    if generated.startswith("Body_"):
        suffix = "Form" if generated in form_bodies else "Body"
        return _pascal(generated.removeprefix("Body_")) + suffix
    return None


def _rewrite_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                prefix, _, name = value.rpartition("/")
                value = f"{prefix}/{renames.get(name, name)}"
            out[key] = _rewrite_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, renames) for item in node]
    return node


def _rename_generated_models(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema["components"]["schemas"]
    form_bodies = set()
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                if media_type != JSON_MEDIA_TYPE:
                    form_bodies.add(content.get("schema", {}).get("$ref", "").rpartition("/")[2])
    renames = {}
    for name in components:
        new = _model_name(name, form_bodies)
        if new and new not in components:
            renames[name] = new
    if not renames:
        return schema
    schema = _rewrite_refs(schema, renames)
    schema["components"]["schemas"] = {
        renames.get(name, name): (
            {**body, "title": renames[name]} if name in renames and "title" in body else body
        )
        for name, body in schema["components"]["schemas"].items()
    }
    return schema


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(SCHEMA_REF):
                yield value.removeprefix(SCHEMA_REF)
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _reachable(roots: Iterator[str], schemas: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen and name in schemas:
            seen.add(name)
            todo.extend(_refs(schemas[name]))
    return seen


def _require_response_defaults(schema: dict[str, Any]) -> None:
    """A response field with a default is always sent, so list it as required. Generators
    then type it as always present; pydantic leaves it out of `required` because the same
    schema could describe input. Models that are also read from requests are left alone."""
    schemas = schema["components"]["schemas"]
    operations = [op for item in schema.get("paths", {}).values() for op in item.values()]
    inputs = _reachable(
        (
            ref
            for op in operations
            for key in ("parameters", "requestBody")
            for ref in _refs(op.get(key))
        ),
        schemas,
    )
    outputs = _reachable((ref for op in operations for ref in _refs(op.get("responses"))), schemas)
    for name in sorted(outputs - inputs):
        body = schemas[name]
        properties = body.get("properties", {})
        defaulted = [key for key, prop in properties.items() if "default" in prop]
        if defaulted:
            required = body.get("required", [])
            body["required"] = [key for key in properties if key in required or key in defaulted]


def _expected_errors(operation: dict[str, Any], rate_limited: bool) -> set[int]:
    statuses = {500}
    body = operation.get("requestBody")
    if operation.get("parameters") or body:
        statuses.add(422)
    if body:
        statuses.add(413)
        if JSON_MEDIA_TYPE in body.get("content", {}):
            statuses.add(400)
    if operation.get("security"):
        statuses.add(401)
    if rate_limited:
        statuses.add(429)
    return statuses


def _status_order(item: tuple[str, Any]) -> tuple[bool, str]:
    return (not item[0].isdigit(), item[0])


def _example_field(operation: dict[str, Any], schemas: dict[str, Any]) -> list[str | int]:
    """Where a validation error on this operation could point: a parameter or a body field."""
    for parameter in operation.get("parameters", []):
        if "name" in parameter:
            return [parameter.get("in", "query"), parameter["name"]]
    for content in operation.get("requestBody", {}).get("content", {}).values():
        ref = content.get("schema", {}).get("$ref", "")
        body = schemas.get(ref.removeprefix(SCHEMA_REF), {})
        names = body.get("required") or list(body.get("properties", {}))
        if names:
            return ["body", names[0]]
    return ["body"]


def _document_responses(
    path: str, operation: dict[str, Any], rate_limited: bool, schemas: dict[str, Any]
) -> None:
    responses = operation.setdefault("responses", {})
    for status in _expected_errors(operation, rate_limited):
        responses.setdefault(str(status), {"description": ERROR_DESCRIPTIONS[status]})
    for status, response in responses.items():
        headers = response.setdefault("headers", {})
        headers[API_VERSION_HEADER] = {"$ref": f"#/components/headers/{API_VERSION_HEADER}"}
        if status in STATUS_HEADERS:
            name = STATUS_HEADERS[status]
            headers[name] = {"$ref": f"#/components/headers/{name}"}
        # FastAPI documents its own 422 as application/json HTTPValidationError; every error
        # is answered with problem+json, so that is what is documented.
        if status.startswith(("4", "5")):
            field = _example_field(operation, schemas) if status == "422" else None
            response["content"] = {
                PROBLEM_MEDIA_TYPE: {
                    "schema": PROBLEM_REF,
                    "example": problem_example(int(status), path, field),
                }
            }
    operation["responses"] = dict(sorted(responses.items(), key=_status_order))


def build_openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        servers=app.servers,
        contact=app.contact,
        license_info=app.license_info,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.update(_component_schemas())
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    components["headers"] = HEADERS
    rate_limited = {
        context.name
        for context in routing.iter_route_contexts(app.routes)
        # Included routers are not flattened into app.routes; a context carries the
        # dependencies the route gets from every router it is included through.
        if isinstance(context.original_route, APIRoute)
        and _uses_rate_limit(getattr(context, "dependant", context.original_route.dependant))
    }
    for path, path_item in schema.get("paths", {}).items():
        for operation in path_item.values():
            _document_responses(
                path, operation, operation.get("operationId") in rate_limited, schemas
            )
    schema = _rename_generated_models(schema)
    _require_response_defaults(schema)
    app.openapi_schema = schema
    return schema
