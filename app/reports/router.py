from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.accounts.dependencies import CurrentUser
from app.care.errors import ArticleNotLoaded
from app.core.clock import NowDep
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.types import BoundedDate
from app.reports import service
from app.reports.errors import ReportNotAcceptable
from app.reports.service import ReportFormat

router = APIRouter(tags=["reports"])

REPORT_CONTENT = {
    "application/pdf": {"schema": {"type": "string", "format": "binary", "maxLength": 20_000_000}},
    "text/csv": {"schema": {"type": "string", "maxLength": 5_000_000}},
}


@router.get(
    "/me/report",
    response_class=Response,
    summary="Get a report for a clinician",
    responses={
        200: {
            "description": "The report, as PDF (the default) or CSV.",
            "content": REPORT_CONTENT,
            "headers": {
                "Content-Disposition": {
                    "description": "attachment, with a file name naming the period.",
                    "schema": {"type": "string", "maxLength": 200},
                }
            },
        },
        **problem_responses(401, ReportNotAcceptable, 422, ArticleNotLoaded),
    },
)
def get_report(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    date_from: Annotated[
        BoundedDate | None,
        Query(
            alias="from",
            description="First day (YYYY-MM-DD, in your timezone); 29 days before `to` if "
            "left out.",
        ),
    ] = None,
    date_to: Annotated[
        BoundedDate | None,
        Query(
            alias="to",
            description="Last day (YYYY-MM-DD, in your timezone), today if left out; at most "
            f"{service.MAX_DAYS} days after `from`.",
        ),
    ] = None,
    report_format: Annotated[
        ReportFormat | None,
        Query(alias="format", description="`pdf` or `csv`; without it, `Accept` decides."),
    ] = None,
) -> Response:
    """Your diary for a period, to take to a doctor or physiotherapist. Page 1 names you
    (display name, else email; birth year if given) and the period, then an alerts box with
    every warning sign, severe pain or PEG worsening reported in the period (its date, how
    soon it sent you and the advice you were given; cautions listed apart), then the summary
    and the items for review. A definitions box gives the pain scale's anchors, what counts as
    a flare-up and the PEG's direction and change thresholds with their sources. The pain and
    PEG charts have dated, labelled axes, a legend for every mark and gaps where readings are
    missing; then the PEG responses, flare-ups, the questions answered yes as asked, the
    moves done with their doses, the source article and its disclaimer. As CSV: one row per
    day, with warning signs and cautions in their own columns and each PEG item. Rendered in a
    worker thread."""
    fmt = service.negotiate(report_format, request.headers.get("accept"))
    body, media_type, name = service.render(session, user, now, fmt, date_from, date_to)
    return Response(
        content=body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
            "Vary": "Accept, Authorization",
        },
    )
