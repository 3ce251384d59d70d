"""The report as a PDF (fpdf2, with the DejaVu fonts matplotlib ships, so every character of
a person's notes prints) and as CSV, one row per day.

Page 1 is what a clinician reads first: who and which period, the alerts box (every warning
sign, severe pain or PEG worsening reported in the period with its date, urgency and the advice
the person was given; red flags and cautions in separate lists), then the summary, the items
for review and the definitions the charts need. Every section says "None" when it is empty."""

import csv
import io
from datetime import timedelta
from pathlib import Path
from typing import cast

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from app.attention.rules import AttentionKind
from app.core import pain
from app.reports import charts
from app.reports.data import (
    FLARE_UP_DEFINITION,
    SOURCE_WORDS,
    Alert,
    ReportData,
    reference,
    urgency_words,
)
from app.safety import logic as safety_logic

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
# The charts' SVG names this family, so the same registered font draws their text.
FONT = charts.FONT_FAMILY
NONE = "None."
LINE = 4.6
ALERT_RED = (150, 0, 24)
BOX_GREY = (90, 90, 90)
# Attention items the alerts box already shows, from the safety state's reports.
IN_ALERTS = frozenset(
    {AttentionKind.WARNING_SIGN, AttentionKind.LASTING_SEVERE_PAIN, AttentionKind.PEG_WORSENING}
)


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    """A section heading, never alone at the foot of a page."""
    if pdf.will_page_break(9 + 3 * LINE):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, style="B", size=11)
    pdf.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)


def _subheading(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, style="B", size=9.5)
    pdf.cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)


