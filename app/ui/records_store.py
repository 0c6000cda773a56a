"""What the GUI's record stores (programme records, the assessment) have in common: each
method is one reader or one user action in one transaction over the portfolio document,
and ``changed`` tells the pages to read again after an action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from PySide6.QtCore import QObject, Signal

from app.ui.document import PortfolioDocument, ReadOnlyError

P = ParamSpec("P")
T = TypeVar("T")
# a service function over the document's session (opaque here: pages never name the database)
Service = Callable[Concatenate[Any, P], T]


class RecordsStore(QObject):
    changed = Signal()  # something the pages show changed: read again

    def __init__(self, document: PortfolioDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document

    @property
    def read_only(self) -> bool:
        return self.document.read_only

    def check_writable(self) -> None:
        if self.document.read_only:
            raise ReadOnlyError(
                self.tr("This portfolio is open read-only; nothing can be changed.")
            )

    def _read(self, query: Service[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``query(session, …)`` in one consistent read."""
        with self.document.reading() as session:
            return query(session, *args, **kwargs)

    def _change(self, action: Service[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``action(session, …)`` as one user action in one transaction, then ``changed``
        (from a worker thread it reaches the GUI thread queued)."""
        self.check_writable()
        with self.document.changing() as session:
            result = action(session, *args, **kwargs)
        self.changed.emit()
        return result
