"""The signed package carries the programme records: skills scans, the OTJ plan and log, reviews.

Export → verify → import gives back the same scans (ratings, agreed ratings,
confirmations), the same role level, the same off-the-job plan and entries (with
their links to competencies and evidence items), the same reviews (participants,
actions) — with the same ids — beside the same evidence; the portfolio fingerprint
covers them; and a package whose programme section is malformed is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.export.package import export_package, import_package
from app.models.db import Database, open_portfolio
from app.services import otj, portfolio_json, reviews, signing, skills_scan
from app.services.queries import portfolio_info as get_info
from app.services.skills_scan import RatingInput
from app.services.snapshot import fingerprint, take_snapshot
from tests import progress_sample
from tests.conftest import HOSTILE_STRINGS
from tests.package_helpers import build_portfolio, fake_pdf, members, rewrite, run, tree

AS_OF = progress_sample.AS_OF.isoformat()


def _add_more_records(db: Database) -> None:
    """Beyond the sample year: agreed ratings, other frameworks' codes, gaps in the ids."""
    with db.transaction() as s:
        skills_scan.set_role_level(s, "L4T")
        skills_scan.confirm_scan(
            s,
            1,
            name="Grace Hopper",
            role="Line manager",
            date="2025-01-20",
            agreed={"K1": 3, "DDAT-DEVOPS:DS2": 2},
        )
        throwaway = skills_scan.add_scan(s, date="2025-02-01", ratings=[RatingInput("K2", 1)])
        skills_scan.delete_scan(s, throwaway.id)
        otj.save_plan(
            s,
            otj.Plan(
                progress_sample.START,
                progress_sample.GATEWAY,
                37 * 60 + 30,
                leave_weeks=4.5,
            ),
        )
        linked = otj.add_entry(
            s,
            otj.make_input(
                date="2025-08-20",
                minutes=150,
                activity="workshop",
                description="Capacity & <widgets>\n\ttwo lines",
                competencies=["S14", "K1", "DDAT-DEVOPS:DS1", "ST0999:K1", "B1"],
                items=["E004", "E001", "E002"],
            ),
        )
        assert linked.items == ("E001", "E002", "E004")
        otj.delete_entry(s, 3)
        review = reviews.add_review(
            s,
            date="2025-08-25",
            participants=[
                reviews.Participant("apprentice", "Zoë O'Brien <b>"),
                reviews.Participant("other", "Mentor; AT&T"),
            ],
            notes="",
            otj_minutes=0,
            actions=[
                reviews.make_action("No owner, no date"),
                reviews.make_action("Owner and date", "Grace", "2025-09-30"),
            ],
        )
        reviews.set_action_done(s, review.actions[1].id)


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Path]:
    """The package tests' portfolio (evidence in three frameworks) with a year of records."""
    path = tmp_path / "apprentice.sqlite3"
    db = build_portfolio(path)
    try:
        progress_sample.fill(db)
        _add_more_records(db)
    finally:
        db.close()
    yield path


