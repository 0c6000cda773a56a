"""Sign-off about drafts and the assessor's copy (issue 14, left open there).

The assessor's copy of a package leaves the drafts out, so it carries only the sign-off
requests and responses that concern an item it carries; a signed response that also
speaks for a draft goes in whole, and its confirmation of the draft is counted neither
as current nor as "for an earlier version", by ``verify`` (without a rebuild and with
one) and by the imported portfolio alike. The review copy carries everything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

import app.export.package as package_module
from app.export.package import (
    PackageError,
    PackageReader,
    check_by_rebuilding,
    export_package,
    import_package,
)
from app.models.db import Database, open_portfolio
from app.services import signing, signoff
from app.services.signing import SigningKey
from tests.package_helpers import build_portfolio, members, run

# build_portfolio: E001 (ready, claims K1 and S14), E002 (draft, claims K2), E004 (ready, B1)


@pytest.fixture
def key(tmp_path: Path) -> SigningKey:
    return signing.load_or_create_key(tmp_path / "keys" / "apprentice.pem")


def confirm(
    db: Database, folder: Path, key: SigningKey, name: str, refs: Sequence[str], said: list[str]
) -> None:
    """``name`` is asked about ``refs``, confirms ``said``, and the answer is imported."""
    from app.export.signoff_files import (
        import_response,
        make_request,
        open_request,
        parse_decisions,
        write_response,
    )
    from app.schema.signoff import Person

    signer = signing.load_or_create_key(folder / f"{name}.pem")
    request = folder / f"{name}.request"
    make_request(db, list(refs), Person(name=name, organisation="Acme"), request, key=key)
    opened = open_request(request)
    out = folder / f"{name}.response"
    write_response(
        opened, parse_decisions(opened, said, []), opened.request.signer, out, key=signer
    )
    import_response(db, out)


def ask(db: Database, folder: Path, key: SigningKey, name: str, refs: Sequence[str]) -> None:
    """A request sent to ``name`` and not answered yet."""
    from app.export.signoff_files import make_request
    from app.schema.signoff import Person

    make_request(db, list(refs), Person(name=name), folder / f"{name}.request", key=key)


def asked_about(package: Path) -> list[list[str]]:
    """The items of each request the package records."""
    records = json.loads(members(package)["signoff.json"])
    return [[i["ref"] for i in r["items"]] for r in records["requests"]]


def verify_both_ways(
    package: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    """``verify``'s output, after checking that the rebuild (the import's own check) accepts
    the package too and that ``verify`` judged it from the document alone."""
    with PackageReader(package) as reader:
        reader.verify()
        check_by_rebuilding(reader)

    def no_rebuild(reader: PackageReader) -> None:
        raise PackageError("rebuilt")

    with monkeypatch.context() as m:
        m.setattr(package_module, "check_by_rebuilding", no_rebuild)
        code, out, err = run(capsys, "verify", str(package))
    assert (code, err) == (0, ""), err
    return out


def imported(package: Path, target: Path) -> signoff.SignoffOverview:
    import_package(package, target)
    db = open_portfolio(target)
    try:
        with db.reader() as session:
            return signoff.overview(session)
    finally:
        db.close()


def test_the_assessor_s_copy_carries_no_sign_off_about_a_draft(
    tmp_path: Path,
    key: SigningKey,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = build_portfolio(tmp_path / "p.sqlite3")
    try:
        confirm(db, tmp_path, key, "Dee Draft", ["E002"], ["E002:K2"])
        confirm(db, tmp_path, key, "Rey Ready", ["E001"], ["E001:K1"])
        ask(db, tmp_path, key, "Pat Pending", ["E002"])  # a request about the draft alone
        export_package(db, tmp_path / "assessor.portfolio", key=key)
        export_package(db, tmp_path / "review.portfolio", key=key, audience="review")
    finally:
        db.close()

    assessor = tmp_path / "assessor.portfolio"
    assert asked_about(assessor) == [["E001"]]
    assert len([m for m in members(assessor) if m.startswith("signoff/")]) == 1
    out = verify_both_ways(assessor, capsys, monkeypatch)
    assert (
        "Sign-off: 1 confirmation by 1 signer, 0 for earlier versions "
        "(1 signed response, every signature valid)." in out
    )
    assert "not in this copy" not in out
    view = imported(assessor, tmp_path / "assessor.sqlite3")
    assert [s.name for s in view.statements] == ["Rey Ready"]
    assert [r.name for r in view.requests] == ["Rey Ready"]  # no pending request about E002
    assert view.summary() == (1, 1, 0)

    # the apprentice's review copy still carries everything
    review = tmp_path / "review.portfolio"
    assert asked_about(review) == [["E002"], ["E001"], ["E002"]]
    out = verify_both_ways(review, capsys, monkeypatch)
    assert "Sign-off: 2 confirmations by 2 signers, 0 for earlier versions (2 signed" in out
    view = imported(review, tmp_path / "review.sqlite3")
    assert [s.name for s in view.statements] == ["Dee Draft", "Rey Ready"]
    assert view.summary() == (2, 2, 0)


def test_a_response_about_a_draft_and_a_ready_item_goes_in_whole_and_counts_once(
    tmp_path: Path,
    key: SigningKey,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = build_portfolio(tmp_path / "p.sqlite3")
    try:
        confirm(db, tmp_path, key, "Max Mixed", ["E002", "E004"], ["E002:K2", "E004:B1"])
        export_package(db, tmp_path / "assessor.portfolio", key=key)
    finally:
        db.close()

    assessor = tmp_path / "assessor.portfolio"
    assert asked_about(assessor) == [["E002", "E004"]]  # signed as a whole: kept whole
    out = verify_both_ways(assessor, capsys, monkeypatch)
    assert (
        "Sign-off: 1 confirmation by 1 signer, 0 for earlier versions, 1 for items not in "
        "this copy (1 signed response, every signature valid)." in out
    )

    # the import counts it as verify does: for E004 only
    target = tmp_path / "assessor.sqlite3"
    view = imported(assessor, target)
    assert view.summary() == (1, 1, 0)
    assert view.absent() == 1
    [statement] = view.statements
    assert {c.ref: c.present for c in statement.items} == {"E002": False, "E004": True}
    assert [c.ref for c in statement.items if c.current] == ["E004"]
    code, out, _ = run(capsys, "--file", str(target), "signoff", "list")
    assert code == 0
    assert "  E002: confirmed K2 (not in this portfolio)" in out
    assert "given for an earlier version" not in out
    assert "1 confirmation by 1 signer, 0 for earlier versions, 1 for items not in" in out


def test_review_mode_shows_no_statement_about_an_item_the_copy_left_out(
    tmp_path: Path, key: SigningKey
) -> None:
    """What review mode's Assessment page lists beside an item: only confirmations of
    items the package carries (``AssessmentPage.confirmations`` keeps ``present`` ones)."""
    db = build_portfolio(tmp_path / "p.sqlite3")
    try:
        confirm(db, tmp_path, key, "Dee Draft", ["E002"], ["E002:K2"])
        confirm(db, tmp_path, key, "Max Mixed", ["E002", "E004"], ["E002:K2", "E004:B1"])
        export_package(db, tmp_path / "assessor.portfolio", key=key)
    finally:
        db.close()

    view = imported(tmp_path / "assessor.portfolio", tmp_path / "assessor.sqlite3")
    shown = {c.ref: s.name for s in view.statements for c in s.items if c.present}
    assert shown == {"E004": "Max Mixed"}
    assert "Dee Draft" not in {s.name for s in view.statements}


def test_an_older_assessor_s_copy_does_not_count_a_draft_s_confirmation_as_earlier(
    tmp_path: Path,
    key: SigningKey,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A copy written before the drafts' sign-off was left out still verifies and imports;
    its confirmation of a draft is reported as for an item not in the copy."""
    db = build_portfolio(tmp_path / "p.sqlite3")
    try:
        confirm(db, tmp_path, key, "Dee Draft", ["E002"], ["E002:K2"])
        confirm(db, tmp_path, key, "Rey Ready", ["E001"], ["E001:K1"])
        with monkeypatch.context() as m:  # as export_package wrote it before
            m.setattr(package_module, "_concerning", lambda _s, req, resp, _refs: (req, resp))
            export_package(db, tmp_path / "old.portfolio", key=key)
    finally:
        db.close()

    old = tmp_path / "old.portfolio"
    assert asked_about(old) == [["E002"], ["E001"]]
    out = verify_both_ways(old, capsys, monkeypatch)
    assert (
        "Sign-off: 1 confirmation by 1 signer, 0 for earlier versions, 1 for items not in "
        "this copy (2 signed responses, every signature valid)." in out
    )
    view = imported(old, tmp_path / "old.sqlite3")
    assert view.summary() == (1, 1, 0)
    assert view.absent() == 1


