"""The ground floor of app/: the plumbing (`core`) and the catalog (`exercises`) import no
domain, so every feature can stand on them. Read from the source, imports inside functions
included."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "app"

# What each ground-floor package may import besides itself: `i18n` is the language layer and
# `media` the moves' drawings, and both import only `core` (checked below).
ALLOWED = {
    "core": {"i18n"},
    "i18n": {"contract", "core", "shared"},
    "media": {"contract", "core", "shared"},
    "exercises": {"contract", "core", "i18n", "media", "shared"},
    "shared": {"core", "i18n"},
    "contract": {"core", "i18n", "shared"},
}


def imported_packages(package: str) -> dict[str, set[str]]:
    """The other packages of app/ that `package` imports, each with the files importing it."""
    found: dict[str, set[str]] = {}
    for path in sorted((APP / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "app" and len(parts) > 1 and parts[1] != package:
                    found.setdefault(parts[1], set()).add(str(path.relative_to(APP)))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_the_ground_floor_imports_no_domain(package: str) -> None:
    imports = imported_packages(package)
    assert set(imports) <= ALLOWED[package], {
        name: files for name, files in imports.items() if name not in ALLOWED[package]
    }


def test_the_check_sees_imports() -> None:
    """The reader finds what a domain imports (so an empty answer above means something)."""
    assert {"core", "exercises", "safety"} <= set(imported_packages("routines"))
