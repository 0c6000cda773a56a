"""The read commands answer without loading SQLAlchemy, Alembic, reportlab or Qt.

Importing SQLAlchemy alone takes longer than a whole ``item list`` (issue 18's
0.25 s target; benchmarks/bench_cli.py prints the figures). These tests check what
a fresh process imported, never how long it took.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from app.cli import COMMAND_MODULES, COMMAND_WORDS, command_modules, main
from app.models.db import make_engine
from app.models.revisions import alembic_config, head_revision, revision_of
from app.models.schema_guard import expected_schema

HEAVY = ("sqlalchemy", "alembic", "reportlab", "PySide6")
WRAPPER = (
    "import sys\n"
    "from app.cli import main\n"
    "code = main(sys.argv[1:])\n"
    f"print('loaded:', [m for m in {HEAVY!r} if m in sys.modules], file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run(capsys: pytest.CaptureFixture[str], *words: str) -> tuple[int, str, str]:
    code = main(list(words))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def pf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "p.sqlite3")
    init = ("init", "--framework", "ST0825", "--name", "Ada Lovelace")
    assert run(capsys, "--file", path, *init)[0] == 0
    add = ("item", "add", "--title", "CI pipeline", "--ksb", "K1,S14", "--status", "ready")
    assert run(capsys, "--file", path, *add)[0] == 0
    # What a user's first init or migration leaves in the data folder: the schema the
    # migrations make, so that opening compares against it without Alembic.
    expected_schema.cache_clear()
    expected_schema(head_revision())
    return path


@pytest.mark.parametrize(
    "words",
    [
        ("item", "list"),
        ("item", "list", "--json", "--ksb", "K1"),
        ("item", "list", "--search", "pipeline"),
        ("item", "show", "E001"),
        ("item", "show", "E001", "--json"),
        ("coverage",),
        ("coverage", "--json"),
        ("frameworks", "list"),
        ("frameworks", "list", "--json"),
        ("frameworks", "show", "ST0825"),
        ("frameworks", "show", "st0825", "--version", "1.0", "--json"),
    ],
)
def test_read_commands_do_not_load_the_orm(pf: str, words: tuple[str, ...]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, "--file", pf, *words], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "E001" in done.stdout or "K1" in done.stdout or "ST0825" in done.stdout
    assert "loaded: []" in done.stderr


def test_a_read_command_migrates_an_old_portfolio_first(
    pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, before, _ = run(capsys, "--file", pf, "item", "show", "E001", "--json")
    config = alembic_config()
    previous = ScriptDirectory.from_config(config).get_revision(head_revision()).down_revision
    assert isinstance(previous, str)
    engine = make_engine(Path(pf))
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), previous)
    engine.dispose()

    code, after, err = run(capsys, "--file", pf, "item", "show", "E001", "--json")
    assert code == 0, err
    assert json.loads(after)["ksbs"] == ["K1", "S14"]
    assert after == before
    assert revision_of(Path(pf)) == head_revision()


def _fingerprint(parser: argparse.ArgumentParser) -> tuple[Any, ...]:
    found: list[Any] = []
    for action in parser._actions:
        found.append((action.dest, tuple(action.option_strings)))
        if isinstance(action, argparse._SubParsersAction):
            found.extend((word, _fingerprint(p)) for word, p in action.choices.items())
    return tuple(found)


def test_command_words_name_every_module_registering_each_word() -> None:
    """A command registers only its word's modules, so COMMAND_WORDS must be complete."""
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    owners: dict[str, list[str]] = {}
    seen: dict[str, tuple[Any, ...]] = {}
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
        now = {word: _fingerprint(p) for word, p in sub.choices.items()}
        for word, print_ in now.items():
            if seen.get(word) != print_:
                owners.setdefault(word, []).append(name)
        seen = now
    assert {word: tuple(names) for word, names in owners.items()} == COMMAND_WORDS


def test_help_and_unknown_words_still_see_every_command() -> None:
    assert command_modules([]) == list(COMMAND_MODULES)
    assert command_modules(["--help"]) == list(COMMAND_MODULES)
    assert command_modules(["--file", "x", "no-such-command"]) == list(COMMAND_MODULES)
    assert command_modules(["--file=x", "item", "list"]) == ["app.cli.core", "app.cli.bulk"]


def test_verify_does_not_load_the_orm(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "p.portfolio"
    assert run(capsys, "--file", pf, "export", "package", str(package))[0] == 0
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, "verify", str(package)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "OK: the signature and all" in done.stdout
    assert "loaded: []" in done.stderr
