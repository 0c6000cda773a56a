"""The work-based project: scope word count, weeks, mapping notes, the submission pack."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.models.db import Database
from app.services import evidence, project, readiness
from app.services.evidence import TagInput
from tests.package_helpers import run
from tests.pdf_reading import outline_pages, page_texts


def test_word_count_counts_words_as_a_word_processor_does() -> None:
    assert project.word_count("") == 0
    assert project.word_count("  one\ttwo\nthree  ") == 3
    assert project.word_count("CI/CD & <b>tags</b> — done.") == 5


@pytest.fixture
def pf(db: Database) -> str:
    with db.transaction() as s:
        evidence.add_item(
            s, title="CI pipeline <b>&", body="Built it.", status="ready",
            ksbs=[TagInput("K1", "Merged daily"), TagInput("K15", "Explained")],
        )  # fmt: skip
        evidence.add_item(s, title="Draft pipeline", status="draft", ksbs=["S15"])
        evidence.add_item(
            s, title="Grafana", body="Dashboards.", status="ready",
            ksbs=[TagInput("K11", "Alerts")],
        )  # fmt: skip
    path = str(db.path)
    db.close()
    return path


def test_a_scope_past_the_limit_is_kept_and_flagged(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scope = tmp_path / "scope.txt"
    scope.write_text(" ".join(["word"] * 501), "utf-8")
    code, out, err = run(capsys, "--file", pf, "project", "scope", "--file", str(scope))
    assert code == 0, err
    assert "501 of 500 words — over the 500-word limit" in out
    code, out, _ = run(capsys, "--file", pf, "readiness", "--json")
    checks = {c["key"]: c for c in json.loads(out)["checks"]}
    assert not checks["project"]["ok"] and "501 words" in checks["project"]["message"]
    scope.write_text("A short scope.", "utf-8")
    run(capsys, "--file", pf, "project", "scope", "--file", str(scope), "--title", "Tracker")
    code, out, _ = run(capsys, "--file", pf, "project", "show", "--json")
    data = json.loads(out)
    assert (data["title"], data["words"], data["over_limit"]) == ("Tracker", 3, False)


def test_weeks_notes_and_bad_input(pf: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys, "--file", pf, "project", "week", "2", "--plan", "Terraform", "--hours", "12:30"
    )
    assert code == 0, err
    run(capsys, "--file", pf, "project", "week", "1", "--log", "Pipeline <b>green</b>")
    code, _, err = run(capsys, "--file", pf, "project", "week", "53", "--log", "x")
    assert code == 1 and "give 1 to 52" in err
    code, _, err = run(capsys, "--file", pf, "project", "note", "K3", "x")  # a discussion KSB
    assert code == 1 and "not a KSB or criterion of the project" in err
    code, _, err = run(capsys, "--file", pf, "project", "note", "pr3.p4", "In the demo at 03:10")
    assert code == 0, err
    code, out, _ = run(capsys, "--file", pf, "project", "show", "--json")
    data = json.loads(out)
    assert [(w["week"], w["minutes"]) for w in data["weeks"]] == [(1, 0), (2, 750)]
    rows = {r["ksb"]: r for r in data["mapping"]}
    assert len(rows) == 31
    assert (
        rows["K15"]["items"] == ["E001"] and "PR3.P4: In the demo at 03:10" in rows["K15"]["note"]
    )
    assert rows["S15"]["items"] == []  # only in a draft


def test_the_submission_pack_maps_each_ksb_to_the_page_of_its_evidence(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--file", pf, "project", "scope", "--title", "Parcel tracker & <v2>")
    run(capsys, "--file", pf, "project", "week", "1", "--log", "Pipeline <b>green</b>")
    out = tmp_path / "pack.pdf"
    code, stdout, err = run(capsys, "--file", pf, "project", "pack", str(out))
    assert code == 0, err and stdout.startswith(f"Wrote {out}")
    reader = PdfReader(out)
    pages = page_texts(reader)
    text = " ".join(pages)
    assert "Work-based project: submission pack" in pages[0]
    assert "Parcel tracker & <v2>" in pages[0] and "0 of 500 words" in pages[0]
    assert "Pipeline <b>green</b>" in text and "Declaration of authenticity" in text
    assert "Draft pipeline" not in text  # drafts never go in
    assert f"Page 1 of {len(pages)}" in pages[0]
    starts = outline_pages(reader)
    e001 = starts["E001 CI pipeline <b>&"]
    first = next(n for n, p in enumerate(pages) if "KSB mapping" in p)
    mapping = " ".join(pages[first:e001])
    # each mapping row naming E001 gives the page (1-based) where E001 starts
    found = re.findall(r"E001 CI pipeline[^\d]*? (\d+) ", mapping)
    assert found and set(found) == {str(e001 + 1)}
    code, _, err = run(capsys, "--file", pf, "project", "pack", str(out))
    assert code == 1 and "--force" in err  # an existing file is not replaced silently


def test_the_pack_says_what_it_could_not_show(
    db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As ``export pdf`` does: the pack is written, and a reflection cut at the print limit
    is named on stderr (the limit scaled down from 2,000,000 to keep the test quick)."""
    from app.export import item_section, markdown_html

    limit = 3_000
    monkeypatch.setattr(markdown_html, "_MAX_INPUT", limit)
    monkeypatch.setattr(item_section, "MAX_REFLECTION_CHARS", limit)
    with db.transaction() as s:
        evidence.add_item(
            s, title="Long write-up", body="word " * 700, status="ready",
            ksbs=[TagInput("K1", "Merged daily")],
        )  # fmt: skip
    pf = str(db.path)
    db.close()
    out = tmp_path / "pack.pdf"
    code, stdout, err = run(capsys, "--file", pf, "project", "pack", str(out))
    assert code == 0, err
    assert stdout.startswith(f"Wrote {out} (") and out.exists()
    assert "Warning: E001's reflection is cut at 3,000 characters in the PDF" in err


