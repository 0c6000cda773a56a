"""One window per portfolio: a second launch on an open portfolio raises its window.

As Anki's ``secondInstance()`` does: each open portfolio listens on a local socket
named after the file (resolved through links, and the user); a later launch first
tries to connect to it and, if somebody answers, asks them to raise the window and
ends. Only when nobody answers does the new launch open the file itself (a socket
left by an instance that died is removed first).
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

RAISE = b"raise\n"
ANSWER = b"raised\n"
WAIT_MS = 1500


def server_name(path: Path) -> str:
    """The socket name for ``path``: the same for every link to the same file."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment: the file alone keys it
        user = ""
    resolved = str(Path(path).expanduser().resolve())
    digest = hashlib.sha256(f"{user}\0{resolved}".encode()).hexdigest()[:32]
    return f"apprentice-portfolio-{digest}"


def hand_over(path: Path, wait_ms: int = WAIT_MS) -> bool:
    """Ask the app that has ``path`` open to raise its window; True if it did."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(path))
    if not socket.waitForConnected(wait_ms):
        return False
    try:
        socket.write(RAISE)
        socket.flush()
        answer = b""
        while ANSWER not in answer and socket.waitForReadyRead(wait_ms):
            answer += bytes(socket.readAll().data())
        return ANSWER in answer
    finally:
        socket.disconnectFromServer()


class InstanceServer(QObject):
    """Listens for later launches on one portfolio; ``raiseRequested`` when one asks."""

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
            self.raiseRequested.emit()
            socket.write(ANSWER)
            socket.flush()
