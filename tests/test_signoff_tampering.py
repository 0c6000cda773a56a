"""Every bad sign-off file is refused with one sentence and nothing stored; a signer whose
key changed is stored with a warning naming both keys."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.export.signoff_files import make_request, open_request, parse_decisions, write_response
from app.models.db import Database
from app.schema.signoff import Person
from app.services import signing
from app.services.signing import SigningKey
from tests.package_helpers import build_portfolio, members, run, tree, write_zip


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, SigningKey]:
    return {
        who: signing.load_or_create_key(tmp_path / "keys" / f"{who}.pem")
        for who in ("apprentice", "boss", "boss-new-laptop", "stranger")
    }


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = build_portfolio(tmp_path / "p.sqlite3")
    yield database
    database.close()


SAM = Person(name="Sam Lee", role="Team lead", organisation="AT&T Analytical")


def request(db: Database, keys: dict[str, SigningKey], out: Path) -> Path:
    make_request(db, ["E001", "E004"], SAM, out, key=keys["apprentice"])
    return out


def respond(req: Path, key: SigningKey, out: Path, signer: Person = SAM) -> Path:
    opened = open_request(req)
    decisions = parse_decisions(opened, ["E001:K1", "E004"], ["E001:S14"], {"E001": "Seen it"})
    write_response(opened, decisions, signer, out, statement="I saw it.", key=key)
    return out


def resign(content: dict[str, bytes], key: SigningKey, format_: str) -> dict[str, bytes]:
    """A fresh, valid manifest and signature over ``content`` by ``key``."""
    files = [
        {"path": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
        for n, d in sorted(content.items())
        if n not in ("manifest.json", "manifest.sig")
    ]
    manifest = json.dumps(
        {
            "format": format_,
            "created": "2026-12-06T00:00:00+00:00",
            "public_key": key.public_base64,
            "files": files,
        }
    ).encode()
    return {**content, "manifest.json": manifest, "manifest.sig": key.sign(manifest)}


def imports(
    capsys: pytest.CaptureFixture[str], db: Database, response: Path
) -> tuple[int, str, str]:
    return run(capsys, "--file", str(db.path), "signoff", "import", str(response))


def statements(capsys: pytest.CaptureFixture[str], db: Database) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "--file", str(db.path), "signoff", "list", "--json")
    assert code == 0
    result: list[dict[str, object]] = json.loads(out)["statements"]
    return result


def refused(capsys: pytest.CaptureFixture[str], db: Database, response: Path, message: str) -> None:
    count = len(statements(capsys, db))
    code, out, err = imports(capsys, db, response)
    assert code == 1, out
    assert message in err and err.count("\n") == 1, err
    assert len(statements(capsys, db)) == count


def test_a_response_for_another_portfolio(
    capsys: pytest.CaptureFixture[str], db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    other = build_portfolio(tmp_path / "other.sqlite3")
    try:
        req = tmp_path / "other.request"
        make_request(other, ["E001"], SAM, req, key=keys["stranger"])
    finally:
        other.close()
    opened = open_request(req)
    response = tmp_path / "other.response"
    write_response(opened, parse_decisions(opened, ["E001"]), SAM, response, key=keys["boss"])
    refused(capsys, db, response, "answers a request made by another portfolio")


def test_a_bad_or_missing_signature(
    capsys: pytest.CaptureFixture[str], db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    good = respond(request(db, keys, tmp_path / "a.request"), keys["boss"], tmp_path / "a.response")
    content = members(good)
    flipped = bytearray(content["manifest.sig"])
    flipped[0] ^= 1
    bad = write_zip(
        tmp_path / "bad.response", sorted({**content, "manifest.sig": bytes(flipped)}.items())
    )
    refused(capsys, db, bad, "its signature does not match manifest.json")
    missing = dict(content)
    del missing["manifest.sig"]
    unsigned = write_zip(tmp_path / "unsigned.response", sorted(missing.items()))
    refused(
        capsys, db, unsigned, "manifest.sig is missing, so it is not a signed sign-off response"
    )
    assert imports(capsys, db, good)[0] == 0  # the genuine one still imports


def test_a_response_edited_after_signing(
    capsys: pytest.CaptureFixture[str], db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    good = respond(request(db, keys, tmp_path / "a.request"), keys["boss"], tmp_path / "a.response")
    content = members(good)
    assert b'"S14"' in content["response.json"]  # declined; same-length edit to another code
    content["response.json"] = content["response.json"].replace(b'"S14"', b'"S15"')
    edited = write_zip(tmp_path / "edited.response", sorted(content.items()))
    refused(capsys, db, edited, "response.json was changed after it was signed")


def test_a_request_edited_after_signing_is_refused_by_the_signer(
    db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    from app.export.package_reader import PackageError

    req = request(db, keys, tmp_path / "a.request")
    content = members(req)
    content["request.json"] = content["request.json"].replace(b"CI pipeline", b"CD pipeline")
    edited = write_zip(tmp_path / "edited.request", sorted(content.items()))
    with pytest.raises(PackageError, match=r"request\.json was changed after it was signed"):
        open_request(edited)
    # Re-signed by the apprentice, the shown content no longer matches the hash it claims.
    forged = write_zip(
        tmp_path / "forged.request",
        sorted(
            resign(content, keys["apprentice"], "apprentice-portfolio-signoff-request/1").items()
        ),
    )
    with pytest.raises(PackageError, match="the content of E001 does not match its hash"):
        open_request(forged)


def test_a_response_imported_twice(
    capsys: pytest.CaptureFixture[str], db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    response = respond(
        request(db, keys, tmp_path / "a.request"), keys["boss"], tmp_path / "a.response"
    )
    assert imports(capsys, db, response)[0] == 0
    refused(capsys, db, response, "was imported already")


def test_a_response_confirming_other_content_than_was_sent(
    capsys: pytest.CaptureFixture[str], db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    response = respond(
        request(db, keys, tmp_path / "a.request"), keys["boss"], tmp_path / "a.response"
    )
    content = members(response)
    body = json.loads(content["response.json"])
    body["items"][0]["content_sha256"] = "0" * 64
    content["response.json"] = json.dumps(body).encode()
    forged = write_zip(
        tmp_path / "forged.response",
        sorted(resign(content, keys["boss"], "apprentice-portfolio-signoff-response/1").items()),
    )
    refused(capsys, db, forged, "confirms a version of E001 other than the one sent")


def test_a_signer_whose_key_changed_is_stored_with_a_warning_naming_both_keys(
    capsys: pytest.CaptureFixture[str], db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    first = respond(
        request(db, keys, tmp_path / "1.request"), keys["boss"], tmp_path / "1.response"
    )
    assert imports(capsys, db, first)[0] == 0
    second = respond(
        request(db, keys, tmp_path / "2.request"), keys["boss-new-laptop"], tmp_path / "2.response"
    )
    code, out, err = imports(capsys, db, second)
    assert code == 0, err
    old, new = keys["boss"].fingerprint, keys["boss-new-laptop"].fingerprint
    assert "Warning: Sam Lee answered before with another key" in out
    assert old in out and new in out
    listed = statements(capsys, db)
    assert listed[1]["earlier_key"] == old and listed[1]["fingerprint"] == new


def test_an_unreadable_response_file(
    capsys: pytest.CaptureFixture[str], db: Database, tmp_path: Path
) -> None:
    refused(capsys, db, tmp_path / "nothing.response", "There is no sign-off response at")
    (tmp_path / "junk.response").write_bytes(b"not a zip")
    refused(capsys, db, tmp_path / "junk.response", "it is not a zip file")
    before = tree(tmp_path)
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"request_id": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "request_id must be text"),
        (b'{"request_id": ' + b"9" * 5000 + b"}", "request.json: request_id must be text"),
        (b'{"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "x is not a field this app knows"),
    ],
    ids=["nested", "5000-digits", "unknown-field"],
)
def test_a_signed_request_with_hostile_json_is_one_sentence(
    db: Database, keys: dict[str, SigningKey], tmp_path: Path, body: bytes, expected: str
) -> None:
    from app.export.package_reader import PackageError

    content = members(request(db, keys, tmp_path / "a.request"))
    content["request.json"] = body
    forged = write_zip(
        tmp_path / "hostile.request",
        sorted(
            resign(content, keys["apprentice"], "apprentice-portfolio-signoff-request/1").items()
        ),
    )
    with pytest.raises(PackageError) as refusal:
        open_request(forged)
    assert expected in str(refusal.value) and "\n" not in str(refusal.value)
