"""The signed package: export → verify → import gives back the same portfolio, byte for byte."""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.errors import PortfolioError
from app.export.package import export_package, import_package, verify_package
from app.models.db import open_portfolio
from app.services import portfolio_json, queries, signing
from app.services.blob_source import SqliteBlobSource
from app.services.portfolio import last_changed
from tests.package_helpers import build_portfolio, fake_pdf, members, run, tree


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "apprentice.sqlite3"
    build_portfolio(path).close()
    yield path


def _cli_json(capsys: pytest.CaptureFixture[str], path: Path, *args: str) -> object:
    code, out, err = run(capsys, "--file", str(path), *args)
    assert code == 0, err
    return json.loads(out)


def _portfolio_view(capsys: pytest.CaptureFixture[str], path: Path) -> dict[str, object]:
    """What a user can see of a portfolio through the CLI, plus its attachment bytes' hashes."""
    listed = _cli_json(capsys, path, "item", "list", "--json")
    assert isinstance(listed, list)
    shown = {i["ref"]: _cli_json(capsys, path, "item", "show", i["ref"], "--json") for i in listed}
    blobs = SqliteBlobSource(path)
    try:
        hashes = sorted(
            hashlib.sha256(blobs.read(a["sha256"]) or b"missing").hexdigest()
            for item in listed
            for a in item["attachments"]
        )
    finally:
        blobs.close()
    return {
        "list": listed,
        "show": shown,
        "coverage": _cli_json(capsys, path, "coverage", "--json"),
        "ddat": _cli_json(capsys, path, "coverage", "--json", "--framework", "DDAT-DEVOPS"),
        "frameworks": _cli_json(capsys, path, "frameworks", "list", "--json"),
        "st0999": _cli_json(capsys, path, "frameworks", "show", "ST0999", "--json"),
        "attachment_hashes": hashes,
    }


