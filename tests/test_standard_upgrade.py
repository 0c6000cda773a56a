"""portfolio standard upgrade: ST0990 v1.0 → v1.1 (K2 reworded, K3 removed, K4 now K3)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.test_standards_library import OPTIONS, VERSIONS, run


@pytest.fixture
def on_v10(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    pf = str(tmp_path / "p.sqlite3")
    assert run(capsys, "--file", pf, "frameworks", "import", VERSIONS)[0] == 0
    code, _, err = run(
        capsys, "--file", pf, "init", "--framework", "ST0990", "--version", "1.0", "--name", "Sam"
    )
    assert code == 0, err
    for args in (
        ["--ksb", "K1,K2", "--duty", "1", "--status", "ready"],  # E001
        ["--ksb", "K3,K4,S1", "--duty", "2", "--status", "ready"],  # E002
        ["--ksb", "K4"],  # E003, a draft
    ):
        assert run(capsys, "--file", pf, "item", "add", "--title", "Work", *args)[0] == 0
    assert run(capsys, "--file", pf, "item", "tag", "E002", "K4", "--why", "Wrote the KB")[0] == 0
    return pf


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args)
    assert code == 0, err
    return json.loads(out)


def test_the_dry_run_shows_the_mapping_and_changes_nothing(
    on_v10: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = Path(on_v10).read_bytes()
    plan = _json(
        capsys, "--file", on_v10, "standard", "upgrade", "--to", "1.1", "--dry-run", "--json"
    )
    rows = {(c["kind"], c["old"]): (c["new"], c["status"], c["items"]) for c in plan["changes"]}
    assert rows[("competency", "K1")] == ("K1", "unchanged", ["E001"])
    assert rows[("competency", "K2")] == ("K2", "text changed", ["E001"])
    assert rows[("competency", "K3")] == (None, "removed", ["E002"])
    assert rows[("competency", "K4")] == ("K3", "renumbered", ["E002", "E003"])
    assert rows[("duty", "D1")] == ("D1", "unchanged", ["E001"])
    assert plan["retag"] == [{"item": "E002", "code": "K3"}]
    assert (plan["from"], plan["to"], plan["applied"], plan["backup"]) == (
        "1.0",
        "1.1",
        False,
        None,
    )
    assert Path(on_v10).read_bytes() == before


def test_upgrading_moves_tags_keeps_removed_ones_and_makes_a_backup(
    on_v10: str, capsys: pytest.CaptureFixture[str]
) -> None:
    done = _json(capsys, "--file", on_v10, "standard", "upgrade", "--to", "1.1", "--json")
    assert done["applied"] is True and Path(done["backup"]).is_file()
    e002 = _json(capsys, "--file", on_v10, "item", "show", "E002", "--json")
    # K4 became K3, with its justification; the removed K3 stays on v1.0 for re-tagging
    assert e002["ksbs"] == ["K3", "S1"]
    assert e002["justifications"]["K3"] == "Wrote the KB"
    assert e002["other_tags"] == [{"code": "K3", "justification": "", "framework": "ST0990"}]
    e003 = _json(capsys, "--file", on_v10, "item", "show", "E003", "--json")
    assert e003["ksbs"] == ["K3"]
    coverage = _json(capsys, "--file", on_v10, "coverage", "--json")
    assert coverage["version"] == "1.1"
    counts = {c["code"]: (c["count"], c["drafts"]) for c in coverage["competencies"]}
    assert counts == {
        "K1": (1, 0),
        "K2": (1, 0),
        "K3": (1, 1),
        "S1": (1, 0),
        "S2": (0, 0),
        "B1": (0, 0),
    }
    assert {"group": "D2", "competency": "K3", "count": 1} in coverage["cells"]
    # the old version stays installed: an old export can still be reproduced
    listed = _json(capsys, "--file", on_v10, "frameworks", "list", "--json")
    assert {("ST0990", "1.0"), ("ST0990", "1.1")} <= {(f["key"], f["version"]) for f in listed}
    code, out, _ = run(capsys, "--file", on_v10, "check", "--full")
    assert code == 0, out


def test_the_text_output_lists_what_to_retag(
    on_v10: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--file", on_v10, "standard", "upgrade", "--to", "1.1")
    assert code == 0
    assert "  K4    → K3    renumbered  items: E002, E003\n" in out
    assert "The portfolio now follows ST0990 v1.1; backup: " in out
    assert out.endswith("re-tag these items:\n  K3: E002\n")


def test_restoring_the_backup_undoes_the_upgrade(
    on_v10: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _json(capsys, "--file", on_v10, "coverage", "--json")
    done = _json(capsys, "--file", on_v10, "standard", "upgrade", "--to", "1.1", "--json")
    assert run(capsys, "--file", on_v10, "restore", done["backup"])[0] == 0
    assert _json(capsys, "--file", on_v10, "coverage", "--json") == before


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1.0", "already follows ST0990 v1.0"),
        ("0.9", "is older than v1.0"),
        ("2.0", "ST0990 version 2.0 is not installed"),
    ],
)
def test_impossible_upgrades_are_refused_in_one_sentence(
    on_v10: str, capsys: pytest.CaptureFixture[str], version: str, message: str
) -> None:
    before = Path(on_v10).read_bytes()
    code, out, err = run(capsys, "--file", on_v10, "standard", "upgrade", "--to", version)
    assert (code, out) == (1, "") and message in err and err.count("\n") == 1
    assert Path(on_v10).read_bytes() == before


def test_the_option_follows_by_title(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pf = str(tmp_path / "p.sqlite3")
    run(capsys, "--file", pf, "frameworks", "import", OPTIONS)
    run(capsys, "--file", pf, "init", "--framework", "ST0901", "--option", "2", "--name", "Ada")
    run(capsys, "--file", pf, "item", "add", "--title", "t", "--ksb", "K4", "--duty", "4")
    newer = json.loads(OPTIONS.read_text(encoding="utf-8"))
    newer["version"] = "1.1"
    newer["options"].reverse()  # the cloud option is now the first
    newer["duties"][3]["dutyDetail"] = "Provision and monitor cloud infrastructure as code."
    path = tmp_path / "v11.json"
    path.write_text(json.dumps(newer), "utf-8")
    assert run(capsys, "--file", pf, "frameworks", "import", path)[0] == 0
    done = _json(capsys, "--file", pf, "standard", "upgrade", "--to", "1.1", "--json")
    assert done["option"] == {"n": 1, "title": "Cloud infrastructure"}
    d4 = next(c for c in done["changes"] if c["old"] == "D4")
    assert (d4["new"], d4["status"], d4["items"]) == ("D4", "text changed", ["E001"])
    coverage = _json(capsys, "--file", pf, "coverage", "--json")
    assert coverage["option"] == {"n": 1, "title": "Cloud infrastructure"}
    assert {c["group"] for c in coverage["cells"]} == {"D1", "D2", "D4"}


def test_an_option_that_cannot_be_matched_is_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf = str(tmp_path / "p.sqlite3")
    run(capsys, "--file", pf, "frameworks", "import", OPTIONS)
    run(capsys, "--file", pf, "init", "--framework", "ST0901", "--option", "2", "--name", "Ada")
    newer = json.loads(OPTIONS.read_text(encoding="utf-8"))
    newer["version"] = "1.1"
    newer["options"][0]["title"] = "Networks"
    newer["options"][1]["title"] = "Cloud platforms"
    path = tmp_path / "v11.json"
    path.write_text(json.dumps(newer), "utf-8")
    run(capsys, "--file", pf, "frameworks", "import", path)
    before = Path(pf).read_bytes()
    code, out, err = run(capsys, "--file", pf, "standard", "upgrade", "--to", "1.1")
    assert (code, out) == (1, "")
    assert "choose one with --option: 1 Networks; 2 Cloud platforms." in err
    assert Path(pf).read_bytes() == before
    done = _json(
        capsys, "--file", pf, "standard", "upgrade", "--to", "1.1", "--option", "cloud", "--json"
    )
    assert done["option"] == {"n": 2, "title": "Cloud platforms"}
