"""``verify`` judges a plain package from its document, and agrees with the rebuild.

``import package`` rebuilds the portfolio and compares the content fingerprint it
reads back; ``verify`` skips that rebuild when ``portfolio_check.rebuilt_fingerprint``
can tell the result without a database (issue 18: a quick command line). Each
re-signed variant here is judged both ways: the answers must be the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import app.export.package as package_module
from app.export.package import PackageError, PackageReader, check_by_rebuilding, export_package
from app.services import signing
from app.services.portfolio_check import parse_document, rebuilt_fingerprint
from app.services.signing import SigningKey
from tests.package_helpers import build_portfolio, members, rewrite, run, tree


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    return signing.load_or_create_key(tmp_path_factory.mktemp("keys") / "apprentice.pem")


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, key: SigningKey) -> Path:
    folder = tmp_path_factory.mktemp("good")
    db = build_portfolio(folder / "p.sqlite3")
    try:
        # the review copy: drafts too (one tagged against two other frameworks)
        export_package(db, folder / "good.portfolio", key=key, audience="review")
    finally:
        db.close()
    return folder / "good.portfolio"


def _rebuild_verdict(package: Path) -> str:
    """What the rebuild (the import's own check) says: "" or the refusal."""
    with PackageReader(package) as reader:
        try:
            reader.verify()
            check_by_rebuilding(reader)
        except Exception as exc:  # the verdict itself is what is compared
            return str(exc)
    return ""


def test_the_document_alone_gives_the_fingerprint_the_rebuild_reads_back(good: Path) -> None:
    document = parse_document(members(good)["portfolio.json"])
    # tags against a second framework, attachments, a gap in the refs, non-ASCII text
    assert any(item.other_tags for item in document.items)
    assert rebuilt_fingerprint(document) == document.fingerprint


def _edit(
    change: Callable[[dict[str, Any]], None],
) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def apply(content: dict[str, bytes]) -> dict[str, bytes]:
        document = json.loads(content["portfolio.json"])
        change(document)
        return {**content, "portfolio.json": json.dumps(document).encode()}

    return apply


def _first_tagged(document: dict[str, Any], field: str) -> dict[str, Any]:
    return next(i for i in document["items"] if len(i[field]) > 1)


def _other_on_own(document: dict[str, Any]) -> None:
    item = _first_tagged(document, "ksbs")
    own = document["portfolio"]["framework"]
    code = item["ksbs"][0]["code"]
    item["other_tags"].append(
        {
            "framework": own["key"],
            "version": own["version"],
            "kind": "competency",
            "code": code,
            "justification": "said twice, differently",
        }
    )


# (name, change, accepted: True when the rebuild reads back the same content)
VARIANTS: list[tuple[str, Callable[[dict[str, Any]], None], bool]] = [
    ("items reversed", lambda d: d["items"].reverse(), True),
    ("ksbs reversed", lambda d: _first_tagged(d, "ksbs")["ksbs"].reverse(), True),
    ("duties reversed", lambda d: _first_tagged(d, "duties")["duties"].reverse(), True),
    ("title changed", lambda d: d["items"][0].update(title="Another title"), False),
    ("name changed", lambda d: d["portfolio"].update(apprentice_name="Mallory"), False),
    (
        "justification changed",
        lambda d: _first_tagged(d, "ksbs")["ksbs"][0].update(justification="not what was signed"),
        False,
    ),
    (
        "unknown code",
        lambda d: d["items"][0]["ksbs"].append({"code": "K99", "justification": ""}),
        False,
    ),
    ("tag on its own framework twice", _other_on_own, False),
    (
        "attachment renamed",
        lambda d: next(i for i in d["items"] if i["attachments"])["attachments"][0].update(
            name="other.png"
        ),
        False,
    ),
]


@pytest.mark.parametrize(
    ("change", "accepted"), [(v[1], v[2]) for v in VARIANTS], ids=[v[0] for v in VARIANTS]
)
def test_verify_answers_as_the_rebuild_does(
    good: Path,
    key: SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[dict[str, Any]], None],
    accepted: bool,
) -> None:
    bad = rewrite(good, tmp_path / "variant.portfolio", _edit(change), sign_with=key)
    expected = _rebuild_verdict(bad)
    assert (expected == "") == accepted, expected
    code, out, err = run(capsys, "verify", str(bad))
    if accepted:
        assert (code, err) == (0, ""), err
        assert "OK: the signature and all" in out
    else:
        assert (code, out) == (1, "")
        assert err == f"portfolio: {expected}\n"
    target = tmp_path / "imported.sqlite3"
    imported = run(capsys, "--file", str(target), "import", "package", str(bad))
    assert imported[0] == code
    if not accepted:
        assert imported[2] == err
        assert tree(tmp_path) == {"variant.portfolio"}


