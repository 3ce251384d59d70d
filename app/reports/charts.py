"""The report's charts, drawn by matplotlib's Agg backend (no display, no pyplot state) with
the DejaVu fonts matplotlib ships, so nothing is downloaded. Call from a worker thread, never
on the event loop: drawing takes tens of milliseconds."""

import io
import threading
from datetime import date, datetime, time, timedelta

import matplotlib

matplotlib.use("Agg")

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

from app.reports.data import ReportData

# Matplotlib's font cache and text layout are not safe to share between threads.
_LOCK = threading.Lock()
SIZE_INCHES = (7.0, 2.6)
DPI = 150
FONT = {"family": "DejaVu Sans", "size": 8}


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _x(days: list[date]) -> list[float]:
    """Days as matplotlib's date numbers, each at noon so a point sits in the middle of its day."""
    return [float(date2num(datetime.combine(d, time(12)))) for d in days]


def _axes(figure: Figure, data: ReportData, ylabel: str) -> Axes:
    axes = figure.add_subplot(1, 1, 1)
    start = datetime.combine(data.date_from, time())
    end = datetime.combine(data.date_to, time()) + timedelta(days=1)
    axes.set_xlim(date2num(start), date2num(end))
    axes.set_ylim(-0.3, 10.3)
    axes.set_yticks(range(0, 11, 2))
    axes.set_ylabel(ylabel, fontdict=FONT)
    axes.grid(True, linewidth=0.4, alpha=0.5)
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.tick_params(labelsize=7)
    return axes


def pain_chart(data: ReportData) -> bytes:
    """Daily pain from check-ins as a line, sessions' pain before and after as markers."""
    with _LOCK:
        figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
        axes = _axes(figure, data, "Pain (0-10)")
        days: list[date] = sorted(data.checkin_pain)
        if days:
            axes.plot(
                _x(days),
                [data.checkin_pain[d] for d in days],
                marker="o",
                markersize=3,
                linewidth=1.2,
                label="Check-in pain",
            )
        if data.sessions:
            axes.scatter(
                _x([s.day for s in data.sessions]),
                [s.pain_before for s in data.sessions],
                marker="^",
                s=14,
                label="Session: before",
            )
            axes.scatter(
                _x([s.day for s in data.sessions]),
                [s.pain_after for s in data.sessions],
                marker="v",
                s=14,
                label="Session: after",
            )
        for day in data.flare_up_days:
            axes.axvline(_x([day])[0], color="tab:red", linewidth=0.6, alpha=0.5)
        axes.set_title("Pain", fontdict={**FONT, "size": 9})
        if days or data.sessions:
            axes.legend(fontsize=7, loc="upper left")
        return _png(figure)


def peg_chart(data: ReportData) -> bytes:
    """PEG scores with the baseline and the meaningful-improvement line."""
    with _LOCK:
        figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
        axes = _axes(figure, data, "PEG score (0-10)")
        if data.peg:
            axes.plot(
                _x([p.day for p in data.peg]),
                [p.score for p in data.peg],
                marker="o",
                markersize=3,
                linewidth=1.2,
                color="tab:purple",
                label="PEG score",
            )
        if data.peg_baseline is not None:
            axes.axhline(
                data.peg_baseline, color="grey", linestyle="--", linewidth=0.8, label="Baseline"
            )
            thresholds = data.peg_thresholds
            if thresholds is not None:
                # Meaningfully better: down by both the points and the percent of the baseline.
                drop = max(float(thresholds.points), data.peg_baseline * thresholds.percent / 100)
                if data.peg_baseline - drop >= 0:
                    axes.axhline(
                        data.peg_baseline - drop,
                        color="tab:green",
                        linestyle=":",
                        linewidth=0.8,
                        label="Meaningfully better than baseline",
                    )
            axes.legend(fontsize=7, loc="upper left")
        axes.set_title(
            "PEG (pain, enjoyment of life, general activity)", fontdict={**FONT, "size": 9}
        )
        return _png(figure)
