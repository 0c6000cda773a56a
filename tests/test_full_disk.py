"""A full disk: every writer leaves nothing behind (no 0-byte or partial file) and says
the disk is full (never that the drive was removed)."""

from __future__ import annotations

import errno
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.cli import main
from app.models.db import Database
from app.services import evidence
from tests.cli_run import run
from tests.test_crash_storage import ROOT, _can_mount_tmpfs


@pytest.fixture
def portfolio(db: Database, portfolio_path: Path) -> Path:
    with db.transaction() as session:
        evidence.add_item(session, title="Kept")
    db.close()
    return portfolio_path


def _full(*_args: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


WRITERS = {
    "otj export": (["otj", "export"], "CSV file"),
    "scan template": (["scan", "template"], "ratings template"),
    "export package": (["export", "package"], "package"),
    "export pdf": (["export", "pdf"], "PDF"),
}


@pytest.mark.parametrize("writer", WRITERS)
def test_an_export_on_a_full_disk_leaves_nothing(
    portfolio: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    writer: str,
) -> None:
    words, what = WRITERS[writer]
    out_folder = tmp_path / "stick"
    out_folder.mkdir()
    monkeypatch.setattr("app.models.outputs.fsync_file", _full)  # the flush to disk fails
    code, _out, err = run(capsys, "--file", portfolio, *words, out_folder / "out")
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"portfolio: Could not write the {what} {out_folder / 'out'}: the disk ")
    assert err.endswith(" is full.\n")
    assert list(out_folder.iterdir()) == []
    # and a retry is not told that the file already exists
    monkeypatch.undo()
    code, _out, err = run(capsys, "--file", portfolio, *words, out_folder / "out")
    assert (code, err) == (0, "")


def test_a_backup_on_a_full_disk_leaves_nothing(
    portfolio: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setattr("app.models.backup.fsync_file", _full)
    dest = tmp_path / "stick" / "copy.sqlite3"
    dest.parent.mkdir()
    code, _out, err = run(capsys, "--file", portfolio, "backup", dest)
    assert code == 1 and err == f"portfolio: Could not write the backup {dest}: the disk is full.\n"
    assert list(dest.parent.iterdir()) == []


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs a private mount namespace (root)")
def test_every_writer_on_a_really_full_disk(portfolio: Path, tmp_path: Path) -> None:
    """A 2 MB tmpfs, nearly filled: the real ENOSPC, from SQLite and from plain writes."""
    package = tmp_path / "p.portfolio"
    code = main(["--file", str(portfolio), "export", "package", str(package)])
    assert code == 0
    drive = tmp_path / "stick"
    drive.mkdir()
    script = f"""
        import io, contextlib, os, subprocess
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", {str(drive)!r}],
                       check=True)
        with open({str(drive / "filler")!r}, "wb") as fh:
            fh.write(bytes(2 * 1024 * 1024 - 64 * 1024))
        from app.cli import main
        def cli(*args):
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main([str(a) for a in args])
            print(repr((code, err.getvalue())))
        src = {str(portfolio)!r}
        cli("--file", {str(drive / "new.sqlite3")!r}, "init", "--name", "Ada")
        cli("--file", {str(drive / "imported.sqlite3")!r}, "import", "package", {str(package)!r})
        cli("--file", src, "export", "package", {str(drive / "out.portfolio")!r})
        cli("--file", src, "backup", {str(drive / "copy.sqlite3")!r})
        cli("--file", src, "export", "pdf", {str(drive / "out.pdf")!r})
        print(sorted(os.listdir({str(drive)!r})))
    """
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", sys.executable, "-c",
         textwrap.dedent(script)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    *answers, listing = result.stdout.splitlines()
    assert len(answers) == 5
    for answer in answers:
        code, err = eval(answer)  # our own repr() of (int, str)
        assert code == 1
        assert "full" in err and "removed" not in err and err.count("\n") == 1, err
    assert listing == repr(["filler"])  # nothing partial, no 0-byte file
