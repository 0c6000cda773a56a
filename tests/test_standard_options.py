"""A portfolio on a standard with options: chosen at init, counted, carried by packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_standards_library import OPTIONS, run


@pytest.fixture
def optioned(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A portfolio on ST0901 option 2 (Cloud infrastructure), with tagged items."""
    pf = str(tmp_path / "cloud.sqlite3")
    assert run(capsys, "--file", pf, "frameworks", "import", OPTIONS)[0] == 0
    code, out, err = run(
        capsys, "--file", pf, "init", "--framework", "ST0901", "--option", "cloud", "--name", "Ada"
    )
    assert (code, err) == (0, ""), err
    assert out.endswith("(ST0901 v1.0, option 2: Cloud infrastructure).\n")
    for args in (
        ["--ksb", "K2,K4", "--duty", "4", "--status", "ready"],
        ["--ksb", "K3,B1", "--duty", "2", "--status", "ready"],
        ["--ksb", "K1", "--duty", "1"],
    ):
        assert run(capsys, "--file", pf, "item", "add", "--title", "Evidence", *args)[0] == 0
    return pf


def test_coverage_counts_the_core_duties_and_the_chosen_option(
    optioned: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--file", optioned, "coverage", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["option"] == {"n": 2, "title": "Cloud infrastructure"}
    # K5, S1 and S4 belong only to the network option's duty D3: not counted here
    assert [c["code"] for c in data["competencies"]] == [
        "K1",
        "K2",
        "K3",
        "K4",
        "S2",
        "S3",
        "B1",
        "B2",
    ]
    assert {c["group"] for c in data["cells"]} == {"D1", "D2", "D4"}
    assert data["summary"] == {
        "competencies": 8,
        "met": 4,
        "linked_cells": 10,
        "covered_cells": 4,
    }
    k1 = next(c for c in data["competencies"] if c["code"] == "K1")
    assert (k1["count"], k1["drafts"]) == (0, 1)


def test_the_other_option_counts_its_own_duty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf = str(tmp_path / "network.sqlite3")
    run(capsys, "--file", pf, "frameworks", "import", OPTIONS)
    assert (
        run(capsys, "--file", pf, "init", "--framework", "ST0901", "--option", "1", "--name", "B")[
            0
        ]
        == 0
    )
    _, out, _ = run(capsys, "--file", pf, "coverage", "--json")
    data = json.loads(out)
    assert data["option"] == {"n": 1, "title": "Network infrastructure"}
    assert {c["group"] for c in data["cells"]} == {"D1", "D2", "D3"}
    assert "K5" in {c["code"] for c in data["competencies"]}
    assert "K2" not in {c["code"] for c in data["competencies"]}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "ST0901 v1.0 has options; choose one with --option: 1 Network infrastructure; "),
        (["--option", "3"], "has no option '3'"),
        (["--option", "infrastructure"], "has no option 'infrastructure'"),  # two match
    ],
)
def test_a_standard_with_options_needs_one_chosen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    pf = tmp_path / "p.sqlite3"
    run(capsys, "--file", pf, "frameworks", "import", OPTIONS)
    code, out, err = run(
        capsys, "--file", pf, "init", "--framework", "ST0901", "--name", "Ada", *extra
    )
    assert (code, out) == (1, "")
    assert message in err and err.count("\n") == 1
    assert not pf.exists()


def test_a_standard_without_options_takes_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf = tmp_path / "p.sqlite3"
    code, _, err = run(capsys, "--file", pf, "init", "--name", "Ada", "--option", "1")
    assert code == 1 and "ST0825 v1.0 has no options" in err
    assert not pf.exists()


def test_init_on_any_version_from_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_standards_library import VERSIONS

    pf = str(tmp_path / "p.sqlite3")
    run(capsys, "--file", pf, "frameworks", "import", VERSIONS)
    code, out, err = run(
        capsys, "--file", pf, "init", "--framework", "st0990", "--version", "1.0", "--name", "Ada"
    )
    assert (code, err) == (0, ""), err
    assert "(ST0990 v1.0)" in out
    _, out, _ = run(capsys, "--file", pf, "coverage", "--json")
    assert json.loads(out)["version"] == "1.0" and json.loads(out)["option"] is None


def test_package_round_trip_on_a_fresh_profile_keeps_coverage(
    optioned: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, before, _ = run(capsys, "--file", optioned, "coverage", "--json")
    pdf = tmp_path / "out.pdf"
    assert run(capsys, "--file", optioned, "export", "pdf", pdf)[0] == 0
    package = tmp_path / "out.portfolio"
    assert run(capsys, "--file", optioned, "export", "package", package, "--for", "review")[0] == 0

    # another person's machine: no standards imported, other keys
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(fresh / "data"))
    monkeypatch.setenv("PORTFOLIO_CONFIG_DIR", str(fresh / "config"))
    code, out, err = run(capsys, "verify", package)
    assert (code, err) == (0, "") and out, err
    restored = str(tmp_path / "restored.sqlite3")
    code, _, err = run(capsys, "--file", restored, "import", "package", package)
    assert (code, err) == (0, ""), err
    _, after, _ = run(capsys, "--file", restored, "coverage", "--json")
    assert json.loads(after) == json.loads(before)
    assert json.loads(after)["option"] == {"n": 2, "title": "Cloud infrastructure"}
    # the portfolio carried its standard: not in this profile's library
    assert not (fresh / "data" / "standards").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duty", "3"], "D3 is not part of ST0901 option 2 (Cloud infrastructure)"),
        (["--ksb", "K2,K5,S4"], "K5 is not part of ST0901 option 2 (Cloud infrastructure)"),
    ],
)
def test_what_the_option_does_not_count_cannot_be_tagged(
    optioned: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = Path(optioned).read_bytes()
    code, out, err = run(capsys, "--file", optioned, "item", "add", "--title", "x", *args)
    assert (code, out) == (1, "") and message in err and err.count("\n") == 1
    assert Path(optioned).read_bytes() == before
