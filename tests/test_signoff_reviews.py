"""Signed progress reviews: the apprentice sends a review to the employer and the provider's
reviewer (each on their own machine and key), they sign or decline it, the apprentice
imports the answers and the review shows who signed; bad files are one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.export.package_reader import PackageError
from app.export.signoff_files import make_review_request, open_request, write_response
from app.models.db import Database
from app.schema.signoff import Person
from app.services import reviews, signing
from app.services.signing import SigningKey
from tests.package_helpers import build_portfolio, members, run, write_zip
from tests.test_signoff import Profile, fingerprint_in
from tests.test_signoff_tampering import refused, resign

REQUEST_FORMAT = "apprentice-portfolio-signoff-request/1"
RESPONSE_FORMAT = "apprentice-portfolio-signoff-response/1"


def add_review(db: Database) -> int:
    with db.transaction() as s:
        review = reviews.add_review(
            s,
            date="2026-03-10",
            participants=[
                reviews.Participant("apprentice", "Zoë O'Brien"),
                reviews.Participant("employer", "Sam Boss"),
                reviews.Participant("provider", "Tia Tutor"),
            ],
            notes="On track <b>& ahead</b> on the pipeline work.",
            otj_minutes=600,
            actions=[reviews.make_action("Book the EPA gateway meeting", "Tia", "2026-04-01")],
        )
    return review.id


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    db = build_portfolio(tmp_path / "p.sqlite3")
    add_review(db)
    db.close()
    return tmp_path


@pytest.fixture
def people(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Profile]:
    return {who: Profile(tmp_path / who, monkeypatch) for who in ("apprentice", "boss", "tutor")}


def listed(capsys: pytest.CaptureFixture[str], p: str) -> dict[str, object]:
    code, out, err = run(capsys, "--file", p, "review", "list", "--json")
    assert code == 0, err
    result: dict[str, object] = json.loads(out)["reviews"][0]["signoff"]
    return result


def test_a_review_signed_by_the_employer_and_declined_by_the_provider_across_profiles(
    capsys: pytest.CaptureFixture[str], people: dict[str, Profile], folder: Path
) -> None:
    p = str(folder / "p.sqlite3")
    people["apprentice"].use()
    for name, role, org, out in (
        ("Sam Boss", "Line manager", "AT&T Analytical", "sam.request"),
        ("Tia Tutor", "Reviewer", "S&P College", "tia.request"),
    ):
        code, text, err = run(
            capsys,
            "--file", p, "signoff", "request-review", "1", "--name", name, "--role", role,
            "--organisation", org, "--out", str(folder / out),
        )  # fmt: skip
        assert code == 0, err
        assert f"progress review 1 for {name} to sign" in text
    apprentice_key = fingerprint_in(text)
    code, text, _ = run(capsys, "--file", p, "review", "list")
    assert "UNSIGNED" in text
    assert listed(capsys, p) == {
        "signed": False,
        "asked": ["Sam Boss", "Tia Tutor"],
        "signatures": [],
    }

    people["boss"].use()  # no portfolio: the request and their own key
    code, text, err = run(
        capsys, "signoff", "respond", str(folder / "sam.request"), "--sign-review",
        "--review-comment", "Agreed.", "--out", str(folder / "sam.response"),
    )  # fmt: skip
    assert code == 0, err
    assert "you signed the progress review of 2026-03-10 for Zoë O'Brien <b>" in text
    boss_key = fingerprint_in(text)
    people["tutor"].use()
    code, text, err = run(
        capsys, "signoff", "respond", str(folder / "tia.request"), "--out", str(folder / "x"),
    )  # fmt: skip
    assert code == 1 and "sign it or decline it" in err and err.count("\n") == 1
    code, text, err = run(
        capsys, "signoff", "respond", str(folder / "tia.request"), "--decline-review",
        "--review-comment", "The OTJ hours are not agreed yet.",
        "--out", str(folder / "tia.response"),
    )  # fmt: skip
    assert code == 0, err
    tutor_key = fingerprint_in(text)
    assert len({apprentice_key, boss_key, tutor_key}) == 3

    people["apprentice"].use()
    code, text, err = run(capsys, "--file", p, "signoff", "import", str(folder / "sam.response"))
    assert code == 0, err
    assert "Sam Boss: signed progress review 1" in text and boss_key in text
    code, text, err = run(capsys, "--file", p, "signoff", "import", str(folder / "tia.response"))
    assert code == 0, err
    code, text, _ = run(capsys, "--file", p, "review", "list")
    assert "Signed by Sam Boss (Line manager, AT&T Analytical)" in text
    assert "UNSIGNED" not in text
    found = listed(capsys, p)
    assert found["signed"] is True and found["asked"] == []
    code, text, _ = run(capsys, "--file", p, "signoff", "list", "--json")
    assert [r["review_id"] for r in json.loads(text)["requests"]] == [1, 1]
    code, text, _ = run(capsys, "--file", p, "signoff", "list")
    assert "0 confirmations by 0 signers" in text  # review signatures are not evidence
    boss, tutor = found["signatures"]  # type: ignore[misc]
    assert (boss["decision"], boss["fingerprint"], boss["comment"]) == (
        "signed", boss_key, "Agreed.",
    )  # fmt: skip
    assert (tutor["decision"], tutor["fingerprint"]) == ("declined", tutor_key)
    assert tutor["comment"] == "The OTJ hours are not agreed yet."
    # ticking an agreed action off later keeps the signatures
    code, text, err = run(capsys, "--file", p, "review", "done", "1")
    assert code == 0, err
    assert listed(capsys, p)["signed"] is True


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, SigningKey]:
    return {
        who: signing.load_or_create_key(tmp_path / "keys" / f"{who}.pem")
        for who in ("apprentice", "boss")
    }


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = build_portfolio(tmp_path / "p.sqlite3")
    add_review(database)
    yield database
    database.close()


BOSS = Person(name="Sam Boss", role="Line manager", organisation="AT&T Analytical")


def test_a_tampered_review_request_or_response_is_refused(
    capsys: pytest.CaptureFixture[str], db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    req = tmp_path / "a.request"
    make_review_request(db, 1, BOSS, req, key=keys["apprentice"])

    # the review's notes changed in the request: its signature fails; re-signed, its hash
    content = members(req)
    content["request.json"] = content["request.json"].replace(b"On track", b"Behind!!")
    with pytest.raises(PackageError, match=r"request\.json was changed after it was signed"):
        open_request(write_zip(tmp_path / "edited.request", sorted(content.items())))
    forged = write_zip(
        tmp_path / "forged.request",
        sorted(resign(content, keys["apprentice"], REQUEST_FORMAT).items()),
    )
    with pytest.raises(PackageError, match="progress review it carries does not match its hash"):
        open_request(forged)

    # a response whose signed review hash is not the one sent, re-signed by the signer
    opened = open_request(req)
    good = tmp_path / "a.response"
    write_response(opened, {}, BOSS, good, review=("signed", ""), key=keys["boss"])
    content = members(good)
    body = json.loads(content["response.json"])
    body["review"]["content_sha256"] = "0" * 64
    content["response.json"] = json.dumps(body).encode()
    forged = write_zip(
        tmp_path / "forged.response", sorted(resign(content, keys["boss"], RESPONSE_FORMAT).items())
    )
    refused(capsys, db, forged, "signs a version of the progress review other than the one sent")
    # edited after signing (declined turned into signed)
    declined = tmp_path / "b.response"
    write_response(opened, {}, BOSS, declined, review=("declined", ""), key=keys["boss"])
    content = members(declined)
    content["response.json"] = content["response.json"].replace(b'"declined"', b'"signed"  ')
    edited = write_zip(tmp_path / "edited.response", sorted(content.items()))
    refused(capsys, db, edited, "response.json was changed after it was signed")
    # the genuine answer imports, once
    code, _out, err = run(capsys, "--file", str(db.path), "signoff", "import", str(good))
    assert code == 0, err
    refused(capsys, db, good, "was imported already")
    with db.reader() as s:
        from app.services import signoff

        assert [x.name for x in signoff.review_signoffs(s)[1].signed] == ["Sam Boss"]


def test_the_review_copy_marks_an_unsigned_review_and_names_who_signed(
    db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    from app.export.signoff_files import import_response
    from tests.test_progress_pdf import build

    with db.transaction() as s:
        second = reviews.add_review(
            s,
            date="2026-06-01",
            participants=[reviews.Participant("employer", "Sam Boss")],
            notes="Second review.",
        )
    req = tmp_path / "a.request"
    make_review_request(db, 1, BOSS, req, key=keys["apprentice"])
    make_review_request(db, second.id, BOSS, tmp_path / "b.request", key=keys["apprentice"])
    opened = open_request(req)
    response = tmp_path / "a.response"
    write_response(opened, {}, BOSS, response, review=("signed", "Agreed."), key=keys["boss"])
    import_response(db, response)
    with db.reader() as s:
        from app.services.progress import take_progress_snapshot

        progress = take_progress_snapshot(s)
    text = " ".join(" ".join(build(progress, tmp_path / "p.pdf")).split())
    newer, older = text.split("Review on 10 Mar 2026")
    assert "UNSIGNED: nobody has signed this review with their key yet (asked: Sam Boss)" in newer
    assert "Signed by: Sam Boss (Line manager, AT&T Analytical), signed " in older
    assert keys["boss"].fingerprint in older.replace(" ", "")
    assert "UNSIGNED" not in older


def _every_member_bytes(package: Path) -> dict[str, bytes]:
    """Each member of ``package``, and each member of a zip member (a signed response)."""
    import io
    import zipfile

    found: dict[str, bytes] = {}
    for name, data in members(package).items():
        found[name] = data
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as inner:
                for sub in inner.namelist():
                    found[f"{name}/{sub}"] = inner.read(sub)
    return found


def test_the_assessors_package_leaves_review_signatures_out_and_the_review_copy_keeps_them(
    db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    from app.export.package import export_package, import_package, verify_package

    request = tmp_path / "a.request"
    make_review_request(db, 1, BOSS, request, key=keys["apprentice"])
    answer = tmp_path / "a.response"
    write_response(
        open_request(request),
        {},
        BOSS,
        answer,
        review=("declined", "Dates wrong"),
        key=keys["boss"],
    )
    from app.export.signoff_files import read_response
    from app.services import signoff

    with db.transaction() as s:
        signoff.store_response(s, read_response(answer, answer.read_bytes()))
    secrets = (b"Dates wrong", b"On track", b"Book the EPA gateway meeting")

    assessor = export_package(db, tmp_path / "a.portfolio", key=keys["apprentice"]).path
    for name, data in _every_member_bytes(assessor).items():
        assert not any(s in data for s in secrets), name
    verify_package(assessor)
    import_package(assessor, tmp_path / "a.sqlite3")

    review = export_package(
        db, tmp_path / "r.portfolio", key=keys["apprentice"], audience="review"
    ).path
    carried = b"".join(_every_member_bytes(review).values())
    assert all(s in carried for s in secrets)
    verify_package(review)
    import_package(review, tmp_path / "r.sqlite3")


def test_a_review_edited_after_signing_is_unsigned_again(
    db: Database, keys: dict[str, SigningKey], tmp_path: Path
) -> None:
    from app.export.signoff_files import import_response
    from app.services import signoff
    from app.services.progress import take_progress_snapshot
    from tests.test_progress_pdf import build

    make_review_request(db, 1, BOSS, tmp_path / "a.request", key=keys["apprentice"])
    opened = open_request(tmp_path / "a.request")
    write_response(
        opened, {}, BOSS, tmp_path / "a.response", review=("signed", ""), key=keys["boss"]
    )
    import_response(db, tmp_path / "a.response")
    with db.transaction() as s:
        review = reviews.get_review(s, 1)
        reviews.update_review(
            s, 1, date="2026-03-10", participants=review.participants, notes="Rewritten later."
        )
    with db.reader() as s:
        found = signoff.review_signoffs(s)[1]
        progress = take_progress_snapshot(s)
    assert not found.signed and [x.current for x in found.signatures] == [False]
    text = " ".join(" ".join(build(progress, tmp_path / "p.pdf")).split())
    assert "UNSIGNED" in text
    assert "signed for an earlier version by Sam Boss (Line manager, AT&T Analytical)" in text
