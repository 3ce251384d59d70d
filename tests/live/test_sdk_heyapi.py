"""A TypeScript integrator's view with hey-api: generate an SDK from the committed openapi.json
with @hey-api/openapi-ts and its fetch client (pinned in tests/sdk/package-lock.json), compile
the app's first day against it with `tsc --strict` (tests/sdk/heyapi_flow.ts: sign up, verify
the address, sign in, consent, the safety screen, a recommendation, a routine, a session, the
list and summary, a conditional GET answered 304, the report as PDF and CSV, the export), and
run it against a live server. The flow has no cast, no `any` and no silenced error: what it
needs, the contract has to type."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live_server import ROOT, live_server
from tests.node_tools import SDK_DIR, run, sdk_node_modules, type_escapes

pytestmark = pytest.mark.slow

FLOW = "heyapi_flow.ts"
BROKEN = "heyapi_broken.ts"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """A development server of its own: one worker, so the development mailbox the flow reads
    the verification email from is the one that sent it."""
    env = {
        "ENVIRONMENT": "development",
        "SMTP_HOST": "",
        "WEB_CONCURRENCY": "1",
        "AUTH_RATE_LIMIT": "1000",
    }
    with live_server(env) as url:
        yield url


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node_modules = sdk_node_modules()
    path = tmp_path_factory.mktemp("heyapi")
    for name in (FLOW, BROKEN, "tsconfig.json", "tsconfig.heyapi.json"):
        (path / name).write_bytes((SDK_DIR / name).read_bytes())
    (path / "node_modules").symlink_to(node_modules, target_is_directory=True)
    return path


@pytest.fixture(scope="module")
def generator_output(workdir: Path) -> list[str]:
    result = run(
        [
            "node",
            "node_modules/@hey-api/openapi-ts/bin/run.js",
            "--file",
            str(SDK_DIR / "openapi-ts.config.mjs"),
        ],
        workdir,
    )
    printed = _ANSI.sub("", result.stdout + result.stderr).strip()
    assert result.returncode == 0, printed
    return [line.strip() for line in printed.splitlines() if line.strip()]


def test_generator_has_nothing_to_say_about_the_schema(
    workdir: Path, generator_output: list[str]
) -> None:
    # The version banner and three progress lines; anything else is about our schema.
    lines = generator_output
    assert lines[0] == "@hey-api/openapi-ts v0.95.0", lines
    assert len(lines) == 4 and str(ROOT / "openapi.json") in lines[2], lines
    assert "Done!" in lines[3], lines
    sdk = (workdir / "heyapi" / "sdk.gen.ts").read_text()
    for operation in ("listScreeningQuestions", "getReportPdf", "getReportCsv", "exportMe"):
        assert f"export const {operation} = " in sdk, operation


def test_the_flow_needs_no_cast_any_or_silenced_error() -> None:
    assert "./heyapi/index.js" in (SDK_DIR / FLOW).read_text()
    assert type_escapes(SDK_DIR / FLOW) == []


@pytest.fixture(scope="module")
def type_check(workdir: Path, generator_output: list[str]) -> tuple[int, str]:
    """The flow and the code that must not compile, in one `tsc --strict` run that also
    emits the flow to out/ for Node."""
    (workdir / "tsconfig.run.json").write_text(
        json.dumps(
            {
                "extends": "./tsconfig.heyapi.json",
                "compilerOptions": {"noEmit": False, "outDir": "out"},
                "files": [FLOW, BROKEN],
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
            "tsconfig.run.json",
        ],
        workdir,
    )
    return result.returncode, result.stdout + result.stderr


def test_the_flow_type_checks_under_strict(type_check: tuple[int, str]) -> None:
    _, printed = type_check
    about_others = [
        line
        for line in printed.splitlines()
        if re.match(r"[^\s(]+\.ts\(\d+,\d+\): error ", line) and not line.startswith(BROKEN)
    ]
    assert about_others == [], printed


def test_the_type_check_rejects_code_that_breaks_the_contract(
    type_check: tuple[int, str],
) -> None:
    returncode, printed = type_check
    assert returncode != 0
    assert '"elbow"' in printed, printed
    # A warning sign's id sent in `cautions`, without reading `answer_in` first.
    assert re.search(r"heyapi_broken\.ts\(1[0-9],\d+\): error TS2322", printed), printed
    assert '"saddle_numbness"' in printed, printed


def test_the_flow_drives_a_live_server(
    workdir: Path, type_check: tuple[int, str], base_url: str
) -> None:
    (workdir / "out" / "package.json").write_text('{"type": "module"}')
    result = run(
        ["node", f"out/{FLOW.removesuffix('.ts')}.js"], workdir, 120, {"BASE_URL": base_url}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["registered"][0] == 201 and seen["registered"][1].startswith("heyapi-")
    assert seen["verified"] == [204, True]
    assert seen["consented"] == [201, True]
    # One caution answered yes, typed for and sent in `cautions`.
    assert len(seen["cautions"]) == 1 and seen["redFlags"] == []
    assert seen["triage"] == "self_care" and seen["moves"]
    assert seen["routineSteps"] == seen["moves"]
    assert seen["listed"] == [seen["logged"]]
    assert seen["averagePainChange"] == -3
    # The conditional GET: a 304 with no body, the copy held kept.
    assert seen["etag"].startswith('W/"')
    assert seen["revalidated"] == [304, seen["moves"][0]]
    size, start, media_type = seen["pdf"]
    assert size > 1000 and start == "%PDF-" and media_type == "application/pdf"
    assert seen["csv"].startswith("date,")
    assert seen["exportSessions"] == [seen["logged"]]
    assert sorted(seen["exportConsents"]) == ["health_data", "privacy_notice", "terms"]
    # Every section the export sends is a typed field, and every typed field is sent.
    assert seen["sectionsSent"] == seen["sectionsTyped"]
