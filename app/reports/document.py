"""The report as a PDF (fpdf2, with the DejaVu fonts matplotlib ships, so every character of
a person's notes prints) and as CSV, one row per day."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from app.reports import charts
from app.reports.data import ReportData
from app.safety.logic import TIMEFRAME_WORDS

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT = "DejaVu"


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=7)
        self.cell(0, 5, f"Page {self.page_no()}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, style="B", size=11)
    pdf.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)


def _line(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 4.6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


def _safety(pdf: FPDF, data: ReportData) -> None:
    """The safety state now, and every warning sign reported in the period with how soon it
    sent the person to be seen and the advice given (a replaced check-in's included)."""
    _heading(pdf, "Safety")
    state = data.safety
    if state is None or not state.concerns:
        _line(pdf, "Safety state now: no concern open.")
    else:
        hold = "exercise on hold" if state.exercise.value == "on_hold" else "exercise allowed"
        _line(pdf, f"Safety state now: {len(state.concerns)} concern(s) open, {hold}.")
        for concern in state.concerns:
            due = " Follow-up due: not yet reported as seen." if concern.follow_up_due else ""
            _line(
                pdf,
                f"Open since {concern.opened_on.isoformat()} ({concern.source.value}, be seen "
                f"{TIMEFRAME_WORDS[concern.timeframe]}): {' '.join(concern.reasons)}{due}",
            )
    if data.safety_reports:
        for report in data.safety_reports:
            asked = "; ".join(f'yes to "{q}"' for q in report.questions) or "severe pain"
            _line(
                pdf,
                f"{report.day.isoformat()} ({report.source}, {report.urgency}): {asked}. "
                f"Advice given: {report.advice}",
            )
    else:
        _line(pdf, "No warning sign or severe pain reported in this period.")


def pdf_bytes(data: ReportData) -> bytes:
    pdf = _Report(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title("Back pain diary report")
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=15)
    pdf.cell(0, 9, "Back pain diary report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)
    _line(pdf, f"Person: {data.person}")
    _line(
        pdf,
        f"Period: {data.date_from.isoformat()} to {data.date_to.isoformat()} ({data.days} days, "
        f"days counted in {data.timezone})",
    )
    _line(pdf, f"Generated: {data.generated_at.strftime('%Y-%m-%d %H:%M')} UTC")

    _safety(pdf, data)

    _heading(pdf, "Summary")
    pains = list(data.checkin_pain.values())
    checkin_days = len(pains)
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
    if data.peg:
        last = data.peg[-1]
        change = "" if last.change_percent is None else f" ({last.change_percent:+.1f}%)"
        _line(
            pdf,
            f"PEG score (0-10): baseline {data.peg_baseline:.2f}, latest {last.score:.2f}"
            f"{change}; {data.peg_threshold_words} is meaningful.",
        )
    flare_ups = len(data.flare_up_days)
    _line(pdf, f"Flare-ups: {flare_ups} day{'' if flare_ups == 1 else 's'}.")

    _heading(pdf, "Charts")
    pdf.image(io.BytesIO(charts.pain_chart(data)), w=pdf.epw)
    pdf.image(io.BytesIO(charts.peg_chart(data)), w=pdf.epw)

    if data.peg:
        _heading(pdf, "PEG responses")
        for p in data.peg:
            change = "" if p.change_percent is None else f", {p.change_percent:+.1f}% from baseline"
            _line(
                pdf,
                f"{p.day.isoformat()}: pain {p.pain}, enjoyment {p.enjoyment}, activity "
                f"{p.activity}; score {p.score:.2f}{change}",
            )

    _heading(pdf, "Flare-ups")
    _line(
        pdf,
        ", ".join(d.isoformat() for d in data.flare_up_days) or "None in this period.",
    )

    _heading(pdf, "Safety-screen answers given")
    if data.screen_answers:
        for answer in data.screen_answers:
            _line(pdf, f'{answer.day.isoformat()}: yes to "{answer.question}"')
    else:
        _line(pdf, "No safety-screen question was answered yes in this period.")

    if data.attention:
        _heading(pdf, "Attention items")
        for item in data.attention:
            state = "acknowledged" if item.acknowledged else "open"
            _line(pdf, f"{item.raised_on.isoformat()} ({state}): {item.reason}")

    _heading(pdf, "Moves done")
    if data.sessions:
        for s in data.sessions:
            _line(
                pdf,
                f"{s.day.isoformat()}, pain {s.pain_before} -> {s.pain_after}"
                f"{' (flare-up)' if s.flare_up else ''}: {'; '.join(s.moves)}",
            )
    else:
        _line(pdf, "No sessions logged in this period.")

    _heading(pdf, "Disclaimer")
    _line(pdf, data.disclaimer)
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
    "peg_score",
    "safety_screen_yes",
    "urgency",
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
    peg = {p.day: p.score for p in data.peg}
    flare = set(data.flare_up_days)
    day = data.date_from
    while day <= data.date_to:
        sessions = [s for s in data.sessions if s.day == day]
        answers = [a.question_id for a in data.screen_answers if a.day == day]
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
                    peg.get(day),
                    " ".join(answers),
                    data.urgency_on(day),
                    data.checkin_notes.get(day),
                )
            ]
        )
        day += timedelta(days=1)
    return out.getvalue()
