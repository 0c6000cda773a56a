"""Sign-off round trip on the command line: apprentice, witness and employer, each with their
own home folder and key; the signer needs no portfolio."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.models.db import open_portfolio
from app.services import evidence, portfolio_json, queries, signoff
from tests.package_helpers import build_portfolio, run


class Profile:
    """One person's machine: their own HOME and XDG folders, so their own key."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.monkeypatch = monkeypatch
        for sub in ("home", "config", "data"):
            (root / sub).mkdir(parents=True, exist_ok=True)

    def use(self) -> None:
        mp = self.monkeypatch
        mp.delenv("PORTFOLIO_CONFIG_DIR", raising=False)
        mp.delenv("PORTFOLIO_DATA_DIR", raising=False)
        mp.setenv("HOME", str(self.root / "home"))
        mp.setenv("XDG_CONFIG_HOME", str(self.root / "config"))
        mp.setenv("XDG_DATA_HOME", str(self.root / "data"))

    def key_file(self) -> Path:
        found = list(self.root.rglob("signing-key.pem"))
        assert len(found) == 1
        return found[0]


@pytest.fixture
def people(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Profile]:
    return {who: Profile(tmp_path / who, monkeypatch) for who in ("apprentice", "witness", "boss")}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    db = build_portfolio(tmp_path / "p.sqlite3")
    db.close()
    return tmp_path


def fingerprint_in(out: str) -> str:
    line = next(line for line in out.splitlines() if "key " in line and len(line.split()[-1]) == 64)
    return line.split()[-1]


def test_round_trip_across_three_profiles(
    capsys: pytest.CaptureFixture[str], people: dict[str, Profile], folder: Path
) -> None:
    p = str(folder / "p.sqlite3")
    people["apprentice"].use()
    code, out, err = run(
        capsys,
        "--file", p, "signoff", "request", "E001", "E004",
        "--name", "Sam Lee", "--role", "Team lead", "--organisation", "AT&T Analytical",
        "--email", "sam@example.com", "--claims", "E001:K1,E001:S14",
        "--out", str(folder / "sam.request"),
    )  # fmt: skip
    assert code == 0, err
    apprentice_key = fingerprint_in(out)
    assert "2 items for Sam Lee" in out
    code, out, err = run(
        capsys,
        "--file", p, "signoff", "request", "E004",
        "--name", "Kim Witness", "--role", "SRE", "--organisation", "AT&T Analytical",
        "--out", str(folder / "kim.request"),
    )  # fmt: skip
    assert code == 0, err

    # The witness: no portfolio of their own; a key made on first use and shown.
    people["witness"].use()
    (folder / "obs.md").write_text("On 2026-02-27 I watched Zoë lead the incident call.\n")
    code, out, err = run(
        capsys,
        "signoff", "respond", str(folder / "kim.request"), "--confirm", "E004",
        "--comment", "E004:Calm and clear", "--statement-file", str(folder / "obs.md"),
        "--out", str(folder / "kim.response"),
    )  # fmt: skip
    assert code == 0, err
    witness_key = fingerprint_in(out)
    assert "Made your signing key" in out and "1 claim confirmed" in out
    assert people["witness"].key_file().is_file()

    # The employer declines one claim.
    people["boss"].use()
    code, out, err = run(
        capsys,
        "signoff", "respond", str(folder / "sam.request"), "--confirm", "E001:K1,E004",
        "--decline", "E001:S14", "--out", str(folder / "sam.response"),
    )  # fmt: skip
    assert code == 0, err
    boss_key = fingerprint_in(out)
    assert len({apprentice_key, witness_key, boss_key}) == 3

    people["apprentice"].use()
    for name in ("sam.response", "kim.response"):
        code, out, err = run(capsys, "--file", p, "signoff", "import", str(folder / name))
        assert code == 0, err
    assert "with a witness statement" in out and witness_key in out

    code, out, _ = run(capsys, "--file", p, "signoff", "list", "--json")
    listed = json.loads(out)
    assert [r["status"] for r in listed["requests"]] == ["answered", "answered"]
    sam, kim = listed["statements"]
    assert sam["fingerprint"] == boss_key and kim["fingerprint"] == witness_key
    assert sam["items"][0] == {
        "ref": "E001",
        "confirmed": ["K1"],
        "declined": ["S14"],
        "comment": "",
        "content_sha256": sam["items"][0]["content_sha256"],
        "current": True,
        "changed": None,
    }
    assert sam["items"][1]["confirmed"] == ["B1"]
    assert kim["statement"].startswith("On 2026-02-27 I watched")
    assert kim["items"][0]["comment"] == "Calm and clear"

    code, out, _ = run(capsys, "--file", p, "signoff", "list")
    assert "3 confirmations by 2 signers, 0 for earlier versions." in out


def test_the_content_hash_is_portfolio_json_s_item_content(folder: Path) -> None:
    """The hash a statement confirms is the SHA-256 of the item's record as portfolio.json
    writes it, less its status and timestamps."""
    db = open_portfolio(folder / "p.sqlite3")
    try:
        with db.reader() as s:
            from app.services.snapshot import take_snapshot

            snap = take_snapshot(s)
            document = portfolio_json.build_document(s, snap, signer=None)
            hashes = signoff.current_hashes(s, ["E001", "E004"])
        with db.transaction() as s:
            evidence.update_item(s, "E001", status="draft")
        with db.reader() as s:
            after_status = signoff.current_hashes(s, ["E001"])
        with db.transaction() as s:
            evidence.update_item(s, "E001", title="CI pipeline, renamed")
        with db.reader() as s:
            after_title = signoff.current_hashes(s, ["E001"])
    finally:
        db.close()
    written = {i.ref: i for i in document.items}
    assert hashes["E001"] == portfolio_json.content_hash(written["E001"])
    assert after_status["E001"] == hashes["E001"]  # a status change is not a content change
    assert after_title["E001"] != hashes["E001"]