def test_round_trip_export_verify_import_gives_the_same_portfolio(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "out.portfolio"
    code, out, err = run(
        capsys, "--file", str(source), "export", "package", str(package), "--for", "review"
    )
    assert code == 0, err
    key = signing.existing_key()
    assert key is not None
    assert f"Signed by key {key.fingerprint}" in out

    code, out, err = run(capsys, "verify", str(package))
    assert code == 0, err
    assert f"Signed by key {key.fingerprint}" in out
    assert "OK" in out and "3 evidence items (1 in draft), 4 attachments;" in out

    restored = tmp_path / "laptop" / "restored.sqlite3"
    restored.parent.mkdir()
    code, out, err = run(capsys, "--file", str(restored), "import", "package", str(package))
    assert code == 0, err
    assert "Imported 3 evidence items" in out
    assert tree(restored.parent) == {"restored.sqlite3"}  # no temporary folder left behind

    before, after = _portfolio_view(capsys, source), _portfolio_view(capsys, restored)
    assert after == before
    assert [i["ref"] for i in after["list"]] == ["E001", "E002", "E004"]  # type: ignore[index]

    # references are never reused, in the restored portfolio too
    code, out, _ = run(capsys, "--file", str(restored), "item", "add", "--title", "Next")
    assert out == "E005\n"


def test_the_same_portfolio_gives_the_same_package_bytes(source: Path, tmp_path: Path) -> None:
    key = signing.load_or_create_key()
    first, second, third = (tmp_path / f"{n}.portfolio" for n in range(3))
    db = open_portfolio(source)
    try:
        export_package(db, first, key=key, audience="review")
        export_package(db, second, key=key, audience="review")
    finally:
        db.close()
    assert first.read_bytes() == second.read_bytes()

    # and a portfolio imported from it exports to the very same bytes again
    restored = tmp_path / "restored.sqlite3"
    import_package(first, restored)
    db = open_portfolio(restored)
    try:
        export_package(db, third, key=key, audience="review")
    finally:
        db.close()
    assert third.read_bytes() == first.read_bytes()


def test_an_imported_portfolio_has_the_print_renditions_of_its_images(
    source: Path, tmp_path: Path
) -> None:
    # made on worker threads during the import, they equal those made when attached
    key = signing.load_or_create_key()
    package, restored = tmp_path / "p.portfolio", tmp_path / "restored.sqlite3"
    db = open_portfolio(source)
    try:
        export_package(db, package, key=key, build_pdf=fake_pdf, audience="review")
    finally:
        db.close()
    import_package(package, restored)

    def renditions(path: Path) -> dict[str, bytes]:
        with sqlite3.connect(path) as conn:
            return dict(conn.execute("SELECT sha256, data FROM renditions"))

    assert len(renditions(source)) == 2  # the two PNG screenshots
    assert renditions(restored) == renditions(source)


def test_package_layout_manifest_and_signature(source: Path, tmp_path: Path) -> None:
    key = signing.load_or_create_key()
    package = tmp_path / "out.portfolio"
    db = open_portfolio(source)
    try:
        export_package(db, package, key=key, build_pdf=fake_pdf, audience="review")
        with db.reader() as s:
            changed = last_changed(s)
    finally:
        db.close()
    content = members(package)
    with zipfile.ZipFile(package) as zf:
        names = [i.filename for i in zf.infolist()]
        times = {i.date_time for i in zf.infolist()}
    assert names == sorted(names)
    assert len(times) == 1
    attachments = [n for n in names if n.startswith("attachments/")]
    assert len(attachments) == 4  # the shared log is stored once, the empty file too
    assert {"portfolio.pdf", "portfolio.json", "manifest.json", "manifest.sig"} <= set(names)

    manifest = json.loads(content["manifest.json"])
    assert manifest["format"] == "apprentice-portfolio-package/1"
    assert manifest["created"] == changed
    assert base64.b64decode(manifest["public_key"]) == key.public_bytes
    assert sorted(f["path"] for f in manifest["files"]) == sorted(
        n for n in names if n not in ("manifest.json", "manifest.sig")
    )
    for entry in manifest["files"]:
        data = content[entry["path"]]
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert signing.verify_signature(
        key.public_bytes, content["manifest.sig"], content["manifest.json"]
    )


def test_the_pdf_cover_and_portfolio_json_name_the_signing_key(
    source: Path, tmp_path: Path
) -> None:
    key = signing.load_or_create_key()
    package = tmp_path / "out.portfolio"
    db = open_portfolio(source)
    try:
        export_package(db, package, key=key, audience="review")
    finally:
        db.close()
    content = members(package)
    (tmp_path / "p.pdf").write_bytes(content["portfolio.pdf"])
    cover = PdfReader(tmp_path / "p.pdf").pages[0].extract_text()
    assert key.fingerprint in "".join(cover.split())
    document = json.loads(content["portfolio.json"])
    assert document["format"] == portfolio_json.FORMAT
    assert document["signer"] == key.fingerprint


def test_portfolio_json_carries_every_framework_the_portfolio_uses(
    source: Path, tmp_path: Path
) -> None:
    package = tmp_path / "out.portfolio"
    db = open_portfolio(source)
    try:
        export_package(db, package, build_pdf=fake_pdf, audience="review")
    finally:
        db.close()
    document = json.loads(members(package)["portfolio.json"])
    carried = {(f["key"], f["version"]) for f in document["frameworks"]}
    assert {key for key, _ in carried} == {"ST0825", "DDAT-DEVOPS", "ST0999"}
    assert ("ST0999", "1.1") in carried
    imported = next(f for f in document["frameworks"] if f["key"] == "ST0999")
    assert imported["bundled"] is False
    assert imported["document"]["competencies"][0]["text"] == "Widgets & <gadgets>"
    e002 = next(i for i in document["items"] if i["ref"] == "E002")
    assert {(t["framework"], t["kind"], t["code"]) for t in e002["other_tags"]} == {
        ("DDAT-DEVOPS", "competency", "DS1"),
        ("ST0999", "competency", "K1"),
        ("ST0999", "group", "D2"),
    }
    assert document["portfolio"]["next_item_number"] == 5


def test_verify_with_the_right_signer_in_any_format(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = signing.load_or_create_key()
    package = tmp_path / "out.portfolio"
    db = open_portfolio(source)
    try:
        export_package(db, package, key=key, build_pdf=fake_pdf, audience="review")
    finally:
        db.close()
    pasted = ":".join(key.fingerprint[i : i + 2] for i in range(0, 64, 2)).upper()
    code, out, err = run(capsys, "verify", str(package), "--signer", pasted)
    assert (code, err) == (0, "")
    assert key.fingerprint in out


def test_export_over_an_existing_package_replaces_it_whole(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "out.portfolio"
    package.write_bytes(b"an older package")
    db = open_portfolio(source)
    try:
        with pytest.raises(PortfolioError, match=r"already exists.*--force"):
            export_package(db, package, build_pdf=fake_pdf, audience="review")
        assert package.read_bytes() == b"an older package"
        export_package(db, package, build_pdf=fake_pdf, force=True)
    finally:
        db.close()
    assert verify_package(package).document.details.apprentice_name == "Zoë O'Brien <b>"


def test_a_failed_export_leaves_nothing_behind(source: Path, tmp_path: Path) -> None:
    out_folder = tmp_path / "exports"
    out_folder.mkdir()
    package = out_folder / "out.portfolio"
    package.write_bytes(b"yesterday's package")

    def broken_pdf(*args: object) -> None:
        raise PortfolioError("The PDF could not be laid out.")

    db = open_portfolio(source)
    try:
        with pytest.raises(PortfolioError, match="could not be laid out"):
            export_package(db, package, build_pdf=broken_pdf, force=True)
        with pytest.raises(PortfolioError, match="cancelled"):
            export_package(db, package, build_pdf=fake_pdf, cancelled=lambda: True, force=True)
    finally:
        db.close()
    assert tree(out_folder) == {"out.portfolio"}
    assert package.read_bytes() == b"yesterday's package"


def test_export_reports_progress_to_the_end(source: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    db = open_portfolio(source)
    try:
        export_package(
            db,
            tmp_path / "o.portfolio",
            build_pdf=fake_pdf,
            progress=lambda d, t: seen.append((d, t)),
        )
    finally:
        db.close()
    assert seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_export_into_a_missing_folder_is_refused(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "--file", str(source), "export", "package", str(tmp_path / "nope" / "o.portfolio")
    )
    assert code == 1
    assert err.count("\n") == 1 and "does not exist" in err


def test_a_portfolio_holding_a_mistyped_uln_is_not_exported_as_a_package_that_cannot_verify(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(source) as conn:  # written before ULNs were checked when typed
        conn.execute("UPDATE portfolio SET uln = '1234567890'")
    conn.close()
    out = tmp_path / "o.portfolio"
    code, _, err = run(capsys, "--file", str(source), "export", "package", str(out))
    assert code == 1 and err.count("\n") == 1
    assert "ULN 1234567890 fails the Unique Learner Number check digit" in err
    assert not out.exists()


def test_import_refuses_an_existing_file_and_changes_nothing(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "out.portfolio"
    db = open_portfolio(source)
    try:
        export_package(db, package, build_pdf=fake_pdf, audience="review")
    finally:
        db.close()
    before = source.read_bytes()
    code, _, err = run(capsys, "--file", str(source), "import", "package", str(package))
    assert code == 1
    assert "already exists" in err and err.count("\n") == 1
    assert source.read_bytes() == before


def test_import_with_the_wrong_signer_creates_nothing(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "out.portfolio"
    db = open_portfolio(source)
    try:
        export_package(db, package, build_pdf=fake_pdf, audience="review")
    finally:
        db.close()
    target = tmp_path / "new" / "p.sqlite3"
    target.parent.mkdir()
    code, _, err = run(
        capsys, "--file", str(target), "import", "package", str(package), "--signer", "ab" * 32
    )
    assert code == 1 and "not by" in err
    assert tree(target.parent) == set()


def test_import_into_the_default_portfolio_location(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "out.portfolio"
    db = open_portfolio(source)
    try:
        export_package(db, package, build_pdf=fake_pdf, audience="review")
    finally:
        db.close()
    code, out, err = run(capsys, "import", "package", str(package))
    assert code == 0, err
    code, out, _ = run(capsys, "item", "list")
    assert "E004" in out


def test_a_portfolio_with_no_items_round_trips(tmp_path: Path) -> None:
    from app.services.portfolio import create_portfolio

    empty = tmp_path / "empty.sqlite3"
    create_portfolio(empty, name="New Starter").close()
    package = tmp_path / "empty.portfolio"
    db = open_portfolio(empty)
    try:
        export_package(db, package, build_pdf=fake_pdf, audience="review")
    finally:
        db.close()
    restored = tmp_path / "restored.sqlite3"
    result = import_package(package, restored)
    assert result.items == 0
    db = open_portfolio(restored)
    try:
        with db.reader() as s:
            assert queries.list_items(s) == []
    finally:
        db.close()
