"""Schemathesis hooks: real bearer tokens, and time zones from the tz database.

- Protected operations get the token of an account made for the run, which has given every
  consent (so health-data writes are exercised). `DELETE /v1/me`, password changes and
  consent changes get a throwaway account of their own each time, so deleting an account,
  withdrawing consent or changing the password never locks the rest of the run out.
- Half the address verification and password reset cases send the token of a link the service
  really emailed (to an SMTP server these hooks run), so those operations are exercised past
  their 403.
- Some rules cannot be said in JSON Schema, so the contract says them in words: a time zone
  from the tz database (which changes with tzdata releases), moves and routines that exist,
  reps or a hold on each routine step, a session that ends after it starts, a plan that does
  not end before it starts, a check-in or PEG response that is not in the future, a birth
  year that is not in the future, a report of
  at most 366 days (a share's days also end by its expiry), a cursor or sync token the
  server issued to the same caller, a sync without filters. Generated values
  that meet the schema but break such a rule are adjusted to follow it (`before_call`), so a
  refusal the contract announces is not reported as the server rejecting valid data.
"""

import ast
import os
import secrets
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

import httpx
import schemathesis
from aiosmtpd.controller import Controller
from hypothesis import strategies as st

from app.accounts.schemas import _known_timezones as known_timezones
from app.core.emails import BadEmail, normalise_email
from tests.mailbox import Mailbox

# CPython 3.11 can fail an `ast.parse` that runs in two threads at once with "SystemError: AST
# constructor recursion depth mismatch" (python/cpython#106905): hypothesis parses source to
# describe filters, and schemathesis runs two worker threads. One parse at a time avoids it.
_ast_parse = ast.parse
_ast_lock = threading.Lock()


def _serial_ast_parse(*args: Any, **kwargs: Any) -> Any:
    with _ast_lock:
        return _ast_parse(*args, **kwargs)


ast.parse = _serial_ast_parse

# Dates and instants as the contract writes them (RFC 3339, years 2000 to 2099, within their
# maxLength), so generation is not spent on values the pattern then throws away; values past
# those bounds are the coverage phase's negative cases, which it makes on its own.
_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
schemathesis.openapi.format(
    "date-time",
    st.datetimes(
        min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30), timezones=_OFFSETS
    ).map(datetime.isoformat),
)
schemathesis.openapi.format(
    "date", st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)).map(date.isoformat)
)

BASE_URL = os.environ["FUZZ_BASE_URL"]
PASSWORD = "correct horse battery staple"
SMTP_PORT = int(os.environ.get("FUZZ_SMTP_PORT", "0"))
EMAIL_WAIT_SECONDS = 15.0


@lru_cache
def mailbox() -> Mailbox | None:
    """The SMTP server the service sends to during the run (started once, left to end with
    the process)."""
    if not SMTP_PORT:
        return None
    box = Mailbox(SMTP_PORT)
    Controller(box, hostname="127.0.0.1", port=SMTP_PORT).start()
    return box


def emailed_token(address: str, subject_word: str) -> str | None:
    """The token of the newest link emailed to `address` whose subject has the word."""
    box = mailbox()
    deadline = time.monotonic() + EMAIL_WAIT_SECONDS
    while box is not None and time.monotonic() < deadline:
        found = [m for m in box.to(address) if subject_word in m["Subject"]]
        if found:
            return box.token(found[-1])
        time.sleep(0.1)
    return None


def sign_in(email: str) -> dict[str, Any]:
    with httpx.Client(base_url=BASE_URL, timeout=30) as http:
        tokens = http.post("/v1/auth/token", data={"username": email, "password": PASSWORD})
        tokens.raise_for_status()
        return dict(tokens.json())


@lru_cache
def policy_versions() -> dict[str, str]:
    """The current version of each document, by consent purpose."""
    with httpx.Client(base_url=BASE_URL, timeout=30) as http:
        policies = http.get("/v1/policies").json()["data"]
    versions = {p["kind"]: p["version"] for p in policies}
    return versions | {"health_data": versions["privacy_notice"]}


