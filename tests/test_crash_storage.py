"""Disk full, read-only file or folder, the drive pulled out: one clear sentence, nothing lost."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import PortfolioError
from app.models.db import Database, open_portfolio
from app.services import evidence, queries

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX limits and permissions")
BIG = 3_000_000


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def titles(path: Path) -> list[str]:
    db = open_portfolio(path)
    try:
        with db.reader() as session:
            return [i.title for i in queries.list_items(session)]
    finally:
        db.close()


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None, limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """The portfolio command in its own process, optionally with a file-size limit."""

    def limited() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, not kills
        assert limit is not None
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=120,
        preexec_fn=limited if limit is not None else None,
    )


def one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert result.stderr.startswith("portfolio: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "capture.pcap"
    path.write_bytes(os.urandom(BIG))
    return path


@pytest.fixture
def closed(db: Database, portfolio_path: Path) -> Path:
    with db.transaction() as session:
        evidence.add_item(session, title="Before the trouble")
    db.close()
    return portfolio_path


# --- disk full ----------------------------------------------------------------------------------


def _can_mount_tmpfs() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "true"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs a private mount namespace (root)")
def test_a_really_full_disk(tmp_path: Path, big_file: Path) -> None:
    """A 2 MB tmpfs, mounted in a private namespace: the real ENOSPC, not a simulation."""
    drive = tmp_path / "stick"
    drive.mkdir()
    script = f"""
        import io, contextlib, subprocess, sys
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", {str(drive)!r}],
                       check=True)
        from app.cli import main
        def cli(*args):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main([str(a) for a in args])
            print(repr((code, out.getvalue(), err.getvalue())))
        path = {str(drive / "portfolio.sqlite3")!r}
        cli("--file", path, "init", "--name", "Ada")
        cli("--file", path, "item", "add", "--title", "Small")
        cli("--file", path, "item", "add", "--title", "Big", "--attach", {str(big_file)!r})
        cli("--file", path, "check")
        cli("--file", path, "item", "list")
        cli("--file", {str(tmp_path / "elsewhere.sqlite3")!r}, "init", "--name", "B")
        cli("--file", {str(tmp_path / "elsewhere.sqlite3")!r}, "item", "add", "--title", "Big",
            "--attach", {str(big_file)!r})
        cli("--file", {str(tmp_path / "elsewhere.sqlite3")!r}, "backup",
            {str(drive / "backup.sqlite3")!r})
        import os
        print(sorted(os.listdir({str(drive)!r})))
    """
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", sys.executable, "-c",
         textwrap.dedent(script)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    path = drive / "portfolio.sqlite3"
    assert lines[1] == repr((0, "E001\n", ""))
    assert lines[2] == repr(
        (1, "", f"portfolio: The disk holding {path} is full; nothing was changed. "
                "Free some space first.\n")
    )  # fmt: skip
    assert lines[3].startswith("(0, 'No problems found")
    assert "Small" in lines[4] and "Big" not in lines[4]
    assert lines[7] == repr(
        (1, "", f"portfolio: Could not back up {tmp_path / 'elsewhere.sqlite3'}: "
                f"the disk holding {drive} is full.\n")
    )  # fmt: skip
    assert lines[8] == repr(["portfolio.sqlite3"])  # no half-written backup left behind


def test_a_write_past_the_file_size_limit_changes_nothing(closed: Path, big_file: Path) -> None:
    """RLIMIT_FSIZE: the write fails in the middle of the transaction, as on a FAT32 stick."""
    limit = closed.stat().st_size + BIG // 2
    before = titles(closed)
    result = run_cli("--file", closed, "item", "add", "--title", "Big", "--attach", big_file,
                     limit=limit)  # fmt: skip
    assert one_clear_line(result) == (
        f"portfolio: The portfolio {closed} could not be written to its drive (it may be full, "
        "removed, or unable to hold a file this large); nothing was changed.\n"
    )
    assert run_cli("--file", closed, "check").returncode == 0
    assert titles(closed) == before

    dest = closed.parent / "copy.sqlite3"
    assert run_cli("--file", closed, "item", "add", "--title", "B", "--attach", big_file).stdout
    backup = run_cli("--file", closed, "backup", dest, limit=BIG // 2)
    assert "Could not back up" in one_clear_line(backup)
    assert not dest.exists()
    assert not [p for p in closed.parent.iterdir() if "copy" in p.name]


# --- read-only file, unwritable folder ----------------------------------------------------------


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can reach (tmp_path's parents are private to us)."""
    folder = Path(tempfile.mkdtemp(prefix="portfolio-perm-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            if path.is_dir():
                path.chmod(0o777)
        shutil.rmtree(folder, ignore_errors=True)


def as_user(shared: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI as an ordinary user: as root, permissions would not stop anything.

    As root the command keeps uid 0 but loses every capability (``setpriv
    --bounding-set=-all``), so file permissions bind it as they bind anyone, while the
    interpreter, the virtual environment and this checkout stay reachable wherever they
    are (another uid could not enter a checkout inside a 0700 folder, nor /root).
    """
    env = dict(os.environ)
    for name in ("PORTFOLIO_DATA_DIR", "PORTFOLIO_CONFIG_DIR"):
        folder = shared / name.lower()
        folder.mkdir(exist_ok=True)
        folder.chmod(0o777)
        env[name] = str(folder)
    command = [sys.executable, "-m", "app", *map(str, args)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot drop privileges")
        command = ["setpriv", "--inh-caps=-all", "--ambient-caps=-all", "--bounding-set=-all",
                   "--", *command]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=120
    )


def test_a_read_only_portfolio_can_be_read_but_not_changed(closed: Path, shared_dir: Path) -> None:
    path = shared_dir / "portfolio.sqlite3"
    shutil.copyfile(closed, path)
    path.chmod(0o444)
    before = digest(path)

    refused = as_user(shared_dir, "--file", path, "item", "add", "--title", "New")
    assert one_clear_line(refused) == (
        f"portfolio: The portfolio {path} is read-only (or on a read-only drive); "
        "nothing was changed.\n"
    )
    listed = as_user(shared_dir, "--file", path, "item", "list")
    assert listed.returncode == 0 and "Before the trouble" in listed.stdout
    assert as_user(shared_dir, "--file", path, "check").returncode == 0
    covered = as_user(shared_dir, "--file", path, "coverage")
    assert covered.returncode == 0 and "competencies" in covered.stdout
    exported = as_user(shared_dir, "--file", path, "export", "pdf", shared_dir / "out.pdf")
    assert exported.returncode == 0, exported.stderr
    assert (shared_dir / "out.pdf").read_bytes().startswith(b"%PDF")
    assert digest(path) == before


def test_an_unwritable_folder(closed: Path, shared_dir: Path) -> None:
    locked = shared_dir / "locked"
    locked.mkdir()
    inside = locked / "portfolio.sqlite3"
    shutil.copyfile(closed, inside)
    inside.chmod(0o666)
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH
                 | stat.S_IXOTH)  # fmt: skip
    before = digest(inside)

    created = as_user(shared_dir, "--file", locked / "new.sqlite3", "init", "--name", "Ada")
    assert one_clear_line(created) == (
        f"portfolio: Could not create {locked / 'new.sqlite3'}: permission denied (the folder "
        "or file is read-only). Choose a folder you can write to.\n"
    )
    changed = as_user(shared_dir, "--file", inside, "item", "add", "--title", "New")
    # refused when taking the writer lock, whose file cannot be made in that folder
    assert changed.returncode == 1
    assert "to a folder you can write to" in one_clear_line(changed).lower()
    # what can be done on read-only media still works: read, check, export, back up elsewhere
    listed = as_user(shared_dir, "--file", inside, "item", "list")
    assert listed.returncode == 0 and "Before the trouble" in listed.stdout, listed.stderr
    assert as_user(shared_dir, "--file", inside, "coverage").returncode == 0
    exported = as_user(shared_dir, "--file", inside, "export", "pdf", shared_dir / "out.pdf")
    assert exported.returncode == 0, exported.stderr
    assert as_user(shared_dir, "--file", inside, "check").returncode == 0
    saved = as_user(shared_dir, "--file", inside, "backup")
    assert saved.returncode == 0, saved.stderr
    assert sorted(p.name for p in locked.iterdir()) == ["portfolio.sqlite3"]
    assert digest(inside) == before


# --- the drive pulled out -----------------------------------------------------------------------


def test_a_portfolio_that_vanishes_while_open_refuses_to_pretend(portfolio_path: Path) -> None:
    from app.services.portfolio import create_portfolio

    create_portfolio(portfolio_path, name="Ada").close()
    db = open_portfolio(portfolio_path, exclusive=True)
    try:
        with db.transaction() as session:
            evidence.add_item(session, title="Saved")
        for suffix in ("", "-wal", "-shm"):  # the stick is pulled out
            Path(f"{portfolio_path}{suffix}").unlink(missing_ok=True)
        with (
            pytest.raises(PortfolioError, match="has disappeared or was replaced while open"),
            db.transaction() as session,
        ):
            evidence.add_item(session, title="Lost?")
    finally:
        db.close()


def test_a_backup_to_a_drive_that_is_gone(closed: Path, tmp_path: Path) -> None:
    result = run_cli("--file", closed, "backup", tmp_path / "E-drive" / "backup.sqlite3")
    assert one_clear_line(result) == (
        f"portfolio: The folder {tmp_path / 'E-drive'} does not exist; create it first.\n"
    )
