"""A record listed twice where a portfolio keeps it once is refused by the schema, in the
package's own words: the same sentence from ``verify`` (with or without the rebuild),
``import package`` and ``signoff import``, exit status 1, nothing written, and never
the rebuild's temporary file or a database's constraint text.

Each case is one UNIQUE constraint (or primary key) of the models (app/models/*orm*.py)
that a package's ``portfolio.json`` or ``signoff.json``, or a sign-off file, could meet.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

import app.export.package as package_module
from app.export.package import PackageError, PackageReader, check_by_rebuilding, export_package
from app.export.signoff_files import (
    import_response,
    make_request,
    open_request,
    parse_decisions,
    write_response,
)
from app.schema.signoff import Person
from app.services import signing
from app.services.portfolio_check import parse_document, rebuilt_fingerprint
from app.services.signing import SigningKey
from tests.package_helpers import build_portfolio, members, rewrite, run, tree, write_zip
from tests.test_signoff_tampering import resign

Change = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    return signing.load_or_create_key(tmp_path_factory.mktemp("keys") / "apprentice.pem")


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory, key: SigningKey) -> Path:
    """The review copy of a portfolio holding a record of every kind a package carries:
    items with tags, other tags and attachments, programme records (scans, an OTJ entry
    linked to two competencies and two items, reviews with actions), an imported
    assessment plan, the project (weeks, a note), discussion notes, and answered sign-off
    requests."""
    from app.services import assessment_plans, discussion, otj, project
    from tests.progress_sample import fill

    folder = tmp_path_factory.mktemp("everything")
    db = build_portfolio(folder / "p.sqlite3")
    try:
        fill(db)
        with db.transaction() as s:
            otj.add_entry(
                s,
                otj.make_input(
                    date="2025-08-04",
                    minutes=120,
                    activity="mentoring",
                    competencies=["S14", "K1"],
                    items=["E004", "E001"],
                ),
            )
            project.save_scope(s, title="Blue/green deploys", scope="Zero-downtime releases.")
            project.save_week(s, 1, plan="Spike", log="Done", minutes=300)
            project.save_week(s, 2, plan="Build", log="", minutes=240)
            plan = assessment_plans.plan_for_portfolio(s)
            assert plan is not None
            project.set_note(s, sorted(project.project_codes(plan))[0], "Shown in week 1")
            theme = discussion.preparation(s)[0].code
            discussion.save_notes(s, theme, situation="An outage", result="Fixed in 20 min")
        for name, refs, confirm in (("Kim Witness", ["E004", "E001"], ["E004"]),):
            signer = signing.load_or_create_key(folder / f"{name}.pem")
            req = folder / f"{name}.request"
            make_request(db, refs, Person(name=name, role="Lead"), req, key=key)
            opened = open_request(req)
            out = folder / f"{name}.response"
            write_response(
                opened, parse_decisions(opened, confirm, []), opened.request.signer, out, key=signer
            )
            import_response(db, out)
        export_package(db, folder / "everything.portfolio", key=key, audience="review")
    finally:
        db.close()
    return folder / "everything.portfolio"


def _item(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return next(i for i in document["items"] if i["ref"] == ref)


def _twice(records: list[Any], n: int = 0) -> None:
    records.append(json.loads(json.dumps(records[n])))


def _own_tag_among_others(document: dict[str, Any]) -> None:
    own = document["portfolio"]["framework"]
    item = _item(document, "E001")
    tag = {"framework": own["key"], "version": own["version"], "kind": "competency"}
    item["other_tags"].append({**tag, "code": "K1", "justification": "said again"})


def _plans_twice(document: dict[str, Any]) -> None:
    plan = (Path(__file__).parents[1] / "resources/assessment_plans/ST0825.json").read_text()
    document["assessment"]["plans"] = [plan, plan]


def _action_in_two_reviews(document: dict[str, Any]) -> None:
    reviews = [r for r in document["programme"]["reviews"] if r["actions"]]
    reviews[1]["actions"].append(dict(reviews[0]["actions"][0]))


def _entry(document: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in document["programme"]["otj"]["entries"] if len(e["items"]) > 1)


def _programme(document: dict[str, Any]) -> dict[str, Any]:
    programme: dict[str, Any] = document["programme"]
    return programme


def _assessment(document: dict[str, Any]) -> dict[str, Any]:
    assessment: dict[str, Any] = document["assessment"]
    return assessment


# (case, the change to portfolio.json, the sentence's telling part)
DOCUMENT_CASES: list[tuple[str, Change, str]] = [
    ("item", lambda d: _twice(d["items"]), "portfolio.json lists E001 twice"),
    ("ksb on an item", lambda d: _twice(_item(d, "E001")["ksbs"]), "E001 is tagged K1 twice"),
    ("duty on an item", lambda d: _twice(_item(d, "E001")["duties"]), "E001 is tagged D1 twice"),
    (
        "other tag on an item",
        lambda d: _twice(_item(d, "E002")["other_tags"]),
        "E002 is tagged DS1 of DDAT-DEVOPS v",
    ),
    ("own framework among other tags", _own_tag_among_others, "E001 is tagged K1 twice"),
    ("framework", lambda d: _twice(d["frameworks"]), "portfolio.json lists the framework "),
    (
        "skills scan",
        lambda d: _twice(_programme(d)["scans"]),
        "portfolio.json lists skills scan 1 twice",
    ),
    (
        "rating in a scan",
        lambda d: _twice(_programme(d)["scans"][0]["ratings"]),
        "skills scan 1 rates ",
    ),
    (
        "off-the-job entry",
        lambda d: _twice(_programme(d)["otj"]["entries"]),
        "portfolio.json lists off-the-job entry 1 twice",
    ),
    (
        "competency linked to an entry",
        lambda d: _twice(_entry(d)["competencies"]),
        " is linked to K1 (ST0825 v",
    ),
    ("item linked to an entry", lambda d: _twice(_entry(d)["items"]), " is linked to E001 twice"),
    (
        "progress review",
        lambda d: _twice(_programme(d)["reviews"]),
        "portfolio.json lists progress review 1 twice",
    ),
    ("review action", _action_in_two_reviews, "portfolio.json lists review action 1 twice"),
    ("assessment plan", _plans_twice, "portfolio.json carries the assessment plan ST0825 twice"),
    (
        "project week",
        lambda d: _twice(_assessment(d)["project"]["weeks"], 1),
        "portfolio.json lists project week 2 twice",
    ),
    (
        "project note",
        lambda d: _twice(_assessment(d)["project"]["notes"]),
        "portfolio.json lists the project note on ",
    ),
    (
        "discussion theme",
        lambda d: _twice(_assessment(d)["discussion"]),
        "portfolio.json lists the discussion notes on ",
    ),
]


def _request(records: dict[str, Any]) -> dict[str, Any]:
    request: dict[str, Any] = records["requests"][0]
    return request


SIGNOFF_CASES: list[tuple[str, Change, str]] = [
    ("sign-off request", lambda r: _twice(r["requests"]), "signoff.json lists the request "),
    (
        "item in a sign-off request",
        lambda r: _twice(_request(r)["items"]),
        "'s request ",
    ),
    ("sign-off response", lambda r: _twice(r["responses"]), "signoff.json lists the response "),
]


def _document_change(change: Change) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def apply(content: dict[str, bytes]) -> dict[str, bytes]:
        document = json.loads(content["portfolio.json"])
        change(document)
        return {**content, "portfolio.json": json.dumps(document).encode()}

    return apply


def _records_change(change: Change) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def apply(content: dict[str, bytes]) -> dict[str, bytes]:
        records = json.loads(content["signoff.json"])
        change(records)
        return {**content, "signoff.json": json.dumps(records).encode()}

    return apply


def _refused_alike(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, bad: Path, telling: str
) -> None:
    code, out, err = run(capsys, "verify", str(bad))
    assert (code, out) == (1, ""), err
    assert telling in err and err.count("\n") == 1 and err.endswith(" twice.\n"), err
    for leak in ("check.sqlite3", "portfolio-verify", "/tmp", "UNIQUE", "constraint"):
        assert leak not in err, err
    before = tree(tmp_path)
    target = tmp_path / "imported.sqlite3"
    assert run(capsys, "--file", str(target), "import", "package", str(bad)) == (1, "", err)
    assert tree(tmp_path) == before  # nothing written beside the package


@pytest.mark.parametrize(
    ("change", "telling"),
    [(c[1], c[2]) for c in DOCUMENT_CASES],
    ids=[c[0] for c in DOCUMENT_CASES],
)
def test_a_record_listed_twice_in_portfolio_json_is_one_sentence(
    everything: Path,
    key: SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Change,
    telling: str,
) -> None:
    bad = rewrite(
        everything, tmp_path / "variant.portfolio", _document_change(change), sign_with=key
    )
    _refused_alike(capsys, tmp_path, bad, telling)


@pytest.mark.parametrize(
    ("change", "telling"),
    [(c[1], c[2]) for c in SIGNOFF_CASES],
    ids=[c[0] for c in SIGNOFF_CASES],
)
def test_a_record_listed_twice_in_signoff_json_is_one_sentence(
    everything: Path,
    key: SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Change,
    telling: str,
) -> None:
    bad = rewrite(
        everything, tmp_path / "variant.portfolio", _records_change(change), sign_with=key
    )
    _refused_alike(capsys, tmp_path, bad, telling)


def test_the_package_with_every_kind_of_record_verifies(
    everything: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cases above start from a package that is accepted as it is."""
    code, out, err = run(capsys, "verify", str(everything))
    assert (code, err) == (0, ""), err
    assert "OK: the signature and all" in out