def _cli(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> str:
    code, out, err = run(capsys, "--file", str(path), *args)
    assert code == 0, err
    return out


def _view(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, Any]:
    """What a user sees of the evidence and the programme records through the CLI."""

    def as_json(*args: str) -> Any:
        return json.loads(_cli(capsys, path, *args))

    listed = as_json("item", "list", "--json")
    return {
        "items": listed,
        "shown": [as_json("item", "show", i["ref"], "--json") for i in listed],
        "coverage": as_json("coverage", "--json"),
        "scans": as_json("scan", "list", "--json"),
        "scan progress": as_json("scan", "progress", "--json"),
        "scan level": _cli(capsys, path, "scan", "level"),
        "otj plan": as_json("otj", "plan", "--json"),
        "otj summary": as_json("otj", "summary", "--json", "--as-of", AS_OF),
        "otj list": as_json("otj", "list", "--json"),
        "otj list text": _cli(capsys, path, "otj", "list"),
        "reviews": as_json("review", "list", "--json", "--as-of", AS_OF),
    }


def _export(path: Path, out: Path, key: signing.SigningKey | None = None) -> None:
    db = open_portfolio(path)
    try:
        export_package(db, out, key=key, build_pdf=fake_pdf, audience="review")
    finally:
        db.close()


def _fingerprint(path: Path) -> str:
    db = open_portfolio(path)
    try:
        with db.reader() as s:
            return take_snapshot(s).fingerprint
    finally:
        db.close()


# --- the round trip -----------------------------------------------------------------------------


def test_round_trip_gives_the_same_programme_records_and_evidence(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "out.portfolio"
    out = _cli(capsys, source, "export", "package", str(package), "--for", "review")
    assert "Signed by key" in out
    code, out, err = run(capsys, "verify", str(package))
    assert code == 0, err

    restored = tmp_path / "laptop" / "restored.sqlite3"
    restored.parent.mkdir()
    _cli(capsys, restored, "import", "package", str(package))
    assert tree(restored.parent) == {"restored.sqlite3"}

    before, after = _view(capsys, source), _view(capsys, restored)
    for key in before:
        assert after[key] == before[key], key
    # the records really are all there (not two equally empty views)
    assert after["scans"][0]["confirmations"] == [
        {"name": "Grace Hopper", "role": "Line manager", "date": "2025-01-20"}
    ]
    assert [s["id"] for s in after["scans"]] == [1, 2, 3]
    assert "* L4T " in after["scan level"]
    assert after["otj plan"]["leave_weeks"] == 4.5
    entries = after["otj list"]
    assert 3 not in [e["id"] for e in entries]
    workshop = next(e for e in entries if e["activity"] == "workshop")
    assert workshop["items"] == ["E001", "E002", "E004"]
    assert workshop["ksbs"] == ["K1", "S14", "B1", "DDAT-DEVOPS:DS1", "ST0999:K1"]
    assert len(after["reviews"]["reviews"]) == 3
    assert after["reviews"]["reviews"][2]["actions"][1]["done"] is True

    # the same fingerprint, and a new entry or scan takes the next id, as in the original
    assert _fingerprint(restored) == _fingerprint(source)
    for path in (source, restored):
        _cli(capsys, path, "otj", "add", "--date", "2025-08-30", "--minutes", "30",
             "--activity", "self-study")  # fmt: skip
    assert _cli(capsys, restored, "otj", "list", "--json") == _cli(
        capsys, source, "otj", "list", "--json"
    )


def test_a_restored_portfolio_exports_the_very_same_package(source: Path, tmp_path: Path) -> None:
    key = signing.load_or_create_key()
    first, again = tmp_path / "first.portfolio", tmp_path / "again.portfolio"
    _export(source, first, key)
    restored = tmp_path / "restored.sqlite3"
    result = import_package(first, restored)
    assert len(result.programme.entries) == len(progress_sample_entries(source))
    _export(restored, again, key)
    assert again.read_bytes() == first.read_bytes()


def progress_sample_entries(path: Path) -> list[otj.Entry]:
    db = open_portfolio(path)
    try:
        with db.reader() as s:
            return otj.list_entries(s)
    finally:
        db.close()


def test_portfolio_json_names_competencies_by_framework_and_items_by_ref(
    source: Path, tmp_path: Path
) -> None:
    package = tmp_path / "out.portfolio"
    _export(source, package)
    document = json.loads(members(package)["portfolio.json"])
    assert document["format"] == "apprentice-portfolio-json/1"
    programme = document["programme"]
    assert set(programme) == {"role_level", "scans", "otj", "reviews"}
    assert set(programme["otj"]) == {"plan", "entries"}
    assert programme["role_level"]["level"] == "L4T"
    workshop = next(e for e in programme["otj"]["entries"] if e["activity"] == "workshop")
    assert workshop["items"] == ["E001", "E002", "E004"]
    assert {(c["framework"], c["code"]) for c in workshop["competencies"]} == {
        ("ST0825", "K1"),
        ("ST0825", "S14"),
        ("ST0825", "B1"),
        ("DDAT-DEVOPS", "DS1"),
        ("ST0999", "K1"),
    }
    first_scan = programme["scans"][0]
    k1 = next(r for r in first_scan["ratings"] if r["code"] == "K1")
    assert (k1["framework"], k1["rating"], k1["agreed"]) == ("ST0825", 1, 3)
    # every framework a record names travels with the package
    carried = {(f["key"], f["version"]) for f in document["frameworks"]}
    refs = [r for s in programme["scans"] for r in s["ratings"]]
    refs += [c for e in programme["otj"]["entries"] for c in e["competencies"]]
    assert {(r["framework"], r["version"]) for r in refs} <= carried


def test_hostile_text_in_the_programme_records_comes_back_exactly(tmp_path: Path) -> None:
    path = tmp_path / "hostile.sqlite3"
    db = build_portfolio(path)
    try:
        with db.transaction() as s:
            for n, text in enumerate(HOSTILE_STRINGS):
                short = len(text) <= 500
                skills_scan.add_scan(
                    s,
                    date=date(2025, 1, 1 + n),
                    ratings=[RatingInput("K1", n % 5, note=text)],
                    note=text,
                    confirmed_by=text if short else "Grace",
                    confirmer_role=text,
                )
                otj.add_entry(
                    s,
                    otj.make_input(
                        date=date(2025, 2, 1 + n), minutes=1 + n, activity="other", description=text
                    ),
                )
                reviews.add_review(
                    s,
                    date=date(2025, 3, 1 + n),
                    participants=[reviews.Participant("other", text if short else "Someone")],
                    notes=text,
                    otj_minutes=n,
                    actions=[reviews.Action(text[:5000], owner=text)],
                )
    finally:
        db.close()
    package = tmp_path / "hostile.portfolio"
    _export(path, package)
    programme = json.loads(members(package)["portfolio.json"])["programme"]
    assert [e["description"] for e in programme["otj"]["entries"]] == HOSTILE_STRINGS
    assert [r["notes"] for r in programme["reviews"]] == HOSTILE_STRINGS
    assert [s["ratings"][0]["note"] for s in programme["scans"]] == HOSTILE_STRINGS

    restored = tmp_path / "restored.sqlite3"
    import_package(package, restored)
    originals, copies = open_portfolio(path), open_portfolio(restored)
    try:
        with originals.reader() as a, copies.reader() as b:
            assert skills_scan.list_scans(b) == skills_scan.list_scans(a)
            assert otj.list_entries(b) == otj.list_entries(a)
            assert reviews.list_reviews(b) == reviews.list_reviews(a)
            assert [e.description for e in otj.list_entries(b)] == HOSTILE_STRINGS
    finally:
        originals.close()
        copies.close()


# --- the fingerprint ----------------------------------------------------------------------------


def test_the_fingerprint_covers_the_programme_records_only_when_there_are_any(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.sqlite3"
    db = build_portfolio(path)
    try:
        with db.reader() as s:
            snapshot = take_snapshot(s)
            info = asdict(get_info(s))
            info.pop("created")
            info.pop("updated")
            assert info.pop("option") is None  # no option: the print every earlier file carries
            # no programme records: the fingerprint every earlier package and PDF carries
            assert snapshot.fingerprint == fingerprint(info, snapshot.items)
            assert portfolio_json.build_programme(s) is None
        original = snapshot.fingerprint

        with db.transaction() as s:
            entry = otj.add_entry(
                s, otj.make_input(date="2026-03-03", minutes=60, activity="e-learning")
            )
        with db.reader() as s:
            with_entry = take_snapshot(s).fingerprint
        assert with_entry != original

        with db.transaction() as s:
            otj.update_entry(
                s,
                entry.id,
                otj.make_input(date="2026-03-03", minutes=61, activity="e-learning"),
            )
        with db.reader() as s:
            changed = take_snapshot(s).fingerprint
        assert changed not in (original, with_entry)

        with db.transaction() as s:
            otj.delete_entry(s, entry.id)
        with db.reader() as s:
            assert take_snapshot(s).fingerprint == original
    finally:
        db.close()


def test_a_package_without_a_programme_section_still_imports(tmp_path: Path) -> None:
    """Packages written before programme records travelled: no "programme" key at all."""
    path = tmp_path / "p.sqlite3"
    build_portfolio(path).close()
    package = tmp_path / "old.portfolio"
    _export(path, package)
    assert "programme" not in json.loads(members(package)["portfolio.json"])
    restored = tmp_path / "restored.sqlite3"
    result = import_package(package, restored)
    assert result.programme.empty
    assert _fingerprint(restored) == _fingerprint(path)


def test_a_package_that_lost_its_programme_section_is_refused(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reader that ignored the records would rebuild another fingerprint: nothing is lost."""
    key = signing.load_or_create_key()
    good = tmp_path / "good.portfolio"
    _export(source, good, key)

    def drop(content: dict[str, bytes]) -> dict[str, bytes]:
        document = json.loads(content["portfolio.json"])
        del document["programme"]
        return {**content, "portfolio.json": json.dumps(document).encode()}

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = rewrite(good, inbox / "bad.portfolio", drop, sign_with=key)
    code, _, err = run(capsys, "--file", str(inbox / "new.sqlite3"), "import", "package", str(bad))
    assert code == 1
    assert "does not match its fingerprint" in err and err.count("\n") == 1
    assert tree(inbox) == {"bad.portfolio"}


# --- malformed programme sections ---------------------------------------------------------------


def _entry(d: dict[str, Any], n: int = 0) -> dict[str, Any]:
    entry: dict[str, Any] = d["programme"]["otj"]["entries"][n]
    return entry


def _workshop(d: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in d["programme"]["otj"]["entries"] if e["activity"] == "workshop")


Edit = Callable[[dict[str, Any]], None]

# (edit, what the one line says: verify and import refuse it alike)
MALFORMED: dict[str, tuple[Edit, str]] = {
    "minutes negative": (
        lambda d: _entry(d).update(minutes=-30),
        "programme.otj.entries[0].minutes must be a whole number from 1 to 1440",
    ),
    "minutes text": (
        lambda d: _entry(d).update(minutes="90"),
        "programme.otj.entries[0].minutes must be a whole number",
    ),
    "unknown competency": (
        lambda d: _workshop(d)["competencies"][0].update(code="K99"),
        "is linked to K99, which",
    ),
    "unknown scan competency": (
        lambda d: d["programme"]["scans"][0]["ratings"][0].update(code="DS99"),
        "Skills scan 1 rates DS99, which DDAT-DEVOPS",
    ),
    "framework not carried": (
        lambda d: _workshop(d)["competencies"][0].update(version="9.9"),
        "v9.9, which is not among its frameworks",
    ),
    "unknown item": (
        lambda d: _workshop(d)["items"].append("E003"),
        "is linked to E003, which is not among its items",
    ),
    "unknown activity": (
        lambda d: _entry(d).update(activity="napping"),
        "programme.otj.entries[0].activity must be one of",
    ),
    "rating off the scale": (
        lambda d: d["programme"]["scans"][0]["ratings"][0].update(rating=5),
        "programme.scans[0].ratings[0].rating must be a whole number from 0 to 4",
    ),
    "impossible date": (
        lambda d: d["programme"]["reviews"][0].update(date="2025-02-30"),
        "programme.reviews[0].date is not a date that exists",
    ),
    "repeated entry id": (
        lambda d: _entry(d, 1).update(id=_entry(d)["id"]),
        "portfolio.json lists off-the-job entry 1 twice",
    ),
    "participant role": (
        lambda d: d["programme"]["reviews"][0]["participants"][0].update(role="boss"),
        "programme.reviews[0].participants[0].role must be one of",
    ),
    "plan backwards": (
        lambda d: d["programme"]["otj"]["plan"].update(gateway="2024-01-01"),
        "programme.otj.plan.gateway must come after the start",
    ),
    "leave not a number": (
        lambda d: d["programme"]["otj"]["plan"].update(leave_weeks="four"),
        "programme.otj.plan.leave_weeks must be a number of weeks",
    ),
    "leave negative": (
        lambda d: d["programme"]["otj"]["plan"].update(leave_weeks=-1),
        "programme.otj.plan.leave_weeks must be a number of weeks",
    ),
    "leave NaN": (  # Python writes NaN, which JSON does not have
        lambda d: d["programme"]["otj"]["plan"].update(leave_weeks=float("nan")),
        "portfolio.json is not valid JSON",
    ),
    "action done text": (
        lambda d: d["programme"]["reviews"][0]["actions"][0].update(done="yes"),
        "programme.reviews[0].actions[0].done must be true or false",
    ),
    "unknown role level": (
        lambda d: d["programme"]["role_level"].update(level="L9"),
        "DDaT role level L9",
    ),
    "not an object": (
        lambda d: d.update(programme=[]),
        "programme must be an object",
    ),
}


@pytest.fixture(scope="module")
def signed_good(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, signing.SigningKey]:
    """One package with programme records, made once for every malformed case."""
    folder = tmp_path_factory.mktemp("programme-good")
    key = signing.load_or_create_key(folder / "key.pem")
    db = build_portfolio(folder / "p.sqlite3")
    try:
        progress_sample.fill(db)
        _add_more_records(db)
        export_package(
            db, folder / "good.portfolio", key=key, build_pdf=fake_pdf, audience="review"
        )
    finally:
        db.close()
    return folder / "good.portfolio", key


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_programme_section_is_refused_and_nothing_is_written(
    case: str,
    signed_good: tuple[Path, signing.SigningKey],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    edit, expected = MALFORMED[case]
    good, key = signed_good

    def change(content: dict[str, bytes]) -> dict[str, bytes]:
        document = json.loads(content["portfolio.json"])
        edit(document)
        return {**content, "portfolio.json": json.dumps(document).encode()}

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = rewrite(good, inbox / "bad.portfolio", change, sign_with=key)

    code, out, err = run(capsys, "verify", str(bad))
    assert code == 1 and expected in err, err or out
    target = inbox / "imported.sqlite3"
    code, out, err = run(capsys, "--file", str(target), "import", "package", str(bad))
    assert code == 1, out
    assert err.startswith("portfolio: ") and err.count("\n") == 1, err
    assert expected in err
    assert "Traceback" not in err
    assert tree(inbox) == {"bad.portfolio"}  # nothing written, no temporary folder left
