"""The open portfolio as the GUI sees it: thin commands over the services, plus signals.

Widgets never touch a Session: they call these methods, each one user action
in one transaction, and listen to the signals to refresh. A read-only document
(the assessor's review mode) refuses every change, and its SQLite connections
are ``query_only`` as well, so a bug in a widget cannot write to it either.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from sqlalchemy import event

from app.errors import PortfolioError
from app.models.db import Database, open_portfolio
from app.services import attachments, coverage, evidence, frameworks, portfolio
from app.services.attachments import FileData
from app.services.backups import policy_from_settings
from app.services.evidence import ItemFilter, SortKey
from app.services.views import (
    AttachmentView,
    CoverageReport,
    FrameworkSummary,
    FrameworkView,
    ItemSummary,
    ItemView,
    PortfolioInfo,
)
from app.settings import Settings, load_settings


class ReadOnlyError(PortfolioError):
    """A change was attempted on a portfolio opened read-only."""


def _query_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only = ON")
    cursor.close()


class PortfolioDocument(QObject):
    """One open portfolio file."""

    itemChanged = Signal(int)  # an item's fields, tags or attachments changed (its id)
    itemsChanged = Signal()  # items were added or removed: lists must ask again
    coverageChanged = Signal()  # tags or statuses changed: the heatmap must recount
    infoChanged = Signal()  # the apprentice's details changed

    def __init__(
        self, db: Database, *, read_only: bool = False, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.read_only = read_only
        if read_only:
            db.engine.dispose()  # connections opened so far may write: start afresh
            event.listen(db.engine, "connect", _query_only)
        self._frameworks: dict[str, FrameworkView] = {}
        self._info: PortfolioInfo | None = None

    @classmethod
    def open(
        cls, path: Path, *, read_only: bool = False, settings: Settings | None = None
    ) -> PortfolioDocument:
        """Open ``path``, held exclusively; unless read-only, the backup taken on open
        follows the user's backup settings (``settings``, else those saved)."""
        policy = None
        if not read_only:
            policy = policy_from_settings(settings if settings is not None else load_settings())
        db = open_portfolio(Path(path), backups_policy=policy, exclusive=not read_only)
        return cls.adopt(db, read_only=read_only)

    @classmethod
    def adopt(cls, db: Database, *, read_only: bool = False) -> PortfolioDocument:
        """A document for ``db``, already open (e.g. just created); closes it on failure."""
        try:
            document = cls(db, read_only=read_only)
            document.info()  # refuse a file without portfolio details now, not later
        except BaseException:
            db.close()
            raise
        return document

    @property
    def path(self) -> Path:
        return self.db.path

    def close(self) -> None:
        self.db.close()

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyError(
                self.tr("This portfolio is open read-only; nothing can be changed.")
            )

    # --- reading --------------------------------------------------------------------------------

    def info(self) -> PortfolioInfo:
        if self._info is None:
            with self.db.reader() as session:
                self._info = portfolio.get_info(session)
        return self._info

    @property
    def framework_key(self) -> str:
        """The key of the framework the portfolio follows (its default for codes)."""
        return self.info().framework_key

    def framework(self, key: str | None = None) -> FrameworkView:
        wanted = key or self.framework_key
        view = self._frameworks.get(wanted)
        if view is None:
            with self.db.reader() as session:
                if wanted == self.framework_key:
                    view = frameworks.get_framework(session)
                else:
                    view = frameworks.get_framework(session, wanted)
            self._frameworks[wanted] = view
        return view

    def frameworks(self) -> list[FrameworkSummary]:
        with self.db.reader() as session:
            return frameworks.list_frameworks(session)

    def qualify(self, framework_key: str, code: str) -> str:
        """The code as the services take it: bare in the portfolio's framework, else KEY:CODE."""
        return code if framework_key == self.framework_key else f"{framework_key}:{code}"

    def item_ids(self, flt: ItemFilter | None = None, order: SortKey = "ref") -> list[int]:
        with self.db.reader() as session:
            return evidence.item_ids(session, flt or ItemFilter(), order)

    def summaries(self, ids: Sequence[int]) -> list[ItemSummary]:
        with self.db.reader() as session:
            return evidence.summaries(session, ids)

    def item(self, item_id: int) -> ItemView | None:
        with self.db.reader() as session:
            found = evidence.items_by_id(session, [item_id])
        return found[0] if found else None

    def item_by_ref(self, ref: str) -> ItemView:
        with self.db.reader() as session:
            return evidence.get_item(session, ref)

    def coverage(
        self, framework_key: str | None = None, target: int = 1, *, with_items: bool = True
    ) -> CoverageReport:
        """Coverage counts; ``with_items=False`` skips each competency's list of refs
        (the heatmap needs only numbers: its clicks filter the list instead)."""
        with self.db.reader() as session:
            return coverage.compute_coverage(
                session, framework_key, target=target, with_items=with_items
            )

    def attachment(self, attachment_id: int) -> tuple[AttachmentView, bytes]:
        with self.db.reader() as session:
            return attachments.read(session, attachment_id)

    # --- changing -------------------------------------------------------------------------------

    def update_details(self, **details: str) -> PortfolioInfo:
        """Change the apprentice's name, ULN, employer and/or provider."""
        self._check_writable()
        with self.db.transaction() as session:
            info = portfolio.update_details(session, **details)
        self._info = info
        self.infoChanged.emit()
        return info

    def add_item(self, title: str, *, date: str | None = None) -> ItemView:
        self._check_writable()
        with self.db.transaction() as session:
            item = evidence.add_item(session, title=title, date=date)
        self.itemsChanged.emit()
        return item

    def update_item(self, ref: str, **changes: str) -> ItemView:
        """Change title, date, status and/or body (keyword arguments of those names)."""
        self._check_writable()
        with self.db.transaction() as session:
            item = evidence.update_item(session, ref, **changes)
        self.itemChanged.emit(item.id)
        if "status" in changes:
            self.coverageChanged.emit()
        return item

    def delete_item(self, ref: str) -> None:
        self._check_writable()
        with self.db.transaction() as session:
            evidence.delete_item(session, ref)
        self.itemsChanged.emit()
        self.coverageChanged.emit()

    def tag(self, ref: str, code: str, justification: str = "") -> ItemView:
        """Add the tag ``code`` (qualified, see ``qualify``) or change its justification."""
        self._check_writable()
        with self.db.transaction() as session:
            item = evidence.tag(session, ref, code, justification)
        self.itemChanged.emit(item.id)
        self.coverageChanged.emit()
        return item

    def untag(self, ref: str, code: str) -> ItemView:
        self._check_writable()
        with self.db.transaction() as session:
            item = evidence.untag(session, ref, code)
        self.itemChanged.emit(item.id)
        self.coverageChanged.emit()
        return item

    def attach(self, ref: str, file: FileData) -> AttachmentView:
        self._check_writable()
        with self.db.transaction() as session:
            view = attachments.attach(session, ref, file)
            item_id = evidence.get_item(session, ref).id
        self.itemChanged.emit(item_id)
        return view

    def remove_attachment(self, ref: str, attachment_id: int) -> None:
        self._check_writable()
        with self.db.transaction() as session:
            attachments.remove(session, attachment_id)
            item_id = evidence.get_item(session, ref).id
        self.itemChanged.emit(item_id)
