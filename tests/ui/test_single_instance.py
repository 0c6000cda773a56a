"""A second launch on an open portfolio raises its window instead of being refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ui.main_window import MainWindow
from app.ui.single_instance import (
    CLOSING,
    Handover,
    InstanceServer,
    Reply,
    ask_to_raise,
    await_handover,
    hand_over,
    server_name,
)

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


class ClosingInstance:
    """Stands in for an app whose window is closing: it still holds the portfolio,
    and its server either answers "closing" or drops each caller (on its way out)."""

    def __init__(self, path: Path, answer: bytes) -> None:
        from PySide6.QtNetwork import QLocalServer

        from app.models.lock import hold_for_session

        self.lock = hold_for_session(path)
        self.callers = 0
        self.answer = answer
        self.server = QLocalServer()
        assert self.server.listen(server_name(path))
        self.server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            self.callers += 1
            if self.answer:
                socket.readyRead.connect(lambda s=socket: (s.write(self.answer), s.flush()))
            else:
                socket.disconnectFromServer()

    def finish_closing(self) -> None:
        from app.models.lock import release_session

        release_session(self.lock)
        self.server.close()


@pytest.mark.parametrize("answer", [CLOSING, b""], ids=["answers-closing", "server-going"])
def test_a_launch_while_the_window_is_closing_opens_the_portfolio_once_it_is_free(
    qtbot, filled_path: Path, answer: bytes
) -> None:
    closing = ClosingInstance(filled_path, answer)
    second = _launch("--file", str(filled_path))
    try:
        # asked, found the portfolio still held, and asked again: it waits, not refuses
        qtbot.waitUntil(
            lambda: closing.callers >= 2 or second.poll() is not None, timeout=LONG_WAIT
        )
        assert second.poll() is None, second.communicate()[1]
        closing.finish_closing()
        # the second launch now has the portfolio open: its own window answers
        qtbot.waitUntil(
            lambda: ask_to_raise(filled_path, 200) is Reply.RAISED or second.poll() is not None,
            timeout=LONG_WAIT,
        )
        assert second.poll() is None, second.communicate()[1]
    finally:
        second.terminate()
        _out, err = second.communicate(timeout=60)
    assert "Traceback" not in err and "process" not in err, err


def test_a_closing_window_answers_closing_and_stays_closed(
    qtbot, manager, window: MainWindow, filled_path: Path
) -> None:
    server = manager.instance_servers[window]
    raised: list[bool] = []
    server.raiseRequested.connect(lambda: raised.append(True))
    window.close()  # from here on it is closing: it must not come back to the front
    assert server.closing
    assert not server.listening()  # and gone, with the portfolio free
    assert await_handover(filled_path, timeout_ms=0) is Handover.FREE
    assert raised == []


def test_a_portfolio_held_by_a_window_that_never_answers_is_reported_once(
    qtbot, filled_path: Path
) -> None:
    from app.models.lock import hold_for_session, release_session

    lock = hold_for_session(filled_path)  # held, and no server: a window that hangs
    try:
        assert await_handover(filled_path, timeout_ms=100, wait_ms=20) is Handover.BUSY
    finally:
        release_session(lock)
    assert await_handover(filled_path, timeout_ms=100) is Handover.FREE
