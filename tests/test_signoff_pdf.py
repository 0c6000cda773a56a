"""The signed EPA PDF: PAdES signature valid for pdfsig and pypdf, the same bytes for the
same portfolio, the sign-off blocks, and a package carrying statements onto a fresh profile."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.export.package import export_package
from app.export.pdf import PdfOptions, export_portfolio_pdf
from app.export.pdf_signing import ed25519_fingerprint_of
from app.export.signoff_files import import_response, make_request, open_request, parse_decisions
from app.export.signoff_files import write_response as respond
from app.models.db import Database, open_portfolio
from app.schema.signoff import Person
from app.services import evidence, portfolio, queries, signing
from tests.package_helpers import build_portfolio, members, run
from tests.pdf_reading import all_text

STATEMENT = "On 2026-02-27 I watched them <b>lead</b> the incident call & write it up."


@pytest.fixture
def signed_off(tmp_path: Path) -> Database:
    """A portfolio with a witness statement about E004 and an employer's answer on E001."""
    db = build_portfolio(tmp_path / "p.sqlite3")
    with db.transaction() as s:
        portfolio.update_details(s, employer="Acme Ltd")
    witness = signing.load_or_create_key(tmp_path / "keys" / "witness.pem")
    boss = signing.load_or_create_key(tmp_path / "keys" / "boss.pem")
    for name, org, refs, key, confirm in (
        ("Kim Witness", "Acme Ltd", ["E004"], witness, ["E004"]),
        ("Sam Boss", "Acme Ltd", ["E001"], boss, ["E001:K1"]),
    ):
        req = tmp_path / f"{name}.request"
        make_request(db, refs, Person(name=name, role="Lead", organisation=org), req)
        opened = open_request(req)
        out = tmp_path / f"{name}.response"
        statement = STATEMENT if name == "Kim Witness" else ""
        decisions = parse_decisions(opened, confirm, ["E001:S14"] if refs == ["E001"] else [])
        respond(opened, decisions, opened.request.signer, out, statement=statement, key=key)
        import_response(db, out)
    yield db
    db.close()


