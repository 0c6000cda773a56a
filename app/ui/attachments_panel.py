"""An item's attachments: thumbnails, add (button or drag-and-drop), open, remove.

Files are read off the GUI thread (they can be large); the attach itself is an
undoable command. Opening an attachment writes a copy to a private temporary
folder and hands it to the system's viewer.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QImageReader,
    QKeySequence,
    QPixmap,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.files_in import FileData, read_file
from app.services.views import AttachmentView, ItemView
from app.ui.document import PortfolioDocument
from app.ui.icons import IconRefresher
from app.ui.icons import icon as file_icon
from app.ui.undo import AttachmentCommand, execute
from app.ui.worker import TaskContext, run_with_progress
from app.wording import human_size

log = logging.getLogger(__name__)

THUMBNAIL = 72  # logical pixels


def safe_file_name(name: str) -> str:
    """A name safe to create in our temporary folder (no folders, no odd characters)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f<>:\"/\\|?*]", "_", base).strip(" .")
    return base[:120] or "attachment"


def read_files(paths: Sequence[Path], context: TaskContext) -> list[FileData]:
    """Read every file first, so one unreadable file adds nothing."""
    files: list[FileData] = []
    for done, path in enumerate(paths):
        context.check_cancelled()
        context.report(done, len(paths), path.name)
        files.append(read_file(path))
    context.report(len(paths), len(paths))
    return files


