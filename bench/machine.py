"""What the figures were measured on: the machine, the software and the code."""

import dataclasses
import importlib.metadata
import json
import os
import platform
import re
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bench.report import Meta, Row
from bench.servers import ROOT, base_env

# Whichever of these the environment holds: the server and its event loop and HTTP parser.
SERVER_PACKAGES = ("uvicorn", "granian", "gunicorn", "hypercorn", "uvloop", "httptools")


def loadavg() -> tuple[float, float, float]:
    return os.getloadavg()


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else platform.processor() or "unknown CPU"


def slug(cpu: str, cores: int) -> str:
    """A file-name part that tells machines apart: CPU model and core count."""
    plain = re.sub(r"\((r|tm)\)", "", cpu.lower())
    plain = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40].strip("-")
    return f"{plain}-{cores}cpu"


def _first_line(argv: list[str]) -> str:
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, check=False, timeout=30, env=base_env({})
        )
    except OSError:
        return ""
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else ""


def _version(package: str) -> str:
    try:
        return f"{package} {importlib.metadata.version(package)}"
    except importlib.metadata.PackageNotFoundError:
        return ""


def postgresql_version(url: str) -> str:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar_one()
        engine.dispose()
    except sa.exc.SQLAlchemyError:
        return ""
    return f"PostgreSQL {str(version).split()[0]}"


@dataclass(frozen=True)
class Machine:
    machine: str
    cores: int
    slug: str
    code: str
    tools: list[str]

    def software(self, postgresql: str) -> str:
        return ", ".join(t for t in [*self.tools, postgresql] if t)


def describe() -> Machine:
    cpu = cpu_model()
    cores = os.cpu_count() or 1
    wrk = re.search(r"^wrk (\S+)", _first_line(["wrk", "-v"]))
    servers = [_version(name) for name in SERVER_PACKAGES]
    tools = [
        f"Python {platform.python_version()}",
        *(found for found in servers if found),
        f"wrk {wrk.group(1)}" if wrk else "wrk",
        f"SQLite {sqlite3.sqlite_version}",
    ]
    return Machine(
        machine=f"{cpu}, {cores} cores, {platform.system()} {platform.release()}",
        cores=cores,
        slug=slug(cpu, cores),
        code=_code(),
        tools=tools,
    )


def _code() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False, timeout=30
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "unknown (not a git checkout)"
    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    # Results written by this run are not a change to the code measured.
    dirty = [
        line
        for line in git("status", "--porcelain").splitlines()
        if not line[3:].startswith("bench/results/")
    ]
    return f"{commit} on {branch}" + (" with uncommitted changes" if dirty else "")


def to_json(meta: Meta, rows: list[Row]) -> str:
    return json.dumps(
        {"meta": dataclasses.asdict(meta), "rows": [dataclasses.asdict(r) for r in rows]},
        indent=1,
        default=str,
    )
