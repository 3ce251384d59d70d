import sys

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from pydantic import ValidationError
from sqlmodel import Session

from app.accounts import privacy as accounts_data
from app.accounts.router import router as accounts_router
from app.attention import privacy as attention_data
from app.attention.router import router as attention_router
from app.care.router import router as care_router
from app.checkins import privacy as checkins_data
from app.checkins.router import router as checkins_router
from app.contract.answer_memo import AnswerMemoMiddleware
from app.contract.docs import OAUTH2_REDIRECT_URL, install_docs
from app.contract.headers import StandardHeadersMiddleware
from app.contract.http import CompressionMiddleware, MethodsMiddleware
from app.contract.openapi import build_openapi, operation_id
from app.contract.problems import install_error_handlers
from app.contract.versioning import API_VERSION
from app.core import tracing
from app.core.config import (
    Settings,
    describe_validation_error,
    get_settings,
    parse_origins,
    startup_problems,
)
from app.core.db import get_engine
from app.core.dev_mailbox import install_dev_mailbox
from app.core.error_reports import configure_error_reports
from app.core.limits import BodySizeLimitMiddleware
from app.core.observability import (
    Metrics,
    Observability,
    ObservabilityMiddleware,
    configure_logging,
)
from app.core.ratelimit import DefaultLimitRefusal, RateLimitGate, install_rate_limiting
from app.exercises.router import router as exercises_router
from app.health.router import router as health_router
from app.i18n import LanguageMiddleware
from app.media.router import router as media_router
from app.outcomes import privacy as outcomes_data
from app.outcomes.router import router as outcomes_router
from app.plans import privacy as plans_data
from app.plans.router import router as plans_router
from app.privacy.router import router as privacy_router
from app.progress import privacy as progress_data
from app.progress import service as progress_service
from app.progress.router import router as progress_router
from app.recommendations.router import router as recommendations_router
from app.reminders import privacy as reminders_data
from app.reminders.router import router as devices_router
from app.reports.router import router as reports_router
from app.routines import privacy as routines_data
from app.routines.router import router as routines_router
from app.safety import privacy as safety_data
from app.safety.router import router as safety_router
from app.shared.personal_data import PersonalDataSource
from app.shares import privacy as shares_data
from app.shares.router import fhir_router
from app.shares.router import public_router as shares_page_router
from app.shares.router import router as shares_router
from app.summary.router import router as summary_router
from app.worker.metrics import QueueCollector

API_PREFIX = "/v1"

# Every domain's personal data, for the account export and deletion and for withdrawing
# health-data consent (`app.shared.personal_data`). Accounts first: deletion walks this
# backwards, so the account's own rows go last.
PERSONAL_DATA: tuple[PersonalDataSource, ...] = (
    *accounts_data.PERSONAL_DATA,
    *routines_data.PERSONAL_DATA,
    *progress_data.PERSONAL_DATA,
    *plans_data.PERSONAL_DATA,
    *reminders_data.PERSONAL_DATA,
    *checkins_data.PERSONAL_DATA,
    *outcomes_data.PERSONAL_DATA,
    *attention_data.PERSONAL_DATA,
    *safety_data.PERSONAL_DATA,
    *shares_data.PERSONAL_DATA,
)

TAGS = [
    {"name": "exercises", "description": "The catalog of moves from the source article."},
    {
        "name": "media",
        "description": "Illustrations this service draws of each move's steps, and animations: "
        "files at content-addressed URLs, cacheable for good.",
    },
    {
        "name": "recommendations",
        "description": "The safety screen, and the moves that suit a person's reported pain.",
    },
    {
        "name": "care",
        "description": "Where to get in-person care, with the article's general disclaimer.",
    },
    {
        "name": "safety",
        "description": "A person's safety state, one for the whole product: the concerns open "
        "for them, whether exercise is on hold, and closing a concern once they were seen.",
    },
    {
        "name": "accounts",
        "description": "Sign-up, sign-in with OAuth2 password flow and token refresh, "
        "passwords and their reset by email, address verification, consents, sign-ins, and "
        "the signed-in person's profile, export and deletion.",
    },
    {
        "name": "routines",
        "description": "Curated routines built from the article's moves, and people's own.",
    },
    {
        "name": "progress",
        "description": "Logged sessions with pain before and after, streaks and trends, "
        "adherence to plans, and the attention items the diary raises.",
    },
    {
        "name": "plans",
        "description": "Routines scheduled on weekdays at a local time, what is due today and "
        "whether it is done.",
    },
    {
        "name": "devices",
        "description": "Push tokens of the signed-in person's devices, where plan reminders go.",
    },
    {
        "name": "checkins",
        "description": "The daily pain diary: pain now, by area, notes and new safety-screen "
        "answers, one check-in per day.",
    },
    {
        "name": "outcomes",
        "description": "The PEG, a validated three-item pain scale, answered at the start and "
        "weekly.",
    },
    {
        "name": "reports",
        "description": "A report of the diary to take to a clinician, as PDF or CSV, and the "
        "diary as a FHIR R4 bundle.",
    },
    {
        "name": "shares",
        "description": "Read-only links a person gives a clinician: a page at `/s/{token}` "
        "(outside this API) with PDF, CSV and FHIR downloads, revocable, each opening logged.",
    },
    {"name": "health", "description": "Liveness and readiness probes for operators."},
]

