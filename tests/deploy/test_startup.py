"""The start-up script the container runs: migrate, seed, serve."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import fresh_database

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_start_script_migrates_seeds_and_serves() -> None:
    port = free_port()
    with fresh_database() as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        }
        proc = subprocess.Popen(
            ["sh", str(ROOT / "scripts" / "start.sh")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "server did not become ready"
                time.sleep(0.3)
            body = httpx.get(f"{base}/v1/exercises").json()
            assert body["count"] == 5
            metrics = httpx.get(f"{base}/metrics").text
            assert 'http_requests_total{method="GET",route="/v1/exercises",status="200"} 1.0' in (
                metrics
            )
            assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
            assert httpx.get(f"{base}/docs").status_code == 200
        finally:
            proc.terminate()
            proc.wait(timeout=20)


STRONG_KEY = "kP3v9QzL1xR7mT2wB8nY4cF6hJ0dS5gA-uE_oI"


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("DATABASE_URL", "sqlite:////data/backpain.db", "DATABASE_URL points at SQLite"),
        ("RATE_LIMIT_STORAGE_URL", "redis://127.0.0.1:{free_port}/0", "did not answer"),
        ("RATE_LIMIT_STORAGE_URL", "memcached://cache:11211", "must be memory://"),
    ],
)
def test_production_server_refuses_to_start_with_one_line(
    tmp_path: Path, setting: str, value: str, says: str
) -> None:
    """The production command exits before serving, with one line naming the setting."""
    env = {
        "PATH": os.environ["PATH"],
        "ENVIRONMENT": "production",
        "JWT_SECRET": STRONG_KEY,
        "DATABASE_URL": "postgresql+psycopg://app@127.0.0.1:1/none",
        "RATE_LIMIT_STORAGE_URL": "memory://",
        "PORT": str(free_port()),
        setting: value.format(free_port=free_port()),
    }
    # From an empty directory, so no stray .env joins in.
    done = subprocess.run(
        [sys.executable, "-m", "app.serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 78
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"configuration error: {setting}")
    assert says in lines[0]
