"""A real server for tests that drive the API with outside tools (SDKs, a browser): the same
start-up script the container runs, on a fresh database and a free local port."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support import fresh_database

ROOT = Path(__file__).resolve().parents[1]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing_tool(reason: str) -> None:
    """Skip on a laptop without the tool; in CI a missing tool is a broken pipeline."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is an error, not a skip)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(env: dict[str, str] | None = None) -> Iterator[str]:
    """Migrate and seed a fresh database, serve it with uvicorn, yield the base URL."""
    port = free_port()
    with fresh_database() as url, tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            ["sh", str(ROOT / "scripts" / "start.sh")],
            env={
                **os.environ,
                "DATABASE_URL": url,
                "HOST": "127.0.0.1",
                "PORT": str(port),
                "LOG_JSON": "false",
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                **(env or {}),
            },
            # A file, not a pipe: a pipe nobody reads would block the server once full.
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def output() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")[-5000:]

        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                assert proc.poll() is None, f"server exited:\n{output()}"
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"server did not become ready:\n{output()}"
                time.sleep(0.3)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)
