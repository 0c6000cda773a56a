"""The command-line contract: names, flags, JSON shapes and exit codes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_run import run


@pytest.fixture
def pf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "p.sqlite3")
    code, _, err = run(
        capsys,
        "--file",
        path,
        "init",
        "--framework",
        "ST0825",
        "--name",
        "Ada Lovelace",
        "--uln",
        "1234567899",
        "--employer",
        "ACME",
    )
    assert code == 0, err
    return path


def test_item_add_prints_the_ref_alone(
    pf: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shot = tmp_path / "pipeline.png"
    shot.write_bytes(b"\x89PNG not really")
    body = tmp_path / "r.md"
    body.write_bytes(b"# Reflection\r\nI built <it> & AT&T\t!\n")
    code, out, err = run(
        capsys,
        "--file",
        pf,
        "item",
        "add",
        "--title",
        "CI pipeline",
        "--date",
        "2026-03-02",
        "--body-file",
        str(body),
        "--ksb",
        "K1,S14",
        "--duty",
        "5",
        "--attach",
        str(shot),
        "--status",
        "ready",
    )
    assert (code, out, err) == (0, "E001\n", "")

    code, out, _ = run(capsys, "--file", pf, "item", "list", "--json")
    listed = json.loads(out)
    assert listed == [
        {
            "ref": "E001",
            "title": "CI pipeline",
            "date": "2026-03-02",
            "status": "ready",
            "ksbs": ["K1", "S14"],
            "duties": ["D5"],
            "attachments": [
                {
                    "name": "pipeline.png",
                    "size": 15,
                    "sha256": hashlib.sha256(b"\x89PNG not really").hexdigest(),
                    "media_type": "image/png",
                }
            ],
        }
    ]
    code, out, _ = run(capsys, "--file", pf, "item", "show", "E001", "--json")
    shown = json.loads(out)
    assert shown["body"] == "# Reflection\r\nI built <it> & AT&T\t!\n"  # exactly as typed
    assert shown["justifications"] == {"K1": "", "S14": "", "D5": ""}
    assert {k: shown[k] for k in listed[0]} == listed[0]


def test_new_items_are_drafts_and_list_filters(pf: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--file", pf, "item", "add", "--title", "Terraform", "--ksb", "K7")
    run(capsys, "--file", pf, "item", "add", "--title", "Retro", "--ksb", "B1")
    _, out, _ = run(capsys, "--file", pf, "item", "list", "--json", "--ksb", "K7")
    assert [(i["ref"], i["status"]) for i in json.loads(out)] == [("E001", "draft")]
    _, out, _ = run(capsys, "--file", pf, "item", "list", "--json", "--search", "retro")
    assert [i["ref"] for i in json.loads(out)] == ["E002"]


def test_body_from_stdin(
    pf: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    class FakeStdin:
        buffer = __import__("io").BytesIO("Łódź — notes\n".encode())

    monkeypatch.setattr(sys, "stdin", FakeStdin)
    assert (
        run(capsys, "--file", pf, "item", "add", "--title", "t", "--body-file", "-")[1] == "E001\n"
    )
    _, out, _ = run(capsys, "--file", pf, "item", "show", "E001", "--json")
    assert json.loads(out)["body"] == "Łódź — notes\n"


def test_coverage_json(pf: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(
        capsys,
        "--file",
        pf,
        "item",
        "add",
        "--title",
        "t",
        "--ksb",
        "K4",
        "--duty",
        "1",
        "--status",
        "ready",
    )
    code, out, _ = run(capsys, "--file", pf, "coverage", "--json", "--target", "2")
    data = json.loads(out)
    assert code == 0 and data["target"] == 2
    assert data["summary"] == {
        "competencies": 51,
        "met": 0,
        "linked_cells": 236,
        "covered_cells": 1,
    }


def test_frameworks_list_and_show(pf: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "--file", pf, "frameworks", "list", "--json")
    listed = {f["key"]: f for f in json.loads(out)}
    assert listed["ST0825"] | {"bundled": True} == {
        "key": "ST0825",
        "version": "1.0",
        "title": "DevOps engineer",
        "kind": "apprenticeship-standard",
        "level": 4,
        "competencies": 51,
        "groups": 13,
        "bundled": True,
        "options": [],
    }
    assert set(listed) == {"ST0825", "DDAT-DEVOPS", "TECIT50761"}
    _, out, _ = run(capsys, "--file", pf, "frameworks", "show", "ST0825", "--json")
    shown = json.loads(out)
    assert shown["competencies"][0]["code"] == "K1"
    assert shown["competencies"][0]["text"].startswith("Continuous Integration - ")
    assert sum(len(g["competencies"]) for g in shown["groups"]) == 236


def test_frameworks_list_works_before_any_portfolio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--file", str(tmp_path / "none.sqlite3"), "frameworks", "list")
    assert code == 0 and "ST0825" in out
    assert not (tmp_path / "none.sqlite3").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["item", "add", "--title", "x", "--ksb", "K99"], "no competency K99"),
        (["item", "add", "--title", "x", "--duty", "99"], "no duty D99"),
        (["item", "add", "--title", "x", "--date", "2026-13-01"], "does not exist"),
        (["item", "add", "--title", ""], "title is empty"),
        (["item", "add", "--title", "x", "--attach", "/nonexistent/a.png"], "does not exist"),
        (["item", "add", "--title", "x", "--body-file", "/nonexistent.md"], "does not exist"),
        (["item", "show", "E999"], "no evidence item E999"),
        (["item", "list", "--ksb", "Q1"], "no competency Q1"),
        (["frameworks", "show", "ST9999"], "No framework ST9999"),
    ],
)
def test_bad_input_exits_1_with_one_line_and_changes_nothing(
    pf: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = Path(pf).read_bytes()
    code, out, err = run(capsys, "--file", pf, *args)
    assert code == 1
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert out == ""
    _, listed, _ = run(capsys, "--file", pf, "item", "list", "--json")
    assert json.loads(listed) == []
    assert Path(pf).read_bytes() == before


def test_files_that_are_not_portfolios(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert run(capsys, "--file", str(text), "item", "list")[0] == 1
    code, _, err = run(
        capsys, "--file", str(tmp_path / "missing" / "p.sqlite3"), "init", "--name", "A"
    )
    assert code == 1 and "does not exist" in err
    code, _, err = run(capsys, "--file", str(tmp_path / "nothing.sqlite3"), "item", "list")
    assert code == 1 and "No portfolio" in err
    assert text.read_text() == "hello"


@pytest.mark.parametrize(
    ("uln", "message"),
    [
        ("123456789", "must be 10 digits"),
        ("12345678AB", "must be 10 digits"),
        ("1234567890", "check digit does not match"),  # a typo in the last digit
        ("2134567899", "check digit does not match"),  # two digits swapped
        ("0000000000", "check digit does not match"),  # never starts with 0
    ],
)
def test_init_checks_the_uln_and_creates_nothing_when_it_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], uln: str, message: str
) -> None:
    path = tmp_path / "p.sqlite3"
    code, out, err = run(capsys, "--file", str(path), "init", "--name", "A", "--uln", uln)
    assert code == 1 and out == ""
    assert message in err and err.count("\n") == 1
    assert not path.exists()


def test_valid_ulns_pass_their_check_digit() -> None:
    from app.services.portfolio import validate_uln

    # the worked example of the Learning Records Service's rule, and this suite's own
    for uln in ("9276308686", "1234567899", "9876543201", " 2468013572 "):
        assert validate_uln(uln) == uln.strip()
    assert validate_uln("") == ""  # not known yet


def test_init_refuses_to_overwrite(pf: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--file", pf, "init", "--name", "Someone else")
    assert code == 1 and "already exists" in err


def test_usage_errors_exit_2(pf: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--file", pf, "item", "add")[0] == 2
    assert run(capsys, "--file", pf, "coverage", "--target", "0")[0] == 2
    assert run(capsys, "--file", pf, "item", "add", "--title", "x", "--status", "done")[0] == 2


def test_python_dash_m_and_version(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("portfolio ")


def test_environment_variable_names_the_portfolio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_FILE", str(tmp_path / "env.sqlite3"))
    assert run(capsys, "init", "--name", "Env User")[0] == 0
    assert (tmp_path / "env.sqlite3").exists()


def test_edit_tag_attach_and_delete_from_the_command_line(
    pf: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "--file", pf, "item", "add", "--title", "Draft title")
    body = tmp_path / "b.md"
    body.write_text("New reflection")
    assert run(
        capsys,
        "--file",
        pf,
        "item",
        "edit",
        "E001",
        "--title",
        "Final",
        "--status",
        "ready",
        "--body-file",
        str(body),
    )[:2] == (0, "E001\n")
    assert run(capsys, "--file", pf, "item", "tag", "E001", "K7", "--why", "IaC modules")[0] == 0
    assert run(capsys, "--file", pf, "item", "tag", "E001", "5")[0] == 0
    log = tmp_path / "deploy.log"
    log.write_text("ok")
    code, out, _ = run(capsys, "--file", pf, "item", "attach", "E001", str(log))
    assert code == 0 and out.startswith("deploy.log\t2\t")
    _, out, _ = run(capsys, "--file", pf, "item", "show", "E001", "--json")
    shown = json.loads(out)
    assert (shown["title"], shown["status"], shown["body"]) == ("Final", "ready", "New reflection")
    assert shown["justifications"] == {"K7": "IaC modules", "D5": ""}
    assert [a["name"] for a in shown["attachments"]] == ["deploy.log"]
    assert run(capsys, "--file", pf, "item", "untag", "E001", "K7")[0] == 0
    assert run(capsys, "--file", pf, "item", "delete", "E001")[0] == 0
    code, _, err = run(capsys, "--file", pf, "item", "show", "E001")
    assert code == 1 and "no evidence item E001" in err
    code, _, err = run(capsys, "--file", pf, "item", "edit", "E001", "--title", "x")
    assert code == 1
    code, _, err = run(capsys, "--file", pf, "item", "add", "--title", "y")
    assert run(capsys, "--file", pf, "item", "edit", "E002")[0] == 1  # nothing to change


def test_a_package_of_one_item_says_so_in_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf, package = str(tmp_path / "p.sqlite3"), str(tmp_path / "p.portfolio")
    assert run(capsys, "--file", pf, "init", "--name", "Ada")[0] == 0
    assert run(capsys, "--file", pf, "item", "add", "--title", "Only one")[0] == 0
    # the review copy: the assessor's would leave the draft out
    assert run(capsys, "--file", pf, "export", "package", package, "--for", "review")[0] == 0
    code, out, _ = run(capsys, "verify", package)
    assert code == 0 and "1 evidence item (1 in draft), 0 attachments;" in out
    code, out, _ = run(capsys, "--file", str(tmp_path / "q.sqlite3"), "import", "package", package)
    assert code == 0 and out.splitlines()[-1].startswith("Imported 1 evidence item into ")
