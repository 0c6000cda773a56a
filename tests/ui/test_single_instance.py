"""A second launch on an open portfolio raises its window instead of being refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.ui.main_window import MainWindow
from app.ui.single_instance import InstanceServer, hand_over, server_name

ROOT = Path(__file__).resolve().parents[2]
LONG_WAIT = 30_000


def _launch(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_second_launch_raises_the_open_window_and_ends(
    qtbot, manager, window: MainWindow, filled_path: Path
) -> None:
    server = manager.instance_servers[window]
    assert server.listening()
    raised: list[bool] = []
    server.raiseRequested.connect(lambda: raised.append(True))
    window.showMinimized()
    second = _launch("--file", str(filled_path))
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=LONG_WAIT)
    _out, err = second.communicate()
    assert second.returncode == 0, err
    assert "process" not in err and err.strip() == ""  # no "open in process N" refusal
    assert raised == [True]
    assert not window.isMinimized()  # brought back to the front


def test_a_link_to_the_open_file_reaches_the_same_window(
    qtbot, manager, window: MainWindow, filled_path: Path, tmp_path: Path
) -> None:
    link = tmp_path / "link.sqlite3"
    link.symlink_to(filled_path)
    assert server_name(link) == server_name(filled_path)
    raised: list[bool] = []
    manager.instance_servers[window].raiseRequested.connect(lambda: raised.append(True))
    second = _launch("--file", str(link))
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=LONG_WAIT)
    assert second.returncode == 0 and raised == [True]


def test_nobody_answers_for_a_closed_portfolio(
    qtbot, manager, window: MainWindow, filled_path: Path
) -> None:
    window.close()
    assert not hand_over(filled_path, wait_ms=200)


def test_a_socket_left_by_an_instance_that_died_is_taken_over(
    qtbot, tmp_path: Path, filled_path: Path
) -> None:
    from PySide6.QtNetwork import QLocalServer

    stale = QLocalServer()
    assert stale.listen(server_name(filled_path))
    # simulate a crash: the socket name stays taken while nobody answers on it
    server = InstanceServer(filled_path)
    try:
        assert server.listening()
    finally:
        server.close()
        stale.close()
