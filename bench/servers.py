"""Server processes as an operator starts them: the service through `scripts/start.sh`, the
reference app through the service's own serving code with the app swapped, so that both run on
the same server with the same options."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.httpc import status_or_none

ROOT = Path(__file__).resolve().parents[1]
START_SH = ROOT / "scripts" / "start.sh"
# The reference app on the service's own server and options (bench/serve_reference.py).
REFERENCE_ARGV = [sys.executable, "-m", "bench.serve_reference"]
VENV_BIN = Path(sys.executable).parent


class Failure(Exception):
    """Something the harness needs did not happen; the measurement it was for is void."""


def serve_command(start_sh: str | None = None) -> str:
    """The `exec` line that ends `scripts/start.sh`: the serving step on its own."""
    text = (start_sh if start_sh is not None else START_SH.read_text()).replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("exec ")]
    if len(lines) != 1:
        raise Failure("scripts/start.sh should end in one `exec` line that starts the server")
    return lines[0]


def base_env(extra: dict[str, str]) -> dict[str, str]:
    """A small, fixed environment, so that settings from the caller's shell (a log level, a
    worker count) do not change what is measured; `extra` adds the run's own settings."""
    env = {"PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"}
    for name in ("HOME", "LANG", "LC_ALL", "TMPDIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env | extra


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """One server process tree on a free loopback port, its output in a temporary file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.argv = argv
        self.port = free_port()
        self.env = env | {"HOST": "127.0.0.1", "PORT": str(self.port)}
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str, timeout: float = 180, poll: float = 0.01) -> float:
        """Start and wait until `ready_path` answers 200; returns seconds from exec to ready."""
        began = time.perf_counter()
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            # A file, not a pipe: a pipe nobody reads would stall the server once full.
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        while True:
            if status_or_none(self.port, ready_path) == 200:
                return time.perf_counter() - began
            if self.proc.poll() is not None:
                raise Failure(f"{self.name} exited with {self.proc.returncode}:\n{self.output()}")
            if time.perf_counter() - began > timeout:
                self.stop()
                raise Failure(f"{self.name} was not ready within {timeout:g} s:\n{self.output()}")
            time.sleep(poll)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def ensure_alive(self) -> None:
        if not self.alive():
            raise Failure(f"{self.name} died:\n{self.output()}")

    def output(self, tail: int = 4000) -> str:
        if self._log.closed:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-tail:]

    def errors_logged(self) -> list[str]:
        """Lines of the output that show an unhandled error."""
        self._log.seek(0)
        text = self._log.read().decode(errors="replace")
        return [line for line in text.splitlines() if "Traceback" in line][:5]

    def tree_pids(self) -> tuple[list[int], dict[int, list[int]]]:
        if self.proc is None:
            return [], {}
        children = _children_by_parent()
        tree, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, []))
        return tree, children

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the leaves of the process tree (the server
        itself with one worker; the workers under a supervisor otherwise)."""
        tree, children = self.tree_pids()
        return [pid for pid in tree if not children.get(pid) and not _tracker(pid)]

    def cpu_ticks(self) -> int:
        """User and system CPU time of the whole process tree so far, in clock ticks."""
        total = 0
        for pid in self.tree_pids()[0]:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime and stime
        return total

    def settle(self, window: float = 0.25, quiet_windows: int = 3, limit: float = 60) -> float:
        """Wait until the server has finished the work a load left behind (requests still
        queued for a thread, a lock or a connection when wrk stopped), judged by its CPU time
        standing still; returns the seconds waited. Without this, the backlog of one round
        would slow the next, whichever app that round loads."""
        began = time.perf_counter()
        quiet, last = 0, self.cpu_ticks()
        while quiet < quiet_windows and time.perf_counter() - began < limit:
            time.sleep(window)
            now = self.cpu_ticks()
            # At most one tick (10 ms at the usual 100 Hz) per window: idle.
            quiet = quiet + 1 if now - last <= 1 else 0
            last = now
        return time.perf_counter() - began

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)

    def close(self) -> None:
        self.stop()
        self._log.close()


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        # The command name is in parentheses and may itself hold spaces or parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _tracker(pid: int) -> bool:
    """Python's multiprocessing starts a resource tracker beside spawned workers."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # gone
    return b"multiprocessing.resource_tracker" in cmdline


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) of a process, in KiB, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
    return {name: int(value) for name, value in found.items()}
