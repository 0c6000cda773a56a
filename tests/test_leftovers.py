"""After a kill, the next start sweeps our own stale leftovers, and never anything else."""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import pytest

from app.cli import main
from app.models.db import Database, open_portfolio
from app.models.leftovers import STALE_AFTER_S, sweep_folder, sweep_temporary_folder

HOUR_AGO = time.time() - STALE_AFTER_S - 60


def age(path: Path) -> Path:
    """Make ``path`` (and all under it) look untouched for over an hour."""
    if path.is_dir() and not path.is_symlink():
        for root, dirs, files in os.walk(path):
            for name in (*dirs, *files):
                os.utime(os.path.join(root, name), (HOUR_AGO, HOUR_AGO))
    os.utime(path, (HOUR_AGO, HOUR_AGO), follow_symlinks=False)
    return path


def file(path: Path, data: bytes = b"") -> Path:
    path.write_bytes(data)
    return path


def database(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    return path


def folder_with(path: Path, inside: str = "portfolio.sqlite3") -> Path:
    path.mkdir()
    (path / inside).write_bytes(b"half a portfolio")
    return path


@pytest.fixture
def temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_opening_sweeps_our_stale_leftovers_and_nothing_else(
    db: Database, portfolio_path: Path, temp_folder: Path
) -> None:
    db.close()
    here = portfolio_path.parent
    ours = [
        age(file(here / ".portfolio.pdf.0123456789ab.part")),  # export pdf / package / CSV
        age(file(here / ".assessment.json.1a2b3c4d.part", b"{")),
        age(file(here / ".report.pdf.k3j_9x2a.part", b"%PDF")),  # mkstemp's (older exports)
        age(database(here / "backup.sqlite3.partial")),
        age(file(here / "backup.sqlite3.partial-journal")),
        age(database(here / ".portfolio.sqlite3.restoring")),
        age(folder_with(here / ".portfolio-import-ab12cd34")),
        age(folder_with(temp_folder / "portfolio-package-x1y2z3w4", "portfolio.pdf")),
    ]
    kept = [
        file(here / ".fresh.pdf.0123456789ab.part"),  # being written right now
        age(file(here / "notes.part", b"user data")),  # not our pattern
        age(file(here / ".notes.part", b"user data")),
        age(file(here / ".x.pdf.0123456789abcdef.part")),  # 16 characters: not ours
        age(file(here / "thesis.partial", b"user data")),  # not a database
        age(file(here / ".portfolio-import-short", b"user data")),
        age(folder_with(here / "portfolio-package-x1y2z3w4")),  # not in the temp folder
        age(folder_with(temp_folder / "portfolio-package-alsofresh")),  # wrong length
        folder_with(temp_folder / "portfolio-package-freshnow"),  # in use
    ]
    link = here / ".linked.pdf.0123456789ab.part"
    link.symlink_to(here / "notes.part")
    age(link)

    open_portfolio(portfolio_path).close()

    assert [p for p in ours if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []
    assert link.is_symlink() and (here / "notes.part").exists()


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() != 0, reason="needs chown (root)")
def test_another_users_leftovers_are_never_touched(tmp_path: Path, temp_folder: Path) -> None:
    theirs = [
        folder_with(temp_folder / "portfolio-package-abcdefgh"),
        file(tmp_path / ".export.pdf.0123456789ab.part"),
    ]
    for path in theirs:
        os.chown(path, 65534, 65534)
        age(path)
    assert sweep_folder(tmp_path) == []
    assert sweep_temporary_folder() == []
    assert all(path.exists() for path in theirs)


def test_an_export_sweeps_its_folder_and_a_backup_its_own(
    db: Database, portfolio_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.close()
    exports = tmp_path / "exports"
    exports.mkdir()
    stale_csv = age(file(exports / ".log.csv.0123456789ab.part"))
    stale_backup = age(database(exports / "copy.sqlite3.partial"))
    assert main(["--file", str(portfolio_path), "otj", "export", str(exports / "log.csv")]) == 0
    assert not stale_csv.exists() and not stale_backup.exists()
    backups = tmp_path / "backups"
    backups.mkdir()
    stale_backup = age(database(backups / "old.sqlite3.partial"))
    assert main(["--file", str(portfolio_path), "backup", str(backups / "b.sqlite3")]) == 0
    assert sorted(p.name for p in backups.iterdir()) == ["b.sqlite3"]
    capsys.readouterr()
