"""Every command the README tells someone to run answers `--help` with its usage, the settings
it reads and its exit codes, exits 0, and does nothing else: no database, no job queue, no
temporary directory, no install, no server or worker left running."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Each test starts a Python process or two that import the service.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# (how it is run, settings its help must name)
PYTHON_COMMANDS = {
    "python -m app.worker": (["-m", "app.worker"], ["DATABASE_URL", "JOB_QUEUE_URL"]),
    "backpain-worker": ([str(BIN / "backpain-worker")], ["JOB_QUEUE_URL", "PUSH_SENDER"]),
    "python -m app.serve": (["-m", "app.serve"], ["DATABASE_URL", "JWT_SECRET", "PORT"]),
    "backpain-serve": ([str(BIN / "backpain-serve")], ["WEB_CONCURRENCY"]),
    "python -m app.migrate": (["-m", "app.migrate"], ["DATABASE_URL"]),
    "backpain-migrate": ([str(BIN / "backpain-migrate")], ["DATABASE_URL"]),
    "python -m seed": (["-m", "seed"], ["DATABASE_URL"]),
    "python -m app.accounts.outbox": (["-m", "app.accounts.outbox"], ["SMTP_HOST"]),
    "python -m app.accounts.purge": (["-m", "app.accounts.purge"], ["DATABASE_URL"]),
}
# Settings whose defaults would create something in the working directory or elsewhere.
UNSET = ("DATABASE_URL", "JOB_QUEUE_URL", "PROMETHEUS_MULTIPROC_DIR", "JWT_SECRET", "ENVIRONMENT")


def _environment(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    # A temporary directory made by the command would show up here.
    env["TMPDIR"] = str(tmp / "tmpdir")
    return env


def _files(folder: Path) -> set[str]:
    """Every path under the folder, symlinks not followed."""
    found = set()
    for top, dirs, names in os.walk(folder):
        for name in dirs + names:
            found.add(os.path.relpath(os.path.join(top, name), folder))
    return found


def _check_help(result: subprocess.CompletedProcess[str], settings: list[str]) -> None:
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("usage: "), out[:300]
    assert "exit codes:" in out and "\n  0 " in out, out
    for name in settings:
        assert name in out, (name, out)


@pytest.mark.parametrize("name", sorted(PYTHON_COMMANDS))
def test_python_commands_answer_help_and_do_nothing_else(name: str, tmp_path: Path) -> None:
    args, settings = PYTHON_COMMANDS[name]
    if not args[0].startswith("-") and not Path(args[0]).exists():
        pytest.skip(f"{name} is not installed in this environment")
    work = tmp_path / "work"
    (tmp_path / "tmpdir").mkdir()
    work.mkdir()
    env = _environment(tmp_path)
    env["PYTHONPATH"] = str(ROOT)
    command = [sys.executable, *args] if args[0].startswith("-") else args
    # A worker or server that started instead would run until this timeout.
    result = subprocess.run(
        [*command, "--help"], cwd=work, env=env, capture_output=True, text=True, timeout=60
    )
    _check_help(result, settings)
    assert _files(work) == set(), "the working directory gained files (a database?)"
    assert _files(tmp_path / "tmpdir") == set(), "a temporary directory was made"


def _sandbox(tmp_path: Path, script: str) -> Path:
    """A copy of the repository's layout where only the script itself is real: the rest are
    links into the checkout, and `scripts/bootstrap.sh`, `scripts/start.sh` and everything
    else the script might run are missing, so any install or start fails loudly."""
    repo = tmp_path / "repo"
    target = repo / script
    target.parent.mkdir(parents=True)
    shutil.copy2(ROOT / script, target)
    (repo / ".venv").symlink_to(ROOT / ".venv")
    if script.startswith("bench/"):
        # `python -m bench --help` needs the package (and the service it imports).
        for item in (ROOT / "bench").iterdir():
            if item.name not in ("run", "__pycache__", "results"):
                (repo / "bench" / item.name).symlink_to(item)
        (repo / "app").symlink_to(ROOT / "app")
        (repo / "seed").symlink_to(ROOT / "seed")
    return repo


SCRIPTS = {
    "scripts/run": ["HOST, PORT", "DATABASE_URL", "JWT_SECRET"],
    "scripts/test": ["DATABASE_URL", "CI"],
    "bench/run": ["--pg-url", "--smoke"],
}


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_scripts_answer_help_and_do_nothing_else(script: str, tmp_path: Path) -> None:
    repo = _sandbox(tmp_path, script)
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / "tmpdir").mkdir()
    before = _files(repo)
    result = subprocess.run(
        [str(repo / script), "--help"],
        cwd=work,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    _check_help(result, SCRIPTS[script])
    assert _files(repo) == before, "the script changed the checkout"
    assert _files(work) == set()
    assert _files(tmp_path / "tmpdir") == set()


def test_the_test_script_says_what_it_passes_to_pytest(tmp_path: Path) -> None:
    repo = _sandbox(tmp_path, "scripts/test")
    result = subprocess.run(
        [str(repo / "scripts/test"), "--help"], capture_output=True, text=True, timeout=60
    )
    own, _, passed_through = result.stdout.partition("pytest's own options follow")
    assert "Every other argument goes to pytest" in own
    assert "usage: python -m pytest" in passed_through


def test_a_script_refuses_what_it_does_not_take(tmp_path: Path) -> None:
    repo = _sandbox(tmp_path, "scripts/run")
    result = subprocess.run(
        [str(repo / "scripts/run"), "--port=9000"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "scripts/run --help" in result.stderr