def test_review_mode_opens_the_assessor_s_copy_without_the_draft_s_statement(
    tmp_path: Path, key: SigningKey
) -> None:
    """Review mode (``open_for_review``, as File > Open Package… does) of the assessor's
    copy: the draft's own statement is not there, and the mixed one stands for E004."""
    from app.export.package import open_for_review

    db = build_portfolio(tmp_path / "p.sqlite3")
    try:
        confirm(db, tmp_path, key, "Dee Draft", ["E002"], ["E002:K2"])
        confirm(db, tmp_path, key, "Max Mixed", ["E002", "E004"], ["E002:K2", "E004:B1"])
        export_package(db, tmp_path / "assessor.portfolio", key=key)
    finally:
        db.close()
    folder = tmp_path / "review"
    folder.mkdir()
    verified, path = open_for_review(tmp_path / "assessor.portfolio", folder)
    assert verified.signoff is not None and verified.signoff.responses == 1
    review = open_portfolio(path)
    try:
        with review.reader() as s:
            on_ready = signoff.confirmations_for(s, "E004")
            view = signoff.overview(s)
    finally:
        review.close()
    assert [(c.name, c.confirmed, c.current) for c in on_ready] == [("Max Mixed", ("B1",), True)]
    assert [s.name for s in view.statements] == ["Max Mixed"]


