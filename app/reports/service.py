"""The clinician report: which period, which format, and the document."""

from datetime import date, datetime, timedelta
from enum import StrEnum
from types import ModuleType

from sqlmodel import Session

from app.accounts.models import User
from app.core.clock import local_date
from app.core.errors import InvalidInput
from app.core.observability import REPORT_SECONDS
from app.i18n import current_language, language_var, person_language
from app.reports.data import gather
from app.reports.errors import ReportNotAcceptable, ReportPeriodTooLong
from app.reports.media import MIME_CSV, MIME_PDF

MAX_DAYS = 366
DEFAULT_DAYS = 30


class ReportFormat(StrEnum):
    """`pdf` or `csv`."""

    PDF = "pdf"
    CSV = "csv"


MEDIA_TYPES = {ReportFormat.PDF: MIME_PDF, ReportFormat.CSV: MIME_CSV}


def negotiate(requested: ReportFormat | None, accept: str | None) -> ReportFormat:
    """`format` wins; otherwise the first media range in Accept the report comes as (any
    q-value above 0), PDF for `*/*`, `application/*` or no Accept at all."""
    if requested is not None:
        return requested
    if not accept or not accept.strip():
        return ReportFormat.PDF
    # A header of a few media ranges; anything past the first thousand characters is noise.
    for media_range in accept[:1000].split(","):
        media, *params = (part.strip().lower() for part in media_range.split(";"))
        if any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params):
            continue
        if media in ("application/pdf", "application/*", "*/*"):
            return ReportFormat.PDF
        if media in ("text/csv", "text/*"):
            return ReportFormat.CSV
    raise ReportNotAcceptable()


def period(
    user: User, now: datetime, date_from: date | None, date_to: date | None
) -> tuple[date, date]:
    """The days to report on: `to` defaults to today in the person's timezone, `from` to 29
    days before `to`."""
    end = date_to or local_date(now, user.timezone)
    start = date_from or end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise InvalidInput("`to` must not be before `from`.", loc=["query", "to"])
    if (end - start).days + 1 > MAX_DAYS:
        raise ReportPeriodTooLong(MAX_DAYS)
    return start, end


def render(
    db: Session,
    user: User,
    now: datetime,
    fmt: ReportFormat,
    date_from: date | None,
    date_to: date | None,
) -> tuple[bytes, str, str, str]:
    """The document, its media type, a file name and its language: the one the person chose
    on their profile, else the request's (`Accept-Language`), else English."""
    # Loaded on the first report, not at start-up: matplotlib and fpdf2 take memory and time
    # that every worker would otherwise pay for a rarely used endpoint.
    from app.reports import document

    language = person_language(user.language, current_language())
    token = language_var.set(language)
    try:
        body, media_type, name = _render(db, user, now, fmt, date_from, date_to, document)
    finally:
        language_var.reset(token)
    return body, media_type, name, language


def _render(
    db: Session,
    user: User,
    now: datetime,
    fmt: ReportFormat,
    date_from: date | None,
    date_to: date | None,
    document: ModuleType,
) -> tuple[bytes, str, str]:
    with REPORT_SECONDS.labels(fmt.value).time():
        start, end = period(user, now, date_from, date_to)
        data = gather(db, user, start, end, now)
        name = f"back-pain-report-{start.isoformat()}-to-{end.isoformat()}.{fmt.value}"
        if fmt is ReportFormat.CSV:
            return document.csv_text(data).encode("utf-8"), MIME_CSV + "; charset=utf-8", name
        return document.pdf_bytes(data), MIME_PDF, name
