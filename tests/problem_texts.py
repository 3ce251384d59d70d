"""Every problem detail and title the service can raise, read from its source: the first
argument of each construction of a `DomainError` subclass (and of `super().__init__` inside
one), resolved to the string or strings it can be. A detail written as an f-string cannot be
translated as a template, so it is reported instead of collected."""

import ast
import importlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import app.main  # noqa: F401  (imports every domain, so every error class exists)
from app.core.errors import DomainError
from app.shared.idempotency import RecordKind

APP = Path(__file__).resolve().parents[1] / "app"


def error_classes() -> dict[str, type[DomainError]]:
    found: dict[str, type[DomainError]] = {}
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending += cls.__subclasses__()
    return found


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(APP.parent).with_suffix("").parts)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, RecordKind):
        # One error class for every kind of record, each kind with its own words.
        return [value.title, value.conflict, value.future]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    return []


def _resolve(node: ast.expr, module: Any, owner: type | None) -> tuple[list[str], list[str]]:
    """(strings, problems) for one argument expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value], []
    if isinstance(node, ast.JoinedStr):
        return [], [f"f-string detail in {module.__name__} line {node.lineno}"]
    if isinstance(node, ast.BoolOp):
        strings: list[str] = []
        problems: list[str] = []
        for operand in node.values:
            s, p = _resolve(operand, module, owner)
            strings += s
            problems += p
        return strings, problems
    if isinstance(node, ast.Name):
        return _strings(getattr(module, node.id, None)), []
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        base = node.value.id
        holder = owner if base in ("self", "cls") else getattr(module, base, None)
        return _strings(getattr(holder, node.attr, None)), []
    if isinstance(node, ast.Subscript):
        return _resolve(node.value, module, owner)
    return [], []


def _detail_argument(call: ast.Call) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "detail"), None)


@cache
def problem_texts() -> tuple[dict[str, str], list[str]]:
    """({text: where}, problems)."""
    classes = error_classes()
    texts: dict[str, str] = {}
    problems: list[str] = []
    for cls in classes.values():
        texts[cls.title] = f"problem title {cls.__name__}"
    for path in sorted(APP.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = importlib.import_module(_module_name(path))
        for node, owner in _calls(tree, classes):
            argument = _detail_argument(node)
            if argument is None:
                continue
            strings, found = _resolve(argument, module, owner)
            problems += found
            where = f"problem detail {path.relative_to(APP.parent).as_posix()}"
            texts |= {s: where for s in strings}
    return texts, problems


def _calls(tree: ast.AST, classes: dict[str, type[DomainError]]) -> Iterator[tuple[ast.Call, Any]]:
    """Each construction of an error class, and `super().__init__(...)` in one."""

    def walk(node: ast.AST, owner: type | None) -> Iterator[tuple[ast.Call, Any]]:
        for child in ast.iter_child_nodes(node):
            inner = owner
            if isinstance(child, ast.ClassDef):
                inner = classes.get(child.name)
            if isinstance(child, ast.Call):
                func = child.func
                name = func.id if isinstance(func, ast.Name) else None
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
                    name = func.attr if func.attr in classes else None
                if name in classes:
                    yield child, classes[name]
                elif (
                    owner is not None
                    and isinstance(func, ast.Attribute)
                    and func.attr == "__init__"
                    and isinstance(func.value, ast.Call)
                    and isinstance(func.value.func, ast.Name)
                    and func.value.func.id == "super"
                ):
                    yield child, owner
            yield from walk(child, inner)

    yield from walk(tree, None)