def _line(pdf: FPDF, text: str, indent: float = 0, bold: bool = False) -> None:
    pdf.set_font(FONT, style="B" if bold else "", size=9)
    pdf.set_x(pdf.l_margin + indent)
    pdf.multi_cell(0, LINE, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


class _Box:
    """A framed box around what is written inside it, when it fits on one page; a rule under
    its last line otherwise."""

    def __init__(self, pdf: FPDF, title: str, colour: tuple[int, int, int]) -> None:
        self.pdf, self.title, self.colour = pdf, title, colour

    def __enter__(self) -> "_Box":
        pdf = self.pdf
        pdf.ln(2)
        self.page, self.top = pdf.page_no(), pdf.get_y()
        pdf.set_fill_color(*self.colour)
        pdf.set_text_color(255, 255, 255)
        pdf.set_font(FONT, style="B", size=11)
        pdf.cell(0, 7, " " + self.title, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.set_font(FONT, size=9)
        pdf.set_left_margin(pdf.l_margin + 2)
        pdf.set_right_margin(pdf.r_margin + 2)
        pdf.set_x(pdf.l_margin)
        pdf.ln(1)
        return self

    def __exit__(self, *_: object) -> None:
        pdf = self.pdf
        pdf.set_left_margin(pdf.l_margin - 2)
        pdf.set_right_margin(pdf.r_margin - 2)
        pdf.set_x(pdf.l_margin)
        pdf.ln(1)
        pdf.set_draw_color(*self.colour)
        pdf.set_line_width(0.5)
        bottom = pdf.get_y()
        if pdf.page_no() == self.page:
            pdf.rect(pdf.l_margin, self.top, pdf.epw, bottom - self.top)
        else:
            pdf.line(pdf.l_margin, bottom, pdf.l_margin + pdf.epw, bottom)
        pdf.set_line_width(0.2)
        pdf.set_draw_color(0, 0, 0)
        pdf.ln(1)


def _alert(pdf: FPDF, alert: Alert) -> None:
    _line(pdf, f"{alert.day.isoformat()}  {alert.urgency}  (reported in {alert.source})", bold=True)
    _line(pdf, alert.finding, indent=3)
    if alert.answered_with:
        _line(pdf, f"Answered with: {alert.answered_with}.", indent=3)
    advice = alert.advice if alert.timeframe is None else f"\u201c{alert.advice}\u201d"
    _line(pdf, f"Advice given: {advice}", indent=3)
    pdf.ln(0.8)


def _alerts(pdf: FPDF, data: ReportData) -> None:
    """The alerts box: red flags, severe pain and PEG worsening, cautions, and the safety state
    now."""
    with _Box(pdf, "Alerts: warning signs reported in this period", ALERT_RED):
        _subheading(pdf, "Red flags (warning signs)")
        for alert in data.red_flag_alerts:
            _alert(pdf, alert)
        if not data.red_flag_alerts:
            _line(pdf, NONE)
        _subheading(pdf, "Severe pain and PEG worsening")
        for alert in data.pain_alerts:
            _alert(pdf, alert)
        if not data.pain_alerts:
            _line(pdf, NONE)
        _subheading(
            pdf, "Cautions (no urgency of their own; moves they could aggravate are held back)"
        )
        for caution in data.cautions:
            _line(pdf, f"{caution.day.isoformat()}: {caution.label}.")
        if not data.cautions:
            _line(pdf, NONE)
        _subheading(pdf, "Open now")
        state = data.safety
        if state is None or not state.concerns:
            _line(pdf, "No concern open; exercise allowed.")
            return
        hold = "exercise on hold" if state.exercise.value == "on_hold" else "exercise allowed"
        count = len(state.concerns)
        _line(pdf, f"{count} concern{'' if count == 1 else 's'} open, {hold}.")
        for concern in state.concerns:
            due = " Follow-up due: not yet reported as seen." if concern.follow_up_due else ""
            _line(
                pdf,
                f"Since {concern.opened_on.isoformat()}: {urgency_words(concern.timeframe)} "
                f"(raised by {SOURCE_WORDS[concern.source]}).{due}",
                indent=3,
            )


def _summary(pdf: FPDF, data: ReportData) -> None:
    _heading(pdf, "Summary")
    pains = list(data.checkin_pain.values())
    checkin_days = len(pains)
    red_flag_days = sorted({a.day for a in data.red_flag_alerts})
    if red_flag_days:
        worst = min(data.red_flag_alerts, key=lambda a: safety_logic.urgency(a.timeframe))
        _line(
            pdf,
            f"Warning signs reported on {len(red_flag_days)} day"
            f"{'' if len(red_flag_days) == 1 else 's'}; the most urgent: "
            f"{worst.urgency} on {worst.day.isoformat()}.",
        )
    else:
        _line(pdf, "Warning signs reported: none.")
    _line(
        pdf,
        f"Check-ins: {checkin_days} of {data.days} days ({_percent(checkin_days, data.days)}). "
        f"Days with exercise sessions: {data.session_days} of {data.days} "
        f"({_percent(data.session_days, data.days)}); sessions: {len(data.sessions)}.",
    )
    if pains:
        average = sum(pains) / len(pains)
        _line(
            pdf,
            f"Check-in pain (0-10): average {average:.1f}, lowest {min(pains)}, highest "
            f"{max(pains)}; first {data.checkin_pain[min(data.checkin_pain)]}, last "
            f"{data.checkin_pain[max(data.checkin_pain)]}.",
        )
    else:
        _line(pdf, "Check-in pain: none recorded.")
    if data.peg:
        last = data.peg[-1]
        change = "" if last.change_percent is None else f" ({last.change_percent:+.1f}%)"
        _line(
            pdf,
            f"PEG score (0-10): baseline {data.peg_baseline:.2f}, latest {last.score:.2f}"
            f"{change}; {data.peg_threshold_words} is meaningful.",
        )
    else:
        _line(pdf, "PEG: none answered in this period.")
    flare_ups = len(data.flare_up_days)
    _line(pdf, f"Flare-ups: {flare_ups} day{'' if flare_ups == 1 else 's'}.")


def _attention(pdf: FPDF, data: ReportData) -> None:
    _heading(pdf, "Items for review")
    _line(
        pdf,
        "Found by the service's rules in the diary; warning signs, severe pain and PEG "
        "worsening are under Alerts.",
    )
    items = [i for i in data.attention if i.kind not in IN_ALERTS]
    for item in items:
        state = "acknowledged by the person" if item.acknowledged else "open"
        _line(pdf, f"{item.raised_on.isoformat()}  {item.urgency}  ({state})", bold=True)
        _line(pdf, item.finding, indent=3)
        _line(pdf, f"Advice given: \u201c{item.advice}\u201d", indent=3)
    if not items:
        _line(pdf, NONE)


def _definition_lines(pdf: FPDF, data: ReportData) -> None:
    with _Box(pdf, "Definitions", BOX_GREY):
        _line(
            pdf,
            f"Pain scale: 0-10, 0 = {pain.ANCHOR_MIN}, 10 = {pain.ANCHOR_MAX}; 1-3 mild, "
            f"4-6 moderate, {pain.SEVERE_FROM}-10 severe. Check-ins record pain now; sessions "
            "record pain before and after.",
        )
        _line(pdf, f"Flare-up: {FLARE_UP_DEFINITION}")
        peg = data.peg_definition
        if peg is None:
            _line(pdf, "PEG: the questionnaire is not loaded.")
            return
        _line(
            pdf,
            f"PEG: {peg.scoring} Baseline: the first response. A meaningful change from it "
            f"reaches both thresholds, {data.peg_threshold_words} of the baseline score.",
        )
        _line(pdf, f"PEG: {reference(peg.citation)}.", indent=3)
        _line(pdf, f"Points threshold: {reference(peg.points_source)}.", indent=3)
        _line(pdf, f"Percent threshold: {reference(peg.percent_source)}.", indent=3)
        _line(
            pdf, "What each source says and what the service infers: see the last page.", indent=3
        )


def _definitions(pdf: FPDF, data: ReportData) -> None:
    """The definitions box, on one page: on the next one if it would not fit on this."""
    with pdf.offset_rendering() as dummy:
        _definition_lines(cast(FPDF, dummy), data)
    if dummy.page_break_triggered:
        pdf.add_page()
    _definition_lines(pdf, data)


def _charts(pdf: FPDF, data: ReportData) -> None:
    """Each chart whole on a page, and the heading with the first."""
    width, height = charts.SIZE_INCHES
    chart_height = pdf.epw * height / width
    if pdf.will_page_break(chart_height + 12):
        pdf.add_page()
    _heading(pdf, "Charts")
    for svg in (charts.pain_chart(data), charts.peg_chart(data)):
        if pdf.will_page_break(chart_height):
            pdf.add_page()
        pdf.image(io.BytesIO(svg), w=pdf.epw)
        pdf.ln(2)


def pdf_bytes(data: ReportData) -> bytes:
    pdf = _Report(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title("Back pain diary report")
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=15)
    pdf.cell(0, 9, "Back pain diary report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _line(pdf, f"Name: {data.person}", bold=True)
    if data.birth_year is not None:
        _line(pdf, f"Birth year: {data.birth_year}")
    _line(
        pdf,
        f"Period: {data.date_from.isoformat()} to {data.date_to.isoformat()} ({data.days} days, "
        f"days counted in {data.timezone})",
    )
    _line(pdf, f"Generated: {data.generated_at.strftime('%Y-%m-%d %H:%M')} UTC")

    _alerts(pdf, data)
    _summary(pdf, data)
    _attention(pdf, data)
    _definitions(pdf, data)
    _charts(pdf, data)

    _heading(pdf, "PEG responses")
    for p in data.peg:
        change = "" if p.change_percent is None else f", {p.change_percent:+.1f}% from baseline"
        if p.baseline:
            change = " (the baseline)"
        _line(
            pdf,
            f"{p.day.isoformat()}: pain {p.pain}, enjoyment {p.enjoyment}, activity "
            f"{p.activity}; score {p.score:.2f}{change}",
        )
    if not data.peg:
        _line(pdf, NONE)

    _heading(pdf, "Flare-ups")
    _line(pdf, ", ".join(d.isoformat() for d in data.flare_up_days) or NONE)

    _heading(pdf, "Screen questions answered yes, as they were asked")
    for answer in data.screen_answers:
        _line(pdf, f'{answer.day.isoformat()}: yes to "{answer.question}"')
    if not data.screen_answers:
        _line(pdf, NONE)

    _heading(pdf, "Moves done")
    for s in data.sessions:
        _line(
            pdf,
            f"{s.day.isoformat()}, pain {s.pain_before} -> {s.pain_after}"
            f"{' (flare-up)' if s.flare_up else ''}: {'; '.join(s.moves)}",
        )
    if not data.sessions:
        _line(pdf, NONE)

    _heading(pdf, "Source article")
    if data.article is None:
        _line(pdf, "Not loaded.")
    else:
        publisher = data.article.publisher or "publisher not recorded"
        _line(
            pdf,
            f"The moves come from \u201c{data.article.title}\u201d, {publisher}. The "
            "service's copy of the article records no web address.",
        )
    _heading(pdf, "Disclaimer")
    _line(pdf, data.disclaimer)

    if data.peg_definition is not None:
        _heading(pdf, "The PEG thresholds: what each source says")
        _line(pdf, f"Points: {data.peg_definition.points_source}")
        _line(pdf, f"Percent: {data.peg_definition.percent_source}")
    return bytes(pdf.output())


CSV_COLUMNS = [
    "date",
    "checkin_pain",
    "checkin_areas",
    "sessions",
    "session_pain_before",
    "session_pain_after",
    "moves",
    "flare_up",
    "peg_pain",
    "peg_enjoyment",
    "peg_activity",
    "peg_score",
    "warning_signs",
    "other_alerts",
    "cautions",
    "urgency",
    "advice_given",
    "notes",
]


def _cell(value: object) -> str:
    """A spreadsheet must not run a person's text as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(data: ReportData) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    peg = {p.day: p for p in data.peg}
    flare = set(data.flare_up_days)
    day = data.date_from
    while day <= data.date_to:
        sessions = [s for s in data.sessions if s.day == day]
        red_flags = [a for a in data.red_flag_alerts if a.day == day]
        others = [a for a in data.pain_alerts if a.day == day]
        most_urgent = data.most_urgent_on(day)
        response = peg.get(day)
        writer.writerow(
            [
                _cell(v)
                for v in (
                    day.isoformat(),
                    data.checkin_pain.get(day),
                    data.checkin_areas.get(day),
                    len(sessions),
                    " ".join(str(s.pain_before) for s in sessions),
                    " ".join(str(s.pain_after) for s in sessions),
                    "; ".join(m for s in sessions for m in s.moves),
                    "yes" if day in flare else "no",
                    response.pain if response else None,
                    response.enjoyment if response else None,
                    response.activity if response else None,
                    response.score if response else None,
                    " ".join(a.finding for a in red_flags),
                    " ".join(a.finding for a in others),
                    "; ".join(c.label for c in data.cautions if c.day == day),
                    most_urgent.urgency if most_urgent else None,
                    most_urgent.advice if most_urgent else None,
                    data.checkin_notes.get(day),
                )
            ]
        )
        day += timedelta(days=1)
    return out.getvalue()