DESCRIPTION = """
JSON API behind a mobile app that helps people with back pain move better.

Every move comes from one article and keeps its exact steps, holds and repetitions.
Errors are RFC 9457 problem details (`application/problem+json`).

Paths are versioned (`/v1`) and every response carries the contract version in `API-Version`.
Within `/v1` changes only add, except fixes that stop unsafe health advice, which docs/contract.md
lists; an operation due to go is first marked deprecated and answers with `Deprecation` and
`Sunset` headers at least 6 months before it stops working.

HTTP: `HEAD` works wherever `GET` does, `OPTIONS` and `405` name every method of the path in
`Allow`, bodies of 1 KiB or more are gzip-compressed for clients that accept it, and a path
with a trailing slash is redirected (`308`) to the path without it with a relative `Location`
(`../exercises` for `/v1/exercises/`). Lists a phone mirrors (sessions, routines) page with a
keyset `cursor` and sync with `changed_since`; docs/sync.md describes the sync loop.
"""


# What a browser app may send and read. Credentials travel in the Authorization header, never
# in cookies, so credentialed CORS is not needed.
CORS_METHODS = ["GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS"]
CORS_REQUEST_HEADERS = [
    "Accept-Language",
    "Authorization",
    "Content-Type",
    "If-None-Match",
    "X-Request-ID",
]
CORS_RESPONSE_HEADERS = [
    "API-Version",
    "Content-Language",
    "ETag",
    "Location",
    "RateLimit",
    "RateLimit-Policy",
    "Retry-After",
    "X-Request-ID",
    "Deprecation",
    "Sunset",
    "Link",
]


def checked_settings() -> Settings:
    """The settings, or exit with one line naming what is wrong: an unsafe or malformed
    configuration must never serve anyone."""
    try:
        settings = get_settings()
        problems = startup_problems(settings)
    except ValidationError as exc:
        problems = [describe_validation_error(exc)]
    if problems:
        print("configuration error: " + "; ".join(problems), file=sys.stderr, flush=True)
        raise SystemExit(78)  # EX_CONFIG
    return settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or checked_settings()
    configure_logging(settings.log_level, settings.log_json)
    # Both off unless configured: OTEL_* variables for traces, SENTRY_DSN for error reports.
    tracing.configure_tracing("backpain-api")
    configure_error_reports(settings, "backpain-api")
    app = FastAPI(
        title="Back Pain Relief API",
        version=API_VERSION,
        summary="Moves, routines and progress for people with back pain.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        generate_unique_id_function=operation_id,
        servers=[
            {
                "url": "/",
                "description": "The server this document came from: production, staging or a "
                "local development server alike.",
                # Public: the app calls it over the internet.
                "x-internal": False,
            }
        ],
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=OAUTH2_REDIRECT_URL,
        # Traces come from app.core.tracing when OTEL_* is set; FastAPI's own would add a
        # second set, and asks the OpenTelemetry providers on every request to find out.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    # A path with a trailing slash is redirected by the error handler with a relative
    # Location; Starlette's own redirect names an absolute http:// URL, wrong behind TLS.
    app.router.redirect_slashes = False
    install_error_handlers(app)
    install_rate_limiting(app, settings)
    install_docs(app)
    metrics = Metrics([QueueCollector(lambda: Session(get_engine()))])
    app.state.metrics = metrics
    # What domains hand to the routes that act across them, read through dependencies:
    # every domain's personal data (`PersonalData`), and what else changes when a routine is
    # deleted (`OnRoutineDeleted`: sessions logged with it lose the link).
    app.state.personal_data = PERSONAL_DATA
    app.state.on_routine_deleted = (progress_service.unlink_routine,)
    # Last added runs first: the version header goes on everything, observability sees 413s.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    # A request over the default rate limit is answered before its body is read.
    app.add_middleware(DefaultLimitRefusal)
    app.add_middleware(CompressionMiddleware)
    # Outside compression, so HEAD reports the headers of the body GET would send.
    app.add_middleware(MethodsMiddleware)
    observability = Observability(metrics)
    app.add_middleware(ObservabilityMiddleware, observability=observability)
    app.add_middleware(StandardHeadersMiddleware)
    # Outermost but CORS: every answer, problems and 413s included, says its language.
    app.add_middleware(LanguageMiddleware)
    if origins := parse_origins(settings.cors_origins):
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=CORS_METHODS,
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_RESPONSE_HEADERS,
            max_age=600,
        )
    # Content answers already sent go again from memory, before everything below.
    app.add_middleware(AnswerMemoMiddleware, observability=observability)
    # Outermost: every request counts under the default rate limit, and every answer says so.
    app.add_middleware(RateLimitGate)
    if settings.metrics_enabled:
        app.add_route("/metrics", lambda _request: metrics.render(), include_in_schema=False)
    app.include_router(exercises_router, prefix=API_PREFIX)
    app.include_router(media_router, prefix=API_PREFIX)
    app.include_router(recommendations_router, prefix=API_PREFIX)
    app.include_router(care_router, prefix=API_PREFIX)
    app.include_router(accounts_router, prefix=API_PREFIX)
    app.include_router(privacy_router, prefix=API_PREFIX)
    app.include_router(safety_router, prefix=API_PREFIX)
    app.include_router(routines_router, prefix=API_PREFIX)
    app.include_router(progress_router, prefix=API_PREFIX)
    app.include_router(summary_router, prefix=API_PREFIX)
    app.include_router(plans_router, prefix=API_PREFIX)
    app.include_router(devices_router, prefix=API_PREFIX)
    app.include_router(attention_router, prefix=API_PREFIX)
    app.include_router(checkins_router, prefix=API_PREFIX)
    app.include_router(outcomes_router, prefix=API_PREFIX)
    app.include_router(reports_router, prefix=API_PREFIX)
    app.include_router(fhir_router, prefix=API_PREFIX)
    app.include_router(shares_router, prefix=API_PREFIX)
    app.include_router(shares_page_router)
    app.include_router(health_router)
    install_dev_mailbox(app, settings)
    # Outermost, so the request's span covers every middleware and the log lines they write.
    tracing.instrument_app(app)
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    return app


app = create_app()