class AttachmentsPanel(QWidget):
    busyChanged = Signal(bool)

    def __init__(
        self,
        document: PortfolioDocument,
        stack: QUndoStack,
        on_error: Callable[[BaseException], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._document = document
        self._stack = stack
        self._on_error = on_error
        self._item: ItemView | None = None
        self._thumbs: dict[str, QIcon] = {}  # sha256 -> icon
        self._open_dir: Path | None = None

        self.list = QListWidget(self)
        self.list.setAccessibleName(self.tr("Attachments"))
        self.list.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.list.setSpacing(2)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.empty = QLabel(self.tr("No attachments. Add files, or drop them here."), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)

        self.add_button = QPushButton(self.tr("Add files…"), self)
        self.add_button.setToolTip(
            self.tr("Attach files ({keys})").format(
                keys=QKeySequence("Ctrl+Shift+A").toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        self.open_button = QPushButton(self.tr("Open"), self)
        self.remove_button = QPushButton(self.tr("Remove"), self)
        self.icons = IconRefresher(self)
        self.icons.set(self.add_button.setIcon, "attach")
        self.icons.set(self.open_button.setIcon, "open")
        self.icons.set(self.remove_button.setIcon, "delete")
        for button, name in (
            (self.add_button, self.tr("Add attachments")),
            (self.open_button, self.tr("Open the selected attachment")),
            (self.remove_button, self.tr("Remove the selected attachments")),
        ):
            button.setAccessibleName(name)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)

        self.add_button.clicked.connect(self.choose_files)
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemActivated.connect(lambda _item: self.open_selected())
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.setAcceptDrops(not document.read_only)
        # read-only (an assessor's review): no buttons that could never be used
        self.add_button.setVisible(not document.read_only)
        self.remove_button.setVisible(not document.read_only)
        self._update_buttons()

    # --- showing --------------------------------------------------------------------------------

    def show_item(self, item: ItemView | None) -> None:
        self._item = item
        selected = {i.data(Qt.ItemDataRole.UserRole) for i in self.list.selectedItems()}
        self.list.clear()
        for attachment in item.attachments if item else ():
            entry = QListWidgetItem(
                self._icon_for(attachment),
                f"{attachment.name}\n{human_size(attachment.size)} · {attachment.media_type}",
            )
            entry.setData(Qt.ItemDataRole.UserRole, attachment.id)
            entry.setData(Qt.ItemDataRole.AccessibleTextRole, attachment.name)
            entry.setToolTip(f"{attachment.name}\nSHA-256 {attachment.sha256}")
            self.list.addItem(entry)
            entry.setSelected(attachment.id in selected)
        has_files = self.list.count() > 0
        self.list.setVisible(has_files)
        self.empty.setVisible(not has_files)
        self._update_buttons()

    def _icon_for(self, attachment: AttachmentView) -> QIcon:
        icon = self._thumbs.get(attachment.sha256)
        if icon is not None:
            return icon
        icon = self._thumbnail(attachment) or file_icon("file")
        self._thumbs[attachment.sha256] = icon
        return icon

    def _thumbnail(self, attachment: AttachmentView) -> QIcon | None:
        if not attachment.media_type.startswith("image/"):
            return None
        try:
            _, data = self._document.attachment(attachment.id)
        except Exception:
            log.exception("Could not read %s for its thumbnail", attachment.name)
            return None
        buffer = QBuffer()
        buffer.setData(QByteArray(data))
        reader = QImageReader(buffer)
        reader.setAutoTransform(True)
        size = reader.size()
        ratio = self.devicePixelRatioF()
        side = int(THUMBNAIL * ratio)
        if size.isValid() and (size.width() > side or size.height() > side):
            reader.setScaledSize(size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio))
        image = reader.read()
        if image.isNull():
            return None
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        return QIcon(pixmap)

    def _update_buttons(self) -> None:
        writable = self._item is not None and not self._document.read_only
        selected = bool(self.list.selectedItems())
        self.add_button.setEnabled(writable)
        self.remove_button.setEnabled(writable and selected)
        self.open_button.setEnabled(selected)

    # --- adding ---------------------------------------------------------------------------------

    def choose_files(self) -> None:
        if self._item is None or self._document.read_only:
            return
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Attach files to {ref}").format(ref=self._item.ref)
        )
        if names:
            self.attach_paths([Path(n) for n in names])

    def attach_paths(self, paths: Sequence[Path]) -> None:
        """Read ``paths`` in a worker, then attach them (one undo step)."""
        item = self._item
        if item is None or not paths or self._document.read_only:
            return
        self.busyChanged.emit(True)

        def done(files: list[FileData]) -> None:
            self.busyChanged.emit(False)
            self._attach_files(item, files)

        def failed(exc: BaseException) -> None:
            self.busyChanged.emit(False)
            self._on_error(exc)

        # big files take a while: a progress dialog (with Cancel) appears if they do
        run_with_progress(
            self,
            self.tr("Reading files…"),
            lambda context: read_files(list(paths), context),
            on_success=done,
            on_error=failed,
            on_cancelled=lambda: self.busyChanged.emit(False),
        )

    def _attach_files(self, item: ItemView, files: list[FileData]) -> None:
        if len(files) > 1:
            self._stack.beginMacro(
                self.tr("attach {n} files to {ref}").format(n=len(files), ref=item.ref)
            )
        try:
            for file in files:
                execute(
                    self._stack,
                    AttachmentCommand(self._document, item.ref, item.id, file, adding=True),
                    self._on_error,
                )
        except Exception as exc:
            self._on_error(exc)
        finally:
            if len(files) > 1:
                self._stack.endMacro()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._item is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.attach_paths(paths)

    # --- opening and removing -------------------------------------------------------------------

    def _selected_ids(self) -> list[int]:
        return [int(i.data(Qt.ItemDataRole.UserRole)) for i in self.list.selectedItems()]

    def open_selected(self) -> None:
        for attachment_id in self._selected_ids()[:5]:
            try:
                view, data = self._document.attachment(attachment_id)
                if self._open_dir is None:
                    self._open_dir = Path(tempfile.mkdtemp(prefix="portfolio-open-"))
                folder = Path(tempfile.mkdtemp(dir=self._open_dir))
                target = folder / safe_file_name(view.name)
                target.write_bytes(data)
            except Exception as exc:
                self._on_error(exc)
                return
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def cleanup(self) -> None:
        """Delete the copies made for opening (when the window closes)."""
        if self._open_dir is not None:
            shutil.rmtree(self._open_dir, ignore_errors=True)
            self._open_dir = None

    def remove_selected(self) -> None:
        item = self._item
        ids = self._selected_ids()
        if item is None or not ids or self._document.read_only:
            return
        if len(ids) > 1:
            self._stack.beginMacro(
                self.tr("remove {n} attachments from {ref}").format(n=len(ids), ref=item.ref)
            )
        try:
            for attachment_id in ids:
                view, data = self._document.attachment(attachment_id)
                execute(
                    self._stack,
                    AttachmentCommand(
                        self._document,
                        item.ref,
                        item.id,
                        FileData(view.name, data),
                        adding=False,
                        attachment_id=attachment_id,
                    ),
                    self._on_error,
                )
        except Exception as exc:
            self._on_error(exc)
        finally:
            if len(ids) > 1:
                self._stack.endMacro()