def test_the_assessor_s_pdf_names_no_employer_confirmation_of_a_draft(
    tmp_path: Path, key: SigningKey
) -> None:
    """The declaration's "Confirmed digitally by" lines count only the items the PDF shows."""
    from app.export.pdf import PdfOptions, export_portfolio_pdf
    from app.services import portfolio
    from tests.pdf_reading import all_text

    db = build_portfolio(tmp_path / "p.sqlite3")
    try:
        with db.transaction() as s:
            portfolio.update_details(s, employer="Acme")
        confirm(db, tmp_path, key, "Dee Draft", ["E002"], ["E002:K2"])
        confirm(db, tmp_path, key, "Max Mixed", ["E002", "E004"], ["E002:K2", "E004:B1"])
        export_portfolio_pdf(db, tmp_path / "assessor.pdf", PdfOptions())
        export_portfolio_pdf(db, tmp_path / "drafts.pdf", PdfOptions(include_drafts=True))
    finally:
        db.close()
    text = " ".join(all_text(tmp_path / "assessor.pdf").split())
    assert "Confirmed digitally by Max Mixed (Acme) on" in text
    assert ": 1 claim of E004." in text
    assert "Dee Draft" not in text
    text = " ".join(all_text(tmp_path / "drafts.pdf").split())  # drafts shown: all of it
    assert "Confirmed digitally by Dee Draft (Acme)" in text
    assert ": 2 claims of E002, E004." in text
