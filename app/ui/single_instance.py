"""One window per portfolio: a second launch on an open portfolio raises its window.

As Anki's ``secondInstance()`` does: each open portfolio listens on a local socket
named after the file (resolved through links, and the user); a later launch first
tries to connect to it and, if somebody answers, asks them to raise the window and
ends. Only when nobody answers does the new launch open the file itself (a socket
left by an instance that died is removed first).

A launch that arrives while the open window is closing (its server answers
"closing", or is already gone, while the portfolio is still held) waits, for a
bounded time, until the portfolio is free and then opens it: the user sees the
portfolio open, never "open in process N". A window still starting (the portfolio
held, its server not yet listening) answers within that time too.
"""

from __future__ import annotations

import enum
import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QEvent, QEventLoop, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.services.portfolio_files import in_use

RAISE = b"raise\n"
ANSWER = b"raised\n"
CLOSING = b"closing\n"
WAIT_MS = 1500
HANDOVER_TIMEOUT_MS = 20_000  # a closing window may wait up to 5 s for each running task
POLL_MS = 50


class Reply(enum.Enum):
    RAISED = "raised"  # the window that has the portfolio open came to the front
    CLOSING = "closing"  # that window is closing: the portfolio is about to be free
    NOBODY = "nobody"  # no server, or it did not answer in time


class Handover(enum.Enum):
    RAISED = "raised"  # the open window is in front: this launch has nothing to do
    FREE = "free"  # nobody holds the portfolio: this launch opens it
    BUSY = "busy"  # still held, and nobody answered within the time allowed


def server_name(path: Path) -> str:
    """The socket name for ``path``: the same for every link to the same file."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment: the file alone keys it
        user = ""
    resolved = str(Path(path).expanduser().resolve())
    digest = hashlib.sha256(f"{user}\0{resolved}".encode()).hexdigest()[:32]
    return f"apprentice-portfolio-{digest}"


def ask_to_raise(path: Path, wait_ms: int = WAIT_MS) -> Reply:
    """Ask the app that has ``path`` open to raise its window; what it answered."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(path))
    if not socket.waitForConnected(wait_ms):
        return Reply.NOBODY
    try:
        socket.write(RAISE)
        socket.flush()
        answer = b""
        while ANSWER not in answer and CLOSING not in answer:
            if not socket.waitForReadyRead(wait_ms):
                break
            answer += bytes(socket.readAll().data())
        if ANSWER in answer:
            return Reply.RAISED
        return Reply.CLOSING if CLOSING in answer else Reply.NOBODY
    finally:
        socket.disconnectFromServer()


def hand_over(path: Path, wait_ms: int = WAIT_MS) -> bool:
    """Ask the app that has ``path`` open to raise its window; True if it did."""
    return ask_to_raise(path, wait_ms) is Reply.RAISED


def await_handover(
    path: Path, *, timeout_ms: int = HANDOVER_TIMEOUT_MS, wait_ms: int = WAIT_MS
) -> Handover:
    """Before a launch opens ``path``: raise the window that has it open (RAISED), or
    wait until nobody holds it (FREE); BUSY if neither happens within ``timeout_ms``.

    Each round asks the server, then looks at the lock; while the portfolio is held by
    a window that is closing (or still opening) it asks again a moment later."""
    deadline = QDeadlineTimer(timeout_ms)
    while True:
        remaining = max(1, min(wait_ms, deadline.remainingTime()))
        if ask_to_raise(path, remaining) is Reply.RAISED:
            return Handover.RAISED
        if not in_use(path):
            return Handover.FREE
        if deadline.hasExpired():
            return Handover.BUSY
        _pause(min(POLL_MS, max(1, deadline.remainingTime())))


def _pause(ms: int) -> None:
    """Let ``ms`` pass with Qt's events delivered (no window is open yet)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class InstanceServer(QObject):
    """Listens for later launches on one portfolio; ``raiseRequested`` when one asks.

    Once the window it serves starts closing (see ``watch``) it answers "closing"
    instead: raising a window on its way out would leave the later launch with
    nothing on screen."""

    raiseRequested = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(path)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.name):
            # a socket file left by an instance that died (a live one would have
            # answered the hand-over before this window was opened)
            QLocalServer.removeServer(self.name)
            self.server.listen(self.name)
        self.server.newConnection.connect(self._accept)
        self.closing = False

    def watch(self, window: QObject) -> None:
        """Answer "closing" from the moment ``window`` is asked to close."""
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.closing = True
        return super().eventFilter(watched, event)

    def listening(self) -> bool:
        return self.server.isListening()

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while (socket := self.server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if RAISE.strip() in bytes(socket.readAll().data()):
            if self.closing:
                socket.write(CLOSING)
            else:
                self.raiseRequested.emit()
                socket.write(ANSWER)
            socket.flush()
