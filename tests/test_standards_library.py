"""Any standard, any version: the user's standards library, options, and one schema.

The files in tests/data/ are in the shape the Skills England (IfATE) API serves:
ST0901 has two options whose duties map to them (with HTML, mixed-case GUIDs and
null lists); ST0990 is an array of v1.0 and v1.1 (K2 reworded, K3 removed, K4
renumbered to K3); ST0992 has null lists almost everywhere.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.config import user_data_dir
from app.errors import InvalidInputError
from app.schema import framework as schema
from app.services import ifate, library
from tests.cli_run import run

DATA = Path(__file__).parent / "data"
OPTIONS = DATA / "ST0901-options.json"
VERSIONS = DATA / "ST0990-versions.json"
NULLS = DATA / "ST0992-nulls.json"


def library_files() -> dict[str, bytes]:
    folder = user_data_dir() / "standards"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*"))} if folder.exists() else {}


def nowhere(tmp_path: Path) -> str:
    """A --file that does not exist: the commands must work without any portfolio."""
    return str(tmp_path / "no-portfolio.sqlite3")


# --- importing into the library ----------------------------------------------------------------


def test_import_needs_no_portfolio_and_fills_the_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    none = nowhere(tmp_path)
    code, out, err = run(capsys, "--file", none, "frameworks", "import", OPTIONS)
    assert (code, err) == (0, "")
    assert out == (
        "Imported ST0901 v1.0: Network and cloud infrastructure technician "
        "(11 competencies, 4 duties, 2 options).\n"
    )
    assert not Path(none).exists()
    assert list(library_files()) == ["ST0901-1.0.json"]
    code, out, _ = run(capsys, "--file", none, "frameworks", "list", "--json")
    listed = {(f["key"], f["version"]): f for f in json.loads(out)}
    assert listed[("ST0901", "1.0")]["options"] == [
        {"n": 1, "title": "Network infrastructure"},
        {"n": 2, "title": "Cloud infrastructure"},
    ]
    assert listed[("ST0825", "1.0")]["options"] == []


def test_options_and_core_duties_are_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    none = nowhere(tmp_path)
    run(capsys, "--file", none, "frameworks", "import", OPTIONS)
    code, out, _ = run(capsys, "--file", none, "frameworks", "show", "ST0901", "--json")
    shown = json.loads(out)
    assert code == 0
    assert shown["options"] == [
        {"n": 1, "title": "Network infrastructure"},
        {"n": 2, "title": "Cloud infrastructure"},
    ]
    assert [(g["code"], g["core"], g["options"]) for g in shown["groups"]] == [
        ("D1", True, []),
        ("D2", True, []),
        ("D3", False, [1]),
        ("D4", False, [2]),
    ]
    # mixed-case GUIDs in the mappings found their KSBs
    assert [g["competencies"] for g in shown["groups"]] == [
        ["K1", "K3", "B2"],
        ["K3", "S3", "B1", "B2"],
        ["K1", "K5", "S1", "S4", "B1"],
        ["K2", "K4", "S2"],
    ]
    texts = {c["code"]: c["text"] for c in shown["competencies"]}
    assert texts["K2"] == "Cloud service models (IaaS, PaaS, SaaS) and deployment models."
    assert texts["K3"] == "Security principles:\nconfidentiality, integrity and availability."
    assert texts["K4"] == "Infrastructure as code: declarative and imperative approaches."
    assert texts["K5"] == "Structured cabling standards & physical network topologies."
    assert texts["S2"] == "- Provision cloud resources\n- monitor their cost"
    assert texts["S3"] == "Diagnose and resolve network faults using a logical approach."
    assert shown["groups"][1]["text"] == "Respond to service incidents and restore service."


def test_two_versions_side_by_side_from_one_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    none = nowhere(tmp_path)
    code, out, _ = run(capsys, "--file", none, "frameworks", "import", VERSIONS)
    assert code == 0 and out.count("Imported ST0990") == 2
    assert list(library_files()) == ["ST0990-1.0.json", "ST0990-1.1.json"]
    _, out, _ = run(capsys, "--file", none, "frameworks", "show", "ST0990", "--json")
    assert json.loads(out)["version"] == "1.1"  # the newest unless asked
    _, out, _ = run(
        capsys, "--file", none, "frameworks", "show", "ST0990", "--version", "1.0", "--json"
    )
    older = json.loads(out)
    assert [c["code"] for c in older["competencies"]][:4] == ["K1", "K2", "K3", "K4"]
    assert older["competencies"][2]["text"] == "Legacy mainframe terminal emulation."


def test_a_portfolio_lists_its_own_copies_and_skips_a_damaged_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf = str(tmp_path / "p.sqlite3")
    run(capsys, "--file", pf, "frameworks", "import", OPTIONS)
    run(capsys, "--file", pf, "frameworks", "import", VERSIONS)
    assert (
        run(
            capsys, "--file", pf, "init", "--framework", "ST0901", "--option", "1", "--name", "Ada"
        )[0]
        == 0
    )
    (user_data_dir() / "standards" / "ST0901-1.0.json").unlink()
    # the portfolio's own copy still shows, with the portfolio's bundled flag
    code, out, _ = run(capsys, "--file", pf, "frameworks", "list", "--json")
    listed = [(f["key"], f["version"], f["bundled"]) for f in json.loads(out)]
    assert code == 0
    assert listed[3:] == [
        ("ST0901", "1.0", False),
        ("ST0990", "1.0", False),
        ("ST0990", "1.1", False),
    ]
    code, out, _ = run(capsys, "--file", pf, "frameworks", "show", "st0901")
    assert code == 0 and out.startswith("ST0901 v1.0: Network and cloud infrastructure technician")
    # a stored copy the framework schema refuses is left out, the rest still listed
    with sqlite3.connect(pf) as conn:
        conn.execute(
            "UPDATE frameworks SET document = json_set(document, '$.title', '') "
            "WHERE key = 'ST0901'"
        )
    conn.close()
    code, out, _ = run(capsys, "--file", pf, "frameworks", "list", "--json")
    assert code == 0
    assert [f["key"] for f in json.loads(out)] == [
        "ST0825",
        "DDAT-DEVOPS",
        "TECIT50761",
        "ST0990",
        "ST0990",
    ]
    code, out, err = run(capsys, "--file", pf, "frameworks", "show", "ST0901")
    assert (code, out) == (1, "")
    assert err == (
        "portfolio: No framework ST0901; installed frameworks: "
        "DDAT-DEVOPS, ST0825, ST0990, TECIT50761.\n"
    )


def test_control_characters_never_reach_the_library() -> None:
    data = json.loads(OPTIONS.read_text(encoding="utf-8"))
    data["knowledges"][0]["detail"] = "\x1b[2JNetwork\x07 protocols\x00"
    (doc,) = ifate.parse(json.dumps(data))
    assert doc.competencies[0].text == "[2JNetwork protocols"


def test_null_lists_and_loose_values_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    none = nowhere(tmp_path)
    code, out, err = run(capsys, "--file", none, "frameworks", "import", NULLS)
    assert (code, err) == (0, ""), err
    assert out == "Imported ST0992 v2.0: Data technician (1 competency, 0 duties).\n"
    doc = library.find("ST0992")
    assert (doc.level, doc.groups, doc.options) == (3, [], [])
    assert doc.competencies[0].text == "Data protection law & GDPR."


def test_reimporting_the_same_file_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    none = nowhere(tmp_path)
    run(capsys, "--file", none, "frameworks", "import", VERSIONS)
    before = library_files()
    code, out, _ = run(capsys, "--file", none, "frameworks", "import", VERSIONS)
    assert code == 0
    assert out == (
        "ST0990 v1.0 is already installed; nothing changed.\n"
        "ST0990 v1.1 is already installed; nothing changed.\n"
    )
    assert library_files() == before


def test_other_text_under_the_same_version_is_refused_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    none = nowhere(tmp_path)
    run(capsys, "--file", none, "frameworks", "import", OPTIONS)
    before = library_files()
    data = json.loads(OPTIONS.read_text(encoding="utf-8"))
    data["skills"][2]["detail"] = "Diagnose network faults."
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run(capsys, "--file", none, "frameworks", "import", changed)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert "ST0901 v1.0 is already installed with different text" in err
    assert "S3 reads 'Diagnose and resolve network faults using a logical appro…' there" in err
    assert "'Diagnose network faults.' here" in err
    assert library_files() == before


def test_an_imported_standard_goes_into_an_existing_portfolio_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pf = str(tmp_path / "p.sqlite3")
    assert run(capsys, "--file", pf, "init", "--name", "Ada")[0] == 0
    assert run(capsys, "--file", pf, "frameworks", "import", VERSIONS)[0] == 0
    code, _out, err = run(capsys, "--file", pf, "item", "add", "--title", "t", "--ksb", "ST0990:K3")
    assert (code, err) == (0, ""), err
    assert "ST0990-1.1.json" in library_files()


# --- bad input: one sentence, exit 1, nothing installed ----------------------------------------


def _standard(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(OPTIONS.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def _with_duty(**changes: Any) -> dict[str, Any]:
    data = _standard()
    data["duties"][2].update(changes)
    return data


KSB = {"knowledgeId": "x", "detail": "y"}
HOSTILE: list[tuple[str, str | dict[str, Any] | list[Any], str]] = [
    ("malformed", '{"referenceNumber": "ST0901",', "not valid JSON"),
    ("no title", _standard(title=None), "'title' is missing"),
    ("blank title", _standard(title="  <p> </p> "), "'title' is missing"),
    ("no reference", _standard(referenceNumber=None), "'referenceNumber' is missing"),
    ("bad reference", _standard(referenceNumber="0901"), "must look like ST0825"),
    ("draft version", _standard(version="1.1 (draft)"), "'1.1 (draft)' is not a version"),
    ("huge title", _standard(title="T" * 10_000), "the title is 10000 characters"),
    ("level 1000", _standard(level=1000), "the level '1000' is not a level"),
    (
        "5,000 KSBs",
        _standard(knowledges=[{"knowledgeId": f"k{n}", "detail": "k"} for n in range(5_000)]),
        "knowledges",
    ),
    (
        "option not listed",
        _with_duty(mappedOptions=["0e5e0bb2-0000-4000-8000-000000000000"]),
        "D3 belongs to the option 0e5e0bb2-0000-4000-8000-000000000000, which it does not list",
    ),
    (
        "unknown KSB id",
        _with_duty(mappedSkills=["DEADBEEF-0000-4000-8000-000000000000"]),
        "D3 maps to DEADBEEF-0000-4000-8000-000000000000, which is none of its",
    ),
    (
        "duplicate KSB ids",
        _standard(
            behaviours=[
                {"behaviourId": "AB-1", "detail": "one"},
                {"behaviourId": "ab-1", "detail": "two"},
            ]
        ),
        "B2 has the id ab-1, which B1 has too",
    ),
    ("huge integer", '{"referenceNumber": "ST0901", "level": 1' + "0" * 5_000 + "}", "level"),
    ("deep array", "[" * 100_000 + "]" * 100_000, "Not a valid standard: [0] must be an object"),
    (
        "deep nesting",
        '{"referenceNumber": "ST0901", "notes": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "nested too deeply",
    ),
    ("empty array", [], "no standard to import"),
    ("not an object", "42", "Not a valid standard"),
]


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_bad_standards_are_refused_in_one_sentence(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str | dict[str, Any] | list[Any],
    message: str,
) -> None:
    path = tmp_path / "standard.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    code, out, err = run(capsys, "--file", nowhere(tmp_path), "frameworks", "import", path)
    assert (code, out) == (1, "")
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert library_files() == {}


def test_one_bad_version_in_an_array_imports_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    versions = json.loads(VERSIONS.read_text(encoding="utf-8"))
    versions[1]["version"] = "one point one"
    path = tmp_path / "two.json"
    path.write_text(json.dumps(versions), "utf-8")
    code, _, err = run(capsys, "--file", nowhere(tmp_path), "frameworks", "import", path)
    assert code == 1 and "'one point one' is not a version number" in err
    assert library_files() == {}


# --- one schema: what import accepts, a package's frameworks accept -----------------------------


def _document() -> dict[str, Any]:
    return library.document_dict(ifate.parse(OPTIONS.read_bytes())[0])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(title="T" * 10_000), "title"),
        (lambda d: d.update(level=1000), "level"),
        (lambda d: d.update(version="1.1 (draft)"), "version"),
        (lambda d: d["groups"][2].update(options=[3]), "option 3, which is not listed"),
        (lambda d: d["groups"][0]["links"].append({"competency": "K99"}), "K99"),
        (
            lambda d: d.update(competencies=d["competencies"] * 200),
            "competencies",
        ),
    ],
)
def test_the_package_reader_refuses_what_import_refuses(change: Any, message: str) -> None:
    from app.services import frameworks

    document = _document()
    schema.from_builtins(copy.deepcopy(document))  # as imported: accepted by both
    change(document)
    with pytest.raises(schema.SchemaError, match=message):
        schema.from_builtins(document)
    with pytest.raises(schema.SchemaError, match=message):  # what verify and import run
        frameworks.check_document(document, "frameworks[0].document")


def test_the_library_refuses_nothing_the_bundled_frameworks_hold() -> None:
    assert [(d.key, d.version) for d in library.bundled()] == [
        ("ST0825", "1.0"),
        ("DDAT-DEVOPS", "2020-01-07"),
        ("TECIT50761", "1"),
    ]


def test_a_damaged_library_file_is_skipped_not_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = user_data_dir() / "standards"
    folder.mkdir(parents=True)
    (folder / "ST0001-1.0.json").write_text("{broken", "utf-8")
    code, out, _ = run(capsys, "--file", nowhere(tmp_path), "frameworks", "list")
    assert code == 0 and "ST0825" in out and "ST0001" not in out


def test_import_standards_service_refuses_a_conflict_before_changing_anything() -> None:
    library.import_text(OPTIONS.read_bytes())
    data = json.loads(OPTIONS.read_text(encoding="utf-8"))
    data["title"] = "Another title"
    with pytest.raises(InvalidInputError, match="its title is"):
        library.import_text(json.dumps(data))


def test_a_portfolio_open_elsewhere_still_lets_the_library_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.models.db import open_portfolio

    pf = tmp_path / "p.sqlite3"
    assert run(capsys, "--file", pf, "init", "--name", "Ada")[0] == 0
    held = open_portfolio(pf, exclusive=True)  # as the app holds the file it shows
    held.hold_exclusive()
    try:  # another process, as a command run while the app is open
        done = subprocess.run(
            [sys.executable, "-m", "app", "--file", str(pf), "frameworks", "import", VERSIONS],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        held.close()
    code, out, err = done.returncode, done.stdout, done.stderr
    assert code == 0 and out.count("Imported ST0990") == 2, err
    assert "went into your standards library only" in err
    assert "ST0990-1.1.json" in library_files()
