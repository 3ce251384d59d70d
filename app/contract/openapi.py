"""OpenAPI document: stable operationIds, problem+json errors, and names fit for SDKs.

Generated clients take method names from operationIds, model names from component names and
typed errors from documented error responses, so the document is tidied here once for every
endpoint instead of route by route:

- every error response is `application/problem+json` (the `Problem` schema);
- the errors any operation of a kind can produce are listed on it: 500 and 429 everywhere
  (every request is counted under the default rate limit), 422 where there is input, 400 and
  413 where there is a body, 401 where a token is accepted;
- every response documents the `API-Version`, `RateLimit` and `RateLimit-Policy` headers;
  401 documents `WWW-Authenticate` and 429 `Retry-After`, with the policies that apply;
- response-only models list their defaulted fields as required (they are always sent);
- FastAPI's generated request body names (`Body_login`) become model names, and the OAuth2
  password form gets a description and an example.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi.security.base import SecurityBase
from pydantic import BaseModel

from app.contract.caching import IF_NONE_MATCH_MAX_LENGTH, vary_on_authorization
from app.contract.versioning import API_VERSION_HEADER, DeprecationNotice
from app.core.db import get_db, get_engine
from app.core.errors import (
    ERROR_DESCRIPTIONS,
    PROBLEM_MEDIA_TYPE,
    PROBLEM_TYPES_KEY,
    Problem,
    ProblemKind,
    problem_example,
    problem_kinds,
    raised_by,
)
from app.core.ratelimit import DEFAULT_POLICY, RateLimitUnavailable, route_policies
from app.i18n import (
    ACCEPT_LANGUAGE_DESCRIPTION,
    SUPPORTED_LANGUAGES,
)

SCHEMA_REF = "#/components/schemas/"
PROBLEM_REF = {"$ref": SCHEMA_REF + "Problem"}
JSON_MEDIA_TYPE = "application/json"

RATELIMIT_HEADER = "RateLimit"
RATELIMIT_POLICY_HEADER = "RateLimit-Policy"
HEADERS: dict[str, dict[str, Any]] = {
    API_VERSION_HEADER: {
        "description": "Version of the API contract that produced the response.",
        "schema": {"type": "string", "examples": ["1.0.0"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer", "minimum": 1},
    },
    RATELIMIT_HEADER: {
        "description": "What is left of each rate-limit policy that counted this request: "
        "its name, `r` the requests remaining and `t` the seconds until its window resets, "
        "as a structured-field list (draft-ietf-httpapi-ratelimit-headers). Every request "
        "counts under `default`, per client address; the operation's 429 names any other "
        "policy it counts under. Sent on every answer.",
        "schema": {
            "type": "string",
            "maxLength": 200,
            "examples": ['"default";r=2999;t=42, "upload";r=59;t=60'],
        },
    },
    RATELIMIT_POLICY_HEADER: {
        "description": "The rate-limit policies that counted this request: `q` requests per "
        "`w` seconds each. Sent on every answer.",
        "schema": {
            "type": "string",
            "maxLength": 200,
            "examples": ['"default";q=3000;w=60, "upload";q=60;w=60'],
        },
    },
    "WWW-Authenticate": {
        "description": "The authentication scheme to use: `Bearer`.",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "Validator of this representation: send it back in `If-None-Match` and "
        'an unchanged resource answers `304` with no body. Weak (`W/"..."`) when the body '
        "was compressed; `If-None-Match` compares weakly, so either form revalidates.",
        "schema": {"type": "string", "maxLength": 80, "examples": ['"4f448dddf67a8730"']},
    },
    "PublicCacheControl": {
        "description": "`public, max-age=N`: the same for everyone, so any cache may keep it "
        "for N seconds (`CATALOG_MAX_AGE_SECONDS`, 300 by default).",
        "schema": {"type": "string", "maxLength": 80, "examples": ["public, max-age=300"]},
    },
    "PrivateCacheControl": {
        "description": "`no-store` on every answer to a request that carried credentials "
        "(and always on answers carrying tokens): no cache may keep someone's data.",
        "schema": {"type": "string", "maxLength": 80, "examples": ["no-store"]},
    },
    "VaryEncoding": {
        "description": "`Accept-Encoding`: bodies of 1 KiB or more are gzip-compressed "
        "(`Content-Encoding: gzip`) for clients that accept it; and `Accept-Language`: the "
        "texts are in the request's language, so a cache keeps one answer per language.",
        "schema": {
            "type": "string",
            "maxLength": 80,
            "examples": ["Accept-Encoding, Accept-Language"],
        },
    },
    "VaryAuthorization": {
        "description": "`Authorization` (and `Accept-Encoding`, `Accept-Language`): the "
        "answer depends on who asks, anonymous callers included, so a cache keeps one per "
        "caller.",
        "schema": {
            "type": "string",
            "maxLength": 80,
            "examples": ["Authorization, Accept-Encoding, Accept-Language"],
        },
    },
}
HEADERS |= {
    "Deprecation": {
        "description": "RFC 9745: when what the answer carries under an old name (an operation, "
        "or fields marked `deprecated`) was deprecated, as `@<seconds since 1970>`.",
        "schema": {"type": "string", "maxLength": 40, "examples": ["@1795478400"]},
    },
    "Sunset": {
        "description": "RFC 8594: the earliest date it stops being sent (in `/v2`).",
        "schema": {
            "type": "string",
            "maxLength": 40,
            "examples": ["Mon, 24 May 2027 00:00:00 GMT"],
        },
    },
}
HEADERS |= {
    "ContentLanguage": {
        "description": "The language of the answer's texts (`en`, `es` or `de`), negotiated "
        "from `Accept-Language`; `en` when none of the requested languages is supported.",
        "schema": {"type": "string", "enum": list(SUPPORTED_LANGUAGES), "examples": ["es"]},
    },
}
# Every operation takes the request's languages; documented once and referenced.
ACCEPT_LANGUAGE_PARAMETER = "AcceptLanguage"
PARAMETERS: dict[str, dict[str, Any]] = {
    ACCEPT_LANGUAGE_PARAMETER: {
        "name": "Accept-Language",
        "in": "header",
        "required": False,
        "description": ACCEPT_LANGUAGE_DESCRIPTION,
        # No maxLength: nothing is refused for this header (see the description), and a
        # documented bound would promise a 4xx past it.
        "schema": {"type": "string", "examples": ["es-MX, es;q=0.9, en;q=0.5"]},
    }
}
STATUS_HEADERS = {"401": "WWW-Authenticate", "429": "Retry-After"}
BEARER = "OAuth2PasswordBearer"
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The `ETag` of the copy you hold; when it is still current the answer is "
    "`304 Not Modified` with no body.",
    "schema": {"type": "string", "maxLength": IF_NONE_MATCH_MAX_LENGTH, "pattern": "^[^\\x00]*$"},
}


def located(description: str, where: str) -> dict[str, Any]:
    """A `responses` entry for an answer that names a resource in `Location`."""
    return {
        "description": description,
        "headers": {
            "Location": {
                "description": f"Path of {where}.",
                "schema": {"type": "string", "format": "uri-reference", "maxLength": 200},
            }
        },
    }


F = TypeVar("F", bound=Callable[..., Any])


def anonymous_welcome(dependency: F) -> F:
    """Marks, on the dependency itself, one that reads a bearer token but serves anonymous
    callers too: operations whose token comes only through it document optional auth."""
    dependency.anonymous_welcome = True  # type: ignore[attr-defined]
    return dependency


@dataclass
class RouteFacts:
    """What the document needs to know about a route beyond what FastAPI writes."""

    # Rate-limit policies beyond the default that count the operation's requests.
    policies: list[str] = field(default_factory=list)
    # "none", "optional" or "required"
    auth: str = "none"
    problems: list[ProblemKind] = field(default_factory=list)
    varies_on_auth: bool = False
    deprecation: bool = False
    database: bool = False


def _route_facts(dependant: Dependant) -> RouteFacts:
    facts = RouteFacts()
    required = optional = False

    def walk(node: Dependant, anonymous_ok: bool) -> None:
        nonlocal required, optional
        for dep in node.dependencies:
            call = dep.call
            if policies := route_policies(call):
                facts.policies.extend(p for p in policies if p not in facts.policies)
                facts.problems.append(ProblemKind.of(RateLimitUnavailable))
            if call in (get_db, get_engine):
                facts.database = True
            if call is vary_on_authorization:
                facts.varies_on_auth = True
            if isinstance(call, DeprecationNotice):
                facts.deprecation = True
            facts.problems.extend(ProblemKind.of(error) for error in raised_by(call))
            if isinstance(call, SecurityBase):
                if anonymous_ok:
                    optional = True
                else:
                    required = True
            walk(dep, anonymous_ok or getattr(call, "anonymous_welcome", False))

    walk(dependant, False)
    facts.auth = "required" if required else "optional" if optional else "none"
    return facts


def operation_id(route: APIRoute) -> str:
    """The endpoint function's name (`list_exercises`): readable, and stable across releases
    because SDK method names are generated from it."""
    return route.name


def _component_schemas() -> dict[str, Any]:
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    return {"Problem": schema, **defs}


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


def _expected_errors(operation: dict[str, Any]) -> set[int]:
    statuses = {429, 500}
    body = operation.get("requestBody")
    if operation.get("parameters") or body:
        statuses.add(422)
    if body:
        statuses.add(413)
        if JSON_MEDIA_TYPE in body.get("content", {}):
            statuses.add(400)
    if any(operation.get("security", [])):
        statuses.add(401)
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


def _header_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}


def _document_security(operation: dict[str, Any], auth: str) -> None:
    """Public operations say so (`security: []`); optional auth lists anonymous access (`{}`)
    beside the bearer token, so clients and docs do not demand a token they need not send."""
    if auth == "none":
        operation["security"] = []
    elif auth == "optional":
        operation["security"] = [{}, {BEARER: []}]
    else:
        operation["security"] = [{BEARER: []}]


def _document_conditions(operation: dict[str, Any]) -> None:
    if "304" in operation.get("responses", {}):
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == IF_NONE_MATCH["name"] for p in parameters):
            parameters.append(dict(IF_NONE_MATCH))


def _document_caching(operation: dict[str, Any], facts: RouteFacts) -> None:
    auth = facts.auth
    responses = operation["responses"]
    conditional = "304" in responses
    for status, response in responses.items():
        headers = response.setdefault("headers", {})
        if conditional and status in ("200", "304"):
            # An operation that caches otherwise (content-addressed files) declares its own.
            headers.setdefault("ETag", _header_ref("ETag"))
            headers.setdefault("Cache-Control", _header_ref("PublicCacheControl"))
            headers["Vary"] = _header_ref("VaryEncoding")
        elif auth != "none":
            headers.setdefault("Cache-Control", _header_ref("PrivateCacheControl"))
        if status.startswith("2") and facts.deprecation:
            headers["Deprecation"] = _header_ref("Deprecation")
            headers["Sunset"] = _header_ref("Sunset")
        if status.startswith("2") and "content" in response:
            vary = "VaryAuthorization" if facts.varies_on_auth else "VaryEncoding"
            headers.setdefault("Vary", _header_ref(vary))


def _document_problems(
    path: str, operation: dict[str, Any], status: str, response: dict[str, Any], facts: RouteFacts
) -> None:
    declared = list(facts.problems) + [
        ProblemKind(**kind) for kind in response.pop(PROBLEM_TYPES_KEY, [])
    ]
    kinds = problem_kinds(int(status), declared)
    field = operation.get("x-example-field") if status == "422" else None
    media: dict[str, Any] = {"schema": PROBLEM_REF}
    if len(kinds) == 1:
        media["example"] = problem_example(kinds[0], path, field)
    elif kinds:
        media["examples"] = {
            kind.slug: {"summary": kind.title, "value": problem_example(kind, path, field)}
            for kind in kinds
        }
    # FastAPI documents its own 422 as application/json HTTPValidationError; every error is
    # answered with problem+json, so that is what is documented.
    response["content"] = {PROBLEM_MEDIA_TYPE: media}


def _has_text(response: dict[str, Any]) -> bool:
    return any(
        media.startswith(("application/json", "application/problem+json", "text/"))
        for media in response.get("content", {})
    )


def _document_responses(
    path: str, operation: dict[str, Any], facts: RouteFacts, schemas: dict[str, Any]
) -> None:
    _document_security(operation, facts.auth)
    _document_conditions(operation)
    responses = operation.setdefault("responses", {})
    for status in _expected_errors(operation) | ({503} if facts.database else set()):
        responses.setdefault(str(status), {"description": ERROR_DESCRIPTIONS[status]})
    for kind in facts.problems:
        responses.setdefault(str(kind.status), {"description": ERROR_DESCRIPTIONS[kind.status]})
    operation["x-example-field"] = _example_field(operation, schemas)
    operation.setdefault("parameters", []).append(
        {"$ref": f"#/components/parameters/{ACCEPT_LANGUAGE_PARAMETER}"}
    )
    for status, response in responses.items():
        headers = response.setdefault("headers", {})
        headers[API_VERSION_HEADER] = _header_ref(API_VERSION_HEADER)
        headers[RATELIMIT_HEADER] = _header_ref(RATELIMIT_HEADER)
        headers[RATELIMIT_POLICY_HEADER] = _header_ref(RATELIMIT_POLICY_HEADER)
        if status in STATUS_HEADERS:
            headers[STATUS_HEADERS[status]] = _header_ref(STATUS_HEADERS[status])
        if status.startswith(("4", "5")):
            _document_problems(path, operation, status, response, facts)
        if _has_text(response):
            headers["Content-Language"] = _header_ref("ContentLanguage")
    del operation["x-example-field"]
    names = ", ".join(f"`{name}`" for name in [DEFAULT_POLICY, *facts.policies])
    responses["429"]["description"] = (
        f"{ERROR_DESCRIPTIONS[429]} Policies (`RateLimit-Policy`): {names}."
    )
    _document_caching(operation, facts)
    operation["responses"] = dict(sorted(responses.items(), key=_status_order))


def app_models() -> dict[str, type[BaseModel]]:
    found: dict[str, type[BaseModel]] = {}
    todo = list(BaseModel.__subclasses__())
    while todo:
        model = todo.pop()
        todo.extend(model.__subclasses__())
        if model.__module__.startswith("app."):
            found.setdefault(model.__name__, model)
    return found


def _restore_example_nulls(schemas: dict[str, Any]) -> None:
    """FastAPI writes the document without null values, which also strips them from model
    examples (`"routine_id": null` would vanish, and the example would no longer be valid):
    put the examples back as the models declare them."""
    models = app_models()
    for name, body in schemas.items():
        model = models.get(name)
        extra = model.model_config.get("json_schema_extra") if model else None
        if isinstance(extra, dict) and "examples" in extra:
            body["examples"] = extra["examples"]


RECORDED_EXAMPLES = Path(__file__).resolve().parents[1] / "openapi_examples.json"


def _recorded_examples(schemas: dict[str, Any]) -> None:
    """Every model without an example of its own gets the one recorded from the service
    itself (`python -m tools.openapi_examples`): real seed content, consistent throughout."""
    recorded = json.loads(RECORDED_EXAMPLES.read_text(encoding="utf-8"))
    for name, body in schemas.items():
        if "examples" not in body and name in recorded:
            body["examples"] = [recorded[name]]


INT32 = (-(2**31), 2**31 - 1)


def _integer_formats(node: Any) -> None:
    """Every integer says its size: `int32` when its bounds fit, `int64` otherwise, so
    generated clients pick a type that holds every value."""
    if isinstance(node, dict):
        if node.get("type") == "integer" and "format" not in node:
            low, high = node.get("minimum"), node.get("maximum")
            fits = low is not None and high is not None and INT32[0] <= low and high <= INT32[1]
            node["format"] = "int32" if fits else "int64"
        for value in node.values():
            _integer_formats(value)
    elif isinstance(node, list):
        for item in node:
            _integer_formats(item)


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
    components["parameters"] = PARAMETERS
    facts = {
        context.name: _route_facts(getattr(context, "dependant", context.original_route.dependant))
        for context in routing.iter_route_contexts(app.routes)
        # Included routers are not flattened into app.routes; a context carries the
        # dependencies the route gets from every router it is included through.
        if isinstance(context.original_route, APIRoute)
    }
    for path, path_item in schema.get("paths", {}).items():
        for operation in path_item.values():
            _document_responses(
                path, operation, facts.get(operation.get("operationId", ""), RouteFacts()), schemas
            )
    _restore_example_nulls(schemas)
    _recorded_examples(schemas)
    schema = _rename_generated_models(schema)
    _require_response_defaults(schema)
    _integer_formats(schema)
    app.openapi_schema = schema
    return schema