def test_the_same_file_attached_twice_is_not_a_repeated_record(
    everything: Path, key: SigningKey, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An item may hold two attachments with the same name and bytes (the app allows it:
    attachments have no unique key), so such a package verifies and imports whole."""

    def attach_twice(document: dict[str, Any]) -> None:
        _twice(_item(document, "E001")["attachments"])
        parsed = parse_document(json.dumps(document).encode())
        document["fingerprint"] = rebuilt_fingerprint(parsed)

    twice = rewrite(
        everything, tmp_path / "twice.portfolio", _document_change(attach_twice), sign_with=key
    )
    code, out, err = run(capsys, "verify", str(twice))
    assert (code, err) == (0, ""), err
    target = tmp_path / "imported.sqlite3"
    code, out, err = run(capsys, "--file", str(target), "import", "package", str(twice))
    assert (code, err) == (0, ""), err
    code, out, err = run(capsys, "--file", str(target), "item", "show", "E001", "--json")
    assert code == 0, err
    names = [a["name"] for a in json.loads(out)["attachments"]]
    assert names == ["pipeline.png", "deploy.log", "empty.txt", "pipeline.png"]


def test_a_sign_off_response_answering_for_an_item_twice_is_one_sentence(
    tmp_path: Path, key: SigningKey, capsys: pytest.CaptureFixture[str]
) -> None:
    db = build_portfolio(tmp_path / "p.sqlite3")
    try:
        signer = signing.load_or_create_key(tmp_path / "signer.pem")
        make_request(db, ["E001", "E004"], Person(name="Sam"), tmp_path / "a.request", key=key)
        opened = open_request(tmp_path / "a.request")
        response = tmp_path / "a.response"
        write_response(
            opened,
            parse_decisions(opened, ["E004"], []),
            opened.request.signer,
            response,
            key=signer,
        )
        content = members(response)
        body = json.loads(content["response.json"])
        _twice(body["items"])
        content["response.json"] = json.dumps(body).encode()
        forged = write_zip(
            tmp_path / "twice.response",
            sorted(resign(content, signer, "apprentice-portfolio-signoff-response/1").items()),
        )
    finally:
        db.close()
    code, out, err = run(capsys, "--file", str(db.path), "signoff", "import", str(forged))
    assert (code, out) == (1, "")
    assert "response.json answers for E001 twice" in err and err.count("\n") == 1, err
    code, out, _ = run(capsys, "--file", str(db.path), "signoff", "list", "--json")
    assert code == 0 and json.loads(out)["statements"] == []


def test_a_sign_off_request_listing_an_item_twice_is_refused_by_the_signer(
    tmp_path: Path, key: SigningKey
) -> None:
    db = build_portfolio(tmp_path / "p.sqlite3")
    try:
        make_request(db, ["E001"], Person(name="Sam"), tmp_path / "a.request", key=key)
    finally:
        db.close()
    content = members(tmp_path / "a.request")
    body = json.loads(content["request.json"])
    _twice(body["items"])
    content["request.json"] = json.dumps(body).encode()
    forged = write_zip(
        tmp_path / "twice.request",
        sorted(resign(content, key, "apprentice-portfolio-signoff-request/1").items()),
    )
    with pytest.raises(PackageError, match=r"request\.json lists E001 twice"):
        open_request(forged)


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed: x.y")),
        sqlite3.IntegrityError("UNIQUE constraint failed: project_weeks.week"),
    ],
    ids=["through SQLAlchemy", "raw SQLite"],
)
def test_a_constraint_the_schema_missed_is_worded_without_the_temporary_file(
    everything: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
) -> None:
    """The last resort: a repeated record only the database notices still reads as the
    package's problem, with no temporary path and no SQL."""

    def repeated(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(package_module.portfolio_json, "restore_document", repeated)
    with PackageReader(everything) as reader:
        reader.verify()
        with pytest.raises(PackageError) as refused:
            check_by_rebuilding(reader)
    message = str(refused.value)
    assert message.startswith("The package everything.portfolio was refused: its portfolio.json")
    assert "could not be rebuilt: it repeats a record (" in message
    for leak in ("check.sqlite3", "portfolio-verify", "UNIQUE", "constraint"):
        assert leak not in message, message
    target = tmp_path / "imported.sqlite3"
    code, out, err = run(capsys, "--file", str(target), "import", "package", str(everything))
    assert (code, out) == (1, "") and "it repeats a record" in err, err
    assert tree(tmp_path) == set()
