"""A TypeScript integrator's view: generate types from the committed openapi.json with
openapi-typescript (versions pinned in tests/sdk/package-lock.json), type-check a client
written against them with `tsc --strict`, and run it against a live server."""

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.live_server import ROOT
from tests.node_tools import SDK_DIR, run, sdk_node_modules, type_escapes

# What tsconfig.json checks, and a client that drifts from the contract, which must not compile.
CLIENT_FILES = ["usage.ts", "drive.ts"]
BROKEN_FILE = "broken_usage.ts"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def node_modules() -> Path:
    return sdk_node_modules()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, node_modules: Path) -> Path:
    """The client sources next to freshly generated `schema.d.ts`."""
    path = tmp_path_factory.mktemp("ts")
    for name in (*CLIENT_FILES, BROKEN_FILE, "tsconfig.json"):
        shutil.copy(SDK_DIR / name, path / name)
    (path / "node_modules").symlink_to(node_modules, target_is_directory=True)
    return path


@pytest.fixture(scope="module")
def generator_output(workdir: Path) -> str:
    result = run(
        [
            "node",
            "node_modules/openapi-typescript/bin/cli.js",
            str(ROOT / "openapi.json"),
            # Request bodies reuse component schemas, so a default there must not make a
            # field required; response models already list every field they always send.
            "--default-non-nullable",
            "false",
            "--output",
            "schema.d.ts",
        ],
        workdir,
    )
    printed = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, printed
    return printed


def test_generator_has_nothing_to_say_about_the_schema(
    workdir: Path, generator_output: str
) -> None:
    printed = generator_output
    lines = printed.splitlines()
    # A version banner and the "openapi.json -> schema.d.ts" line; anything else is a warning
    # (from the generator or its bundled linter) about our schema.
    assert len(lines) == 2, printed
    assert "openapi-typescript 7.13.0" in lines[0]
    assert "schema.d.ts" in lines[1]
    assert "warn" not in printed.lower() and "⚠" not in printed
    types = (workdir / "schema.d.ts").read_text()
    for operation in ("list_exercises", "get_exercise", "create_recommendation", "login"):
        assert f"{operation}: {{" in types, operation


@dataclass
class TypeCheck:
    """One `tsc --strict` run over the client sources and the code that must not compile."""

    returncode: int
    printed: str
    errors: dict[str, list[str]]
    """Error lines by the file they are about ("" for errors about no file)."""


@pytest.fixture(scope="module")
def type_check(workdir: Path, generator_output: str) -> TypeCheck:
    """The project in tsconfig.json (the client, `usage.ts` and `drive.ts`) plus
    `broken_usage.ts`, checked and emitted to out/ by one compiler run: loading the generated
    types is most of tsc's time. The files are modules, so an error in one says nothing about
    the others; `drive.js` is what the live-server test runs."""
    (workdir / "tsconfig.all.json").write_text(
        json.dumps(
            {
                "extends": "./tsconfig.json",
                "compilerOptions": {"noEmit": False, "outDir": "out"},
                "files": [*CLIENT_FILES, BROKEN_FILE],
            }
        )
    )
    result = run(
        [
            "node",
            "node_modules/typescript/bin/tsc",
            "--strict",
            "--pretty",
            "false",
            "-p",
            "tsconfig.all.json",
        ],
        workdir,
    )
    printed = result.stdout + result.stderr
    errors: dict[str, list[str]] = {}
    about = ""
    for line in printed.splitlines():
        if not line.strip():
            continue
        match = re.match(r"([^\s(]+\.ts)\(\d+,\d+\): error ", line)
        if match:
            about = match.group(1)
        elif not line.startswith(" "):  # indented lines go on the error above
            about = ""
        errors.setdefault(about, []).append(line)
    return TypeCheck(result.returncode, printed, errors)


def test_client_code_type_checks_under_strict(type_check: TypeCheck) -> None:
    assert set(type_check.errors) <= {BROKEN_FILE}, type_check.printed


def test_client_code_needs_no_cast_or_any() -> None:
    for name in CLIENT_FILES:
        assert type_escapes(SDK_DIR / name) == [], name


def test_type_check_rejects_code_that_breaks_the_contract(type_check: TypeCheck) -> None:
    assert type_check.returncode != 0
    output = "\n".join(type_check.errors.get(BROKEN_FILE, []))
    assert '"elbow"' in output, type_check.printed
    assert '"/v1/no-such-path"' in output, type_check.printed
    # A warning-sign id pushed where cautions go, without reading `answer_in` first.
    assert "Type '\"saddle_numbness\"' is not assignable" in output, type_check.printed


def test_client_drives_a_live_server(
    workdir: Path, type_check: TypeCheck, live_base_url: str
) -> None:
    """Optional auth used anonymously, HEAD, a 304, a move's pictures, two devices of one
    account that converge through the sync loop, and the safety state holding exercise until
    the person was seen."""
    assert set(type_check.errors) <= {BROKEN_FILE}, type_check.printed
    (workdir / "out" / "package.json").write_text('{"type": "module"}')
    result = subprocess.run(
        ["node", "out/drive.js"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "BASE_URL": live_base_url},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "mid-back-mobility" in seen["curated"]
    assert seen["head"] == 200 and seen["etag"].startswith('W/"')
    assert seen["steps"] > 0 and seen["revalidated"] == "unchanged"
    # A still with alt text for every step, the 3x PNG served for good, routine thumbnails.
    assert seen["stills"] == [[n, True] for n in range(1, seen["steps"] + 1)]
    assert seen["png"] == [200, "image/png", "public, max-age=31536000, immutable"]
    assert seen["routineThumbnail"].startswith("/v1/media/")
    # Both devices hold the same sessions: three logged, one deleted on each side.
    assert seen["phone"] == seen["laptop"] and len(seen["phone"]) == 2
    assert not set(seen["deleted"]) & set(seen["phone"])
    # A same-day concern: its guidance instead of the day's routines, until seen.
    assert seen["held"].startswith("Please have a doctor check you today")
    assert seen["after"] == ["clear", "allowed"]