def test_a_plain_package_is_judged_without_a_rebuild(
    tmp_path: Path,
    key: SigningKey,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = build_portfolio(tmp_path / "p.sqlite3")
    try:  # the assessor's copy: no programme records, no sign-off
        export_package(db, tmp_path / "assessor.portfolio", key=key)
    finally:
        db.close()

    def no_rebuild(reader: PackageReader) -> None:
        raise PackageError("rebuilt")

    monkeypatch.setattr(package_module, "check_by_rebuilding", no_rebuild)
    code, out, err = run(capsys, "verify", str(tmp_path / "assessor.portfolio"))
    assert (code, err) == (0, "")
    assert "OK: the signature and all" in out
    # a changed document that keeps the old fingerprint is still refused: by the rebuild
    bad = rewrite(
        tmp_path / "assessor.portfolio",
        tmp_path / "changed.portfolio",
        _edit(lambda d: d["items"][0].update(title="Another title")),
        sign_with=key,
    )
    code, _, err = run(capsys, "verify", str(bad))
    assert (code, err) == (1, "portfolio: rebuilt\n")  # the rebuild was asked to decide


# --- sign-off records -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed_off(tmp_path_factory: pytest.TempPathFactory, key: SigningKey) -> Path:
    """The assessor's copy of a portfolio with two answered sign-off requests."""
    from app.export.signoff_files import (
        import_response,
        make_request,
        open_request,
        parse_decisions,
        write_response,
    )
    from app.schema.signoff import Person

    folder = tmp_path_factory.mktemp("signed-off")
    db = build_portfolio(folder / "p.sqlite3")
    try:
        for name, refs, confirm in (
            ("Kim Witness", ["E004"], ["E004"]),
            ("Sam Boss", ["E001"], ["E001:K1"]),
        ):
            signer = signing.load_or_create_key(folder / f"{name}.pem")
            req = folder / f"{name}.request"
            make_request(
                db, refs, Person(name=name, role="Lead", organisation="Acme"), req, key=key
            )
            opened = open_request(req)
            decisions = parse_decisions(opened, confirm, [])
            out = folder / f"{name}.response"
            write_response(opened, decisions, opened.request.signer, out, key=signer)
            import_response(db, out)
        export_package(db, folder / "signed-off.portfolio", key=key)
    finally:
        db.close()
    return folder / "signed-off.portfolio"


def test_a_package_with_sign_off_records_is_judged_without_a_rebuild(
    signed_off: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _rebuild_verdict(signed_off) == ""

    def no_rebuild(reader: PackageReader) -> None:
        raise PackageError("rebuilt")

    monkeypatch.setattr(package_module, "check_by_rebuilding", no_rebuild)
    code, out, err = run(capsys, "verify", str(signed_off))
    assert (code, err) == (0, "")
    assert "Sign-off: 2 confirmations by 2 signers, 0 for earlier versions" in out


def _records(
    change: Callable[[dict[str, Any]], None],
) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def apply(content: dict[str, bytes]) -> dict[str, bytes]:
        records = json.loads(content["signoff.json"])
        change(records)
        return {**content, "signoff.json": json.dumps(records).encode()}

    return apply


def _asking(records: dict[str, Any], ref: str) -> dict[str, Any]:
    return next(r for r in records["requests"] if r["items"][0]["ref"] == ref)


SIGNOFF_VARIANTS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("request recorded twice", lambda r: r["requests"].append(r["requests"][0])),
    ("claim not asked", lambda r: _asking(r, "E001")["items"][0].update(requested=["S14"])),
    (
        "item asked twice",
        lambda r: _asking(r, "E001")["items"].append(_asking(r, "E001")["items"][0]),
    ),
    ("request about a review", lambda r: _asking(r, "E004").update(review_id=1)),
    (
        "unanswered request added",
        lambda r: r["requests"].append({**_asking(r, "E004"), "request_id": "f" * 32}),
    ),
]


@pytest.mark.parametrize(
    "change", [v[1] for v in SIGNOFF_VARIANTS], ids=[v[0] for v in SIGNOFF_VARIANTS]
)
def test_verify_answers_on_sign_off_records_as_the_rebuild_does(
    signed_off: Path,
    key: SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[dict[str, Any]], None],
) -> None:
    bad = rewrite(signed_off, tmp_path / "variant.portfolio", _records(change), sign_with=key)
    expected = _rebuild_verdict(bad)
    code, out, err = run(capsys, "verify", str(bad))
    if expected == "":
        assert (code, err) == (0, ""), err
    else:  # (a database constraint's refusal names the rebuild's temporary folder)
        assert (code, out) == (1, "")
        assert _no_folder(err) == _no_folder(f"portfolio: {expected}\n")