def new_account() -> str:
    email = f"fuzz-{uuid.uuid4().hex[:12]}@example.com"
    consents = [{"purpose": k, "version": v} for k, v in policy_versions().items()]
    body = {"email": email, "password": PASSWORD, "consents": consents}
    with httpx.Client(base_url=BASE_URL, timeout=30) as http:
        created = http.post("/v1/auth/register", json=body)
        created.raise_for_status()
    return email


def new_account_token() -> str:
    return str(sign_in(new_account())["access_token"])


@lru_cache
def known_account() -> str:
    """An account whose credentials sign-in and refresh cases can use, so those operations
    are exercised past their 401."""
    return new_account()


# Operations that could lock the run's account out: each gets an account of its own.
THROWAWAY = {
    ("DELETE", "/v1/me"),
    ("POST", "/v1/me/password"),
    ("POST", "/v1/me/consents"),
}


@schemathesis.auth(refresh_interval=None)
class AccountToken:
    def __init__(self) -> None:
        self.token: str | None = None

    def get(self, case: Any, context: Any) -> str:
        if (case.operation.method.upper(), case.operation.path) in THROWAWAY:
            return new_account_token()
        if self.token is None:
            self.token = new_account_token()
        return self.token

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


REAL_ZONES = ["Europe/Berlin", "America/Chicago", "Asia/Tokyo", "UTC", "Australia/Sydney"]
MAX_SESSION = timedelta(hours=12)


@lru_cache
def catalog() -> tuple[list[str], list[str]]:
    """The seeded catalog's slugs and the curated routines' ids."""
    with httpx.Client(base_url=BASE_URL, timeout=30) as http:
        slugs = [m["slug"] for m in http.get("/v1/exercises", params={"limit": 100}).json()["data"]]
        routines = [r["id"] for r in http.get("/v1/routines", params={"limit": 100}).json()["data"]]
    return slugs, routines


def _documented_string(value: Any, max_length: int = 64) -> bool:
    """A string the schema allows: the server may still refuse it for a rule the schema can
    only state in words."""
    return isinstance(value, str) and 0 < len(value) <= max_length and "\x00" not in value


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.startswith("20"):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _follow_documented_rules(body: dict[str, Any]) -> None:
    """Make generated values obey the rules the contract states in words: time zones and
    moves that exist, a step with reps or a hold, a session that ends after it starts, within
    12 hours and not in the future. Values that break a rule JSON Schema does state are left
    alone, so negative cases still reach the server as generated."""
    slugs, routines = catalog()
    zone = body.get("timezone")
    if _documented_string(zone) and zone not in known_timezones():
        body["timezone"] = secrets.choice(REAL_ZONES)
    # An address whose domain no mail server takes (the field's description says how it is
    # stored: IDNA, no trailing dot) becomes one that can be mailed.
    for field in ("email", "clinician_email"):
        email = body.get(field)
        if isinstance(email, str) and _documented_string(email, max_length=254):
            try:
                normalise_email(email)
            except BadEmail:
                body[field] = f"fuzz-{uuid.uuid4().hex[:12]}@example.com"
    for key in ("steps", "exercises"):
        items = body.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            if not isinstance(item, dict):
                continue
            if _documented_string(item.get("exercise_slug")) and item["exercise_slug"] not in slugs:
                item["exercise_slug"] = secrets.choice(slugs)
            if key == "steps" and item.get("reps") is None and item.get("hold_seconds") is None:
                item["reps"] = 5
    consents = body.get("consents")
    if isinstance(consents, list):
        # Each purpose once, for the current version of its document.
        seen: set[str] = set()
        kept = []
        for consent in consents:
            if isinstance(consent, dict) and consent.get("purpose") in policy_versions():
                if consent["purpose"] in seen:
                    continue
                seen.add(consent["purpose"])
                if _documented_string(consent.get("version"), 32):
                    consent["version"] = policy_versions()[consent["purpose"]]
            kept.append(consent)
        body["consents"] = kept
    routine_id = body.get("routine_id")
    if isinstance(routine_id, str) and routine_id not in routines:
        body["routine_id"] = secrets.choice(routines)
    birth_year = body.get("birth_year")
    this_year = datetime.now(UTC).year
    # JSON Schema's integer takes 2532.0 as well as 2532, and so does the API.
    if (
        isinstance(birth_year, int | float)
        and not isinstance(birth_year, bool)
        and birth_year > this_year
    ):
        body["birth_year"] = this_year - 40
    for key in ("recorded_at", "answered_at"):
        moment = _moment(body.get(key))
        if moment and moment > datetime.now(UTC):
            body[key] = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    started, completed = _moment(body.get("started_at")), _moment(body.get("completed_at"))
    if started and completed:
        now = datetime.now(UTC)
        if completed > now:
            completed = now - timedelta(minutes=1)
            body["completed_at"] = completed.isoformat()
        if not timedelta(0) <= completed - started <= MAX_SESSION:
            body["started_at"] = (completed - timedelta(minutes=10)).isoformat()
    _plan_ends_after_it_starts(body)


