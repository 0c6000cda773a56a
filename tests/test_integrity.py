"""`portfolio check` finds damage and says what it is; `restore` repairs it."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from app.models.db import Database
from app.services import evidence, integrity
from app.services.attachments import FileData
from tests.cli_run import run

SCREENSHOT = b"PIPELINE-SCREENSHOT-" + bytes(range(256)) * 40


def screenshot(n: int) -> bytes:
    return f"shot-{n:02d}-".encode() + SCREENSHOT


@pytest.fixture
def filled(db: Database, portfolio_path: Path) -> Path:
    """A closed portfolio with a few items and attachments, its WAL folded in."""
    with db.transaction() as session:
        for n in range(1, 31):
            evidence.add_item(
                session,
                title=f"Evidence {n}",
                body=f"Reflection {n} " * 50,
                ksbs=["K1", "S14"],
                files=[FileData(name=f"shot{n}.bin", data=screenshot(n))],
            )
    db.close()
    assert not Path(f"{portfolio_path}-wal").exists()
    return portfolio_path


def page_of(path: Path, table: str) -> tuple[int, int]:
    """(page size, root page) of ``table``."""
    conn = sqlite3.connect(path)
    try:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
    finally:
        conn.close()
    return size, root[0]


def overwrite_pages(path: Path, first: int, count: int, size: int) -> None:
    with path.open("r+b") as fh:
        fh.seek((first - 1) * size)
        fh.write(os.urandom(count * size))


def test_a_healthy_portfolio_passes(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--file", str(filled), "check")
    assert (code, err) == (0, "")
    assert out == (
        f"No problems found in {filled}: quick check, the schema, links between records, "
        "30 attachments (30 stored files) match their SHA-256, and the search index "
        "agrees with 30 items.\n"
    )
    code, out, _ = run(capsys, "--file", str(filled), "check", "--full")
    assert code == 0 and "full integrity check" in out


def test_check_changes_nothing(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = hashlib.sha256(filled.read_bytes()).hexdigest()
    assert run(capsys, "--file", str(filled), "check", "--full")[0] == 0
    assert hashlib.sha256(filled.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in filled.parent.iterdir()) == ["portfolio.sqlite3"]


def test_overwritten_pages_are_caught_and_restore_repairs_them(
    filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup = tmp_path / "friday.sqlite3"
    assert run(capsys, "--file", str(filled), "backup", str(backup))[0] == 0
    size, items_root = page_of(filled, "items")
    overwrite_pages(filled, items_root, 1, size)
    total = filled.stat().st_size // size
    overwrite_pages(filled, total // 2, 4, size)
    damaged = filled.read_bytes()

    code, out, err = run(capsys, "--file", str(filled), "check")
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"portfolio: {filled} is damaged: ")
    assert "Restore a backup with 'portfolio restore FILE'" in err
    assert "SQLite" in out and out.startswith("- ")

    # a damaged file is never passed off as a backup
    code, out, err = run(capsys, "--file", str(filled), "backup", str(tmp_path / "bad.sqlite3"))
    assert code == 1 and "damaged" in err and "run 'portfolio check'" in err
    assert not (tmp_path / "bad.sqlite3").exists()

    code, out, err = run(capsys, "--file", str(filled), "restore", str(backup))
    assert (code, err) == (0, "")
    kept = Path(out.split("kept as ")[1].strip().rstrip("."))
    assert kept.read_bytes() == damaged  # the damaged file is kept, byte for byte

    code, out, _ = run(capsys, "--file", str(filled), "check", "--full")
    assert code == 0, out
    code, out, _ = run(capsys, "--file", str(filled), "item", "list")
    assert code == 0 and out.count("\n") == 30


def test_a_damaged_first_page_is_reported_not_crashed_on(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overwrite_pages(filled, 1, 2, 4096)
    code, out, err = run(capsys, "--file", str(filled), "check")
    assert code == 1 and "cannot be read as a portfolio" in err
    assert "Traceback" not in out + err


def test_changed_attachment_bytes_are_named(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = bytearray(filled.read_bytes())
    at = data.find(screenshot(7)[:40])
    assert at > 0 and data.find(screenshot(7)[:40], at + 1) == -1
    data[at + 30] ^= 0xFF  # one flipped byte: SQLite's own checks cannot see it
    filled.write_bytes(bytes(data))

    code, out, err = run(capsys, "--file", str(filled), "check")
    assert code == 1
    assert "1 attachment no longer matches its SHA-256 — 'shot7.bin' (E007)" in err
    assert "quick_check" not in out


def test_a_search_index_out_of_step_is_reported(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(filled)
    conn.execute("DELETE FROM items_fts WHERE rowid = (SELECT id FROM items WHERE ref = 'E003')")
    conn.execute("UPDATE items_fts SET body = 'stale' WHERE rowid = 5")
    conn.commit()
    conn.close()
    result = integrity.check_portfolio(filled)
    assert result.problems == (
        "The search index is out of step with 2 items (E003, E005); searching may miss them.",
    )
    assert run(capsys, "--file", str(filled), "check")[0] == 1


def test_broken_links_between_records_are_reported(
    filled: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(filled)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE attachments SET item_id = 999 WHERE name = 'shot2.bin'")
    conn.execute(
        "DELETE FROM blobs WHERE sha256 = (SELECT sha256 FROM attachments WHERE name = ?)",
        ("shot3.bin",),
    )
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "--file", str(filled), "check")
    assert code == 1
    assert out.splitlines() == [
        "- 1 record in attachments points at blobs that no longer exist.",
        "- 1 record in attachments points at items that no longer exist.",
        "- The bytes of 1 attachment are missing: 'shot3.bin' (E003).",
    ]


def test_check_refuses_what_is_not_a_portfolio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    code, _, err = run(capsys, "--file", str(other), "check")
    assert code == 1 and "not an Apprentice Portfolio" in err
    code, _, err = run(capsys, "--file", str(tmp_path / "missing.sqlite3"), "check")
    assert code == 1 and "No portfolio at" in err