def test_an_item_edited_after_sign_off_keeps_its_confirmation_for_the_earlier_version(
    capsys: pytest.CaptureFixture[str], people: dict[str, Profile], folder: Path
) -> None:
    p = str(folder / "p.sqlite3")
    people["apprentice"].use()
    run(capsys, "--file", p, "signoff", "request", "E004", "--name", "Sam", "--out",
        str(folder / "a.request"))  # fmt: skip
    people["boss"].use()
    code, _, err = run(capsys, "signoff", "respond", str(folder / "a.request"), "--confirm",
                       "E004", "--out", str(folder / "a.response"))  # fmt: skip
    assert code == 0, err
    people["apprentice"].use()
    assert run(capsys, "--file", p, "signoff", "import", str(folder / "a.response"))[0] == 0
    db = open_portfolio(folder / "p.sqlite3")
    try:
        with db.reader() as s:
            before = signoff.confirmations_for(s, "E004")
        with db.transaction() as s:
            evidence.update_item(s, "E004", body="Rewritten after the sign-off.")
        with db.reader() as s:
            after = signoff.confirmations_for(s, "E004")
            updated = queries.get_item(s, "E004").updated
    finally:
        db.close()
    assert before[0].current and before[0].confirmed == ("B1",)
    assert not after[0].current
    assert after[0].changed == updated
    assert after[0].content_sha256 == before[0].content_sha256  # the signed hash stays
    code, out, _ = run(capsys, "--file", p, "signoff", "list")
    assert f"given for an earlier version; changed {updated[:10]}" in out
    assert "1 confirmation by 1 signer, 1 for earlier versions." in out


def test_an_item_edited_before_the_response_is_imported_is_stored_as_an_earlier_version(
    capsys: pytest.CaptureFixture[str], people: dict[str, Profile], folder: Path
) -> None:
    p = str(folder / "p.sqlite3")
    people["apprentice"].use()
    run(capsys, "--file", p, "signoff", "request", "E004", "--name", "Sam", "--out",
        str(folder / "a.request"))  # fmt: skip
    db = open_portfolio(folder / "p.sqlite3")
    with db.transaction() as s:
        evidence.update_item(s, "E004", title="Renamed meanwhile")
    db.close()
    people["boss"].use()
    run(capsys, "signoff", "respond", str(folder / "a.request"), "--confirm", "E004", "--out",
        str(folder / "a.response"))  # fmt: skip
    people["apprentice"].use()
    code, out, err = run(capsys, "--file", p, "signoff", "import", str(folder / "a.response"))
    assert code == 0, err
    assert "Given for an earlier version of E004" in out


def test_respond_checks_what_the_signer_typed(
    capsys: pytest.CaptureFixture[str], people: dict[str, Profile], folder: Path
) -> None:
    p = str(folder / "p.sqlite3")
    people["apprentice"].use()
    run(capsys, "--file", p, "signoff", "request", "E001", "--claims", "E001:K1", "--name",
        "Sam", "--out", str(folder / "a.request"))  # fmt: skip
    people["boss"].use()
    out_file = folder / "a.response"
    for args, message in (
        (["--confirm", "E001:S14"], "does not ask about S14 for E001"),
        (["--confirm", "E009"], "E009 is not one of the items in this request"),
        (["--confirm", "E001:K1", "--decline", "E001:K1"], "both confirmed and declined"),
        ([], "an empty response says nothing"),
    ):
        code, _out, err = run(
            capsys, "signoff", "respond", str(folder / "a.request"), *args, "--out", str(out_file)
        )
        assert code == 1 and message in err and err.count("\n") == 1, err
        assert not out_file.exists()


def test_request_refuses_unknown_items_and_claims(
    capsys: pytest.CaptureFixture[str], people: dict[str, Profile], folder: Path
) -> None:
    p = str(folder / "p.sqlite3")
    people["apprentice"].use()
    for args, message in (
        (["E042"], "E042"),
        (["E001", "--claims", "E001:B4"], "E001 does not claim B4"),
        (["E001", "--claims", "E004:B1"], "E004 is not one of the items"),
    ):
        code, _, err = run(capsys, "--file", p, "signoff", "request", *args, "--name", "Sam",
                           "--out", str(folder / "x.request"))  # fmt: skip
        assert code == 1 and message in err and err.count("\n") == 1, err
        assert not (folder / "x.request").exists()
    code, out, _ = run(capsys, "--file", p, "signoff", "list", "--json")
    assert json.loads(out) == {"requests": [], "statements": []}


def test_an_existing_output_is_replaced_only_with_force(
    capsys: pytest.CaptureFixture[str], people: dict[str, Profile], folder: Path
) -> None:
    p = str(folder / "p.sqlite3")
    people["apprentice"].use()
    out = folder / "a.request"
    out.write_bytes(b"keep me")
    args = ("--file", p, "signoff", "request", "E004", "--name", "Sam", "--out", str(out))
    code, _, err = run(capsys, *args)
    assert code == 1 and "already exists" in err and out.read_bytes() == b"keep me"
    assert json.loads(run(capsys, "--file", p, "signoff", "list", "--json")[1])["requests"] == []
    code, _, err = run(capsys, *args, "--force")
    assert code == 0, err
    assert out.read_bytes()[:2] == b"PK"
