"""Coverage "confirmed by employer": only the claims a signer of the apprentice's employer
confirmed for the items as they are now are counted, by the one coverage function."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.export.signoff_files import import_response, make_request, open_request, parse_decisions
from app.export.signoff_files import write_response as respond
from app.models.db import Database
from app.schema.signoff import Person
from app.services import evidence, queries, signing, signoff
from tests.package_helpers import build_portfolio, run


def answer(
    db: Database, tmp_path: Path, name: str, org: str, refs: list[str], confirm: list[str],
    decline: list[str], *, signed_org: str | None = None,
) -> None:  # fmt: skip
    key = signing.load_or_create_key(tmp_path / "keys" / f"{name}.pem")
    req = tmp_path / f"{name}.request"
    make_request(db, refs, Person(name=name, role="Lead", organisation=org), req)
    opened = open_request(req)
    signer = Person(name=name, organisation=org if signed_org is None else signed_org)
    out = tmp_path / f"{name}.response"
    respond(opened, parse_decisions(opened, confirm, decline), signer, out, key=key)
    import_response(db, out)


@pytest.fixture
def confirmed(tmp_path: Path) -> Iterator[Database]:
    """Employer AT&T Analytical. E001 (ready: K1, S14; D1, D5): its team lead (employer)
    confirms K1 and declines S14; a college tutor confirms S14. E004 (ready: B1): a
    manager who left their organisation blank, asked as of the employer, confirms B1."""
    db = build_portfolio(tmp_path / "p.sqlite3")
    answer(db, tmp_path, "Sam Lead", "at&t  analytical", ["E001"], ["E001:K1"], ["E001:S14"])
    answer(db, tmp_path, "Tia Tutor", "S&P College", ["E001"], ["E001:S14"], [])
    answer(db, tmp_path, "Max Manager", "AT&T Analytical", ["E004"], ["E004"], [], signed_org="")
    yield db
    db.close()


def counts(db: Database, *, employer: bool) -> dict[str, int]:
    with db.reader() as s:
        report = queries.compute_coverage(
            s, confirmed=signoff.employer_confirmed(s) if employer else None
        )
    return {c.code: c.count for c in report.competencies}


def test_only_claims_the_employer_confirmed_count(confirmed: Database) -> None:
    everything = counts(confirmed, employer=False)
    assert everything["K1"] == 1 and everything["S14"] == 1 and everything["B1"] == 1
    only = counts(confirmed, employer=True)
    # K1 confirmed by the employer; S14 declined by them (the tutor's confirmation is
    # not the employer's); B1 by a blank organisation asked as of the employer
    assert only["K1"] == 1 and only["S14"] == 0 and only["B1"] == 1
    assert sum(only.values()) == 2
    with confirmed.reader() as s:
        report = queries.compute_coverage(s, confirmed=signoff.employer_confirmed(s))
        full = queries.compute_coverage(s)
    assert next(c for c in report.competencies if c.code == "K1").items == ("E001",)
    # a cell counts the ready items of its group whose claim of its competency was confirmed
    cells = {(c.group, c.competency): c.count for c in report.cells}
    assert any(c.count for c in full.cells if c.competency == "S14")
    for cell in full.cells:
        expected = cell.count if cell.competency in {"K1", "B1"} else 0
        assert cells[(cell.group, cell.competency)] == expected


def test_a_confirmation_for_an_earlier_version_no_longer_counts(confirmed: Database) -> None:
    with confirmed.transaction() as s:
        evidence.update_item(s, "E001", title="CI pipeline, rewritten")
    only = counts(confirmed, employer=True)
    assert only["K1"] == 0 and only["B1"] == 1
    with confirmed.reader() as s:
        assert signoff.employer_confirmed(s) == {(4, "B1")}


def test_no_employer_in_the_details_counts_nothing(confirmed: Database) -> None:
    from app.services import portfolio

    with confirmed.transaction() as s:
        portfolio.update_details(s, employer="")
    assert sum(counts(confirmed, employer=True).values()) == 0


def test_the_cli_flag(confirmed: Database, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(confirmed.path)
    code, out, err = run(capsys, "--file", path, "coverage", "--confirmed-by-employer", "--json")
    assert code == 0, err
    rows = {c["code"]: c for c in json.loads(out)["competencies"]}
    assert rows["K1"]["count"] == 1 and rows["K1"]["items"] == ["E001"]
    assert rows["S14"]["count"] == 0
    code, out, err = run(capsys, "--file", path, "coverage", "--confirmed-by-employer")
    assert code == 0 and "by claims the employer confirmed" in out
    code, out, err = run(capsys, "--file", path, "coverage")
    assert code == 0 and "employer" not in out
    code, out, err = run(
        capsys, "--file", path, "coverage", "--confirmed-by-employer", "--by", "theme"
    )
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("organisation", "employer", "same"),
    [
        ("Northwind Logistics", "Northwind Logistics Ltd", True),
        ("northwind  logistics ltd.", "Northwind Logistics Limited", True),
        ("Acme PLC", "Acme", True),
        ("Northwind College", "Northwind Logistics Ltd", False),
        ("Ltd", "", False),
        ("", "", False),
    ],
)
def test_which_organisation_is_the_employer(organisation: str, employer: str, same: bool) -> None:
    assert signoff.is_employer(organisation, employer) is same
