"""Run a callback once typing pauses, but never later than a maximum wait.

Autosave uses it: a save follows ``delay_ms`` after the last keystroke, and
someone typing without pause still gets a save every ``max_wait_ms``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Debouncer(QObject):
    def __init__(
        self,
        callback: Callable[[], None],
        delay_ms: int,
        max_wait_ms: int | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._callback = callback
        self._delay_ms = delay_ms
        self._max_wait_ms = max_wait_ms
        self._first_poke: float | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fire)

    def poke(self) -> None:
        """Something changed: (re)start the countdown."""
        now = time.monotonic()
        if self._first_poke is None:
            self._first_poke = now
        delay = self._delay_ms
        if self._max_wait_ms is not None:
            waited_ms = int((now - self._first_poke) * 1000)
            delay = max(0, min(delay, self._max_wait_ms - waited_ms))
        self._timer.start(delay)

    def is_pending(self) -> bool:
        return self._timer.isActive()

    def cancel(self) -> None:
        self._timer.stop()
        self._first_poke = None

    def fire(self) -> None:
        """Run the callback now (if anything is pending, or when called directly)."""
        self._timer.stop()
        self._first_poke = None
        self._callback()

    def flush(self) -> None:
        """Run the callback now if a call is pending."""
        if self._timer.isActive():
            self.fire()
