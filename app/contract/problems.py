"""The single place that turns every error into problem details (RFC 9457): domain errors,
request validation, routing misses, database failures and anything unexpected."""

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.contract.headers import SAFETY_HEADERS
from app.contract.http import allowed_methods, slashless_target
from app.contract.versioning import API_VERSION, API_VERSION_HEADER
from app.core.errors import DomainError, FieldError, InvalidInput, problem_response
from app.i18n.catalog import format_translated

logger = logging.getLogger("app.errors")


# Details with values, translated as templates (app/locale).
INVALID_INPUT = "Invalid input: {names}."


NO_RESOURCE = "No resource at {path}."


METHOD_NOT_ALLOWED = "{method} is not allowed on {path}."


NUL_MESSAGE = "must not contain the NUL character (\\u0000)"


def _message(err: Mapping[str, Any]) -> str:
    # A pattern nobody can read is no help when the real problem is an invisible character.
    value = err.get("input")
    if err.get("type") == "string_pattern_mismatch" and isinstance(value, str):
        if "\x00" in value:
            return NUL_MESSAGE
        if not value.strip():
            return "must not be blank"
    return str(err.get("msg", "invalid value"))


def _field_errors(raw: list[Any]) -> list[FieldError]:
    out = []
    for err in raw:
        loc = [p if isinstance(p, int) else str(p) for p in err.get("loc", ())]
        out.append(
            FieldError(
                loc=loc,
                field=".".join(str(p) for p in loc),
                message=_message(err),
                type=str(err.get("type", "value_error")),
            )
        )
    return out


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    errors = None
    detail = exc.translated_detail()
    if isinstance(exc, InvalidInput) and exc.loc:
        loc = exc.loc
        errors = [
            FieldError(loc=loc, field=".".join(map(str, loc)), message=detail, type="invalid")
        ]
    return problem_response(
        request,
        exc.status_code,
        detail,
        title=exc.title,
        slug=exc.slug,
        errors=errors,
        headers=_with_challenge(exc.status_code, exc.response_headers()),
        fix=exc.fix,
    )


def _with_challenge(status: int, headers: Mapping[str, str] | None) -> dict[str, str]:
    """RFC 9110 requires a challenge on every 401; Bearer is the only scheme we accept."""
    out = dict(headers or {})
    if status == 401 and not any(k.lower() == "www-authenticate" for k in out):
        out["WWW-Authenticate"] = "Bearer"
    return out


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in raw):
        return problem_response(
            request, 400, "The request body is not valid JSON.", slug="malformed-json"
        )
    errors = _field_errors(raw)
    names = ", ".join(dict.fromkeys(e.field for e in errors)) or "request"
    detail = format_translated(INVALID_INPUT, names=names).text
    return problem_response(request, 422, detail, errors=errors)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    headers = dict(exc.headers or {})
    if exc.status_code == 404 and detail == "Not Found":
        # The raw path: `request.url` is parsed again from a string, which drops tabs and line
        # breaks (`/v1/plans/%0D` would read as `/v1/plans/`).
        target = slashless_target(request.app, request.scope["path"], request.url.query)
        if target is not None:
            return Response(status_code=308, headers={"Location": target})
        detail = format_translated(NO_RESOURCE, path=request.url.path).text
    elif exc.status_code == 405:
        detail = format_translated(
            METHOD_NOT_ALLOWED, method=request.method, path=request.url.path
        ).text
        if methods := allowed_methods(request.app, request.url.path):
            headers["Allow"] = ", ".join(methods)
    return problem_response(
        request, exc.status_code, detail, headers=_with_challenge(exc.status_code, headers)
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Logged with the traceback for operators; the client only learns that it failed.
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    # This response is sent by Starlette's outermost ServerErrorMiddleware, past every
    # middleware that would otherwise add the version header.
    return problem_response(
        request,
        500,
        "Something went wrong on our side. Please retry later.",
        headers={API_VERSION_HEADER: API_VERSION, **SAFETY_HEADERS},
    )


def _database_error_name(exc: sa_exc.SQLAlchemyError) -> str:
    """The driver's error class and SQLSTATE, never its message: messages can quote the
    values of a row (PostgreSQL's `Key (email)=(...) already exists`)."""
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    name = type(orig or exc).__name__
    return f"{name} ({code})" if code else name


def _log_database_error(level: int, what: str, request: Request, exc: Exception) -> None:
    assert isinstance(exc, sa_exc.SQLAlchemyError)
    name = _database_error_name(exc)
    logger.log(level, "%s on %s %s: %s", what, request.method, request.url.path, name)


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # Connection refused or lost, pool exhausted, statement or lock timeout, SQLite busy:
    # the request may well succeed in a moment, so say when to retry.
    _log_database_error(logging.WARNING, "database unavailable", request, exc)
    return problem_response(
        request,
        503,
        "The database is busy or unreachable. Please retry shortly.",
        slug="database-unavailable",
        headers={"Retry-After": "2"},
    )


async def _database_rejected(request: Request, exc: Exception) -> JSONResponse:
    # Validation lets nothing through that the database would refuse; if something still is,
    # it is the input's fault, and the client gets a 4xx rather than a 500.
    _log_database_error(logging.ERROR, "database refused input", request, exc)
    if isinstance(exc, sa_exc.IntegrityError):
        return problem_response(request, 409, "This conflicts with what is already stored.")
    return problem_response(request, 422, "A value in the request cannot be stored.")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    for unavailable in (
        sa_exc.OperationalError,
        sa_exc.InterfaceError,
        sa_exc.TimeoutError,
        sa_exc.DisconnectionError,
    ):
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(sa_exc.DataError, _database_rejected)
    app.add_exception_handler(sa_exc.IntegrityError, _database_rejected)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
