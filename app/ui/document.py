"""The open portfolio as the GUI sees it: thin commands over the services, plus signals.

This is the application layer of the desktop app: the one module of ``app.ui`` that
reaches the database (``app.models``: opening, ``Database``, transactions;
docs/ARCHITECTURE.md, and tests/test_layers.py keeps it so). Widgets call these
methods, each one user action in one transaction, and listen to the signals to
refresh; a page's store that needs a service of its own runs it in ``reading()`` or
``changing()``. Before a portfolio is open, the app goes through
``app.services.portfolio_files`` instead. A read-only document (the assessor's review
mode) refuses every change, and its SQLite connections are ``query_only`` as well, so
a bug in a widget cannot write to it either.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal

from app.errors import PortfolioError
from app.models.opening import OpenedFile, ReadConnection, open_existing
from app.services import queries
from app.services.backups import policy_from_settings
from app.services.queries import ItemFilter, SortKey
from app.services.views import (
    AttachmentView,
    CoverageReport,
    FrameworkSummary,
    FrameworkView,
    ItemSnapshot,
    ItemSummary,
    ItemView,
    PortfolioInfo,
    SourceView,
)
from app.settings import Settings, load_settings

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy.orm import Session

    from app.export.context import Audience, PdfOptions, PdfResult
    from app.export.package import PackageResult
    from app.export.signoff_files import RequestResult
    from app.models.backup import Progress
    from app.models.db import Database
    from app.schema.signoff import Person
    from app.services.files_in import FileData
    from app.services.git_scan import Candidate, Identity, Imported
    from app.services.integrity import CheckResult
    from app.services.integrity import Progress as CheckProgress
    from app.services.signoff import ImportOutcome
    from app.services.standard_upgrade import UpgradePlan

T = TypeVar("T")


class ReadOnlyError(PortfolioError):
    """A change was attempted on a portfolio opened read-only."""


class PortfolioDocument(QObject):
    """One open portfolio file.

    Reading (lists, the heatmap, items, frameworks) goes through one plain
    sqlite3 connection and ``app.services.queries``; the ORM (``db``) is made on
    the first change, or when an extension asks for it. So the window is drawn
    without waiting for SQLAlchemy to import: ``app.ui.windows`` warms it up in the
    background once the window is on screen.
    """

    itemChanged = Signal(int)  # an item's fields, tags or attachments changed (its id)
    itemsChanged = Signal()  # items were added or removed: lists must ask again
    coverageChanged = Signal()  # tags or statuses changed: the heatmap must recount
    infoChanged = Signal()  # the apprentice's details changed

    def __init__(
        self,
        source: Database | OpenedFile,
        *,
        read_only: bool = False,
        parent: QObject | None = None,
    ) -> None:
        """``source``: a ``Database`` already open (closed with the document), or a file
        opened by ``open_existing`` (its lock released with the document)."""
        super().__init__(parent)
        self.read_only = read_only
        self._path = Path(source.path)
        self._opened: OpenedFile | None = None
        self._db: Database | None = None
        if isinstance(source, OpenedFile):
            self._opened = source
        else:
            self._db = source
            if read_only:
                source.make_query_only()
        self._db_made = threading.Lock()  # ``db`` may first be asked for on a worker thread
        self._reader = ReadConnection(self._path)
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
        opened = open_existing(Path(path), backups_policy=policy, exclusive=not read_only)
        return cls.adopt(opened, read_only=read_only)

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        name: str,
        framework_key: str,
        framework_version: str | None = None,
        option: str | None = None,
        uln: str = "",
        employer: str = "",
        provider: str = "",
    ) -> PortfolioDocument:
        """Create the portfolio at ``path`` (``app.services.portfolio.create_portfolio``)
        and open it, held from the start, as the app holds any open portfolio: nothing
        else may write to it between creating it and showing it."""
        from app.services.portfolio import create_portfolio

        database = create_portfolio(
            path,
            name=name,
            framework_key=framework_key,
            framework_version=framework_version,
            option=option,
            uln=uln,
            employer=employer,
            provider=provider,
        )
        try:
            database.hold_exclusive()
        except BaseException:
            database.close()
            raise
        return cls.adopt(database)

    @classmethod
    def adopt(cls, source: Database | OpenedFile, *, read_only: bool = False) -> PortfolioDocument:
        """A document for ``source``, already open (e.g. just created); closes it on failure."""
        try:
            document = cls(source, read_only=read_only)
        except BaseException:
            if isinstance(source, OpenedFile):
                source.release()
            else:
                source.close()
            raise
        try:
            document.info()  # refuse a file without portfolio details now, not later
        except BaseException:
            document.close()
            raise
        return document

    @property
    def path(self) -> Path:
        return self._path

    @property
    def db(self) -> Database:
        """The ORM over this file, for changes (made on first use: it loads SQLAlchemy)."""
        with self._db_made:
            if self._db is None:
                from app.models.db import database_for

                self._db = database_for(self._path, query_only=self.read_only)
            return self._db

    def close(self) -> None:
        self._reader.close()
        if self._db is not None:
            self._db.close()
        if self._opened is not None:
            self._opened.release()

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyError(
                self.tr("This portfolio is open read-only; nothing can be changed.")
            )

    # --- reading --------------------------------------------------------------------------------

    def _read(self, query: Callable[[sqlite3.Connection], T]) -> T:
        with self._reader.read() as conn:
            return query(conn)

    def info(self) -> PortfolioInfo:
        if self._info is None:
            self._info = self._read(queries.portfolio_info)
        return self._info

    @property
    def framework_key(self) -> str:
        """The key of the framework the portfolio follows (its default for codes)."""
        return self.info().framework_key

    def framework(self, key: str | None = None) -> FrameworkView:
        wanted = key or self.framework_key
        view = self._frameworks.get(wanted)
        if view is None:
            view = self._read(
                lambda conn: queries.get_framework(
                    conn, None if wanted == self.framework_key else wanted
                )
            )
            self._frameworks[wanted] = view
        return view

    def frameworks(self) -> list[FrameworkSummary]:
        return self._read(queries.list_frameworks)

    def qualify(self, framework_key: str, code: str) -> str:
        """The code as the services take it: bare in the portfolio's framework, else KEY:CODE."""
        return code if framework_key == self.framework_key else f"{framework_key}:{code}"

    def item_ids(self, flt: ItemFilter | None = None, order: SortKey = "ref") -> list[int]:
        return self._read(lambda conn: queries.item_ids(conn, flt or ItemFilter(), order))

    def summaries(self, ids: Sequence[int]) -> list[ItemSummary]:
        return self._read(lambda conn: queries.summaries(conn, ids))

    def ready_warnings(self, ids: Sequence[int]) -> dict[int, str]:
        """What each of ``ids`` that is marked ready still lacks (app.services.readiness)."""
        from app.services import readiness
        from app.ui.readiness_text import warning_text

        problems = self._read(lambda conn: readiness.ready_problems(conn, ids))
        return {ident: warning_text(found) for ident, found in problems.items()}

    def item(self, item_id: int) -> ItemView | None:
        found = self._read(lambda conn: queries.items_by_id(conn, [item_id]))
        return found[0] if found else None

    def item_by_ref(self, ref: str) -> ItemView:
        return self._read(lambda conn: queries.get_item(conn, ref))

    def coverage(
        self,
        framework_key: str | None = None,
        target: int = 1,
        *,
        with_items: bool = True,
        confirmed_by_employer: bool = False,
    ) -> CoverageReport:
        """Coverage counts; ``with_items=False`` skips each competency's list of refs
        (the heatmap needs only numbers: its clicks filter the list instead);
        ``confirmed_by_employer`` counts only the claims the employer confirmed for the
        items' current versions (reading them needs the ORM: loaded on first use)."""
        confirmed = None
        if confirmed_by_employer:
            from app.services import signoff

            with self.reading() as session:
                confirmed = signoff.employer_confirmed(session)
        return self._read(
            lambda conn: queries.compute_coverage(
                conn, framework_key, target=target, with_items=with_items, confirmed=confirmed
            )
        )

    def attachment(self, attachment_id: int) -> tuple[AttachmentView, bytes]:
        return self._read(lambda conn: queries.read_attachment(conn, attachment_id))

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A consistent read through the ORM, for a page's own services (it loads
        SQLAlchemy: what the first window shows reads through ``app.services.queries``)."""
        with self.db.reader() as session:
            yield session

    @contextmanager
    def changing(self) -> Iterator[Session]:
        """One user action, in one transaction (refused when read-only)."""
        self._check_writable()
        with self.db.transaction() as session:
            yield session

    # --- the file: backups and checks (app.ui.backup; safe on a worker thread) ---------------

    def backup_if_due(self, settings: Settings) -> Path | None:
        """The automatic backup, when the newest is older than the settings' interval."""
        from app.services import backups

        return backups.maybe_backup(self._path, settings)

    def back_up(self, settings: Settings, *, progress: Progress | None = None) -> Path:
        """File ▸ Back Up Now: a checked copy in the backup folder."""
        from app.services import backups

        return backups.backup_now(self._path, settings, progress=progress)

    def backup_folder(self, settings: Settings) -> Path:
        from app.services import backups

        return backups.backup_folder(self._path, settings)

    def check(self, *, progress: CheckProgress | None = None) -> CheckResult:
        """File ▸ Check Portfolio: the file, its links, every attachment, the index."""
        from app.services import integrity

        return integrity.check_portfolio(self._path, progress=progress)

    # --- changing -------------------------------------------------------------------------------
    # The write services load SQLAlchemy: they are imported on first use (by then the
    # background warm-up after the first paint has usually imported them already).

    def update_details(self, **details: str) -> PortfolioInfo:
        """Change the apprentice's name, ULN, employer and/or provider."""
        from app.services import portfolio

        with self.changing() as session:
            info = portfolio.update_details(session, **details)
        self._info = info
        self.infoChanged.emit()
        return info

    def add_item(self, title: str, *, date: str | None = None) -> ItemView:
        from app.services import evidence

        with self.changing() as session:
            item = evidence.add_item(session, title=title, date=date)
        self.itemsChanged.emit()
        return item

    def update_item(self, ref: str, **changes: str) -> ItemView:
        """Change title, date, status and/or body (keyword arguments of those names)."""
        from app.services import evidence

        with self.changing() as session:
            item = evidence.update_item(session, ref, **changes)
        self.itemChanged.emit(item.id)
        if "status" in changes:
            self.coverageChanged.emit()
        return item

    def delete_item(self, ref: str) -> ItemSnapshot:
        """Delete ``ref``; the snapshot returned (bytes included) lets ``restore_item``
        put it back."""
        from app.services import evidence

        with self.changing() as session:
            snapshot = evidence.snapshot_item(session, ref)
            evidence.delete_item(session, ref)
        self.itemsChanged.emit()
        self.coverageChanged.emit()
        return snapshot

    def restore_item(self, snapshot: ItemSnapshot) -> ItemView:
        """Put back an item ``delete_item`` deleted, exactly as it was."""
        from app.services import evidence

        with self.changing() as session:
            item = evidence.restore_item(session, snapshot)
        self.itemsChanged.emit()
        self.coverageChanged.emit()
        return item

    def tag(self, ref: str, code: str, justification: str = "") -> ItemView:
        """Add the tag ``code`` (qualified, see ``qualify``) or change its justification."""
        from app.services import evidence

        with self.changing() as session:
            item = evidence.tag(session, ref, code, justification)
        self.itemChanged.emit(item.id)
        self.coverageChanged.emit()
        return item

    def untag(self, ref: str, code: str) -> ItemView:
        from app.services import evidence

        with self.changing() as session:
            item = evidence.untag(session, ref, code)
        self.itemChanged.emit(item.id)
        self.coverageChanged.emit()
        return item

    def attach(self, ref: str, file: FileData) -> AttachmentView:
        from app.services import attachments

        with self.changing() as session:
            view = attachments.attach(session, ref, file)
            item_id = queries.item_id(queries.raw_connection(session), ref)
        self.itemChanged.emit(item_id)
        return view

    def remove_attachment(self, ref: str, attachment_id: int) -> None:
        from app.services import attachments

        with self.changing() as session:
            attachments.remove(session, attachment_id)
            item_id = queries.item_id(queries.raw_connection(session), ref)
        self.itemChanged.emit(item_id)

    # --- evidence from git (app.ui.git_import) ---------------------------------------------------

    def git_identities(self) -> list[Identity]:
        from app.services import git_sources

        return self._read(git_sources.identities)

    def add_git_identity(self, email: str, name: str = "") -> Identity:
        from app.services import git_import

        with self.changing() as session:
            return git_import.add_identity(session, email, name)

    def remove_git_identity(self, email: str) -> None:
        from app.services import git_import

        with self.changing() as session:
            git_import.remove_identity(session, email)

    def git_imported(self) -> Imported:
        """What earlier imports took, for a scan to leave out."""
        from app.services import git_sources

        return self._read(git_sources.imported)

    def item_source(self, item_id: int) -> SourceView | None:
        """Where an item imported from git came from; None for one typed by hand."""
        from app.services import git_sources

        return self._read(lambda conn: git_sources.source(conn, item_id))

    def import_git_candidates(
        self, candidates: Sequence[Candidate], repository: str, remote_url: str
    ) -> list[str]:
        """Scanned candidates become draft items with their source, in one transaction."""
        from app.services import git_import

        with self.changing() as session:
            refs = git_import.write_candidates(session, candidates, repository, remote_url)
        self.itemsChanged.emit()
        return refs

    # --- the standard's version -------------------------------------------------------------------

    def standard_versions_newer(self) -> list[str]:
        """Versions of the portfolio's standard it could move to (library or stored)."""
        from app.services import standard_upgrade

        with self.reading() as session:
            return standard_upgrade.newer_versions(session)

    def plan_standard_upgrade(self, version: str, option: str | None = None) -> UpgradePlan:
        """How moving to ``version`` of the standard would map KSBs and duties (no change)."""
        from app.services import standard_upgrade

        with self.reading() as session:
            return standard_upgrade.plan_upgrade(session, version, option)

    def upgrade_standard(self, version: str, option: str | None = None) -> UpgradePlan:
        """Move to ``version`` in one transaction (take the backup first: a long file task)."""
        from app.services import standard_upgrade

        with self.changing() as session:
            plan = standard_upgrade.plan_upgrade(session, version, option)
            standard_upgrade.apply_upgrade(session, plan)
        self._frameworks.clear()
        self._info = None
        self.infoChanged.emit()
        self.itemsChanged.emit()
        self.coverageChanged.emit()
        return plan

    # --- many items at once (app.ui.bulk_import) -------------------------------------------------

    def import_items(
        self, path: Path, progress: Callable[[int, int], None] | None = None
    ) -> list[str]:
        """Items from a folder of Markdown notes or a JSON Lines file, all or nothing. May run
        on a worker thread (the signals then reach the GUI thread queued); ``progress`` may
        raise to stop, which adds nothing."""
        from app.services import bulk_import

        entries = bulk_import.read_entries(path)
        with self.changing() as session:
            refs = bulk_import.import_entries(session, entries, progress)
        self.itemsChanged.emit()
        self.coverageChanged.emit()
        return refs

    # --- files written from the portfolio (each may run on a worker thread) --------------------

    def export_pdf(
        self,
        out: Path,
        options: PdfOptions,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> PdfResult:
        """The EPA portfolio PDF; an existing ``out`` is replaced (the dialog has asked)."""
        from app.export.pdf import export_portfolio_pdf

        return export_portfolio_pdf(
            self.db, out, options, progress=progress, cancelled=cancelled, force=True
        )

    def export_package(
        self,
        out: Path,
        *,
        audience: Audience,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> PackageResult:
        """The signed package; an existing ``out`` is replaced (the dialog has asked)."""
        from app.export.package import export_package

        return export_package(
            self.db, out, audience=audience, progress=progress, cancelled=cancelled, force=True
        )

    def export_discussion_sheet(
        self,
        out: Path,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> PdfResult:
        """One page per theme for the professional discussion (``out`` replaced)."""
        from app.export.discussion_sheet import export_discussion_sheet

        return export_discussion_sheet(
            self.db, out, force=True, progress=progress, cancelled=cancelled
        )

    def export_project_pack(
        self,
        out: Path,
        *,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> PdfResult:
        """The work-based project's submission pack (``out`` replaced)."""
        from app.export.project_pack import export_project_pack

        return export_project_pack(self.db, out, force=True, progress=progress, cancelled=cancelled)

    # --- sign-off (app.ui.signoff) -------------------------------------------------------------

    def request_signoff(self, refs: Sequence[str], signer: Person, out: Path) -> RequestResult:
        """A sign-off request for ``refs`` written to ``out`` (replaced: the dialog asked)."""
        from app.export.signoff_files import make_request

        return make_request(self.db, refs, signer, out, force=True)

    def import_signoff_response(self, path: Path) -> ImportOutcome:
        """Store a signer's response file (refused when read-only)."""
        from app.export.signoff_files import import_response

        self._check_writable()
        return import_response(self.db, path)
