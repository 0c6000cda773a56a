"""One read path per feature (docs/ARCHITECTURE.md, "Reads and writes").

Every read of portfolio data is a function of ``app.services.queries`` (or, for git
provenance, ``app.services.git_sources``) that takes the read connection or an ORM
session alike. A service function that only hands its session on to one of them is a
second read API for the same feature: this test names it, so it is deleted and its
callers call the read itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[1] / "app" / "services"
READ_MODULES = ("queries", "git_sources")
# Services that look up the ORM row a write is about to change (not a view of it).
ORM_LOOKUPS = {"find_framework", "portfolio_framework"}


def _functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def _body(function: ast.FunctionDef) -> list[ast.stmt]:
    body = function.body
    docstring = body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    return body[1:] if docstring else body


def _delegates_to_a_read(function: ast.FunctionDef) -> str | None:
    """``queries.f`` when the function's whole body is ``return queries.f(...)``."""
    body = _body(function)
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    call = body[0].value
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
        return None
    owner = call.func.value
    if isinstance(owner, ast.Name) and owner.id in READ_MODULES:
        return f"{owner.id}.{call.func.attr}"
    return None


def test_no_service_wraps_a_read_in_a_second_function() -> None:
    wrappers = [
        f"{path.name}: {function.name} only calls {target}"
        for path in sorted(SERVICES.glob("*.py"))
        if path.stem not in READ_MODULES
        for function in _functions(path)
        if (target := _delegates_to_a_read(function)) is not None
    ]
    assert wrappers == [], "call the read itself (it takes a session too): " + "; ".join(wrappers)


def test_no_service_defines_a_read_of_the_same_name() -> None:
    reads = {f.name for f in _functions(SERVICES / "queries.py") if not f.name.startswith("_")}
    twins = [
        f"{path.name}: {function.name}"
        for path in sorted(SERVICES.glob("*.py"))
        if path.stem not in READ_MODULES
        for function in _functions(path)
        if function.name in reads and function.name not in ORM_LOOKUPS
    ]
    assert twins == [], "a read exists twice: " + "; ".join(twins)


def test_the_check_finds_a_wrapper() -> None:
    wrapper = ast.parse(
        'def get_item(session, ref):\n    """An item."""\n'
        "    return queries.get_item(session, ref)\n"
    ).body[0]
    assert isinstance(wrapper, ast.FunctionDef)
    assert _delegates_to_a_read(wrapper) == "queries.get_item"
