"""One writer at a time: the app holds its portfolio; other writers are refused or take turns."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.errors import PortfolioError
from app.models.db import Database, open_portfolio
from app.services import evidence, queries

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The portfolio command as another program on the same computer."""
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )


def python(code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def refs(path: Path) -> list[str]:
    db = open_portfolio(path)
    try:
        with db.reader() as session:
            return [i.ref for i in queries.list_items(session)]
    finally:
        db.close()


@pytest.fixture
def closed(db: Database, portfolio_path: Path) -> Path:
    db.close()
    return portfolio_path


def test_a_cli_write_while_the_app_has_the_file_open_is_refused(closed: Path) -> None:
    app = open_portfolio(closed, exclusive=True)
    try:
        with app.transaction() as session:  # the app itself writes as usual
            evidence.add_item(session, title="Typed in the app")
        refused = cli("--file", closed, "item", "add", "--title", "From a script")
        listed = cli("--file", closed, "item", "list")
        restore = cli("--file", closed, "restore", closed.with_name("whatever.sqlite3"))
    finally:
        app.close()

    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == (
        f"portfolio: The portfolio {closed} is open in the Apprentice Portfolio app "
        f"(process {os.getpid()}); make the change there, or close it there and try again.\n"
    )
    assert listed.returncode == 0 and "Typed in the app" in listed.stdout  # reading is fine
    assert restore.returncode == 1
    assert refs(closed) == ["E001"]

    after = cli("--file", closed, "item", "add", "--title", "From a script")
    assert (after.returncode, after.stdout) == (0, "E002\n")


def test_a_second_app_on_the_same_portfolio_is_refused(closed: Path) -> None:
    app = open_portfolio(closed, exclusive=True)
    try:
        with pytest.raises(PortfolioError, match="already open in another window"):
            open_portfolio(closed, exclusive=True)
        other = python(
            f"""
            from app.errors import PortfolioError
            from app.models.db import open_portfolio
            try:
                open_portfolio({str(closed)!r}, exclusive=True)
            except PortfolioError as exc:
                print(exc)
            """
        )
        out, err = other.communicate(timeout=120)
    finally:
        app.close()
    assert err == ""
    assert out.startswith(f"The portfolio {closed} is open in the Apprentice Portfolio app")
    again = open_portfolio(closed, exclusive=True)  # once closed, it can be opened again
    again.close()


def test_the_lock_goes_with_an_app_that_was_killed(closed: Path) -> None:
    app = python(
        f"""
        import sys
        from app.models.db import open_portfolio
        db = open_portfolio({str(closed)!r}, exclusive=True)
        print("open", flush=True)
        sys.stdin.read()  # holds the portfolio until it is killed
        """
    )
    assert app.stdout is not None
    assert app.stdout.readline() == "open\n"
    assert cli("--file", closed, "item", "add", "--title", "x").returncode == 1
    os.kill(app.pid, signal.SIGKILL)
    app.communicate(timeout=60)

    db = open_portfolio(closed)
    try:
        with db.transaction() as session:
            assert evidence.add_item(session, title="After the crash").ref == "E001"
    finally:
        db.close()


def test_two_scripts_writing_at_once_take_turns(closed: Path) -> None:
    loop = f"""
        import sys
        from app.cli import main
        for n in range(8):
            title = f"{{sys.argv[1]}} {{n}}"
            code = main(["--file", {str(closed)!r}, "item", "add", "--title", title])
            if code != 0:
                print("FAILED", code)
        """
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(loop), name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("left", "right")
    ]
    outputs = [w.communicate(timeout=300) for w in writers]
    printed = [line for out, _ in outputs for line in out.splitlines()]
    assert not [line for line in printed if line.startswith("FAILED")], outputs
    assert all(err == "" for _, err in outputs), outputs
    assert sorted(printed) == sorted(refs(closed)) == [f"E{n:03d}" for n in range(1, 17)]


def test_a_portfolio_just_created_in_the_app_can_be_held_too(portfolio_path: Path) -> None:
    from app.services.portfolio import create_portfolio

    app = create_portfolio(portfolio_path, name="Ada")
    app.hold_exclusive()
    try:
        refused = cli("--file", portfolio_path, "item", "add", "--title", "From a script")
    finally:
        app.close()
    assert refused.returncode == 1 and "open in the Apprentice Portfolio app" in refused.stderr
    assert refs(portfolio_path) == []
