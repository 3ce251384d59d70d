"""The worker as a process: its settings checks, and `python -m app.worker` starting against
the server's database and stopping cleanly."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.worker.settings import SenderKind, WorkerSettings, worker_problems

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("changes", "production", "says"),
    [
        ({}, False, None),
        ({"job_queue_url": "redis://redis:6379/1"}, True, None),
        ({}, True, "JOB_QUEUE_URL points at a SQLite file"),
        ({"job_queue_url": "amqp://rabbit"}, False, "JOB_QUEUE_URL must be"),
        ({"push_sender": SenderKind.HTTP}, False, "PUSH_SENDER=http needs PUSH_GATEWAY_URL"),
        (
            {"push_sender": SenderKind.HTTP, "push_gateway_url": "https://push.example/send"},
            False,
            None,
        ),
    ],
)
def test_worker_settings_checks(changes: dict, production: bool, says: str | None) -> None:
    problems = worker_problems(WorkerSettings(**changes), production=production)
    if says is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(says)


def test_every_worker_setting_is_in_the_operations_guide() -> None:
    operations = (ROOT / "docs" / "operations.md").read_text()
    section = operations[
        operations.index("## Running the worker") : operations.index("## Deploying")
    ]
    missing = [n.upper() for n in WorkerSettings.model_fields if f"`{n.upper()}`" not in section]
    assert missing == []


def run_worker(tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "app.worker"],
        env={"PATH": os.environ["PATH"], "LOG_JSON": "false", **env},
        cwd=tmp_path,  # no stray .env joins in
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_production_worker_refuses_a_sqlite_queue_with_one_line(tmp_path: Path) -> None:
    proc = run_worker(
        tmp_path,
        ENVIRONMENT="production",
        DATABASE_URL="postgresql+psycopg://app@127.0.0.1:1/none",
    )
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 78
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("configuration error: JOB_QUEUE_URL"), lines


@pytest.mark.slow
def test_the_worker_starts_on_the_servers_database_and_stops_on_sigterm(
    tmp_path: Path, database_url: str
) -> None:
    proc = run_worker(
        tmp_path,
        ENVIRONMENT="development",
        DATABASE_URL=database_url,
        JOB_QUEUE_URL=f"sqlite:///{tmp_path / 'jobs.db'}",
    )
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if "worker starting" in line:
                break
        assert any("worker starting" in line for line in seen), seen
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, "".join(seen)
    assert (tmp_path / "jobs.db").exists()
