"""A pipe, a device or a socket given as the portfolio (or a backup) is refused at once,
in one sentence, and never opened (opening a FIFO would wait for ever)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.sqlite3"
    os.mkfifo(path)
    return path


def _socket(folder: Path) -> Path:
    path = folder / "sock.sqlite3"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


def _zero(_folder: Path) -> Path:
    return Path("/dev/zero")


def _null(_folder: Path) -> Path:
    return Path("/dev/null")


KINDS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (_fifo, "is a pipe (FIFO)"),
    "socket": (_socket, "is not an ordinary file"),
    "/dev/zero": (_zero, "is a device"),
    "/dev/null": (_null, "is a device"),
}


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """In its own process with a timeout: a hang would fail the test, not stall the run."""
    return subprocess.run(
        [sys.executable, "-m", "app", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "command",
    [["item", "list"], ["item", "add", "--title", "X"], ["check"], ["coverage"], ["backup"]],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_special_file_as_the_portfolio_is_refused_at_once(
    tmp_path: Path, kind: str, command: list[str]
) -> None:
    make, words = KINDS[kind]
    path = make(tmp_path)
    result = cli("--file", path, *command)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("portfolio: ") and result.stderr.count("\n") == 1
    assert words in result.stderr and "Traceback" not in result.stderr
    assert "is a folder" not in result.stderr


@pytest.mark.parametrize("kind", KINDS)
def test_a_special_file_as_a_restore_source_is_refused_at_once(
    tmp_path: Path, template_portfolio: Path, kind: str
) -> None:
    make, words = KINDS[kind]
    source = make(tmp_path)
    target = tmp_path / "portfolio.sqlite3"
    target.write_bytes(template_portfolio.read_bytes())
    before = target.read_bytes()
    result = cli("--file", target, "restore", source)
    assert result.returncode == 1 and words in result.stderr
    assert result.stderr.count("\n") == 1 and "Nothing was changed" in result.stderr
    assert target.read_bytes() == before
