"""Professional discussion preparation: themes, linked items, STAR notes, the prep sheet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.models.db import Database
from app.services import evidence
from app.services.evidence import TagInput
from tests.package_helpers import run
from tests.pdf_reading import page_texts


@pytest.fixture
def pf(db: Database) -> str:
    with db.transaction() as s:
        evidence.add_item(
            s, title="Post-mortem <b>&", body="I ran it.", status="ready",
            ksbs=[TagInput("K6", "5 whys"), TagInput("K1", "x")],
        )  # fmt: skip
        evidence.add_item(s, title="Draft retro", status="draft", ksbs=["S21"])
    path = str(db.path)
    db.close()
    return path


def test_themes_carry_criteria_linked_items_and_notes(
    pf: str, capsys: pytest.CaptureFixture[str], hostile: str
) -> None:
    code, _, err = run(
        capsys, "--file", pf, "discussion", "note", "pd3", "--situation", hostile,
        "--result", "Three actions done",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = run(capsys, "--file", pf, "discussion", "show", "--json")
    themes = {t["code"]: t for t in json.loads(out)}
    assert list(themes) == [f"PD{n}" for n in range(1, 9)]
    problem = themes["PD3"]
    assert problem["name"] == "Problem Solving" and problem["ksbs"] == ["K6", "S21"]
    assert [c["code"] for c in problem["criteria"]] == ["PD3.P1", "PD3.D1", "PD3.D2"]
    assert problem["items"] == [{"ref": "E001", "title": "Post-mortem <b>&", "ksbs": ["K6"]}]
    assert problem["notes"] == {
        "situation": hostile,
        "task": "",
        "action": "",
        "result": "Three actions done",
    }
    assert themes["PD1"]["items"] == []


def test_bad_theme_and_no_fields_are_refused(pf: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--file", pf, "discussion", "note", "PR1", "--task", "x")
    assert code == 1 and err.count("\n") == 1 and "not a theme of the professional" in err
    code, _, _ = run(capsys, "--file", pf, "discussion", "note", "PD1")
    assert code == 2


def test_the_prep_sheet_gives_each_theme_one_page(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "I explained the trade-offs of each option to the team. " * 200  # ~11,000 chars
    run(
        capsys, "--file", pf, "discussion", "note", "PD3", "--action", long, "--task", "<i>lead</i>"
    )
    out = tmp_path / "prep.pdf"
    code, _, err = run(capsys, "--file", pf, "discussion", "sheet", str(out))
    assert code == 0, err
    pages = page_texts(PdfReader(out))
    assert len(pages) == 8  # one page per theme, however long the notes
    third = pages[2]
    assert "Professional discussion: PD3 Problem Solving" in third
    assert "PD3.D1 Distinction:" in third and "E001 Post-mortem <b>& (K6)" in third
    assert "<i>lead</i>" in third  # user text is printed, never read as markup
    assert "prevail" in third
