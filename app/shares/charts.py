"""The pain and PEG charts as inline SVG: presentation attributes only (no style attribute,
no script), so the page's Content-Security-Policy needs nothing for them, and they print."""

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from app.reports.data import ReportData

WIDTH, HEIGHT = 720, 230
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 30, 34
PAIN_COLOUR = "#1f5fa8"
BEFORE_COLOUR = "#b35900"
AFTER_COLOUR = "#2e7d32"
PEG_COLOUR = "#6a3d9a"
FLARE_COLOUR = "#c62828"


@dataclass(frozen=True)
class Frame:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def x(self, day: date) -> float:
        """The middle of the day's slot."""
        width = WIDTH - LEFT - RIGHT
        return round(LEFT + width * ((day - self.start).days + 0.5) / self.days, 1)

    def y(self, value: float) -> float:
        height = HEIGHT - TOP - BOTTOM
        return round(TOP + height * (1 - value / 10), 1)


def _axes(frame: Frame, title: str) -> list[str]:
    parts = [
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold" fill="#222">'
        f"{escape(title)}</text>",
    ]
    for value in range(0, 11, 2):
        y = frame.y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="#ddd" '
            'stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4}" font-size="10" text-anchor="end" fill="#555">'
            f"{value}</text>"
        )
    step = max(1, round(frame.days / 8))
    day = frame.start
    while day <= frame.end:
        x = frame.x(day)
        parts.append(
            f'<line x1="{x}" y1="{HEIGHT - BOTTOM}" x2="{x}" y2="{HEIGHT - BOTTOM + 4}" '
            'stroke="#888" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x}" y="{HEIGHT - BOTTOM + 16}" font-size="10" text-anchor="middle" '
            f'fill="#555">{day.strftime("%d %b")}</text>'
        )
        day += timedelta(days=step)
    parts.append(
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#888" stroke-width="1"/>'
    )
    return parts


def _legend(items: list[tuple[str, str]]) -> list[str]:
    parts, x = [], WIDTH - RIGHT
    for label, colour in reversed(items):
        # Text at 10px is about 5.6px a character; a swatch, a gap and a space between.
        x -= round(5.8 * len(label)) + 30
        parts.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="17" font-size="10" fill="#333">{escape(label)}</text>')
    return parts


def _svg(label: str, parts: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(label)}" font-family="sans-serif">'
        f"<title>{escape(label)}</title>" + "".join(parts) + "</svg>"
    )


def _polyline(points: list[tuple[float, float]], colour: str, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="5 4"' if dashed else ""
    coords = " ".join(f"{x},{y}" for x, y in points)
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'


def pain_svg(data: ReportData, with_diary: bool, with_sessions: bool) -> str:
    """Daily check-in pain as a line; sessions' pain before (triangle up) and after (down);
    flare-up days as red bands."""
    frame = Frame(data.date_from, data.date_to)
    parts = _axes(frame, "Pain (0-10)")
    band = (WIDTH - LEFT - RIGHT) / frame.days
    for day in data.flare_up_days if with_diary else []:
        parts.append(
            f'<rect x="{round(frame.x(day) - band / 2, 1)}" y="{TOP}" width="{round(band, 1)}" '
            f'height="{HEIGHT - TOP - BOTTOM}" fill="{FLARE_COLOUR}" fill-opacity="0.12"/>'
        )
    legend: list[tuple[str, str]] = []
    if with_diary and data.checkin_pain:
        days = sorted(data.checkin_pain)
        points = [(frame.x(d), frame.y(data.checkin_pain[d])) for d in days]
        parts.append(_polyline(points, PAIN_COLOUR))
        parts += [f'<circle cx="{x}" cy="{y}" r="3" fill="{PAIN_COLOUR}"/>' for x, y in points]
        legend.append(("Check-in", PAIN_COLOUR))
    if with_sessions and data.sessions:
        for s in data.sessions:
            x, yb, ya = frame.x(s.day), frame.y(s.pain_before), frame.y(s.pain_after)
            parts.append(
                f'<path d="M{x - 5},{yb + 4} L{x + 5},{yb + 4} L{x},{yb - 5} Z" '
                f'fill="{BEFORE_COLOUR}"/>'
            )
            parts.append(
                f'<path d="M{x - 5},{ya - 4} L{x + 5},{ya - 4} L{x},{ya + 5} Z" '
                f'fill="{AFTER_COLOUR}"/>'
            )
        legend += [("Before session", BEFORE_COLOUR), ("After session", AFTER_COLOUR)]
    if with_diary and data.flare_up_days:
        legend.append(("Flare-up", FLARE_COLOUR))
    parts += _legend(legend)
    return _svg("Pain from 0 to 10 by day", parts)


def peg_svg(data: ReportData) -> str:
    """PEG scores as a line, with the baseline dashed."""
    frame = Frame(data.date_from, data.date_to)
    parts = _axes(frame, "PEG score (0-10)")
    legend: list[tuple[str, str]] = []
    if data.peg_baseline is not None:
        y = frame.y(data.peg_baseline)
        parts.append(_polyline([(LEFT, y), (WIDTH - RIGHT, y)], "#777", dashed=True))
        legend.append(("Baseline", "#777"))
    if data.peg:
        points = [(frame.x(p.day), frame.y(p.score)) for p in data.peg]
        parts.append(_polyline(points, PEG_COLOUR))
        parts += [f'<circle cx="{x}" cy="{y}" r="3.5" fill="{PEG_COLOUR}"/>' for x, y in points]
        legend.append(("PEG score", PEG_COLOUR))
    parts += _legend(legend)
    return _svg("PEG score from 0 to 10 by day", parts)
