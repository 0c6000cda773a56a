"""Assessment plans as data: the bundled ST0825 plan, importing one, coverage by theme."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.config import resource_path
from app.models.db import Database
from app.services import assessment_plans, evidence
from tests.package_helpers import run

ST0825_KSBS = (
    [f"K{n}" for n in range(1, 26)] + [f"S{n}" for n in range(1, 23)] + ["B1", "B2", "B3", "B4"]
)


def bundled() -> dict[str, Any]:
    return json.loads((resource_path("assessment_plans") / "ST0825.json").read_text("utf-8"))


def test_the_bundled_plan_puts_every_ksb_in_one_theme_and_names_every_source() -> None:
    (plan,) = assessment_plans.bundled_plans()
    assert (plan.framework, plan.framework_version) == ("ST0825", "1.0")
    assert [m.name for m in plan.methods] == [
        "Work-based project with practical assessment and questioning",
        "Professional discussion",
    ]
    assert [t.name for t in plan.methods[1].themes] == [
        "Organisational Culture",
        "Data Ethics",
        "Problem Solving",
        "The Profession in Context",
        "Tooling & Technology",
        "Continuous Learning & Development",
        "Peer review",
        "Communicating and Knowledge Sharing",
    ]
    placed = [k for _m, t in plan.themes() for k in t.ksbs]
    assert sorted(placed) == sorted(ST0825_KSBS)  # each of the 51 exactly once
    project = {k for t in plan.methods[0].themes for k in t.ksbs}
    assert len(project) == 31 and "B3" in project and "K3" not in project
    sources = {s.id: s for s in plan.sources}
    for _m, theme in plan.themes():
        assert theme.ksbs_source in sources
        assert all(c.source in sources for c in theme.criteria)
        assert not theme.ksbs_verified  # nothing here is checked against the plan itself
    assert "CorndelWithSoftwire/DevOps-Course-FAQs" in sources["corndel-pd"].url
    assert "prevail" in plan.notice and "RoleReady" in plan.attribution


def write(tmp_path: Path, data: dict[str, Any], name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), "utf-8")
    return path


@pytest.fixture
def pf(db: Database) -> str:
    with db.transaction() as session:
        evidence.add_item(session, title="Pipeline", ksbs=["K1", "S14"], status="ready")
        evidence.add_item(session, title="Draft", ksbs=["K3"])
    path = str(db.path)
    db.close()
    return path


def test_import_keeps_a_plan_that_replaces_the_bundled_one(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bundled()
    data["title"] = "Our provider's reading of the ST0825 plan"
    code, out, err = run(capsys, "--file", pf, "plan", "import", str(write(tmp_path, data)))
    assert code == 0, err
    assert "Imported the plan ST0825 for ST0825 v1.0: 16 themes, 72 criteria." in out
    code, out, _ = run(capsys, "--file", pf, "plan", "list", "--json")
    (listed,) = json.loads(out)
    assert (listed["title"], listed["bundled"]) == (data["title"], False)
    code, out, _ = run(capsys, "--file", pf, "plan", "show", "st0825", "--json")
    shown = json.loads(out)
    assert shown["title"] == data["title"] and "prevail" in shown["prevail"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["methods"][1]["themes"][1]["ksbs"].append("K99"), "names K99, which ST0825"),
        (lambda d: d["methods"][1]["themes"][2].update(criteria=[]), "has no criteria"),
        (lambda d: d.update(framework="ST0999"), "which this portfolio does not have"),
        (lambda d: d["methods"][0]["themes"][0]["criteria"][0].update(grade="merit"), "grade"),
        (lambda d: d["methods"][0]["themes"][0].update(code="PR2"), "used twice"),
        (lambda d: d["sources"].pop(), "sources do not list"),
    ],
)
def test_a_bad_plan_is_refused_in_one_sentence_and_nothing_is_kept(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, words: str
) -> None:
    data = bundled()
    data["key"] = "MINE"
    change(data)
    code, _, err = run(capsys, "--file", pf, "plan", "import", str(write(tmp_path, data)))
    assert code == 1 and err.count("\n") == 1 and words in err, err
    code, out, _ = run(capsys, "--file", pf, "plan", "list", "--json")
    assert [p["key"] for p in json.loads(out)] == ["ST0825"]


def test_not_json_and_missing_files_are_refused(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    code, _, err = run(capsys, "--file", pf, "plan", "import", str(bad))
    assert code == 1 and "not valid JSON" in err
    code, _, err = run(capsys, "--file", pf, "plan", "import", str(tmp_path / "none.json"))
    assert code == 1 and "does not exist" in err
    code, _, err = run(capsys, "--file", pf, "plan", "show", "NOPE")
    assert code == 1 and "no assessment plan NOPE" in err


def test_coverage_by_theme_shows_evidence_criteria_and_gaps(
    pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--file", pf, "coverage", "--by", "theme", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["plan"] == "ST0825" and [m["code"] for m in data["methods"]] == ["PR", "PD"]
    themes = {t["name"]: t for m in data["methods"] for t in m["themes"]}
    pipeline = themes["The CI-CD Pipeline"]
    assert (pipeline["met"], pipeline["total"], pipeline["gaps"]) == (1, 3, ["K15", "S15"])
    assert pipeline["items"] == ["E001"]
    evidenced = {c["code"]: c["evidenced"] for c in pipeline["criteria"]}
    assert evidenced == {
        "PR3.P1": True,  # K1
        "PR3.P2": True,
        "PR3.P3": True,
        "PR3.P4": False,  # K15
        "PR3.P5": False,
        "PR3.P6": False,
    }
    ethics = themes["Data Ethics"]  # K3 only in a draft: still a gap
    assert ethics["gaps"] == ["K3"] and ethics["ksbs"][0]["drafts"] == 1
    assert data["summary"] == {"themes": 16, "complete": 0, "ksbs": 51, "met": 2}

    code, out, _ = run(capsys, "--file", pf, "coverage", "--by", "theme")
    assert "PR3   The CI-CD Pipeline: 1/3 KSBs; gaps: K15 S15" in out
    assert "prevail" in out


def test_a_standard_without_a_plan_works_as_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(tmp_path / "nos.sqlite3")
    code, _, err = run(capsys, "--file", path, "init", "--framework", "TECIT50761", "--name", "A")
    assert code == 0, err  # a national occupational standard: no assessment plan
    code, _, err = run(capsys, "--file", path, "coverage", "--by", "theme")
    assert code == 1 and "has no assessment plan" in err
    code, out, err = run(capsys, "--file", path, "coverage", "--json")
    assert code == 0 and json.loads(out)["framework"] == "TECIT50761"