def test_readiness_flags_an_unwritten_scope(db: Database) -> None:
    with db.reader() as session:
        checks = {c.key: c for c in readiness.readiness(session).checks}
    assert not checks["project"].ok and "not written yet" in checks["project"].message


def test_project_discussion_and_imported_plans_travel_in_the_package(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], hostile: str
) -> None:
    from app.export.package import import_package
    from app.models.db import open_portfolio
    from app.services import assessment_plans, discussion

    plan = json.loads(
        (Path(__file__).parent.parent / "resources/assessment_plans/ST0825.json").read_text()
    )
    plan["title"] = "Our reading of the plan"
    (tmp_path / "plan.json").write_text(json.dumps(plan), "utf-8")
    assert run(capsys, "--file", pf, "plan", "import", str(tmp_path / "plan.json"))[0] == 0
    (tmp_path / "scope.txt").write_text(hostile, "utf-8")
    run(capsys, "--file", pf, "project", "scope", "--file", str(tmp_path / "scope.txt"))
    run(capsys, "--file", pf, "project", "week", "4", "--log", "Dashboards", "--hours", "9")
    run(capsys, "--file", pf, "project", "note", "K11", "In the live demo")
    run(capsys, "--file", pf, "discussion", "note", "PD5", "--result", "Chose SaaS <b>")
    package = tmp_path / "p.portfolio"
    code, _, err = run(capsys, "--file", pf, "export", "package", str(package))
    assert code == 0, err
    restored = tmp_path / "restored.sqlite3"
    import_package(package, restored)
    db = open_portfolio(restored)
    try:
        with db.reader() as session:
            current = project.get_project(session)
            assert current.scope == hostile
            assert [(w.week, w.log, w.minutes) for w in current.weeks] == [(4, "Dashboards", 540)]
            assert current.notes == {"K11": "In the live demo"}
            pd5 = next(t for t in discussion.preparation(session) if t.code == "PD5")
            assert pd5.notes.result == "Chose SaaS <b>"
            assert assessment_plans.get_plan(session, "ST0825").title == "Our reading of the plan"
    finally:
        db.close()


def test_the_assessors_copy_carries_the_project_pages_once_the_scope_is_written(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a.pdf"
    run(capsys, "--file", pf, "export", "pdf", str(out), "--unsigned")
    before = " ".join(page_texts(PdfReader(out)))
    assert "Work-based project" not in before  # nothing written: no project pages
    (tmp_path / "scope.txt").write_text("I will automate the parcel tracker's releases.")
    run(capsys, "--file", pf, "project", "scope", "--file", str(tmp_path / "scope.txt"))
    run(capsys, "--file", pf, "project", "week", "1", "--log", "Weekly log, not for the assessor")
    code, _, err = run(capsys, "--file", pf, "export", "pdf", str(out), "--force", "--unsigned")
    assert code == 0, err
    reader = PdfReader(out)
    text = " ".join(page_texts(reader))
    assert "I will automate the parcel tracker's releases." in text
    assert "Project KSB mapping" in text and "(7 of 500 words)" in text
    assert "Weekly log, not for the assessor" not in text
    assert "Work-based project" in outline_pages(reader)
