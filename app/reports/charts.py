"""The report's charts, drawn by matplotlib (no display, no pyplot state) as SVG with its text
kept as text, so the PDF embeds them as vector drawings whose tick labels, axis labels and
legends are in the document's text layer. The DejaVu fonts matplotlib ships are used, so nothing
is downloaded. Call from a worker thread, never on the event loop: drawing takes tens of
milliseconds.

What the charts promise a reader:

- The date axis names months ("3 Nov 2026", or "Nov 2026" over long periods) and is labelled.
- Every kind of mark has a legend entry, flare-up days and warning-sign days included.
- A line joins two readings only when nothing is missing between them: check-ins on consecutive
  days (`CHECKIN_JOIN_DAYS`), PEG responses no more than `PEG_JOIN_DAYS` apart (the PEG is asked
  weekly; one missed week is still joined). A longer gap is drawn as a gap. Both inferred: the
  service's own rule that a line stands for readings, not for a guess between them.
"""

import io
import math
import re
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, time

import matplotlib

matplotlib.use("Agg")

from babel.dates import format_date
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.dates import DayLocator, MonthLocator, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from app.i18n import current_language
from app.i18n.catalog import gettext as _
from app.reports.data import ReportData, urgency_words
from app.safety.schemas import CareTimeframe
from app.shared import pain

# Matplotlib's font cache and text layout are not safe to share between threads.
_LOCK = threading.Lock()
SIZE_INCHES = (7.0, 2.9)
FONT_FAMILY = "DejaVu Sans"
# Characters past which a legend label takes half the legend's width.
LONG_LABEL = 45
FONT = {"family": FONT_FAMILY, "size": 9}
CHECKIN_JOIN_DAYS = 1
PEG_JOIN_DAYS = 14
# Over this many days, ticks fall on the first of each month.
MONTH_TICKS_AFTER_DAYS = 92
MAX_DAY_TICKS = 8
WARNING_COLOURS: dict[CareTimeframe | None, str] = {
    CareTimeframe.NOW: "#b00020",
    CareTimeframe.TODAY: "#e65100",
    CareTimeframe.SOON: "#c9a400",
    None: "#777777",
}
_METADATA = re.compile(rb"<metadata>.*?</metadata>", re.DOTALL)
# Matplotlib's SVG user unit is the point and it sizes text in "px" meaning user units; fpdf2
# reads px as CSS pixels (0.75 pt), which would shrink every label to three quarters of the
# size the layout made room for.
_FONT_PX = re.compile(rb"font-size: ?([0-9.]+)px")


def _style() -> AbstractContextManager[None]:
    # SVG text stays text (not paths), in the font the PDF registers under the same name.
    return matplotlib.rc_context(
        {"svg.fonttype": "none", "font.family": FONT_FAMILY, "font.size": 8}
    )


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasSVG(figure).print_svg(buffer)
    # The PDF has its own metadata; fpdf2 does not read SVG's.
    return _FONT_PX.sub(rb"font-size: \1pt", _METADATA.sub(b"", buffer.getvalue()))


def _x(day: date) -> float:
    """A day as matplotlib's date number, at noon so a point sits in the middle of its day."""
    return float(date2num(datetime.combine(day, time(12))))


def with_gaps(
    points: Sequence[tuple[date, float]], join_days: int
) -> tuple[list[float], list[float]]:
    """The points as x and y, with a break (NaN) wherever two readings are more than
    `join_days` apart, so the line stops there instead of running straight across the gap."""
    xs: list[float] = []
    ys: list[float] = []
    previous: date | None = None
    for day, value in sorted(points):
        if previous is not None and (day - previous).days > join_days:
            xs.append(math.nan)
            ys.append(math.nan)
        xs.append(_x(day))
        ys.append(value)
        previous = day
    return xs, ys


def _day_labels(step: int) -> FuncFormatter:
    """ "4 Nov" every `step` days; the first tick, and the first in a new year, name the year
    as well ("1 Nov 2026")."""

    def label(value: float, pos: int | None = None) -> str:
        day = num2date(value)
        if pos == 0 or day.timetuple().tm_yday <= step:
            return format_date(day, "d MMM y", locale=current_language())
        return format_date(day, "d MMM", locale=current_language())

    return FuncFormatter(label)


def _month_label(value: float, _pos: int | None = None) -> str:
    return format_date(num2date(value), "MMM y", locale=current_language())


