"""The one-writer lock belongs to the file, not to the name: symlinks and hard links
reach the same lock, and commands act on the real file through a link."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import PortfolioError
from app.models.db import Database
from app.models.lock import WriterBusyError, WriterLock, hold_for_session, release_session
from app.services import evidence
from tests.cli_run import run
from tests.sqlite_reading import titles

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX links and flock")

HOLDER = """
import sys
from pathlib import Path
from app.models.lock import hold_for_session
lock = hold_for_session(Path(sys.argv[1]))
print("holding", flush=True)
sys.stdin.readline()
"""


@pytest.fixture
def portfolio(db: Database, portfolio_path: Path) -> Path:
    with db.transaction() as session:
        evidence.add_item(session, title="Original")
    db.close()
    return portfolio_path


def _symlink(portfolio: Path) -> Path:
    other = portfolio.parent / "shortcuts"
    other.mkdir(exist_ok=True)
    link = other / "mine.sqlite3"
    link.symlink_to(portfolio)
    return link


def _hard_link(portfolio: Path) -> Path:
    other = portfolio.parent / "elsewhere"
    other.mkdir(exist_ok=True)
    link = other / "same-file.sqlite3"
    os.link(portfolio, link)
    return link


LINKS = {"symlink": _symlink, "hard link": _hard_link}


@pytest.fixture
def held_elsewhere(portfolio: Path) -> Iterator[Path]:
    """The app's session lock on ``portfolio``, held by another process."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(portfolio)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None and child.stdout.readline() == "holding\n"
    try:
        yield portfolio
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait(timeout=30)


@pytest.mark.parametrize("make_link", LINKS.values(), ids=LINKS.keys())
def test_no_second_writer_through_a_link(held_elsewhere: Path, make_link) -> None:
    link = make_link(held_elsewhere)
    with pytest.raises(WriterBusyError, match="open in"):
        WriterLock(link, "cli").acquire(wait_s=0)
    with pytest.raises(WriterBusyError):
        hold_for_session(link)
    assert titles(held_elsewhere) == ["Original"]


def test_a_cli_write_through_a_symlink_is_refused_while_the_app_holds_the_file(
    held_elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = _symlink(held_elsewhere)
    code, out, err = run(capsys, "--file", link, "item", "add", "--title", "Sneaked in")
    assert code == 1 and out == ""
    assert "is open in the Apprentice Portfolio app" in err
    assert titles(held_elsewhere) == ["Original"]


@pytest.mark.parametrize("make_link", LINKS.values(), ids=LINKS.keys())
def test_one_process_cannot_open_the_same_file_twice_through_a_link(
    portfolio: Path, make_link
) -> None:
    lock = hold_for_session(portfolio)
    try:
        with pytest.raises(PortfolioError, match="already open in another window"):
            hold_for_session(make_link(portfolio))
    finally:
        release_session(lock)


def test_commands_act_on_the_real_file_through_a_symlink(
    portfolio: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    link = _symlink(portfolio)
    backup = tmp_path / "saved.sqlite3"
    assert run(capsys, "--file", link, "backup", backup)[0] == 0
    assert run(capsys, "--file", link, "item", "add", "--title", "Later")[0] == 0
    assert titles(portfolio) == ["Original", "Later"]
    assert not (link.parent / "mine.sqlite3-lock").exists()
    assert not (link.parent / "mine.sqlite3-wal").exists()

    code, _out, err = run(capsys, "--file", link, "restore", backup)
    assert (code, err) == (0, ""), err
    assert link.is_symlink() and link.resolve() == portfolio.resolve()
    assert titles(portfolio) == ["Original"]  # the real file was restored, not the link
    kept = [p for p in portfolio.parent.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1 and titles(kept[0]) == ["Original", "Later"]


def test_is_held_tells_a_held_portfolio_from_a_free_one(tmp_path: Path) -> None:
    from app.models.lock import is_held

    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"")
    assert not is_held(path)
    lock = hold_for_session(path)
    assert is_held(path)
    release_session(lock)
    assert not is_held(path)
