"""The production image, checked without a container engine: what the build context holds
(.dockerignore), what each Dockerfile stage does, and that the locked install of exactly that
context migrates and serves, with the image's own health check passing."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.live_server import free_port, missing_tool
from tests.support import BACKEND, fresh_database

ROOT = Path(__file__).resolve().parents[2]
TOP_LEVEL = {"pyproject.toml", "uv.lock", "README.md", "alembic.ini"}
PACKAGES = ("app/", "seed/", "migrations/")


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker reads it: `*` and `?` stop at `/`, `**` does not."""
    pattern = pattern.strip().strip("/")
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    rules = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            rules.append((line.startswith("!"), pattern_regex(line.lstrip("!"))))
    return rules


def in_context(path: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    included = True
    for negated, regex in rules:
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            included = negated
    return included


def tracked_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout to list the repository's files")
    out = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()


def context_files() -> list[str]:
    rules = ignore_rules()
    return [path for path in tracked_files() if in_context(path, rules)]


def stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), one list per stage."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    result: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            result.append([])
        if result:
            result[-1].append(line)
    return result


def test_the_build_context_is_the_app_and_nothing_else() -> None:
    files = context_files()
    assert set(files) >= TOP_LEVEL
    assert {"app/main.py", "migrations/env.py", "seed/catalog.json"} <= set(files)
    stray = [f for f in files if f not in TOP_LEVEL and not f.startswith(PACKAGES)]
    assert stray == []
    rules = ignore_rules()
    for kept_out in (
        ".env",
        "app/.env",
        ".env.production",
        "tests/conftest.py",
        ".ci/run",
        "backpain.db",
        ".venv/bin/python",
        "app/__pycache__/main.cpython-311.pyc",
    ):
        assert not in_context(kept_out, rules), kept_out


def test_the_runtime_stage_holds_only_the_built_app_and_serves_as_non_root() -> None:
    build, runtime = stages()
    assert any("uv sync --frozen" in line for line in build)
    copies = [line for line in build if line.upper().startswith("COPY ")]
    rules = ignore_rules()
    for line in copies:
        for source in line.split()[1:-1]:
            assert in_context(source.rstrip("/"), rules), f"{source} is not in the context"
    runtime_copies = [line for line in runtime if line.upper().startswith("COPY ")]
    assert runtime_copies and all("--from=build" in line for line in runtime_copies)
    assert not any(re.search(r"\b(pip|uv) ", line) for line in runtime)
    user = next(line for line in runtime if line.startswith("USER "))
    assert user.split()[1].split(":")[0] not in ("0", "root")
    assert any(line.startswith("HEALTHCHECK ") for line in runtime)
    assert runtime[-1] == 'CMD ["backpain-serve"]'


def healthcheck_command() -> list[str]:
    _, runtime = stages()
    line = next(line for line in runtime if line.startswith("HEALTHCHECK "))
    command: list[str] = json.loads(line[line.index("CMD ") + 4 :])
    return command


@pytest.mark.slow
def test_the_locked_install_of_the_context_migrates_and_serves(tmp_path: Path) -> None:
    """What the build stage does, on this machine: `uv sync --frozen --no-dev` of the context
    alone. The result has no test tools, and it migrates, serves and passes its health check."""
    uv = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(uv).exists():
        missing_tool("uv is not installed (scripts/bootstrap.sh installs it into .tools/)")
    app_dir = tmp_path / "app"
    for name in context_files():
        (app_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, app_dir / name)
    venv = app_dir / ".venv"
    subprocess.run(
        [uv, "sync", "--quiet", "--frozen", "--no-dev", "--python", sys.executable],
        cwd=app_dir,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv), "VIRTUAL_ENV": ""},
        check=True,
        timeout=300,
    )
    python = venv / "bin" / "python"
    assert subprocess.run([python, "-c", "import pytest"], capture_output=True).returncode != 0
    port = free_port()
    with fresh_database() as url:
        env = {
            "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
            "DATABASE_URL": url,
            "ENVIRONMENT": "production" if BACKEND == "postgresql" else "development",
            "JWT_SECRET": "kP3v9QzL1xR7mT2wB8nY4cF6hJ0dS5gA-uE_oI",
            "HOST": "127.0.0.1",
            "PORT": str(port),
        }
        subprocess.run(["backpain-migrate"], env=env, cwd=app_dir, check=True, timeout=120)
        log = (tmp_path / "serve.log").open("w+b")
        server = subprocess.Popen(
            ["backpain-serve"], env=env, cwd=app_dir, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the server did not become ready"
                time.sleep(0.3)
            assert httpx.get(f"{base}/v1/exercises").json()["count"] == 5
            # The image's HEALTHCHECK, run as the container runtime would.
            check = subprocess.run(healthcheck_command(), env=env, timeout=30)
            assert check.returncode == 0
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