def _axes(figure: Figure, data: ReportData, ylabel: str) -> Axes:
    axes = figure.add_subplot(1, 1, 1)
    start = datetime.combine(data.date_from, time())
    # The end of the last day, short of midnight, so no tick names the day after the period.
    end = datetime.combine(data.date_to, time(23, 59))
    axes.set_xlim(float(date2num(start)), float(date2num(end)))
    axes.set_ylim(-0.3, 10.6)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel(_(ylabel), fontdict=FONT)
    axes.set_xlabel(_("Date"), fontdict=FONT)
    axes.grid(True, linewidth=0.4, alpha=0.5)
    if data.days > MONTH_TICKS_AFTER_DAYS:
        axes.xaxis.set_major_locator(MonthLocator())
        axes.xaxis.set_major_formatter(FuncFormatter(_month_label))
    else:
        step = math.ceil(data.days / MAX_DAY_TICKS)
        axes.xaxis.set_major_locator(DayLocator(interval=step))
        axes.xaxis.set_major_formatter(_day_labels(step))
    axes.tick_params(labelsize=8)
    return axes


def _finish(figure: Figure, axes: Axes, title: str, empty: str | None) -> bytes:
    axes.set_title(_(title), fontdict={**FONT, "size": 10})
    if empty is not None:
        axes.text(0.5, 0.5, empty, transform=axes.transAxes, ha="center", va="center", fontsize=9)
    handles, labels = axes.get_legend_handles_labels()
    if handles:
        # Two columns when a label is long (a translated urgency), so the legend fits the page.
        ncols = 2 if max(len(label) for label in labels) > LONG_LABEL else 3
        figure.legend(handles, labels, loc="outside lower center", ncols=ncols, fontsize=8)
    return _svg(figure)


def pain_chart(data: ReportData) -> bytes:
    """Daily check-in pain, sessions' pain before and after, flare-up days and the days a
    warning sign was reported, as SVG."""
    with _LOCK, _style():
        figure = Figure(figsize=SIZE_INCHES, layout="constrained")
        axes = _axes(figure, data, "Pain (0-10)")
        if data.checkin_pain:
            xs, ys = with_gaps(
                [(d, float(p)) for d, p in data.checkin_pain.items()], CHECKIN_JOIN_DAYS
            )
            axes.plot(xs, ys, marker="o", markersize=3, linewidth=1.2, label=_("Check-in pain"))
        if data.sessions:
            axes.scatter(
                [_x(s.day) for s in data.sessions],
                [s.pain_before for s in data.sessions],
                marker="^",
                s=14,
                color="tab:green",
                label=_("Session: pain before"),
            )
            axes.scatter(
                [_x(s.day) for s in data.sessions],
                [s.pain_after for s in data.sessions],
                marker="v",
                s=14,
                color="tab:orange",
                label=_("Session: pain after"),
            )
        for index, day in enumerate(data.flare_up_days):
            axes.axvline(
                _x(day),
                color="tab:red",
                linestyle="--",
                linewidth=0.7,
                alpha=0.6,
                label=_("Flare-up day") if index == 0 else None,
            )
        labelled: set[CareTimeframe | None] = set()
        for alert in data.red_flag_alerts:
            first = alert.timeframe not in labelled
            labelled.add(alert.timeframe)
            axes.scatter(
                [_x(alert.day)],
                [10.2],
                marker="X",
                s=36,
                color=WARNING_COLOURS[alert.timeframe],
                label=_("Warning sign ({urgency})").format(
                    urgency=_(urgency_words(alert.timeframe))
                )
                if first
                else None,
                zorder=3,
            )
        empty = None if data.checkin_pain or data.sessions else _("No pain recorded in this period")
        return _finish(figure, axes, "Pain", empty)


def peg_chart(data: ReportData) -> bytes:
    """PEG scores with the baseline and the lines a meaningful change crosses, as SVG."""
    with _LOCK, _style():
        figure = Figure(figsize=SIZE_INCHES, layout="constrained")
        axes = _axes(figure, data, "PEG (0-10, higher = worse)")
        if data.peg:
            xs, ys = with_gaps([(p.day, p.score) for p in data.peg], PEG_JOIN_DAYS)
            axes.plot(
                xs,
                ys,
                marker="o",
                markersize=3,
                linewidth=1.2,
                color="tab:purple",
                label=_("PEG score"),
            )
        if data.peg_baseline is not None:
            baseline = data.peg_baseline
            axes.axhline(baseline, color="grey", linestyle="--", linewidth=0.8, label=_("Baseline"))
            thresholds = data.peg_thresholds
            if thresholds is not None:
                # A meaningful change reaches both the points and the percent of the baseline.
                step = max(float(thresholds.points), baseline * thresholds.percent / 100)
                if baseline - step >= 0:
                    axes.axhline(
                        baseline - step,
                        color="tab:green",
                        linestyle=":",
                        linewidth=0.8,
                        label=_("Meaningful improvement"),
                    )
                if baseline + step <= pain.PAIN_MAX:
                    axes.axhline(
                        baseline + step,
                        color="tab:red",
                        linestyle=":",
                        linewidth=0.8,
                        label=_("Meaningful worsening"),
                    )
        empty = None if data.peg else _("No PEG questionnaire answered in this period")
        return _finish(figure, axes, "PEG (pain, enjoyment of life, general activity)", empty)
