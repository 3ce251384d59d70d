from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.accounts.dependencies import CurrentUser, limited_per_account
from app.contract.types import BoundedDate
from app.contract.versioning import deprecated_since
from app.core.clock import NowDep
from app.core.db import DbDep
from app.core.errors import TooManyRequests, problem_responses
from app.core.quotas import REPORT_IN_FLIGHT_SECONDS, REPORT_RETRY_SECONDS
from app.core.ratelimit import REPORT_BUCKET, Limiter
from app.exercises.errors import ArticleNotLoaded
from app.reports import service
from app.reports.errors import ReportNotAcceptable
from app.reports.service import ReportFormat

router = APIRouter(tags=["reports"])

PDF_CONTENT = {
    "application/pdf": {"schema": {"type": "string", "format": "binary", "maxLength": 20_000_000}}
}
CSV_CONTENT = {"text/csv": {"schema": {"type": "string", "maxLength": 5_000_000}}}
DISPOSITION = {
    "Content-Disposition": {
        "description": "attachment, with a file name naming the period.",
        "schema": {"type": "string", "maxLength": 200},
    }
}
# The one path that served both media types: a generated client cannot type its answer.
ONE_PATH_DEPRECATED_ON = date(2026, 12, 6)
ONE_PATH_SUNSET_ON = date(2027, 6, 6)
REPORT_LIMIT = limited_per_account(REPORT_BUCKET)

DateFrom = Annotated[
    BoundedDate | None,
    Query(
        alias="from",
        description="First day (YYYY-MM-DD, in your timezone); 29 days before `to` if left out.",
    ),
]
DateTo = Annotated[
    BoundedDate | None,
    Query(
        alias="to",
        description="Last day (YYYY-MM-DD, in your timezone), today if left out; at most "
        f"{service.MAX_DAYS} days after `from`.",
    ),
]


def _attachment(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    now: datetime,
    fmt: ReportFormat,
    date_from: date | None,
    date_to: date | None,
) -> Response:
    # A PDF occupies a worker thread for a good part of a second: one at a time per account,
    # in every process sharing the limiter's storage; a second asked meanwhile is a 429.
    limiter: Limiter = request.app.state.rate_limiter
    with limiter.one_at_a_time(f"report:{user.id}", REPORT_IN_FLIGHT_SECONDS) as mine:
        if not mine:
            raise TooManyRequests(REPORT_RETRY_SECONDS)
        body, media_type, name, language = service.render(db, user, now, fmt, date_from, date_to)
    return Response(
        content=body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            # The report's own language, which the profile may set apart from the request's.
            "Content-Language": language,
            "Cache-Control": "private, no-store",
            "Vary": "Authorization",
        },
    )


@router.get(
    "/me/report/pdf",
    response_class=Response,
    summary="Get a PDF report for a clinician",
    responses={
        200: {"description": "The report as PDF.", "content": PDF_CONTENT, "headers": DISPOSITION},
        **problem_responses(401, 422, ArticleNotLoaded),
    },
    dependencies=[REPORT_LIMIT],
)
def get_report_pdf(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> Response:
    """Your diary for a period as a PDF, to take to a doctor or physiotherapist. Page 1 names
    you (display name, else email; birth year if given) and the period, then an alerts box
    with every warning sign, severe pain or PEG worsening reported in the period (its date, how
    soon it sent you and the advice you were given; cautions listed apart), then the summary
    and the items for review. A definitions box gives the pain scale's anchors, what counts as
    a flare-up and the PEG's direction and change thresholds with their sources. The pain and
    PEG charts have dated, labelled axes, a legend for every mark and gaps where readings are
    missing; then the PEG responses, flare-ups, the questions answered yes as asked, the moves
    done with their doses, the source article and its disclaimer. Rendered in a worker
    thread."""
    return _attachment(request, db, user, now, ReportFormat.PDF, date_from, date_to)


@router.get(
    "/me/report/csv",
    response_class=Response,
    summary="Get a CSV report for a clinician",
    responses={
        200: {
            "description": "The report as CSV: one row per day, with warning signs and "
            "cautions in their own columns and each PEG item.",
            "content": CSV_CONTENT,
            "headers": DISPOSITION,
        },
        **problem_responses(401, 422, ArticleNotLoaded),
    },
    dependencies=[REPORT_LIMIT],
)
def get_report_csv(
    request: Request,
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> Response:
    """Your diary for a period as CSV, one row per day: pain, areas, warning signs and
    cautions (clinical labels, in their own columns), how urgent and the advice given, each
    PEG item and the sessions, for a spreadsheet or a record system."""
    return _attachment(request, db, user, now, ReportFormat.CSV, date_from, date_to)


@router.get(
    "/me/report",
    response_class=Response,
    summary="Get a report for a clinician as PDF or CSV",
    deprecated=True,
    dependencies=[
        deprecated_since(ONE_PATH_DEPRECATED_ON, ONE_PATH_SUNSET_ON, "/v1/me/report/pdf"),
        REPORT_LIMIT,
    ],
    responses={
        200: {
            "description": "The report, as PDF (the default) or CSV.",
            "content": {**PDF_CONTENT, **CSV_CONTENT},
            "headers": DISPOSITION,
        },
        **problem_responses(401, ReportNotAcceptable, 422, ArticleNotLoaded),
    },
)
def get_report(
    request: Request,
    announced: Response,
    db: DbDep,
    user: CurrentUser,
    now: NowDep,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    report_format: Annotated[
        ReportFormat | None,
        Query(alias="format", description="`pdf` or `csv`; without it, `Accept` decides."),
    ] = None,
) -> Response:
    """Deprecated since 2026-12-06, removed in `/v2` and not before 2027-06-06: use
    `GET /v1/me/report/pdf` or `GET /v1/me/report/csv`, each with one media type. The same
    report, as PDF by default or CSV with `format=csv` or `Accept: text/csv`; an `Accept`
    allowing neither is a 406."""
    fmt = service.negotiate(report_format, request.headers.get("accept"))
    response = _attachment(request, db, user, now, fmt, date_from, date_to)
    response.headers["Vary"] = "Accept, Authorization"
    # The deprecation headers the route's dependency set, onto the answer made here.
    for name in ("Deprecation", "Sunset", "Link"):
        if name in announced.headers:
            response.headers[name] = announced.headers[name]
    return response
