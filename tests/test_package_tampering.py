"""Every way a package can be tampered with or malformed is refused: exit 1, one line, no writes."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.export.package import Limits, PackageError, PackageReader, export_package, verify_package
from app.services import signing
from app.services.signing import SigningKey
from tests.package_helpers import build_portfolio, members, rewrite, run, signed, tree, write_zip


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[SigningKey, SigningKey]:
    folder = tmp_path_factory.mktemp("keys")
    return (
        signing.load_or_create_key(folder / "apprentice.pem"),
        signing.load_or_create_key(folder / "someone-else.pem"),
    )


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, keys: tuple[SigningKey, SigningKey]) -> Path:
    """One real package (with the real PDF), made once for every case here."""
    folder = tmp_path_factory.mktemp("good")
    db = build_portfolio(folder / "p.sqlite3")
    try:
        export_package(db, folder / "good.portfolio", key=keys[0])
    finally:
        db.close()
    return folder / "good.portfolio"


def _first_attachment(content: dict[str, bytes]) -> str:
    return sorted(n for n in content if n.startswith("attachments/") and content[n])[0]


def _flip(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]


def refused(capsys: pytest.CaptureFixture[str], package: Path, *extra: str) -> str:
    """Run ``verify`` and ``import package`` on ``package``: both refuse, say why, write nothing."""
    folder = package.parent
    before = tree(folder)
    code, out, err = run(capsys, "verify", str(package), *extra)
    assert code == 1, out
    assert out == ""
    assert err.startswith("portfolio: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    target = folder / "imported.sqlite3"
    code, _, import_err = run(
        capsys, "--file", str(target), "import", "package", str(package), *extra
    )
    assert code == 1
    assert import_err == err
    assert tree(folder) == before  # nothing written, no temporary folder left
    return err


def test_the_untouched_package_verifies(
    good: Path, capsys: pytest.CaptureFixture[str], keys: tuple[SigningKey, SigningKey]
) -> None:
    code, out, err = run(capsys, "verify", str(good), "--signer", keys[0].fingerprint)
    assert (code, err) == (0, "")
    assert keys[0].fingerprint in out


# --- changed contents --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("portfolio.pdf", "portfolio.pdf was changed after it was signed"),
        ("portfolio.json", "portfolio.json was changed after it was signed"),
        ("attachment", "was changed after it was signed"),
        ("manifest.json", "manifest.json"),
        ("manifest.sig", "signature does not match"),
    ],
)
def test_a_changed_byte_in_any_member_is_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], member: str, expected: str
) -> None:
    def change(content: dict[str, bytes]) -> dict[str, bytes]:
        name = _first_attachment(content) if member == "attachment" else member
        return {**content, name: _flip(content[name])}

    bad = rewrite(good, tmp_path / "bad.portfolio", change)
    err = refused(capsys, bad)
    assert expected in err or "signature does not match" in err
    if member == "attachment":
        assert _first_attachment(members(good)) in err


@pytest.mark.parametrize("member", ["portfolio.pdf", "portfolio.json", "manifest.json"])
def test_a_changed_byte_in_the_compressed_file_is_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], member: str
) -> None:
    with zipfile.ZipFile(good) as zf:
        info = zf.getinfo(member)
    raw = bytearray(good.read_bytes())
    name_length, extra_length = struct.unpack_from("<HH", raw, info.header_offset + 26)
    data_start = info.header_offset + 30 + name_length + extra_length
    raw[data_start + info.compress_size // 2] ^= 0x20
    bad = tmp_path / "bad.portfolio"
    bad.write_bytes(bytes(raw))
    err = refused(capsys, bad)
    assert member in err or "signature" in err


# --- missing and extra members -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("portfolio.pdf", "'portfolio.pdf' is not listed in its manifest"),
        ("manifest.sig", "manifest.sig is missing"),
        ("manifest.json", "manifest.json is missing"),
    ],
)
def test_a_missing_member_is_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], member: str, expected: str
) -> None:
    def drop(content: dict[str, bytes]) -> dict[str, bytes]:
        return {n: d for n, d in content.items() if n != member}

    err = refused(capsys, rewrite(good, tmp_path / "bad.portfolio", drop))
    if member == "portfolio.pdf":
        expected = "portfolio.pdf is missing"
    assert expected in err


def test_a_missing_attachment_is_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _first_attachment(members(good))

    def drop(content: dict[str, bytes]) -> dict[str, bytes]:
        return {n: d for n, d in content.items() if n != name}

    err = refused(capsys, rewrite(good, tmp_path / "bad.portfolio", drop))
    assert f"{name} is missing" in err


def test_a_missing_attachment_is_refused_even_when_re_signed(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    name = _first_attachment(members(good))

    def drop(content: dict[str, bytes]) -> dict[str, bytes]:
        return {n: d for n, d in content.items() if n != name}

    bad = rewrite(good, tmp_path / "bad.portfolio", drop, sign_with=keys[0])
    err = refused(capsys, bad)
    assert "is missing" in err and name.removeprefix("attachments/") in err


@pytest.mark.parametrize("extra", ["notes.txt", "attachments/" + "0" * 64, "portfolio.PDF"])
def test_an_extra_member_is_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str
) -> None:
    bad = rewrite(good, tmp_path / "bad.portfolio", lambda c: {**c, extra: b"surprise"})
    assert f"'{extra}' is not listed in its manifest" in refused(capsys, bad)


def test_an_extra_attachment_is_refused_even_when_re_signed(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    data = b"an unreferenced file"
    name = "attachments/" + hashlib.sha256(data).hexdigest()
    bad = rewrite(good, tmp_path / "bad.portfolio", lambda c: {**c, name: data}, sign_with=keys[0])
    assert f"{name} is not used by any evidence item" in refused(capsys, bad)


# --- signatures and signers --------------------------------------------------------------------


def test_a_signature_by_another_key_is_refused(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    def resign(content: dict[str, bytes]) -> dict[str, bytes]:
        return {**content, "manifest.sig": keys[1].sign(content["manifest.json"])}

    bad = rewrite(good, tmp_path / "bad.portfolio", resign)
    assert "signature does not match manifest.json" in refused(capsys, bad)


def test_a_swapped_public_key_is_refused(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    def swap(content: dict[str, bytes]) -> dict[str, bytes]:
        manifest = content["manifest.json"].replace(
            keys[0].public_base64.encode(), keys[1].public_base64.encode()
        )
        return {**content, "manifest.json": manifest}

    bad = rewrite(good, tmp_path / "bad.portfolio", swap)
    assert "signature does not match" in refused(capsys, bad)


def test_a_package_re_signed_by_someone_else_fails_the_signer_check(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    apprentice, other = keys

    def forge(content: dict[str, bytes]) -> dict[str, bytes]:
        document = json.loads(content["portfolio.json"])
        document["signer"] = other.fingerprint  # the same content, re-signed
        # The PDF's certificate names the apprentice's key, so a forger must drop it too.
        content = {k: v for k, v in content.items() if k != "certificate.der"}
        return {**content, "portfolio.json": json.dumps(document).encode()}

    kept = rewrite(
        good,
        tmp_path / "kept-certificate.portfolio",
        lambda c: {**forge(c), "certificate.der": c["certificate.der"]},
        sign_with=other,
    )
    assert "certificate.der is not the PDF certificate of the key that signed it" in refused(
        capsys, kept
    )
    bad = rewrite(good, tmp_path / "forged.portfolio", forge, sign_with=other)
    # intact as far as it goes, so verify shows whose key it is, and says that this
    # proves integrity, not identity …
    code, out, _ = run(capsys, "verify", str(bad))
    assert code == 0 and other.fingerprint in out
    assert "not whose key that is" in out and "--signer FINGERPRINT" in out
    # … and the assessor who insists on the apprentice's key refuses it
    err = refused(capsys, bad, "--signer", apprentice.fingerprint)
    assert f"signed by key {other.fingerprint}, not by {apprentice.fingerprint}" in err


def test_a_re_signed_package_with_changed_content_fails_verify_as_import_fails(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    _apprentice, other = keys

    def forge(content: dict[str, bytes]) -> dict[str, bytes]:
        document = json.loads(content["portfolio.json"])
        document["signer"] = other.fingerprint
        document["portfolio"]["apprentice_name"] = "Mallory"  # the content fingerprint stays
        content = {k: v for k, v in content.items() if k != "certificate.der"}
        return {**content, "portfolio.json": json.dumps(document).encode()}

    bad = rewrite(good, tmp_path / "forged.portfolio", forge, sign_with=other)
    for command in (["verify"], ["--file", str(tmp_path / "new.sqlite3"), "import", "package"]):
        code, _, err = run(capsys, *command, str(bad))
        assert code == 1 and err.count("\n") == 1
        assert "the portfolio rebuilt from it does not match its fingerprint" in err
    assert tree(tmp_path) == {"forged.portfolio"}


def test_a_uln_failing_its_check_digit_is_refused_by_verify(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    def forge(content: dict[str, bytes]) -> dict[str, bytes]:
        document = json.loads(content["portfolio.json"])
        document["portfolio"]["uln"] = "1234567890"  # the last digit should be 9
        return {**content, "portfolio.json": json.dumps(document).encode()}

    bad = rewrite(good, tmp_path / "bad-uln.portfolio", forge, sign_with=keys[0])
    assert "portfolio.uln 1234567890 fails the Unique Learner Number check digit" in refused(
        capsys, bad
    )


def test_a_malformed_signer_is_refused(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "verify", str(good), "--signer", "not-hex")
    assert code == 1 and "not a key fingerprint" in err and err.count("\n") == 1


# --- unsafe names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../evil.txt", "a '..' path"),
        ("attachments/../../evil.txt", "a '..' path"),
        ("/tmp/evil.txt", "an absolute path"),
        ("C:/Windows/evil.txt", "an absolute path"),
        ("..\\evil.txt", "a backslash"),
        ("attachments/", "a folder entry"),
    ],
)
def test_unsafe_paths_are_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, expected: str
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    bad = rewrite(good, folder / "bad.portfolio", lambda c: {**c, name: b"escaped"})
    assert expected in refused(capsys, bad)
    assert not (tmp_path / "evil.txt").exists()
    assert not Path("/tmp/evil.txt").exists()


def test_a_symbolic_link_is_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = members(good)
    link = zipfile.ZipInfo("portfolio.pdf", date_time=(2026, 3, 2, 0, 0, 0))
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] = [
        (link if name == "portfolio.pdf" else name, data) for name, data in sorted(content.items())
    ]
    bad = write_zip(tmp_path / "bad.portfolio", entries)
    assert "'portfolio.pdf' is a symbolic link" in refused(capsys, bad)


def test_a_duplicate_name_is_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = members(good)
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] = [*sorted(content.items())]
    entries.append(("portfolio.json", b'{"format": "forged"}'))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate
        bad = write_zip(tmp_path / "bad.portfolio", entries)
    assert "'portfolio.json' twice" in refused(capsys, bad)


# --- zip bombs and limits ----------------------------------------------------------------------


def _patch_entry(path: Path, name: str, *, size: int | None = None, crc: int | None = None) -> None:
    """Rewrite the sizes/CRC recorded for ``name`` in both its zip headers."""
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
        directory = zf.start_dir
    at = directory
    while raw[at : at + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", raw, at + 28)
        if raw[at + 46 : at + 46 + name_length] == name.encode():
            if crc is not None:
                struct.pack_into("<I", raw, at + 16, crc)
                struct.pack_into("<I", raw, info.header_offset + 14, crc)
            if size is not None:
                struct.pack_into("<I", raw, at + 24, size)
                struct.pack_into("<I", raw, info.header_offset + 22, size)
        at += 46 + name_length + extra_length + comment_length
    path.write_bytes(bytes(raw))


def test_a_member_declaring_a_huge_size_is_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.portfolio"
    bad.write_bytes(good.read_bytes())
    _patch_entry(bad, "portfolio.pdf", size=0xF000_0000)
    err = refused(capsys, bad)
    assert "'portfolio.pdf' declares 3840 MB, over the 1024 MB limit" in err


def test_a_manifest_declaring_a_huge_size_is_refused(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    content = signed(members(good), keys[0])
    manifest = json.loads(content["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == "portfolio.pdf":
            entry["size"] = 5 << 30
    manifest_bytes = json.dumps(manifest).encode()
    content = {
        **content,
        "manifest.json": manifest_bytes,
        "manifest.sig": keys[0].sign(manifest_bytes),
    }
    bad = write_zip(tmp_path / "bad.portfolio", sorted(content.items()))
    assert "manifest.json declares portfolio.pdf as 5120 MB" in refused(capsys, bad)


def test_a_member_holding_more_than_it_declares_is_refused(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    """A zip bomb by actual size: headers, manifest and signature all agree on 1,000 bytes."""
    declared = 1_000
    zeros = bytes(50 << 20)
    content = members(good)
    content["portfolio.pdf"] = zeros[:declared]
    content = signed(content, keys[0])  # the manifest truthfully describes 1,000 bytes
    content["portfolio.pdf"] = zeros  # but the compressed stream inflates to 50 MB
    bad = write_zip(tmp_path / "bomb.portfolio", sorted(content.items()))
    assert bad.stat().st_size < 1 << 20
    _patch_entry(bad, "portfolio.pdf", size=declared, crc=zlib.crc32(zeros[:declared]))
    err = refused(capsys, bad)
    assert "portfolio.pdf holds more data than the 1000 bytes it declares" in err


def test_too_many_members_are_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] = [*sorted(members(good).items())]
    entries += [(f"attachments/{n:064x}", b"") for n in range(20_001)]
    bad = write_zip(tmp_path / "many.portfolio", entries)
    expected = len(members(good)) + 20_001  # the good package's members and the extra ones
    assert f"holds {expected} members, more than the 20000 allowed" in refused(capsys, bad)


def test_overlapping_members_are_refused(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.portfolio"
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        directory = zf.start_dir
        target = zf.getinfo("portfolio.json").header_offset
    # point the second central-directory entry at the first member's data
    name_length, extra_length, comment_length = struct.unpack_from("<HHH", raw, directory + 28)
    second = directory + 46 + name_length + extra_length + comment_length
    struct.pack_into("<I", raw, second + 42, target)
    bad.write_bytes(bytes(raw))
    err = refused(capsys, bad)
    assert "overlap" in err or "damaged" in err


# --- not a package at all ----------------------------------------------------------------------


def _truncated(good: Path, bad: Path) -> None:
    data = good.read_bytes()
    bad.write_bytes(data[: len(data) * 3 // 5])


def _end_cut(good: Path, bad: Path) -> None:
    bad.write_bytes(good.read_bytes()[:-10])


def _random(good: Path, bad: Path) -> None:
    bad.write_bytes(os.urandom(50_000))


def _empty(good: Path, bad: Path) -> None:
    bad.write_bytes(b"")


def _pdf(good: Path, bad: Path) -> None:
    bad.write_bytes(members(good)["portfolio.pdf"])


def _plain_zip(good: Path, bad: Path) -> None:
    write_zip(bad, [("hello.txt", b"hello")])


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (_truncated, "not a zip file, or it is truncated or damaged"),
        (_end_cut, "not a zip file, or it is truncated or damaged"),
        (_random, "not a zip file, or it is truncated or damaged"),
        (_empty, "not a zip file, or it is truncated or damaged"),
        (_pdf, "not a zip file, or it is truncated or damaged"),
        (_plain_zip, "manifest.json is missing, so it is not a signed portfolio package"),
    ],
    ids=["truncated", "end-cut", "random", "empty", "pdf", "plain-zip"],
)
def test_files_that_are_not_packages_are_refused(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path, Path], None],
    expected: str,
) -> None:
    bad = tmp_path / "bad.portfolio"
    make(good, bad)
    assert expected in refused(capsys, bad)


def test_a_missing_path_or_a_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "verify", str(tmp_path / "nothing.portfolio"))
    assert code == 1 and "There is no package at" in err and err.count("\n") == 1
    code, _, err = run(capsys, "verify", str(tmp_path))
    assert code == 1 and "is not a file" in err and err.count("\n") == 1


# --- signed, but not a valid portfolio ---------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.update(format="something/9"), "this version of the app reads"),
        (lambda d: d["items"][0].update(ref="../E001"), "items[0].ref must be E followed"),
        (lambda d: d["items"][0].update(date="yesterday"), "E001.date is not a date"),
        (lambda d: d["items"][0].update(title=None), "E001.title must be text"),
        (lambda d: d["items"][0]["ksbs"].append({"code": "K99", "justification": ""}), "K99"),
        (lambda d: d.update(frameworks=[]), "which is not among its frameworks"),
        (lambda d: d["portfolio"].update(uln="12"), "portfolio.uln must be 10 digits"),
        (
            lambda d: d["portfolio"]["framework"].update(option=7),
            "the portfolio follows option 7 of ST0825 v1.0, which has no such option",
        ),
    ],
    ids=["format", "ref", "date", "title", "unknown-code", "frameworks", "uln", "option"],
)
def test_a_signed_but_invalid_portfolio_json_is_refused(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
    edit: Callable[[dict[str, object]], None],
    expected: str,
) -> None:
    def change(content: dict[str, bytes]) -> dict[str, bytes]:
        document = json.loads(content["portfolio.json"])
        edit(document)
        return {**content, "portfolio.json": json.dumps(document).encode()}

    bad = rewrite(good, tmp_path / "bad.portfolio", change, sign_with=keys[0])
    if expected == "K99":
        # well-formed, but the framework has no K99: verify and import refuse it alike
        code, _, err = run(capsys, "verify", str(bad))
        assert code == 1 and "E001 is tagged with K99" in err and err.count("\n") == 1
        target = tmp_path / "imported.sqlite3"
        code, _, err = run(capsys, "--file", str(target), "import", "package", str(bad))
        assert code == 1 and "E001 is tagged with K99" in err and err.count("\n") == 1
        assert tree(tmp_path) == {"bad.portfolio"}
        return
    assert expected in refused(capsys, bad)


def test_a_manifest_that_is_not_json_is_refused(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    garbage = b"\xff\xfe not json"

    def change(content: dict[str, bytes]) -> dict[str, bytes]:
        return {**content, "manifest.json": garbage, "manifest.sig": keys[0].sign(garbage)}

    bad = rewrite(good, tmp_path / "bad.portfolio", change)
    assert "manifest.json is not valid JSON" in refused(capsys, bad)


def test_nothing_is_written_to_the_folder_of_a_refused_package(
    good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bad = rewrite(good, inbox / "bad.portfolio", lambda c: {**c, "../../escape": b"x"})
    refused(capsys, bad)
    assert tree(tmp_path) == {"inbox", "inbox/bad.portfolio"}


def test_text_from_a_package_never_reaches_the_terminal_as_control_codes(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    keys: tuple[SigningKey, SigningKey],
) -> None:
    def change(content: dict[str, bytes]) -> dict[str, bytes]:
        # the manifest's time is printed and is not part of the content fingerprint
        manifest = json.loads(content["manifest.json"])
        manifest["created"] = "Eve \x1b[2J\x1b]0;pwned\x07"
        return {**content, "manifest.json": json.dumps(manifest).encode()}

    bad = rewrite(good, tmp_path / "odd.portfolio", change, sign_with=keys[0])
    code, out, _ = run(capsys, "verify", str(bad))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "Eve ?[2J?]0;pwned?" in out


# --- damaged zip structure, oversized members, a full disk -------------------------------------


def _cd_entries(data: bytearray) -> list[int]:
    """Where each central directory entry of ``data`` starts."""
    eocd = data.rfind(b"PK\x05\x06")
    at = struct.unpack_from("<I", data, eocd + 16)[0]
    found = []
    while data[at : at + 4] == b"PK\x01\x02":
        found.append(at)
        name, extra, comment = struct.unpack_from("<HHH", data, at + 28)
        at += 46 + name + extra + comment
    return found


def _cd_offset(data: bytearray, offset: int) -> None:
    struct.pack_into("<I", data, data.rfind(b"PK\x05\x06") + 16, offset)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (
            lambda d: _cd_offset(
                d, struct.unpack_from("<I", d, d.rfind(b"PK\x05\x06") + 16)[0] + 7
            ),
            "its central directory points before its start",
        ),
        (lambda d: _cd_offset(d, 0xFFFFFFF0), "its central directory points before its start"),
        (
            lambda d: [struct.pack_into("<H", d, at + 6, 0xFFFF) for at in _cd_entries(d)],
            "made by a zip tool this app does not read (zip file version 25.5)",
        ),
    ],
    ids=["offset-shifted", "offset-huge", "version"],
)
def test_a_zip_with_a_corrupt_central_directory_is_one_sentence(
    good: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[bytearray], object],
    expected: str,
) -> None:
    data = bytearray(good.read_bytes())
    damage(data)
    bad = tmp_path / "bad.portfolio"
    bad.write_bytes(bytes(data))
    assert expected in refused(capsys, bad)


def test_a_portfolio_json_larger_than_any_real_one_is_refused_before_it_is_read(
    good: Path,
    tmp_path: Path,
    keys: tuple[SigningKey, SigningKey],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def pad(content: dict[str, bytes]) -> dict[str, bytes]:
        document = json.loads(content["portfolio.json"])
        document["items"][0]["body"] = "a" * (3 << 20)
        return {**content, "portfolio.json": json.dumps(document).encode()}

    bad = rewrite(good, tmp_path / "big.portfolio", pad, sign_with=keys[0])
    assert bad.stat().st_size < 1 << 20  # a few MB of reflection deflate to almost nothing
    monkeypatch.setattr(PackageReader, "_stream", _never_streams(PackageReader._stream))
    with pytest.raises(PackageError) as refusal:
        verify_package(bad, limits=Limits(max_json_bytes=2 << 20))
    assert "portfolio.json is 3 MB, more than the 2 MB this app reads" in str(refusal.value)


def _never_streams(original: Callable[..., Any]) -> Callable[..., Any]:
    """``_stream`` that refuses to read portfolio.json (its size alone must refuse it)."""

    def stream(self: PackageReader, info: zipfile.ZipInfo) -> Any:
        assert info.orig_filename != "portfolio.json", "portfolio.json was read"
        return original(self, info)

    return stream


def test_export_package_on_a_full_disk_is_one_sentence_and_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "p.sqlite3"
    build_portfolio(source).close()
    real_writestr = zipfile.ZipFile.writestr

    def full(self: zipfile.ZipFile, name: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if str(getattr(name, "filename", name)) == "portfolio.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        real_writestr(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    out = tmp_path / "out" / "p.portfolio"
    out.parent.mkdir()
    code, _, err = run(capsys, "--file", str(source), "export", "package", str(out))
    assert code == 1 and err.count("\n") == 1, err
    assert "the disk is full" in err
    assert list(out.parent.iterdir()) == []
