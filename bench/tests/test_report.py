"""The Markdown table."""

from datetime import datetime

import pytest

from bench.machine import slug
from bench.report import Meta, Row, render
from bench.servers import Failure, serve_command
from bench.stats import Ratio, Summary, Target


def meta(mode: str = "full", load: float = 0.3) -> Meta:
    return Meta(
        started=datetime(2026, 11, 24, 10, 30),
        mode=mode,
        machine="AMD EPYC, 2 cores, Linux 6.1",
        cores=2,
        software="Python 3.11.7, uvicorn 0.54.0",
        code="abc1234 on main",
        load="wrk -t1 -c32 -d5s",
        loadavg_before=(load, 0.2, 0.1),
        loadavg_after=(load, 0.2, 0.1),
    )


def rows() -> list[Row]:
    catalog = Row(
        "GET /v1/exercises",
        "SQLite",
        Summary(rps=1234.4, p50_ms=25.0, p99_ms=140.0, requests=18000, rounds=3),
        Ratio(value=0.15, low=0.12, high=0.18),
        Target(">= 1.25x", at_least=1.25),
        value=0.15,
    )
    healthz = Row(
        "GET /healthz",
        "SQLite",
        Summary(rps=7000.0, p50_ms=4.5, p99_ms=9.0, requests=100000, rounds=3),
        Ratio(value=0.95, low=0.9, high=1.0),
        Target(">= 0.9x", at_least=0.9),
        value=0.95,
    )
    memory = Row(
        "resident memory",
        "SQLite",
        target=Target("< 150 MB", below=150),
        value=90.0,
        value_text="90 MB",
    )
    broken = Row("POST /v1/recommendations", "SQLite", error="expected 200, got 422")
    return [catalog, healthz, memory, broken]


def test_each_row_shows_its_figures_ratio_target_and_verdict() -> None:
    table = render(meta(), rows())
    lines = table.splitlines()
    catalog = next(line for line in lines if line.startswith("| GET /v1/exercises |"))
    assert catalog == (
        "| GET /v1/exercises | SQLite | 1,234 | 25.0 ms | 140 ms | 0.15x (0.12-0.18) "
        "| >= 1.25x | **missed** |"
    )
    healthz = next(line for line in lines if line.startswith("| GET /healthz |"))
    assert healthz.endswith("| 0.95x (0.90-1.00) | >= 0.9x | met |")
    assert "| < 150 MB | met (90 MB) |" in table
    assert "| error: expected 200, got 422 |" in table


def test_header_names_date_machine_and_load_average() -> None:
    table = render(meta(), rows())
    assert table.startswith("# Benchmark, 2026-11-24 10:30 UTC (full)")
    assert "| machine | AMD EPYC, 2 cores, Linux 6.1 |" in table
    assert "before 0.30 / 0.20 / 0.10; after 0.30 / 0.20 / 0.10" in table
    assert "busy" not in table


def test_a_busy_machine_is_called_out() -> None:
    assert "The machine was busy" in render(meta(load=3.5), rows())


def test_a_smoke_run_judges_nothing() -> None:
    table = render(meta(mode="smoke"), rows())
    assert "met" not in table.replace("not judged", "")
    assert "missed" not in table
    assert "| >= 1.25x | not judged |" in table
    assert "not judged (90 MB)" in table


def test_pipes_in_cells_do_not_break_the_table() -> None:
    row = Row("x", "SQLite", error="a | b")
    assert "error: a \\| b" in render(meta(), [row])


def test_the_serving_step_is_the_exec_line_that_ends_start_sh() -> None:
    start = "set -eu\npython -m app.migrate\nexec python -m app.serve \\\n  --flag\n"
    assert serve_command(start) == "exec python -m app.serve    --flag"
    with pytest.raises(Failure):
        serve_command("python -m app.serve\n")


def test_result_file_names_tell_machines_apart() -> None:
    assert slug("AMD EPYC 7B13 64-Core Processor", 2) == "amd-epyc-7b13-64-core-processor-2cpu"
    assert slug("Intel(R) Xeon(R) CPU @ 2.20GHz", 4) == "intel-xeon-cpu-2-20ghz-4cpu"
