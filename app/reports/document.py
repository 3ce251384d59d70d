"""The report as a PDF (fpdf2, with the DejaVu fonts matplotlib ships, so every character of
a person's notes prints) and as CSV, one row per day.

Page 1 is what a clinician reads first: who and which period, the alerts box (every warning
sign, severe pain or PEG worsening reported in the period with its date, urgency and the advice
the person was given; red flags and cautions in separate lists), then the summary, the items
for review and the definitions the charts need. Every section says "None" when it is empty."""

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import cast

import matplotlib
from babel.numbers import format_decimal
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from app.attention.rules import AttentionKind
from app.i18n import DEFAULT_LANGUAGE, current_language, formats
from app.i18n.catalog import gettext as _
from app.i18n.catalog import translate
from app.i18n.phrases import say
from app.outcomes.service import seed_text
from app.recommendations.logic import Words
from app.reports import charts
from app.reports.data import (
    FLARE_UP_DEFINITION,
    REPORT_TEMPLATES,
    SOURCE_WORDS,
    Alert,
    ReportData,
    reference,
    urgency_words,
)
from app.safety import logic as safety_logic
from app.safety.schemas import ConcernSource
from app.shared import pain

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
# The charts' SVG names this family, so the same registered font draws their text.
FONT = charts.FONT_FAMILY
NONE = "None."


def _day(day: date) -> str:
    """ISO in English, the form the report has always given; Babel's medium date otherwise
    (`1 nov 2026`, `01.11.2026`)."""
    language = current_language()
    return day.isoformat() if language == DEFAULT_LANGUAGE else formats.day(day, language, "medium")


# What the advice a person was given can be made of: the triage messages' templates and a
# concern's guidance.
ADVICE_TEMPLATES = tuple(
    dict.fromkeys(
        [
            *(template for template, _values in Words().safety_templates()),
            *(
                safety_logic.guidance_parts(t, s)[0]
                for t in safety_logic.CONCERN_TIMEFRAMES
                for s in ConcernSource
            ),
        ]
    )
)


def say_value(text: str) -> str:
    """A value the diary holds in English (an urgency, a finding, the advice given) in the
    report's language: its own entry, clinical labels joined with "; ", or a triage message
    (a region's own words kept); English where a part has no entry."""
    language = current_language()
    if language == DEFAULT_LANGUAGE or not text:
        return text
    labels = [translate(label, language) for label in text.removesuffix(".").split("; ")]
    if all(label.language == language for label in labels):
        return "; ".join(label.text for label in labels) + ("." if text.endswith(".") else "")
    return say(text, (*ADVICE_TEMPLATES, *REPORT_TEMPLATES), language, literal_values=True).text


THRESHOLD_WORDS = (
    "a change of {points} point and {percent} or more",
    "a change of {points} points and {percent} or more",
)


def _threshold(data: ReportData) -> str:
    """`a change of 1 point and 30% or more`, in the report's language."""
    t = data.peg_thresholds
    points, percent = (1.0, 30) if t is None else (float(t.points), t.percent)
    language = current_language()
    shown = f"{points:g}" if language == DEFAULT_LANGUAGE else formats.number(points, language, 2)
    one, many = THRESHOLD_WORDS
    return _(one if points == 1 else many).format(points=shown, percent=f"{percent}%")