def _plan_ends_after_it_starts(body: dict[str, Any]) -> None:
    """A plan's end_date is not before its start_date, which is today (in the account's
    timezone, a day either side of UTC's) when left out."""
    end = body.get("end_date")
    if not isinstance(end, str) or not end.startswith("20"):
        return
    start = body.get("start_date")
    if "start_date" not in body:
        start = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    if isinstance(start, str) and start.startswith("20") and end < start:
        body["end_date"] = start


def _negative(case: Any) -> bool:
    # Cases generated to break the schema are sent exactly as generated.
    meta = getattr(case, "meta", None)
    if meta is None:
        return False
    return meta.generation.mode.is_negative or any(
        info.mode.is_negative for info in meta.components.values()
    )


def _real_credentials(case: Any) -> None:
    """Half the sign-in, refresh and password change cases present real credentials, the
    rest stay random; consents name the current version (the rule the contract states)."""
    path, body = case.operation.path, case.body
    if isinstance(body, dict) and path == "/v1/me/consents" and body.get("granted") is False:
        # Only health-data consent can be withdrawn (stated in words on `granted`).
        body["purpose"] = "health_data"
    if path == "/v1/me/consents" and isinstance(body, dict):
        purpose = body.get("purpose")
        if purpose in policy_versions() and _documented_string(body.get("version"), 32):
            body["version"] = policy_versions()[purpose]
    if not isinstance(body, dict) or secrets.randbelow(2):
        return
    if path == "/v1/me/password":
        body["current_password"] = PASSWORD
    elif path == "/v1/auth/verify-email":
        # A fresh account's emailed link, so verification is exercised past its 403.
        token = emailed_token(new_account(), "Confirm")
        if token:
            body["token"] = token
    elif path == "/v1/auth/password-reset/confirm":
        email = new_account()
        with httpx.Client(base_url=BASE_URL, timeout=30) as http:
            http.post("/v1/auth/password-reset", json={"email": email})
        token = emailed_token(email, "Reset")
        if token:
            body["token"] = token
    if path == "/v1/auth/token":
        body["username"], body["password"] = known_account(), PASSWORD
    elif path == "/v1/auth/refresh":
        body["refresh_token"] = sign_in(known_account())["refresh_token"]


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    if _negative(case):
        return
    _real_credentials(case)
    if isinstance(case.body, dict):
        _follow_documented_rules(case.body)
    query = case.query
    if isinstance(query, dict):
        _server_issued_only(case, query)
    # `to` must not be before `from`.
    if (
        isinstance(query, dict)
        and isinstance(query.get("from"), str)
        and isinstance(query.get("to"), str)
        and query["to"] < query["from"]
    ):
        query["from"], query["to"] = query["to"], query["from"]
    if isinstance(query, dict) and case.operation.path in REPORT_PATHS:
        _report_period(query)
    if case.operation.path == "/v1/me/shares" and isinstance(case.body, dict):
        _share_period(case.body)
    if case.operation.path == CLOSE_CONCERN and isinstance(case.body, dict):
        _seen_while_open(case)


