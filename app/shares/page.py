"""The page a clinician opens: server-rendered HTML with no script, one inline stylesheet
allowed by its hash, inline SVG charts, nothing fetched from anywhere."""

import base64
import hashlib
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from app.outcomes.schemas import QuestionnairePublic
from app.progress.pain import FLARE_UP_RISE_POINTS
from app.reports.data import ReportData, urgency_words
from app.shares import charts
from app.shares.models import ShareScope

TEMPLATES = Path(__file__).resolve().parent / "templates"
MEDIA_TYPE = "text/html; charset=utf-8"

SCOPE_WORDS = {
    ShareScope.SUMMARY: "summary",
    ShareScope.DIARY: "daily check-ins",
    ShareScope.PEG: "PEG responses",
    ShareScope.SESSIONS: "exercise sessions",
    ShareScope.SAFETY: "safety concerns and warning signs",
}


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def css() -> str:
    return (TEMPLATES / "page.css").read_text(encoding="utf-8")


@cache
def content_security_policy() -> str:
    """Nothing but the one stylesheet in the page: no script, no fetch, no frame, no form."""
    digest = base64.b64encode(hashlib.sha256(css().encode()).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def headers() -> dict[str, str]:
    """For the page and every download through a link (`Referrer-Policy: no-referrer` is
    on every response already, app.contract.headers)."""
    return {
        "Content-Security-Policy": content_security_policy(),
        "X-Robots-Tag": "noindex, nofollow",
        "Cache-Control": "no-store",
        "X-Frame-Options": "DENY",
    }


def _summary(data: ReportData, scopes: set[ShareScope]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    days = data.days
    if ShareScope.DIARY in scopes:
        pains = [data.checkin_pain[d] for d in sorted(data.checkin_pain)]
        rows.append(("Check-ins", f"{len(pains)} of {days} days"))
        if pains:
            rows.append(
                (
                    "Check-in pain (0-10)",
                    f"average {sum(pains) / len(pains):.1f}, lowest {min(pains)}, highest "
                    f"{max(pains)}; first {pains[0]}, last {pains[-1]}",
                )
            )
        count = len(data.flare_up_days)
        rows.append(("Flare-ups", f"{count} day{'' if count == 1 else 's'}"))
    if ShareScope.SESSIONS in scopes:
        rows.append(
            (
                "Exercise sessions",
                f"{len(data.sessions)} on {data.session_days} of {days} days",
            )
        )
    if ShareScope.PEG in scopes and data.peg and data.peg_baseline is not None:
        last = data.peg[-1]
        change = "" if last.change_percent is None else f" ({last.change_percent:+.1f}%)"
        rows.append(
            (
                "PEG score (0-10)",
                f"baseline {data.peg_baseline:.2f}, latest {last.score:.2f}{change}",
            )
        )
    if ShareScope.SAFETY in scopes:
        open_count = len(data.safety.concerns) if data.safety else 0
        rows.append(("Open safety concerns", str(open_count)))
    return rows


def render_page(
    data: ReportData,
    scopes: set[ShareScope],
    *,
    base: str,
    full_report: bool,
    expires_at: datetime,
    peg: QuestionnairePublic | None,
    article: str,
) -> str:
    alerts: list[dict[str, Any]] = []
    if data.safety is not None:
        for concern in data.safety.concerns:
            alerts.append(
                {
                    "timeframe": concern.timeframe.value,
                    "when": urgency_words(concern.timeframe),
                    "opened_on": concern.opened_on.isoformat(),
                    "follow_up_due": concern.follow_up_due,
                    "reasons": " ".join(concern.reasons),
                    "guidance": concern.guidance,
                }
            )
    reports = [
        {
            "day": a.day.isoformat(),
            "urgency": a.urgency,
            "what": a.finding + (f" ({a.answered_with})" if a.answered_with else ""),
            "source": a.source,
        }
        for a in data.alerts
    ]
    context = {
        "css": Markup(css()),
        "person": data.person,
        "date_from": data.date_from.isoformat(),
        "date_to": data.date_to.isoformat(),
        "days": data.days,
        "timezone": data.timezone,
        "generated": data.generated_at.strftime("%Y-%m-%d %H:%M"),
        "expires": expires_at.strftime("%Y-%m-%d %H:%M"),
        "scope_words": ", ".join(SCOPE_WORDS[s] for s in ShareScope if s in scopes),
        "show": {s.value: s in scopes for s in ShareScope},
        "alerts": alerts,
        "reports": reports,
        "summary": _summary(data, scopes),
        # Built from numbers and escaped text only (app.shares.charts).
        "pain_svg": Markup(
            charts.pain_svg(data, ShareScope.DIARY in scopes, ShareScope.SESSIONS in scopes)
        ),
        "peg_svg": Markup(charts.peg_svg(data)),
        "peg": [
            {
                "day": p.day.isoformat(),
                "pain": p.pain,
                "enjoyment": p.enjoyment,
                "activity": p.activity,
                "score": f"{p.score:.2f}",
                "change": "" if p.change_percent is None else f"{p.change_percent:+.1f}%",
            }
            for p in data.peg
        ],
        "sessions": [
            {
                "day": s.day.isoformat(),
                "pain_before": s.pain_before,
                "pain_after": s.pain_after,
                "flare_up": s.flare_up,
                "moves": "; ".join(s.moves),
            }
            for s in data.sessions
        ],
        "diary": [
            {
                "day": d.isoformat(),
                "pain": data.checkin_pain[d],
                "areas": data.checkin_areas.get(d, ""),
                "notes": data.checkin_notes.get(d, ""),
            }
            for d in sorted(data.checkin_pain)
        ],
        "base": base,
        "full_report": full_report,
        "flare_points": FLARE_UP_RISE_POINTS,
        "peg_title": peg.title if peg is not None else "the PEG three-item pain scale",
        "peg_threshold": data.peg_threshold_words,
        "peg_citation": peg.citation if peg is not None else "",
        "article": article,
        "disclaimer": data.disclaimer,
    }
    return _env().get_template("page.html").render(context)


GONE_TITLE = "No longer available"
GONE_WORDS = {
    404: "This link is not available. Check that it was copied whole; if it was, it has ended.",
    410: "This shared diary is no longer available: the link has expired or the person who "
    "shared it has ended it.",
    429: "This link was opened too often in a short time. Please try again later.",
}


def render_gone(status: int) -> str:
    """The plain page for a link that does not open: unknown (404), expired or ended (410),
    or opened too often (429)."""
    title = "Too many openings" if status == 429 else GONE_TITLE
    return (
        _env()
        .get_template("gone.html")
        .render({"css": Markup(css()), "title": title, "message": GONE_WORDS[status]})
    )