def _no_folder(text: str) -> str:
    return re.sub(r"portfolio-verify-[^/]+", "portfolio-verify-…", text)


def test_a_portfolio_following_an_option_of_an_imported_standard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The option (its title from the standard the package carries) is in the fingerprint."""
    pf = str(tmp_path / "p.sqlite3")
    standard = Path(__file__).parent / "data" / "ST0901-options.json"
    assert run(capsys, "--file", pf, "frameworks", "import", str(standard))[0] == 0
    init = ("init", "--framework", "ST0901", "--option", "2", "--name", "Ada")
    assert run(capsys, "--file", pf, *init)[0] == 0
    add = ("item", "add", "--title", "Cloud landing zone", "--ksb", "K2,S2", "--status", "ready")
    assert run(capsys, "--file", pf, *add)[0] == 0
    package = tmp_path / "p.portfolio"
    assert run(capsys, "--file", pf, "export", "package", str(package))[0] == 0
    document = parse_document(members(package)["portfolio.json"])
    assert document.details.framework.option == 2
    assert rebuilt_fingerprint(document) == document.fingerprint
    assert _rebuild_verdict(package) == ""

    def no_rebuild(reader: PackageReader) -> None:
        raise PackageError("rebuilt")

    monkeypatch.setattr(package_module, "check_by_rebuilding", no_rebuild)
    code, out, err = run(capsys, "verify", str(package))
    assert (code, err) == (0, "")
    assert "Ada: ST0901 v1.0" in out


# --- programme records ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_programme(tmp_path_factory: pytest.TempPathFactory, key: SigningKey) -> Path:
    """The review copy of a portfolio with a year of programme records, a role level and
    an off-the-job entry linked to two competencies and two items."""
    from app.services import otj, skills_scan
    from tests.progress_sample import fill

    folder = tmp_path_factory.mktemp("programme")
    db = build_portfolio(folder / "p.sqlite3")
    try:
        fill(db)
        with db.transaction() as s:
            skills_scan.set_role_level(s, "L2")
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
        export_package(db, folder / "review.portfolio", key=key, audience="review")
    finally:
        db.close()
    return folder / "review.portfolio"


def test_programme_records_are_judged_without_a_rebuild(
    with_programme: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    document = parse_document(members(with_programme)["portfolio.json"])
    records = document.records
    assert records.scans and records.entries and records.reviews and records.role_level
    assert rebuilt_fingerprint(document) == document.fingerprint
    assert _rebuild_verdict(with_programme) == ""

    def no_rebuild(reader: PackageReader) -> None:
        raise PackageError("rebuilt")

    monkeypatch.setattr(package_module, "check_by_rebuilding", no_rebuild)
    code, out, err = run(capsys, "verify", str(with_programme))
    assert (code, err) == (0, "")
    assert "OK: the signature and all" in out


def _entry(records: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in records["otj"]["entries"] if len(e["competencies"]) > 1)


def _programme(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return lambda document: change(document["programme"])


# (name, change, accepted: the rebuild reads back the same records)
PROGRAMME_VARIANTS: list[tuple[str, Callable[[dict[str, Any]], None], bool]] = [
    ("scans reversed", lambda p: p["scans"].reverse(), True),
    ("ratings reversed", lambda p: p["scans"][0]["ratings"].reverse(), True),
    ("entries reversed", lambda p: p["otj"]["entries"].reverse(), True),
    ("entry competencies reversed", lambda p: _entry(p)["competencies"].reverse(), True),
    ("entry items reversed", lambda p: _entry(p)["items"].reverse(), True),
    ("reviews reversed", lambda p: p["reviews"].reverse(), True),
    ("rating changed", lambda p: p["scans"][0]["ratings"][0].update(rating=4), False),
    ("participants swapped", lambda p: p["reviews"][0]["participants"].reverse(), False),
    ("role level unknown", lambda p: p["role_level"].update(level="L9"), False),
    ("role level dropped", lambda p: p.update(role_level=None), False),
    (
        "rating of a code the framework lacks",
        lambda p: p["scans"][0]["ratings"][0].update(code="DS99"),
        False,
    ),
    ("entry dropped", lambda p: p["otj"]["entries"].pop(), False),
]


@pytest.mark.parametrize(
    ("change", "accepted"),
    [(v[1], v[2]) for v in PROGRAMME_VARIANTS],
    ids=[v[0] for v in PROGRAMME_VARIANTS],
)
def test_verify_answers_on_programme_records_as_the_rebuild_does(
    with_programme: Path,
    key: SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[dict[str, Any]], None],
    accepted: bool,
) -> None:
    bad = rewrite(
        with_programme, tmp_path / "variant.portfolio", _edit(_programme(change)), sign_with=key
    )
    expected = _rebuild_verdict(bad)
    assert (expected == "") == accepted, expected
    code, out, err = run(capsys, "verify", str(bad))
    if accepted:
        assert (code, err) == (0, ""), err
    else:
        assert (code, out, err) == (1, "", f"portfolio: {expected}\n")


# --- assessment records -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_assessment(tmp_path_factory: pytest.TempPathFactory, key: SigningKey) -> Path:
    """The assessor's copy of a portfolio with a project (scope, weeks, a mapping note)
    and professional discussion notes."""
    from app.services import assessment_plans, discussion, project

    folder = tmp_path_factory.mktemp("assessment")
    db = build_portfolio(folder / "p.sqlite3")
    try:
        with db.transaction() as s:
            project.save_scope(s, title="Blue/green deploys", scope="Zero-downtime releases.")
            project.save_week(s, 1, plan="Spike", log="Done", minutes=300)
            project.save_week(s, 2, plan="Build", log="", minutes=240)
            plan = assessment_plans.plan_for_portfolio(s)
            assert plan is not None
            project.set_note(s, sorted(project.project_codes(plan))[0], "Shown in week 1")
            theme = discussion.preparation(s)[0].code
            discussion.save_notes(s, theme, situation="An outage", result="Fixed in 20 min")
        export_package(db, folder / "assessor.portfolio", key=key)
    finally:
        db.close()
    return folder / "assessor.portfolio"


def test_assessment_records_are_judged_without_a_rebuild(
    with_assessment: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    document = parse_document(members(with_assessment)["portfolio.json"])
    assert document.assessment is not None
    assert document.assessment.project is not None and document.assessment.discussion
    assert rebuilt_fingerprint(document) == document.fingerprint
    assert _rebuild_verdict(with_assessment) == ""

    def no_rebuild(reader: PackageReader) -> None:
        raise PackageError("rebuilt")

    monkeypatch.setattr(package_module, "check_by_rebuilding", no_rebuild)
    code, out, err = run(capsys, "verify", str(with_assessment))
    assert (code, err) == (0, "")
    assert "OK: the signature and all" in out


BUNDLED_PLAN = Path(__file__).parents[1] / "resources" / "assessment_plans" / "ST0825.json"


def _assessment(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    return lambda document: change(document["assessment"])


ASSESSMENT_VARIANTS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("a plan carried", lambda a: a.update(plans=[BUNDLED_PLAN.read_text(encoding="utf-8")])),
    ("a plan carried twice", lambda a: a.update(plans=[BUNDLED_PLAN.read_text("utf-8")] * 2)),
    ("a plan that is not one", lambda a: a.update(plans=['{"format": "something else"}'])),
    ("a week given twice", lambda a: a["project"]["weeks"].append(a["project"]["weeks"][0])),
    ("a note given twice", lambda a: a["project"]["notes"].append(a["project"]["notes"][0])),
    ("a theme given twice", lambda a: a["discussion"].append(a["discussion"][0])),
    ("weeks reversed", lambda a: a["project"]["weeks"].reverse()),
]


@pytest.mark.parametrize(
    "change", [v[1] for v in ASSESSMENT_VARIANTS], ids=[v[0] for v in ASSESSMENT_VARIANTS]
)
def test_verify_answers_on_assessment_records_as_the_rebuild_does(
    with_assessment: Path,
    key: SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change: Callable[[dict[str, Any]], None],
) -> None:
    bad = rewrite(
        with_assessment, tmp_path / "variant.portfolio", _edit(_assessment(change)), sign_with=key
    )
    expected = _rebuild_verdict(bad)
    code, out, err = run(capsys, "verify", str(bad))
    if expected == "":
        assert (code, err) == (0, ""), err
    else:
        assert (code, out) == (1, "")
        assert _no_folder(err) == _no_folder(f"portfolio: {expected}\n")
