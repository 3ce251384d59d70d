"""Typed domain errors and the problem-details body every error becomes.

Every non-2xx response is RFC 9457 `application/problem+json`. Services raise subclasses of
`DomainError`; they never know about HTTP beyond the status their class declares. The
handlers that turn each kind of exception into a problem are in `app.contract.problems`.
"""

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, ClassVar, TypeVar

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from app.core.config import DEFAULT_MAX_REQUEST_BODY_BYTES
from app.i18n.catalog import gettext

logger = logging.getLogger("app.errors")
F = TypeVar("F", bound=Callable[..., Any])

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://backpain.example/problems/"


class FieldError(BaseModel):
    """One invalid input: where it is, what is wrong, and the machine-readable code."""

    loc: list[str | int] = Field(description="Path to the offending input, e.g. ['body', 'area'].")
    field: str = Field(description="Dotted name of the offending field, e.g. 'body.area'.")
    message: str = Field(description="What is wrong, in plain words.")
    type: str = Field(description="Machine-readable error code, e.g. 'enum' or 'missing'.")


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


class RequestHint(BaseModel):
    """A request that resolves the problem: send it as it is, then retry the one refused."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "method": "POST",
                    "path": "/v1/me/consents",
                    "body": {"purpose": "health_data", "version": "2026-11-24"},
                }
            ]
        }
    )

    method: str = Field(description="HTTP method of the request to send.")
    path: str = Field(description="Path of the request to send.")
    body: dict[str, Any] = Field(description="The JSON body to send, complete.")


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error response."""

    type: str = Field(description="URI identifying the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(description="HTTP status code.")
    detail: str = Field(description="Explanation specific to this occurrence.")
    instance: str = Field(description="Path of the request that caused the problem.")
    # Left out rather than null when there is nothing to list, so the schema does not offer
    # null to generated clients.
    errors: list[FieldError] | SkipJsonSchema[None] = Field(
        default=None,
        description="Each invalid field, for validation errors.",
        json_schema_extra=_drop_default,
    )
    # An RFC 9457 extension member, present only where one request resolves the problem.
    fix: RequestHint | SkipJsonSchema[None] = Field(
        default=None,
        description="The request that resolves the problem, where one does (such as the "
        "consent to give): send it, then retry.",
        json_schema_extra=_drop_default,
    )


class DomainError(Exception):
    """Base for errors raised by services; subclasses declare their HTTP mapping."""

    status_code = 400
    title = "Bad request"
    slug = "bad-request"
    headers: ClassVar[dict[str, str] | None] = None
    # The request that resolves this problem, if one does (the `fix` member).
    fix: RequestHint | None = None

    def __init__(self, detail: str | None = None, **values: object) -> None:
        # `detail` is a template filled with `values` (`No plan with id '{plan_id}'.`), so the
        # problem is said in the request's language with the same values (app/locale).
        self.template = detail or self.title
        self.values = values
        self.detail = self.template.format(**values) if values else self.template
        super().__init__(self.detail)

    def translated_detail(self) -> str:
        """The detail in the request's language, or English where it has no entry."""
        template = gettext(self.template)
        return template.format(**self.values) if self.values else template

    def response_headers(self) -> dict[str, str]:
        """Headers the error response carries (a subclass may add per-instance ones)."""
        return dict(self.headers or {})

    @classmethod
    def example(cls) -> "DomainError":
        """An instance as the docs show it (a subclass whose problem names values gives
        realistic ones)."""
        return cls()


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


class TooManyRequests(DomainError):
    """The caller has used up its allowance; `Retry-After` says when to try again."""

    status_code = 429
    title = "Too many requests"
    slug = "rate-limited"

    def __init__(self, retry_after_seconds: float, detail: str | None = None) -> None:
        self.retry_after = max(1, math.ceil(retry_after_seconds))
        super().__init__(
            detail or "Too many requests. Try again in {seconds} seconds.", seconds=self.retry_after
        )

    def response_headers(self) -> dict[str, str]:
        return {**super().response_headers(), "Retry-After": str(self.retry_after)}


class ServiceUnavailable(DomainError):
    status_code = 503
    title = "Service unavailable"
    slug = "service-unavailable"
    # Long enough for a database restart or a lock to clear; clients should back off.
    headers: ClassVar[dict[str, str] | None] = {"Retry-After": "2"}


class UnsupportedMediaType(DomainError):
    """The body is in a format the operation does not take; the detail says which it does."""

    status_code = 415
    title = "Unsupported media type"
    slug = "unsupported-media-type"


class InvalidInput(DomainError):
    """Input that passed schema validation but breaks a rule that needs the database."""

    status_code = 422
    title = "Invalid input"
    slug = "validation-error"

    def __init__(self, detail: str, loc: list[str | int] | None = None, **values: object) -> None:
        super().__init__(detail, **values)
        self.loc = loc


_HTTP_TITLES = {
    400: ("Bad request", "bad-request"),
    401: ("Not authenticated", "unauthorized"),
    403: ("Forbidden", "forbidden"),
    404: ("Not found", "not-found"),
    405: ("Method not allowed", "method-not-allowed"),
    406: ("Not acceptable", "not-acceptable"),
    409: ("Conflict", "conflict"),
    410: ("Gone", "gone"),
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
    fix: RequestHint | None = None,
) -> JSONResponse:
    default_title, default_slug = _HTTP_TITLES.get(status, ("Error", "error"))
    problem = Problem(
        type=PROBLEM_TYPE_BASE + (slug or default_slug),
        # In the request's language where there is an entry (app/locale), English otherwise.
        title=gettext(title or default_title),
        status=status,
        detail=gettext(detail),
        instance=request.url.path,
        errors=errors,
        fix=fix,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


BODY_TOO_LARGE = "The request body is larger than the limit of {limit} bytes."


# What each error status means on this API, for the OpenAPI document.
ERROR_DESCRIPTIONS = {
    400: "Bad request: the body is not valid JSON.",
    401: "Not authenticated: the bearer token is missing, invalid or expired.",
    403: "Forbidden: the resource exists but the caller may not change it.",
    404: "Not found: no such resource.",
    409: "Conflict with the current state, such as a duplicate.",
    410: "Gone: the sync token is too old; sync again from the start.",
    413: "Content too large: the request body is over the size limit.",
    415: "Unsupported media type: the body is not in the format the operation takes.",
    422: "Invalid input: `errors` names each offending field.",
    429: "Too many requests: wait `Retry-After` seconds.",
    500: "Unexpected error on our side; no details are disclosed.",
    503: "Service unavailable: a dependency (such as the database) is not ready.",
}


# Problems any operation of a kind can produce, by status: what the server sends when no
# domain error of that status is declared for the operation.
_GENERIC_PROBLEMS: dict[int, tuple[str, str, str]] = {
    400: ("malformed-json", "Bad request", "The request body is not valid JSON."),
    401: (
        "unauthorized",
        "Not authenticated",
        "Sign in and send the access token as `Authorization: Bearer <token>`.",
    ),
    403: ("forbidden", "Forbidden", "You may not change this resource."),
    404: ("not-found", "Not found", "No such resource."),
    409: ("conflict", "Conflict", "This conflicts with what is already stored."),
    413: (
        "content-too-large",
        "Content too large",
        BODY_TOO_LARGE.format(limit=DEFAULT_MAX_REQUEST_BODY_BYTES),
    ),
    422: ("validation-error", "Invalid input", "Invalid input."),
    429: ("rate-limited", "Too many requests", "Too many requests. Try again in 30 seconds."),
    500: (
        "internal-error",
        "Internal server error",
        "Something went wrong on our side. Please retry later.",
    ),
    503: (
        "database-unavailable",
        "Service unavailable",
        "The database is busy or unreachable. Please retry shortly.",
    ),
}
# Sent whatever else an operation declares for the status: the database can always be down.
_ALWAYS_POSSIBLE = {503}


@dataclass(frozen=True)
class ProblemKind:
    """One kind of problem an operation can answer with, for its documented examples."""

    status: int
    slug: str
    title: str
    detail: str
    fix: dict[str, Any] | None = None

    @classmethod
    def of(cls, error: type[DomainError] | DomainError) -> "ProblemKind":
        """The kind of an error class, or of one error (a class shared by several kinds of
        problem, each with its own `type`, documents each through an example of it)."""
        detail = getattr(error, "example_detail", None)
        fix = getattr(error, "example_fix", None)
        if isinstance(error, DomainError):
            detail, fix = error.detail, error.fix
        elif detail is None:
            try:
                instance = error.example()
            except TypeError:
                detail = error.title
            else:
                detail = instance.detail
                fix = fix or instance.fix
        return cls(
            error.status_code,
            error.slug,
            error.title,
            detail,
            fix.model_dump() if fix is not None else None,
        )

    @classmethod
    def generic(cls, status: int) -> "ProblemKind":
        slug, title, detail = _GENERIC_PROBLEMS[status]
        return cls(status, slug, title, detail)


def problem_kinds(status: int, declared: list[ProblemKind]) -> list[ProblemKind]:
    """The kinds documented for a status: the declared ones, or the generic kind when none is
    declared (and as well, where it can always happen)."""
    kinds = [k for k in declared if k.status == status]
    if (not kinds or status in _ALWAYS_POSSIBLE) and status in _GENERIC_PROBLEMS:
        kinds.append(ProblemKind.generic(status))
    return list({k.slug: k for k in kinds}.values())


def problem_example(
    kind: ProblemKind, instance: str, field_loc: list[str | int] | None = None
) -> dict[str, Any]:
    """A realistic problem body for the docs; a validation error names `field_loc`."""
    example: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + kind.slug,
        "title": kind.title,
        "status": kind.status,
        "detail": kind.detail,
        "instance": instance,
    }
    if kind.fix is not None:
        example["fix"] = kind.fix
    if kind.status == 422:
        loc = field_loc or ["body"]
        field = ".".join(map(str, loc))
        example["detail"] = f"Invalid input: {field}."
        example["errors"] = [
            {"loc": loc, "field": field, "message": "Field required", "type": "missing"}
        ]
    return example


# The domain errors each route declares, in its `responses` (see `problem_responses`).
PROBLEM_TYPES_KEY = "x-problem-types"


def raises(*errors: type[DomainError]) -> Callable[[F], F]:
    """Declares, on the dependency itself, the domain errors it can raise, so every operation
    that uses it documents them with examples of their own `type` (`raised_by`)."""

    def declare(dependency: F) -> F:
        dependency.domain_errors = errors  # type: ignore[attr-defined]
        return dependency

    return declare


def raised_by(dependency: Any) -> tuple[type[DomainError], ...]:
    """The errors a dependency declared with `raises`; none for any other."""
    return getattr(dependency, "domain_errors", ())


def problem_responses(
    *problems: int | type[DomainError] | DomainError,
) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for problem+json bodies: a status, or a domain error (a
    class, or an example of it) whose status and `type` the operation documents (the examples
    are built from them)."""
    out: dict[int | str, dict[str, Any]] = {}
    for problem in problems:
        status = problem if isinstance(problem, int) else problem.status_code
        entry = out.setdefault(
            status,
            {
                "description": ERROR_DESCRIPTIONS.get(status)
                or _HTTP_TITLES.get(status, ("Error", ""))[0],
                "content": {
                    PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            },
        )
        if not isinstance(problem, int):
            # Read and removed again when the document is built (app.contract.openapi).
            entry.setdefault(PROBLEM_TYPES_KEY, []).append(asdict(ProblemKind.of(problem)))
    return out
