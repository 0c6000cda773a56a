"""Control characters in stored text never reach the terminal raw; the text stays exact."""

from __future__ import annotations

import copy
import json
import re
import sqlite3
from pathlib import Path

import pytest

from app.cli.terminal import sanitise
from app.models.db import Database
from tests.cli_run import run
from tests.package_helpers import ST0999

# What a hostile title, name or standard could carry: (id, text)
CONTROL_STRINGS = [
    ("clear screen", "Fine\x1b[2J\x1b[H"),
    ("recolour", "\x1b[31mred\x1b[0m title"),
    ("title bar", "\x1b]0;owned\x07 window"),
    ("OSC 52 clipboard", "\x1b]52;c;ZWNobyBwd25lZA==\x07copy"),
    ("8-bit CSI", "before\x9b2Jafter"),
    ("carriage return", "real title\rfake title"),
    ("backspace", "abc\x08\x08\x08xyz"),
    ("right-to-left override", "invoice\u202egnp.exe"),
    ("NUL and DEL", "nul\x00del\x7f"),
    ("line separator", "one\u2028two"),
]
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@pytest.fixture(params=CONTROL_STRINGS, ids=[c[0] for c in CONTROL_STRINGS])
def hostile_text(request: pytest.FixtureRequest) -> str:
    return str(request.param[1])


def test_item_commands_print_no_control_characters(
    db: Database,
    portfolio_path: Path,
    capsys: pytest.CaptureFixture[str],
    hostile_text: str,
    tmp_path: Path,
) -> None:
    db.close()
    body = tmp_path / "body.md"
    body.write_text(f"Reflection {hostile_text}", encoding="utf-8")
    code, _ref, err = run(
        capsys, "--file", portfolio_path, "item", "add", "--title", hostile_text,
        "--body-file", body, "--ksb", "K1",
    )  # fmt: skip
    assert (code, err) == (0, ""), err
    conn = sqlite3.connect(portfolio_path)
    stored = conn.execute("SELECT title, body FROM items").fetchone()
    conn.close()
    assert stored == (hostile_text, f"Reflection {hostile_text}")  # stored exactly

    for args in (["item", "list"], ["item", "show", "E001"], ["item", "list", "--search", "x"]):
        code, out, err = run(capsys, "--file", portfolio_path, *args)
        assert code == 0
        assert not RAW.search(out) and not RAW.search(err)
    code, out, _err = run(capsys, "--file", portfolio_path, "item", "list")
    assert sanitise(hostile_text) in out

    # --json stays valid JSON and gives back the exact text
    for args in (["item", "list", "--json"], ["item", "show", "E001", "--json"]):
        code, out, err = run(capsys, "--file", portfolio_path, *args)
        assert code == 0 and not RAW.search(out)
        data = json.loads(out)
        record = data[0] if isinstance(data, list) else data
        assert record["title"] == hostile_text

    # errors quoting what was typed are sanitised too
    code, out, err = run(capsys, "--file", portfolio_path, "item", "show", hostile_text)
    assert code == 1 and not RAW.search(err) and err.count("\n") == 1


def test_an_imported_standard_prints_no_control_characters(
    db: Database,
    portfolio_path: Path,
    capsys: pytest.CaptureFixture[str],
    hostile_text: str,
    tmp_path: Path,
) -> None:
    db.close()
    standard = copy.deepcopy(ST0999)
    standard["knowledges"][0]["detail"] = hostile_text
    standard["duties"][0]["dutyDetail"] = f"Duty {hostile_text}"
    path = tmp_path / "standard.json"
    path.write_text(json.dumps(standard, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "--file", portfolio_path, "frameworks", "import", path)
    assert not RAW.search(out) and not RAW.search(err)
    if code != 0:  # refused by the standard's own checks: the refusal is sanitised too
        assert err.count("\n") == 1
        return
    for args in (["frameworks", "list"], ["frameworks", "show", "ST0999"]):
        code, out, err = run(capsys, "--file", portfolio_path, *args)
        assert code == 0 and not RAW.search(out) and not RAW.search(err)
    code, shown, _err = run(capsys, "--file", portfolio_path, "frameworks", "show", "ST0999")
    code, out, _err = run(
        capsys, "--file", portfolio_path, "frameworks", "show", "ST0999", "--json"
    )
    stored = json.loads(out)["competencies"][0]["text"]  # as the import keeps it
    assert sanitise(stored) in shown


def test_usage_errors_are_sanitised(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "item", "add", "--status", "\x1b[2Jready", "--title", "t")
    assert code == 2 and not RAW.search(err)
    assert "2Jready" in err  # shown escaped, never acted on
