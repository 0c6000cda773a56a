"""No command writes over the portfolio, its companions, any database, or (without --force)
any existing file: every writer goes through ``app.models.outputs``."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.errors import PortfolioError
from app.models.db import Database
from app.models.outputs import check_output, staged_output, write_output
from app.services import evidence
from tests.cli_run import run

# Every CLI command that writes a file the user names, as "command words before OUT".
WRITERS = {
    "export pdf": ["export", "pdf"],
    "export package": ["export", "package"],
    "backup": ["backup"],
    "scan template": ["scan", "template"],
    "otj export": ["otj", "export"],
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def portfolio(db: Database, portfolio_path: Path) -> Path:
    with db.transaction() as session:
        evidence.add_item(session, title="Kept safe")
    db.close()
    return portfolio_path


def _companion(suffix: str) -> Callable[[Path], Path]:
    def make(portfolio: Path) -> Path:
        path = portfolio.with_name(portfolio.name + suffix)
        if not path.exists():
            path.write_bytes(b"companion bytes")
        return path

    return make


def _other_database(portfolio: Path) -> Path:
    other = portfolio.with_name("someone-else.db")
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    conn.close()
    return other


def _symlink_to_portfolio(portfolio: Path) -> Path:
    link = portfolio.with_name("innocent.pdf")
    link.symlink_to(portfolio)
    return link


def _hard_link_to_portfolio(portfolio: Path) -> Path:
    link = portfolio.with_name("innocent.csv")
    os.link(portfolio, link)
    return link


def _wal_under_another_name(portfolio: Path) -> Path:
    """A live WAL file copied under an innocent name still starts with the WAL magic."""
    other = portfolio.with_name("other.db")
    conn = sqlite3.connect(other)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE scratch (x)")
    copy = portfolio.with_name("notes.txt")
    shutil.copyfile(other.with_name(other.name + "-wal"), copy)
    conn.close()
    return copy


# Hostile destinations: (id, how to make it, the words the refusal must contain)
HOSTILE_DESTINATIONS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("the portfolio", lambda p: p, "is the portfolio itself"),
    ("its -wal", _companion("-wal"), "one of the portfolio's own files"),
    ("its -shm", _companion("-shm"), "one of the portfolio's own files"),
    ("its -lock", _companion("-lock"), "one of the portfolio's own files"),
    ("its -journal", _companion("-journal"), "one of the portfolio's own files"),
    ("another database", _other_database, "is an SQLite database"),
    ("a symlink to it", _symlink_to_portfolio, "is the portfolio itself"),
    ("a hard link to it", _hard_link_to_portfolio, "is the portfolio itself"),
    ("a WAL renamed", _wal_under_another_name, "is an SQLite database"),
]


@pytest.mark.parametrize("force", [False, True], ids=["plain", "--force"])
@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize(
    ("make", "words"),
    [(make, words) for _id, make, words in HOSTILE_DESTINATIONS],
    ids=[name for name, _m, _w in HOSTILE_DESTINATIONS],
)
def test_no_writer_touches_the_portfolio_or_any_database(
    portfolio: Path,
    capsys: pytest.CaptureFixture[str],
    writer: str,
    make: Callable[[Path], Path],
    words: str,
    force: bool,
) -> None:
    target = make(portfolio)
    before = {p.name: digest(p) for p in portfolio.parent.iterdir() if p.is_file()}
    extra = ["--force"] if force else []
    code, out, err = run(capsys, "--file", portfolio, *WRITERS[writer], target, *extra)
    assert code == 1 and out == ""
    assert err.startswith("portfolio: ") and err.count("\n") == 1, err
    assert words in err
    after = {p.name: digest(p) for p in portfolio.parent.iterdir() if p.is_file()}
    assert after == before  # nothing written, nothing left behind
    code, out, _err = run(capsys, "--file", portfolio, "item", "list")
    assert code == 0 and "Kept safe" in out


@pytest.mark.parametrize("writer", WRITERS)
def test_an_existing_file_needs_force(
    portfolio: Path, capsys: pytest.CaptureFixture[str], writer: str
) -> None:
    target = portfolio.parent / "existing.out"
    target.write_bytes(b"yesterday's work")
    code, _out, err = run(capsys, "--file", portfolio, *WRITERS[writer], target)
    assert code == 1
    assert err == (
        f"portfolio: {target} already exists; choose another name for the "
        f"{'CSV file' if writer == 'otj export' else ''}"
        f"{'ratings template' if writer == 'scan template' else ''}"
        f"{'PDF' if writer == 'export pdf' else ''}"
        f"{'package' if writer == 'export package' else ''}"
        f"{'backup' if writer == 'backup' else ''}, or add --force to replace it.\n"
    )
    assert target.read_bytes() == b"yesterday's work"


@pytest.mark.parametrize("writer", ["scan template", "otj export", "backup", "export package"])
def test_force_replaces_an_ordinary_file_whole(
    portfolio: Path, capsys: pytest.CaptureFixture[str], writer: str
) -> None:
    target = portfolio.parent / "existing.out"
    target.write_bytes(b"yesterday's work")
    code, _out, err = run(capsys, "--file", portfolio, *WRITERS[writer], target, "--force")
    assert (code, err) == (0, "")
    assert target.read_bytes() != b"yesterday's work"
    assert not [p for p in portfolio.parent.iterdir() if p.name.endswith((".part", ".partial"))]


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
@pytest.mark.parametrize("writer", WRITERS)
def test_a_fifo_as_output_is_refused_at_once(
    portfolio: Path, capsys: pytest.CaptureFixture[str], writer: str
) -> None:
    fifo = portfolio.parent / "pipe"
    os.mkfifo(fifo)
    code, _out, err = run(capsys, "--file", portfolio, *WRITERS[writer], fifo, "--force")
    assert code == 1
    assert "is not an ordinary file" in err


def test_a_destination_that_appears_while_writing_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "report.csv"
    with (
        pytest.raises(PortfolioError, match="already exists"),
        staged_output(out, what="CSV file") as temp,
    ):
        temp.write_bytes(b"new")
        out.write_bytes(b"someone else's")
    assert out.read_bytes() == b"someone else's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]


def test_a_full_disk_leaves_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("app.models.outputs.os.fsync", full)
    out = tmp_path / "log.csv"
    with pytest.raises(
        PortfolioError, match=r"^Could not write the CSV file .*: the disk is full\.$"
    ):
        write_output(out, b"a,b\n", what="CSV file")
    assert list(tmp_path.iterdir()) == []


def test_the_check_follows_links_to_the_real_file(portfolio: Path) -> None:
    link_folder = portfolio.parent / "elsewhere"
    link_folder.mkdir()
    (link_folder / "p.sqlite3").symlink_to(portfolio)
    with pytest.raises(PortfolioError, match="is the portfolio itself"):
        check_output(link_folder / "p.sqlite3", what="PDF", protected=[portfolio], force=True)
    with pytest.raises(PortfolioError, match="belongs to the SQLite database"):
        check_output(link_folder / "p.sqlite3-wal", what="PDF")


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "--force"])
def test_a_sign_off_request_never_goes_over_the_portfolio(
    portfolio: Path, capsys: pytest.CaptureFixture[str], force: list[str]
) -> None:
    before = digest(portfolio)
    for target in (portfolio, portfolio.with_name(portfolio.name + "-wal")):
        code, _out, err = run(
            capsys, "--file", portfolio, "signoff", "request", "E001", "--name", "Grace",
            "--out", target, *force,
        )  # fmt: skip
        assert code == 1 and err.count("\n") == 1
        assert "portfolio itself" in err or "portfolio's own files" in err
    existing = portfolio.parent / "old.request"
    existing.write_bytes(b"last week's")
    code, _out, err = run(
        capsys, "--file", portfolio, "signoff", "request", "E001", "--name", "Grace",
        "--out", existing,
    )  # fmt: skip
    assert code == 1 and "--force" in err and existing.read_bytes() == b"last week's"
    assert digest(portfolio) == before