CLOSE_CONCERN = "/v1/me/safety/concerns/{concern_id}/close"


def _seen_while_open(case: Any) -> None:
    """`seen_on` is a day from the concern's opening to today: the day it opened, for a
    concern of the caller's (another id is the documented 404 whatever the day)."""
    if not isinstance(case.body.get("seen_on"), str):
        return
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() == "authorization"}
    with httpx.Client(base_url=BASE_URL, timeout=30) as http:
        listed = http.get("/v1/me/safety/concerns", headers=headers)
    if listed.status_code != 200:
        return
    wanted = str((case.path_parameters or {}).get("concern_id"))
    for concern in listed.json()["data"]:
        if concern["id"] == wanted:
            case.body["seen_on"] = concern["opened_on"]


REPORT_DAYS = 366
REPORT_PATHS = ("/v1/me/report", "/v1/me/report/pdf", "/v1/me/report/csv", "/v1/me/fhir")


def _report_period(query: dict[str, Any]) -> None:
    """A report covers at most 366 days; `to` left out is today, so a `from` alone gets a `to`."""
    try:
        start = date.fromisoformat(query["from"]) if isinstance(query.get("from"), str) else None
        end = date.fromisoformat(query["to"]) if isinstance(query.get("to"), str) else None
    except ValueError:
        return
    if start is not None and end is None:
        query["to"] = start.isoformat()
    elif start is not None and end is not None and (end - start).days >= REPORT_DAYS:
        query["from"] = (end - timedelta(days=REPORT_DAYS - 1)).isoformat()


def _share_period(body: dict[str, Any]) -> None:
    """A share's days: at most 366, `to` not before `from` and not after the day the link
    expires (in the account's timezone, so a day short of UTC's to be safe); `to` left out is
    today, so a `from` alone gets a `to`."""
    days = body.get("expires_in_days", 30)
    try:
        start = date.fromisoformat(body["from"]) if isinstance(body.get("from"), str) else None
        end = date.fromisoformat(body["to"]) if isinstance(body.get("to"), str) else None
    except ValueError:
        return
    if type(days) is not int or not 1 <= days <= 90:
        return
    last = (datetime.now(UTC) + timedelta(days=days)).date() - timedelta(days=1)
    if start is not None and end is None:
        end = start
    if end is None:
        return
    end = min(end, last)
    body["to"] = end.isoformat()
    if start is not None:
        start = min(start, end)
        start = max(start, end - timedelta(days=REPORT_DAYS - 1))
        body["from"] = start.isoformat()


SYNC_FILTERS = ("area", "from", "to")


def _server_issued_only(case: Any, query: dict[str, Any]) -> None:
    """A cursor continues a walk the server began, and a sync token comes from a walk's last
    page: a made-up one is refused as documented. Cursors are dropped; a sync token is
    replaced by a real one for the same caller, and a sync reads without filters."""
    query.pop("cursor", None)
    if "changed_since" not in query:
        return
    for name in SYNC_FILTERS:
        query.pop(name, None)
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() == "authorization"}
    with httpx.Client(base_url=BASE_URL, timeout=30) as http:
        walk = http.get(case.formatted_path, headers=headers)
    if walk.status_code == 200:
        query["changed_since"] = walk.json()["sync_token"]
    else:
        query.pop("changed_since")


# Listening before the first account is made, so its verification email is delivered at once.
mailbox()
