"""The contract says exactly what validation accepts: for every request model, values at and
just past each documented bound, null, and values of the wrong JSON type are accepted by the
documented schema exactly when the server's validation accepts them.

Each model is probed from its own documented example, one field at a time. What JSON Schema
cannot say (a time zone from the tz database, a move that exists) is stated in the field's
description and checked where it is enforced; those probes are not made here."""

import copy
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from jsonschema_rs import Draft202012Validator
from pydantic import BaseModel, ValidationError

from app.contract.openapi import app_models
from app.main import app

SCHEMA_REF = "#/components/schemas/"
# Values of these fields follow a rule only words can state (an IANA time zone name), so made
# up strings of a given length are refused whatever the length; their description says so.
STATED_IN_WORDS = {("UserCreate", "timezone"), ("UserUpdate", "timezone")}


def document() -> dict[str, Any]:
    return app.openapi()


def request_models() -> list[str]:
    """Components reachable from any request body or parameter."""
    schemas = document()["components"]["schemas"]
    todo = []
    for item in document()["paths"].values():
        for operation in item.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                todo.append(content["schema"]["$ref"].removeprefix(SCHEMA_REF))
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(_refs(schemas[name]))
    return sorted(n for n in seen if schemas[n].get("type") == "object")


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value.removeprefix(SCHEMA_REF)
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return document()["components"]["schemas"][schema["$ref"].removeprefix(SCHEMA_REF)]
    return schema


def variants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [resolve(v) for v in schema.get("anyOf", [])] or [resolve(schema)]


def probes(prop: dict[str, Any], current: Any, lengths: bool) -> Iterator[tuple[str, Any]]:
    """Values to try for one field: null, the wrong type, and each side of each bound."""
    yield "null", None
    for variant in variants(prop):
        kind = variant.get("type")
        if kind == "integer":
            yield "a string", "8"
            yield "true", True
            yield "a fraction", 1.5
            low = variant.get("minimum", variant.get("exclusiveMinimum"))
            high = variant.get("maximum", variant.get("exclusiveMaximum"))
            for bound in (low, high):
                if bound is not None:
                    for value in (bound - 1, bound, bound + 1):
                        yield f"{value}", value
                        yield f"{value}.0", float(value)
        elif kind == "boolean":
            yield "a string", "true"
            yield "a number", 1
        elif kind == "string" and "format" not in variant and "enum" not in variant:
            yield "a number", 8
            for length in (variant.get("minLength"), variant.get("maxLength")) if lengths else ():
                if length is not None:
                    for size in (length - 1, length, length + 1):
                        if size >= 0:
                            yield f"{size} characters", "x" * size
        elif kind == "array":
            yield "an object", {}
            items = [] if not isinstance(current, list) else current
            sample = items[0] if items else _sample(variant.get("items", {}))
            for length in (variant.get("minItems"), variant.get("maxItems")):
                if length is not None and sample is not None:
                    for size in (length - 1, length, length + 1):
                        if size >= 0:
                            yield f"{size} items", [copy.deepcopy(sample) for _ in range(size)]


def _sample(schema: dict[str, Any]) -> Any:
    resolved = resolve(schema)
    if "enum" in resolved:
        return resolved["enum"][0]
    return None


@cache
def schema_validator(name: str) -> Draft202012Validator:
    """Compiled once per model: compiling the whole components section for each of the
    hundreds of probes was most of this module's time."""
    return Draft202012Validator(
        {"$ref": SCHEMA_REF + name, "components": document()["components"]},
        validate_formats=True,
    )


def accepted_by_schema(name: str, value: dict[str, Any]) -> bool:
    return bool(schema_validator(name).is_valid(value))


def accepted_by_server(model: type[BaseModel], value: dict[str, Any]) -> bool:
    # FastAPI validates the decoded JSON body the same way (python mode).
    try:
        model.model_validate(value)
    except ValidationError:
        return False
    return True


def cases() -> Iterator[Any]:
    models = app_models()
    schemas = document()["components"]["schemas"]
    for name in request_models():
        schema = schemas[name]
        for example in schema.get("examples", []):
            for field, prop in schema.get("properties", {}).items():
                lengths = (name, field) not in STATED_IN_WORDS
                for label, value in probes(prop, example.get(field), lengths):
                    yield pytest.param(
                        name, models[name], example, field, value, id=f"{name}.{field}={label}"
                    )


@pytest.mark.parametrize(("name", "model", "example", "field", "value"), list(cases()))
def test_documented_schema_accepts_exactly_what_validation_accepts(
    name: str, model: type[BaseModel], example: dict[str, Any], field: str, value: Any
) -> None:
    probe = {**copy.deepcopy(example), field: value}
    documented = accepted_by_schema(name, probe)
    enforced = accepted_by_server(model, probe)
    assert documented == enforced, (
        f"{name}.{field} = {value!r}: the schema {'accepts' if documented else 'refuses'} it, "
        f"validation {'accepts' if enforced else 'refuses'} it"
    )


def test_rules_stated_in_words_are_in_the_description() -> None:
    schemas = document()["components"]["schemas"]
    for name, field in STATED_IN_WORDS:
        prop = schemas[name]["properties"][field]
        assert "IANA" in (prop.get("description") or resolve(prop).get("description", ""))


def test_every_request_model_is_probed() -> None:
    probed = {case.values[0] for case in cases()}
    assert probed == set(request_models())
    # The ones the issue was about are among them.
    assert {"RoutineUpdate", "RecommendationCreate", "SessionCreate"} <= probed
