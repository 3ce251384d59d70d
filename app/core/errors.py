"""Typed domain errors and the single place that turns every error into problem details.

Every non-2xx response is RFC 9457 `application/problem+json`. Services raise subclasses of
`DomainError`; they never know about HTTP beyond the status their class declares.
"""

import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("app.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://backpain.example/problems/"


class FieldError(BaseModel):
    """One invalid input: where it is, what is wrong, and the machine-readable code."""

    loc: list[str | int] = Field(description="Path to the offending input, e.g. ['body', 'area'].")
    field: str = Field(description="Dotted name of the offending field, e.g. 'body.area'.")
    message: str = Field(description="What is wrong, in plain words.")
    type: str = Field(description="Machine-readable error code, e.g. 'enum' or 'missing'.")


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error response."""

    type: str = Field(description="URI identifying the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(description="HTTP status code.")
    detail: str = Field(description="Explanation specific to this occurrence.")
    instance: str = Field(description="Path of the request that caused the problem.")
    errors: list[FieldError] | None = Field(
        default=None, description="Each invalid field, for validation errors."
    )


class DomainError(Exception):
    """Base for errors raised by services; subclasses declare their HTTP mapping."""

    status_code = 400
    title = "Bad request"
    slug = "bad-request"
    headers: ClassVar[dict[str, str] | None] = None

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.title
        super().__init__(self.detail)


class NotFound(DomainError):
    status_code = 404
    title = "Not found"
    slug = "not-found"


class Conflict(DomainError):
    status_code = 409
    title = "Conflict"
    slug = "conflict"


class Forbidden(DomainError):
    status_code = 403
    title = "Forbidden"
    slug = "forbidden"


class Unauthorized(DomainError):
    status_code = 401
    title = "Not authenticated"
    slug = "unauthorized"
    headers: ClassVar[dict[str, str] | None] = {"WWW-Authenticate": "Bearer"}


class ServiceUnavailable(DomainError):
    status_code = 503
    title = "Service unavailable"
    slug = "service-unavailable"


class InvalidInput(DomainError):
    """Input that passed schema validation but breaks a rule that needs the database."""

    status_code = 422
    title = "Invalid input"
    slug = "validation-error"

    def __init__(self, detail: str, loc: list[str | int] | None = None) -> None:
        super().__init__(detail)
        self.loc = loc


_HTTP_TITLES = {
    400: ("Bad request", "bad-request"),
    401: ("Not authenticated", "unauthorized"),
    403: ("Forbidden", "forbidden"),
    404: ("Not found", "not-found"),
    405: ("Method not allowed", "method-not-allowed"),
    406: ("Not acceptable", "not-acceptable"),
    409: ("Conflict", "conflict"),
    413: ("Content too large", "content-too-large"),
    415: ("Unsupported media type", "unsupported-media-type"),
    422: ("Invalid input", "validation-error"),
    429: ("Too many requests", "rate-limited"),
    500: ("Internal server error", "internal-error"),
    503: ("Service unavailable", "service-unavailable"),
}


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    title: str | None = None,
    slug: str | None = None,
    errors: list[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    default_title, default_slug = _HTTP_TITLES.get(status, ("Error", "error"))
    problem = Problem(
        type=PROBLEM_TYPE_BASE + (slug or default_slug),
        title=title or default_title,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def _field_errors(raw: list[Any]) -> list[FieldError]:
    out = []
    for err in raw:
        loc = [p if isinstance(p, int) else str(p) for p in err.get("loc", ())]
        out.append(
            FieldError(
                loc=loc,
                field=".".join(str(p) for p in loc),
                message=str(err.get("msg", "invalid value")),
                type=str(err.get("type", "value_error")),
            )
        )
    return out


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    errors = None
    if isinstance(exc, InvalidInput) and exc.loc:
        loc = exc.loc
        errors = [
            FieldError(loc=loc, field=".".join(map(str, loc)), message=exc.detail, type="invalid")
        ]
    return problem_response(
        request,
        exc.status_code,
        exc.detail,
        title=exc.title,
        slug=exc.slug,
        errors=errors,
        headers=exc.headers,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem_response(
            request, 400, "The request body is not valid JSON.", slug="malformed-json"
        )
    errors = _field_errors(raw)
    names = ", ".join(dict.fromkeys(e.field for e in errors)) or "request"
    return problem_response(request, 422, f"Invalid input: {names}.", errors=errors)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No resource at {request.url.path}."
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    return problem_response(request, exc.status_code, detail, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Logged with the traceback for operators; the client only learns that it failed.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(request, 500, "Something went wrong on our side. Please retry later.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting problem+json bodies for the given statuses."""
    return {
        status: {
            "description": _HTTP_TITLES.get(status, ("Error", ""))[0],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
