"""The results table in Markdown: one row per measurement, with its performance target and
whether this run met it. Rendering is pure; the harness gathers the figures."""

from dataclasses import dataclass, field
from datetime import datetime

from bench.stats import Ratio, Summary, Target
from bench.wrk import WrkRun


@dataclass
class Row:
    scenario: str
    engine: str
    summary: Summary | None = None
    ratio: Ratio | None = None
    target: Target | None = None
    # The figure the target judges, and how to print it in the result column.
    value: float | None = None
    value_text: str = ""
    # Why the row could not be measured, or why its figures cannot be trusted.
    error: str = ""
    note: str = ""
    # Every round behind the figures, for the JSON file beside the table.
    rounds: list[WrkRun] = field(default_factory=list)
    reference_rounds: list[WrkRun] = field(default_factory=list)

    def result(self, judged: bool) -> str:
        if self.error:
            return f"error: {self.error}"
        shown = self.value_text or self.note
        if self.target is None or self.value is None:
            return shown or "—"
        if not judged:
            return f"not judged ({shown})" if shown else "not judged"
        verdict = "met" if self.target.met(self.value) else "**missed**"
        return f"{verdict} ({shown})" if shown else verdict


@dataclass
class Meta:
    started: datetime
    mode: str
    machine: str
    cores: int
    software: str
    code: str
    load: str
    loadavg_before: tuple[float, float, float]
    loadavg_after: tuple[float, float, float]
    notes: list[str] = field(default_factory=list)

    def busy(self) -> bool:
        """Other work held more than half of the machine's cores before or after the run."""
        return max(self.loadavg_before[0], self.loadavg_after[0]) > self.cores / 2


def fmt_rps(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 10:
        return f"{value:.2f} ms"
    if value < 100:
        return f"{value:.1f} ms"
    return f"{value:,.0f} ms"


def fmt_ratio(ratio: Ratio | None, rounds: int) -> str:
    if ratio is None:
        return "—"
    if rounds > 1:
        return f"{ratio.value:.2f}x ({ratio.low:.2f}-{ratio.high:.2f})"
    return f"{ratio.value:.2f}x"


def _loadavg(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(meta: Meta, rows: list[Row]) -> str:
    judged = meta.mode == "full"
    lines = [
        f"# Benchmark, {meta.started:%Y-%m-%d %H:%M} UTC ({meta.mode})",
        "",
        "| | |",
        "| --- | --- |",
        f"| machine | {_cell(meta.machine)} |",
        f"| software | {_cell(meta.software)} |",
        f"| code | {_cell(meta.code)} |",
        f"| load | {_cell(meta.load)} |",
        f"| load average (1 / 5 / 15 min) | before {_loadavg(meta.loadavg_before)}; "
        f"after {_loadavg(meta.loadavg_after)} |",
        "",
    ]
    notes = list(meta.notes)
    if meta.busy():
        notes.insert(
            0,
            f"The machine was busy with other work (load average above half of its "
            f"{meta.cores} cores): absolute figures are lower and rounds noisier than on an "
            "idle machine; the ratios, measured in alternating rounds, are the figures to read.",
        )
    if not judged:
        notes.insert(0, "Smoke run: short rounds on small data, so no target is judged.")
    for note in notes:
        lines += [f"> {note}", ""]
    lines += [
        "| scenario | engine | req/s | p50 | p99 | ratio to floor (range of rounds) "
        "| target | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        s = row.summary
        cells = [
            row.scenario,
            row.engine,
            fmt_rps(s.rps) if s else "—",
            fmt_ms(s.p50_ms) if s else "—",
            fmt_ms(s.p99_ms) if s else "—",
            fmt_ratio(row.ratio, s.rounds if s else 1),
            row.target.text if row.target else "—",
            row.result(judged),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