def _num(value: float, digits: int, sign: bool = False) -> str:
    """`value` with `digits` decimals, in the language's digits and decimal sign."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    text = format_decimal(abs(value) if sign else value, "#,##0." + "0" * digits, locale=language)
    return ("+" if value >= 0 else "-") + text if sign else text


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
        self.cell(
            0, 5, _("Page {page} of {pages}").format(page=self.page_no(), pages="{nb}"), align="C"
        )


def _heading(pdf: FPDF, text: str) -> None:
    """A section heading, never alone at the foot of a page."""
    if pdf.will_page_break(9 + 3 * LINE):
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font(FONT, style="B", size=11)
    pdf.cell(0, 7, _(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)


def _subheading(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, style="B", size=9.5)
    # Wrapped: a translation can be longer than the box is wide.
    pdf.multi_cell(0, 6, _(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
        pdf.cell(0, 7, " " + _(self.title), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
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
    reported = _("{day}  {urgency}  (reported in {source})").format(
        day=_day(alert.day), urgency=say_value(alert.urgency), source=say_value(alert.source)
    )
    _line(pdf, reported, bold=True)
    _line(pdf, say_value(alert.finding), indent=3)
    if alert.answered_with:
        # Each answer on its own: a clinical label, or where the pain is.
        answers = "; ".join(say_value(part) for part in alert.answered_with.split("; "))
        answered = _("Answered with: {answers}.").format(answers=answers)
        _line(pdf, answered, indent=3)
    advice = say_value(alert.advice)
    advice = advice if alert.timeframe is None else f"\u201c{advice}\u201d"
    _line(pdf, _("Advice given: {advice}").format(advice=advice), indent=3)
    pdf.ln(0.8)


def _alerts(pdf: FPDF, data: ReportData) -> None:
    """The alerts box: red flags, severe pain and PEG worsening, cautions, and the safety state
    now."""
    with _Box(pdf, "Alerts: warning signs reported in this period", ALERT_RED):
        _subheading(pdf, "Red flags (warning signs)")
        for alert in data.red_flag_alerts:
            _alert(pdf, alert)
        if not data.red_flag_alerts:
            _line(pdf, _(NONE))
        _subheading(pdf, "Severe pain and PEG worsening")
        for alert in data.pain_alerts:
            _alert(pdf, alert)
        if not data.pain_alerts:
            _line(pdf, _(NONE))
        _subheading(
            pdf, "Cautions (no urgency of their own; moves they could aggravate are held back)"
        )
        for caution in data.cautions:
            _line(pdf, f"{_day(caution.day)}: {_(caution.label)}.")
        if not data.cautions:
            _line(pdf, _(NONE))
        _subheading(pdf, "Open now")
        state = data.safety
        if state is None or not state.concerns:
            _line(pdf, _("No concern open; exercise allowed."))
            return
        on_hold = state.exercise.value == "on_hold"
        hold = _("exercise on hold") if on_hold else _("exercise allowed")
        count = len(state.concerns)
        opened = _("1 concern open, {hold}.") if count == 1 else _("{count} concerns open, {hold}.")
        _line(pdf, opened.format(count=count, hold=hold))
        for concern in state.concerns:
            due = _(" Follow-up due: not yet reported as seen.") if concern.follow_up_due else ""
            since = _("Since {day}: {urgency} (raised by {source}).").format(
                day=_day(concern.opened_on),
                urgency=_(urgency_words(concern.timeframe)),
                source=_(SOURCE_WORDS[concern.source]),
            )
            _line(pdf, since + due, indent=3)


def _summary(pdf: FPDF, data: ReportData) -> None:
    _heading(pdf, "Summary")
    pains = list(data.checkin_pain.values())
    checkin_days = len(pains)
    red_flag_days = sorted({a.day for a in data.red_flag_alerts})
    if red_flag_days:
        worst = min(data.red_flag_alerts, key=lambda a: safety_logic.urgency(a.timeframe))
        days = len(red_flag_days)
        template = (
            _("Warning signs reported on 1 day; the most urgent: {urgency} on {day}.")
            if days == 1
            else _("Warning signs reported on {days} days; the most urgent: {urgency} on {day}.")
        )
        _line(pdf, template.format(days=days, urgency=_(worst.urgency), day=_day(worst.day)))
    else:
        _line(pdf, _("Warning signs reported: none."))
    _line(
        pdf,
        _(
            "Check-ins: {checkins} of {days} days ({checkin_share}). Days with exercise "
            "sessions: {session_days} of {days} ({session_share}); sessions: {sessions}."
        ).format(
            checkins=checkin_days,
            days=data.days,
            checkin_share=_percent(checkin_days, data.days),
            session_days=data.session_days,
            session_share=_percent(data.session_days, data.days),
            sessions=len(data.sessions),
        ),
    )
    if pains:
        average = sum(pains) / len(pains)
        _line(
            pdf,
            _(
                "Check-in pain (0-10): average {average}, lowest {lowest}, highest {highest}; "
                "first {first}, last {last}."
            ).format(
                average=_num(average, 1),
                lowest=min(pains),
                highest=max(pains),
                first=data.checkin_pain[min(data.checkin_pain)],
                last=data.checkin_pain[max(data.checkin_pain)],
            ),
        )
    else:
        _line(pdf, _("Check-in pain: none recorded."))
    if data.peg:
        last = data.peg[-1]
        change = "" if last.change_percent is None else f" ({_num(last.change_percent, 1, True)}%)"
        _line(
            pdf,
            _(
                "PEG score (0-10): baseline {baseline}, latest {latest}{change}; {threshold} is "
                "meaningful."
            ).format(
                baseline=_num(data.peg_baseline or 0, 2),
                latest=_num(last.score, 2),
                change=change,
                threshold=_threshold(data),
            ),
        )
    else:
        _line(pdf, _("PEG: none answered in this period."))
    flare_ups = len(data.flare_up_days)
    flares = _("Flare-ups: 1 day.") if flare_ups == 1 else _("Flare-ups: {days} days.")
    _line(pdf, flares.format(days=flare_ups))


def _attention(pdf: FPDF, data: ReportData) -> None:
    _heading(pdf, "Items for review")
    _line(
        pdf,
        _(
            "Found by the service's rules in the diary; warning signs, severe pain and PEG "
            "worsening are under Alerts."
        ),
    )
    items = [i for i in data.attention if i.kind not in IN_ALERTS]
    for item in items:
        state = _("acknowledged by the person") if item.acknowledged else _("open")
        _line(pdf, f"{_day(item.raised_on)}  {_(item.urgency)}  ({state})", bold=True)
        _line(pdf, say_value(item.finding), indent=3)
        quoted = f"\u201c{say_value(item.advice)}\u201d"
        _line(pdf, _("Advice given: {advice}").format(advice=quoted), indent=3)
    if not items:
        _line(pdf, _(NONE))


def _definition_lines(pdf: FPDF, data: ReportData) -> None:
    with _Box(pdf, "Definitions", BOX_GREY):
        _line(
            pdf,
            _(
                "Pain scale: 0-10, 0 = {anchor_min}, 10 = {anchor_max}; 1-3 mild, 4-6 moderate, "
                "{severe}-10 severe. Check-ins record pain now; sessions record pain before and "
                "after."
            ).format(
                anchor_min=_(pain.ANCHOR_MIN),
                anchor_max=_(pain.ANCHOR_MAX),
                severe=pain.SEVERE_FROM,
            ),
        )
        _line(pdf, _("Flare-up: {definition}").format(definition=_(FLARE_UP_DEFINITION)))
        peg = data.peg_definition
        if peg is None:
            _line(pdf, _("PEG: the questionnaire is not loaded."))
            return
        _line(
            pdf,
            _(
                "PEG: {scoring} Baseline: the first response. A meaningful change from it "
                "reaches both thresholds, {threshold} of the baseline score."
            ).format(scoring=seed_text("scoring", peg.scoring).text, threshold=_threshold(data)),
        )
        _line(pdf, f"PEG: {reference(peg.citation)}.", indent=3)
        _line(
            pdf,
            _("Points threshold: {source}.").format(source=reference(peg.points_source)),
            indent=3,
        )
        _line(
            pdf,
            _("Percent threshold: {source}.").format(source=reference(peg.percent_source)),
            indent=3,
        )
        _line(
            pdf,
            _("What each source says and what the service infers: see the last page."),
            indent=3,
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
    pdf.set_title(_("Back pain diary report"))
    pdf.set_lang(current_language())
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=15)
    pdf.cell(0, 9, _("Back pain diary report"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _line(pdf, _("Name: {name}").format(name=data.person), bold=True)
    if data.birth_year is not None:
        _line(pdf, _("Birth year: {year}").format(year=data.birth_year))
    _line(
        pdf,
        _("Period: {start} to {end} ({days} days, days counted in {timezone})").format(
            start=_day(data.date_from),
            end=_day(data.date_to),
            days=data.days,
            timezone=data.timezone,
        ),
    )
    generated = data.generated_at
    _line(
        pdf,
        _("Generated: {day} {time} UTC").format(
            day=_day(generated.date()), time=generated.strftime("%H:%M")
        ),
    )

    _alerts(pdf, data)
    _summary(pdf, data)
    _attention(pdf, data)
    _definitions(pdf, data)
    _charts(pdf, data)

    _heading(pdf, "PEG responses")
    for p in data.peg:
        change = (
            ""
            if p.change_percent is None
            else _(", {change} from baseline").format(change=_num(p.change_percent, 1, True) + "%")
        )
        if p.baseline:
            change = _(" (the baseline)")
        _line(
            pdf,
            _(
                "{day}: pain {pain}, enjoyment {enjoyment}, activity {activity}; score "
                "{score}{change}"
            ).format(
                day=_day(p.day),
                pain=p.pain,
                enjoyment=p.enjoyment,
                activity=p.activity,
                score=_num(p.score, 2),
                change=change,
            ),
        )
    if not data.peg:
        _line(pdf, _(NONE))

    _heading(pdf, "Flare-ups")
    _line(pdf, ", ".join(_day(d) for d in data.flare_up_days) or _(NONE))

    _heading(pdf, "Screen questions answered yes, as they were asked")
    for answer in data.screen_answers:
        question = _(answer.question)
        _line(pdf, _('{day}: yes to "{question}"').format(day=_day(answer.day), question=question))
    if not data.screen_answers:
        _line(pdf, _(NONE))

    _heading(pdf, "Moves done")
    for s in data.sessions:
        flare = _(" (flare-up)") if s.flare_up else ""
        moves = "; ".join(say_value(move) for move in s.moves)
        _line(
            pdf,
            _("{day}, pain {before} -> {after}{flare}: {moves}").format(
                day=_day(s.day), before=s.pain_before, after=s.pain_after, flare=flare, moves=moves
            ),
        )
    if not data.sessions:
        _line(pdf, _(NONE))

    _heading(pdf, "Source article")
    if data.article is None:
        _line(pdf, _("Not loaded."))
    else:
        publisher = data.article.publisher or _("publisher not recorded")
        _line(
            pdf,
            _(
                "The moves come from \u201c{title}\u201d, {publisher}. The service's copy of "
                "the article records no web address."
            ).format(title=data.article.title, publisher=publisher),
        )
    _heading(pdf, "Disclaimer")
    _line(pdf, data.disclaimer)

    if data.peg_definition is not None:
        _heading(pdf, "The PEG thresholds: what each source says")
        points = seed_text("meaningful_change_points_source", data.peg_definition.points_source)
        percent = seed_text("meaningful_change_source", data.peg_definition.percent_source)
        _line(pdf, _("Points: {source}").format(source=points.text))
        _line(pdf, _("Percent: {source}").format(source=percent.text))
    return bytes(pdf.output())


# Stable machine names in every language, so a spreadsheet or record system reads any report;
# the values a person reads (labels, urgency, advice, yes/no) are in the report's language.
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
                    _("yes") if day in flare else _("no"),
                    response.pain if response else None,
                    response.enjoyment if response else None,
                    response.activity if response else None,
                    response.score if response else None,
                    " ".join(say_value(a.finding) for a in red_flags),
                    " ".join(say_value(a.finding) for a in others),
                    "; ".join(_(c.label) for c in data.cautions if c.day == day),
                    say_value(most_urgent.urgency) if most_urgent else None,
                    say_value(most_urgent.advice) if most_urgent else None,
                    data.checkin_notes.get(day),
                )
            ]
        )
        day += timedelta(days=1)
    return out.getvalue()
