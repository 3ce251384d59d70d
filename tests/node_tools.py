"""The pinned Node packages of tests/sdk (package-lock.json), for the TypeScript SDK tests."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.live_server import ROOT, in_ci, missing_tool

SDK_DIR = ROOT / "tests" / "sdk"
# What would let client code compile without the contract typing it: a cast, `any`, a comment
# that silences the checker, a non-null assertion.
_ESCAPES = re.compile(r" as |\bany\b|@ts-|[\w)\]]!(?!=)")


def run(
    args: list[str], cwd: Path, timeout: int = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def sdk_node_modules() -> Path:
    """tests/sdk/node_modules, installed with `npm ci` if it is not there yet (CI installs it
    in .ci/run). Skips without Node.js, except in CI."""
    if shutil.which("node") is None:
        missing_tool("Node.js is not installed (CI installs it in .ci/run)")
    installed = SDK_DIR / "node_modules"
    if not (installed / ".package-lock.json").exists():
        npm = shutil.which("npm")
        if npm is None:
            missing_tool("npm is not installed")
        result = run([npm, "ci", "--no-audit", "--no-fund"], SDK_DIR, timeout=600)
        if result.returncode != 0:
            reason = f"`npm ci` in tests/sdk failed:\n{result.stdout}\n{result.stderr}"
            if in_ci():
                pytest.fail(reason)
            pytest.skip(reason)
    return installed


def type_escapes(source: Path) -> list[str]:
    """The lines of a TypeScript file that step around the type checker, with their numbers."""
    lines = source.read_text().splitlines()
    return [f"{n}: {line}" for n, line in enumerate(lines, start=1) if _ESCAPES.search(line)]