def test_the_pdf_is_signed_and_pypdf_sees_the_signature_field(
    signed_off: Database, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    export_portfolio_pdf(signed_off, out)
    reader = PdfReader(out)
    fields = reader.get_fields() or {}
    signature = fields["Apprentice signature"]
    assert signature.get("/FT") == "/Sig"
    value = signature["/V"]
    byte_range = list(value["/ByteRange"])
    data = out.read_bytes()
    assert byte_range[0] == 0 and byte_range[2] + byte_range[3] == len(data)
    # the signature covers every byte but its own /Contents
    assert data[byte_range[1] : byte_range[1] + 1] == b"<"
    assert data[byte_range[2] - 1 : byte_range[2]] == b">"
    assert value["/SubFilter"] == "/ETSI.CAdES.detached"
    key = signing.load_or_create_key()
    assert key.fingerprint in str(value["/Reason"])


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (poppler-utils) is absent")
def test_pdfsig_reports_the_signature_valid_and_a_changed_byte_invalid(
    signed_off: Database, tmp_path: Path
) -> None:
    out = tmp_path / "signed.pdf"
    export_portfolio_pdf(signed_off, out)
    report = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" in report.stdout, report.stdout + report.stderr
    assert "Signer Certificate Common Name: Zoë O'Brien <b>" in report.stdout
    assert signing.load_or_create_key().fingerprint in report.stdout  # the certificate names it
    data = bytearray(out.read_bytes())
    at = data.index(b"Declaration")  # inside a compressed stream or not, a signed byte
    data[at - 200] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    report = subprocess.run(["pdfsig", str(tampered)], capture_output=True, text=True, check=False)
    assert "Signature is Valid" not in report.stdout


def test_the_same_portfolio_gives_the_same_signed_bytes_and_unsigned_stays_possible(
    signed_off: Database, tmp_path: Path
) -> None:
    first, second, plain = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "plain.pdf"
    export_portfolio_pdf(signed_off, first)
    export_portfolio_pdf(signed_off, second)
    export_portfolio_pdf(signed_off, plain, sign=False)
    assert first.read_bytes() == second.read_bytes()
    assert b"/ByteRange" not in plain.read_bytes()
    assert not (PdfReader(plain).get_fields() or {})
    text = all_text(plain)
    assert "Signed digitally" not in text and "Signature" in text  # the empty lines stay


def test_the_cli_signs_by_default_and_unsigned_on_request(
    capsys: pytest.CaptureFixture[str], signed_off: Database, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--file", str(signed_off.path), "export", "pdf",
                         str(tmp_path / "s.pdf"))  # fmt: skip
    assert code == 0 and "Signed (PAdES)" in out, err
    code, out, err = run(capsys, "--file", str(signed_off.path), "export", "pdf",
                         str(tmp_path / "u.pdf"), "--unsigned")  # fmt: skip
    assert code == 0 and "Signed" not in out, err
    assert b"/ByteRange" in (tmp_path / "s.pdf").read_bytes()
    assert b"/ByteRange" not in (tmp_path / "u.pdf").read_bytes()


def test_the_pdf_shows_confirmations_witness_statements_and_the_signed_declaration(
    signed_off: Database, tmp_path: Path
) -> None:
    with signed_off.transaction() as s:
        evidence.update_item(s, "E001", body="Changed after the sign-off.")
        changed = queries.get_item(s, "E001").updated[:10]
    out = tmp_path / "signed.pdf"
    export_portfolio_pdf(signed_off, out, PdfOptions(include_drafts=True))
    text = all_text(out)
    key = signing.load_or_create_key().fingerprint
    assert "Confirmations Sam Boss (Lead, Acme Ltd) signed on" in text
    assert "Confirmed: K1 Declined: S14" in text
    assert f"Given for an earlier version: the item changed on {changed}" in text
    assert "Witness statements" in text
    assert "I watched them <b>lead</b> the incident call & write it up." in text  # as typed
    assert "Signed digitally by Zoë O'Brien <b>" in text
    assert f"Key {key[:32]} {key[32:]}" in text
    assert "Confirmed digitally by Kim Witness (Lead, Acme Ltd)" in text


def test_a_package_with_statements_verifies_and_imports_on_a_fresh_profile(
    capsys: pytest.CaptureFixture[str],
    signed_off: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    package = tmp_path / "p.portfolio"
    export_package(signed_off, package)
    content = members(package)
    cert = content["certificate.der"]
    assert ed25519_fingerprint_of(cert) == signing.load_or_create_key().fingerprint
    manifest = json.loads(content["manifest.json"])
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert listed["certificate.der"] == hashlib.sha256(cert).hexdigest()
    assert sum(1 for p in listed if p.startswith("signoff/")) == 2

    fresh = tmp_path / "fresh"
    monkeypatch.setenv("PORTFOLIO_CONFIG_DIR", str(fresh / "config"))
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(fresh / "data"))
    code, out, err = run(capsys, "verify", str(package))
    assert code == 0, err
    assert "Sign-off: 2 confirmations by 2 signers, 0 for earlier versions" in out
    assert "The PDF is signed (PAdES)" in out
    target = tmp_path / "imported.sqlite3"
    code, out, err = run(capsys, "--file", str(target), "import", "package", str(package))
    assert code == 0, err
    code, out, _ = run(capsys, "--file", str(target), "signoff", "list", "--json")
    listed_statements = json.loads(out)["statements"]
    assert [s["name"] for s in listed_statements] == ["Kim Witness", "Sam Boss"]
    assert listed_statements[0]["statement"] == STATEMENT
    assert listed_statements[1]["items"][0]["confirmed"] == ["K1"]
    assert all(i["current"] for s in listed_statements for i in s["items"])


def test_a_package_whose_statement_was_tampered_with_is_refused(
    capsys: pytest.CaptureFixture[str], signed_off: Database, tmp_path: Path
) -> None:
    from tests.test_signoff_tampering import resign

    package = tmp_path / "p.portfolio"
    export_package(signed_off, package)
    content = members(package)
    name = next(n for n in content if n.startswith("signoff/"))
    inner = tmp_path / "inner.response"
    inner.write_bytes(content[name])
    response = members(inner)
    response["response.json"] = response["response.json"].replace(b"Kim", b"Tim")
    from tests.package_helpers import write_zip

    write_zip(inner, sorted(response.items()))
    changed = inner.read_bytes()
    new_name = "signoff/" + hashlib.sha256(changed).hexdigest()
    records = json.loads(content["signoff.json"])
    records["responses"] = [new_name[8:] if r == name[8:] else r for r in records["responses"]]
    del content[name]
    content[new_name] = changed
    content["signoff.json"] = json.dumps(records).encode()
    key = signing.load_or_create_key()
    forged = tmp_path / "forged.portfolio"
    resigned = resign(content, key, "apprentice-portfolio-package/1")
    write_zip(forged, sorted(resigned.items()))
    code, _, err = run(capsys, "verify", str(forged))
    assert code == 1 and "is not intact" in err and err.count("\n") == 1, err


def test_review_mode_shows_the_statements_a_package_carries(
    signed_off: Database, tmp_path: Path
) -> None:
    from app.export.package import open_for_review
    from app.services import signoff

    package = tmp_path / "p.portfolio"
    export_package(signed_off, package)
    folder = tmp_path / "review"
    folder.mkdir()
    verified, path = open_for_review(package, folder)
    assert verified.signoff is not None and verified.signoff.statements == 1
    review = open_portfolio(path)
    try:
        with review.reader() as s:
            found = signoff.confirmations_for(s, "E004")
    finally:
        review.close()
    assert [(c.name, c.confirmed, c.current) for c in found] == [("Kim Witness", ("B1",), True)]


def test_verify_counts_confirmations_given_for_earlier_versions(
    capsys: pytest.CaptureFixture[str], signed_off: Database, tmp_path: Path
) -> None:
    with signed_off.transaction() as s:
        evidence.update_item(s, "E004", body="Rewritten after Kim signed.")
    package = tmp_path / "p.portfolio"
    export_package(signed_off, package)
    code, out, err = run(capsys, "verify", str(package))
    assert code == 0, err
    assert "Sign-off: 2 confirmations by 2 signers, 1 for earlier versions" in out
