"""Error reports through sentry-sdk when `SENTRY_DSN` is set, scrubbed before they leave.

The SDK is told to collect nothing personal (no request bodies, cookies, query strings, user,
local variables or SQL values), and `scrub` removes what could still slip through: every
exception's message (it can quote a note or an address: the type and the stack say what
failed), a log record's arguments, values under keys that name health data, contact details
or secrets, email addresses and bearer tokens inside any other text, and every request
header but a short list.
"""

import re
from typing import Any

from app.core.config import Settings

# Keys whose values are never sent, wherever they appear in an event (compared lowercased,
# `-` read as `_`): health data, contact details, credentials.
SCRUBBED_KEYS = frozenset(
    {
        # Health data: the diary, sessions, screen answers, the PEG and the safety state.
        "pain",
        "pain_now",
        "pain_before",
        "pain_after",
        "pain_areas",
        "areas",
        "notes",
        "note",
        "red_flags",
        "cautions",
        "answers",
        "peg",
        "peg_items",
        "items",
        "enjoyment",
        "activity",
        "average_pain",
        "interference",
        "concerns",
        "concern",
        "findings",
        "symptoms",
        "birth_year",
        "data",
        "body",
        # Contact details and identity.
        "email",
        "to",
        "to_address",
        "user",
        "name",
        "display_name",
        # Secrets.
        "password",
        "new_password",
        "current_password",
        "token",
        "access_token",
        "refresh_token",
        "reset_token",
        "authorization",
        "cookie",
        "cookies",
        "set_cookie",
        "jwt_secret",
        "smtp_password",
        "sentry_dsn",
        "database_url",
        "query_string",
        "vars",
    }
)
# Request headers worth keeping; every other is dropped.
KEPT_HEADERS = frozenset({"accept", "content-type", "content-length", "user-agent", "x-request-id"})
FILTERED = "[Filtered]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def _scrub_text(text: str) -> str:
    text = _EMAIL.sub(FILTERED, text)
    text = _BEARER.sub(FILTERED, text)
    return _JWT.sub(FILTERED, text)


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: FILTERED if str(key).lower().replace("-", "_") in SCRUBBED_KEYS else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    if isinstance(value, str):
        return _scrub_text(value)
    return value


def scrub(event: Any, _hint: Any = None) -> Any:
    """Sentry's `before_send`: the event without health data, addresses or secrets."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
            }
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
    event.pop("user", None)
    exception = event.get("exception")
    if isinstance(exception, dict):
        for value in exception.get("values") or []:
            if isinstance(value, dict) and "value" in value:
                value["value"] = FILTERED
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        logentry.pop("params", None)
        logentry.pop("formatted", None)
    scrubbed: dict[str, Any] = _scrub(event)
    return scrubbed


def configure_error_reports(settings: Settings, service: str) -> bool:
    """Start reporting unhandled errors to `settings.sentry_dsn`; False when none is set."""
    if not settings.sentry_dsn:
        return False
    import sentry_sdk

    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.environment.value,
        server_name=service,
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(KEPT_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        include_local_variables=False,
        max_request_body_size="never",
        # Errors only: traces go through OpenTelemetry.
        traces_sample_rate=None,
        before_send=scrub,
        before_breadcrumb=lambda crumb, _hint: _scrub(crumb),
    )
    return True
