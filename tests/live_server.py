"""A real server for tests that drive the API with outside tools (SDKs, a browser): the same
start-up script the container runs, on a fresh database and a free local port."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import httpx
import pytest

from tests.support import fresh_database

ROOT = Path(__file__).resolve().parents[1]
# Its sitecustomize gives a server's processes the suite's cheap password hashing.
SERVER_SITE = Path(__file__).resolve().parent / "server_site"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing_tool(reason: str) -> NoReturn:
    """Skip on a laptop without the tool; in CI a missing tool is a broken pipeline."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true, so this is an error, not a skip)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """The service as an operator runs it (`scripts/start.sh`: migrate, seed, serve) on a given
    database and a free local port; it can be killed and started again on the same data."""

    def __init__(
        self,
        database_url: str,
        env: dict[str, str] | None = None,
        *,
        cheap_password_hashing: bool = True,
    ) -> None:
        self.database_url = database_url
        self.cheap_password_hashing = cheap_password_hashing
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = env or {}
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-5000:]

    def start(self, timeout: float = 90) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "LOG_JSON": "false",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            **self.env,
        }
        if self.cheap_password_hashing:
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(SERVER_SITE), env.get("PYTHONPATH")) if p
            )
        self.proc = subprocess.Popen(
            ["sh", str(ROOT / "scripts" / "start.sh")],
            env=env,
            # A file, not a pipe: a pipe nobody reads would block the server once full.
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, f"server exited:\n{self.output()}"
            try:
                if httpx.get(f"{self.base}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"server did not become ready:\n{self.output()}"
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing, as in a crash or an OOM kill."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=20)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=20)

    def close(self) -> None:
        self.stop()
        self._log.close()


@contextmanager
def live_server(env: dict[str, str] | None = None) -> Iterator[str]:
    """Migrate and seed a fresh database, serve it with uvicorn, yield the base URL."""
    with fresh_database() as url:
        server = ServerProcess(url, env)
        try:
            server.start()
            yield server.base
        finally:
            server.close()
