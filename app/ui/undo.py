"""Undoable changes to evidence items, for the window's ``QUndoStack``.

A command is carried out by ``execute`` *before* it is pushed, so a refused
change (an empty title, a locked file) raises there and nothing reaches the
stack; the push's own ``redo`` call is then skipped. Later undo/redo report a
failure through the document's error callback instead of raising into Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand, QUndoStack

from app.services.files_in import FileData
from app.services.views import ItemSnapshot
from app.ui.document import PortfolioDocument

ErrorHandler = Callable[[BaseException], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("Undo", text)


class ItemCommand(QUndoCommand):
    """A change to one evidence item that can be done and undone."""

    def __init__(self, document: PortfolioDocument, ref: str, item_id: int, text: str) -> None:
        super().__init__(text)
        self.document = document
        self.ref = ref
        self.item_id = item_id
        self.on_error: ErrorHandler | None = None
        self._skip_redo = False

    def forward(self) -> None:
        raise NotImplementedError

    def backward(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._guarded(self.forward)

    def undo(self) -> None:
        self._guarded(self.backward)

    def _guarded(self, step: Callable[[], None]) -> None:
        try:
            step()
        except Exception as exc:  # Qt called us: never raise back into it
            if self.on_error is None:
                raise
            self.on_error(exc)


def execute(stack: QUndoStack, command: ItemCommand, on_error: ErrorHandler | None = None) -> None:
    """Do ``command`` now (raising if refused), then put it on ``stack``."""
    command.forward()
    command.on_error = on_error
    command._skip_redo = True
    stack.push(command)


class SetFieldCommand(ItemCommand):
    """Title, date, status or reflection changed from ``old`` to ``new``."""

    LABELS: ClassVar[dict[str, str]] = {
        "title": "title",
        "date": "date",
        "status": "status",
        "body": "reflection",
    }

    def __init__(
        self,
        document: PortfolioDocument,
        ref: str,
        item_id: int,
        field: str,
        old: str,
        new: str,
    ) -> None:
        label = _tr(self.LABELS.get(field, field))
        super().__init__(
            document, ref, item_id, _tr("edit the {what} of {ref}").format(what=label, ref=ref)
        )
        self.field = field
        self.old = old
        self.new = new

    def forward(self) -> None:
        self.document.update_item(self.ref, **{self.field: self.new})

    def backward(self) -> None:
        self.document.update_item(self.ref, **{self.field: self.old})


class TagCommand(ItemCommand):
    """A tag added (``before`` None), removed (``after`` None) or re-justified."""

    def __init__(
        self,
        document: PortfolioDocument,
        ref: str,
        item_id: int,
        code: str,
        before: str | None,
        after: str | None,
    ) -> None:
        shown = code.partition(":")[2] or code
        if before is None:
            text = _tr("tag {ref} with {code}")
        elif after is None:
            text = _tr("remove {code} from {ref}")
        else:
            text = _tr("edit the justification for {code} on {ref}")
        super().__init__(document, ref, item_id, text.format(ref=ref, code=shown))
        self.code = code
        self.before = before
        self.after = after

    def _set(self, state: str | None) -> None:
        if state is None:
            self.document.untag(self.ref, self.code)
        else:
            self.document.tag(self.ref, self.code, state)

    def forward(self) -> None:
        self._set(self.after)

    def backward(self) -> None:
        self._set(self.before)


class AttachmentCommand(ItemCommand):
    """A file attached (``adding``) or removed; undo keeps the bytes to put it back."""

    def __init__(
        self,
        document: PortfolioDocument,
        ref: str,
        item_id: int,
        file: FileData,
        *,
        adding: bool,
        attachment_id: int | None = None,
    ) -> None:
        text = _tr("attach {name} to {ref}") if adding else _tr("remove {name} from {ref}")
        super().__init__(document, ref, item_id, text.format(name=file.name, ref=ref))
        self.file = file
        self.adding = adding
        self.attachment_id = attachment_id

    def _attach(self) -> None:
        self.attachment_id = self.document.attach(self.ref, self.file).id

    def _remove(self) -> None:
        if self.attachment_id is not None:
            self.document.remove_attachment(self.ref, self.attachment_id)
            self.attachment_id = None

    def forward(self) -> None:
        if self.adding:
            self._attach()
        else:
            self._remove()

    def backward(self) -> None:
        if self.adding:
            self._remove()
        else:
            self._attach()


class DeleteItemCommand(ItemCommand):
    """An item deleted; undo puts it back as it was (ref, tags, attachments, times)."""

    def __init__(self, document: PortfolioDocument, ref: str, item_id: int) -> None:
        super().__init__(document, ref, item_id, _tr("delete {ref}").format(ref=ref))
        self.snapshot: ItemSnapshot | None = None  # held only while the item is deleted

    def forward(self) -> None:
        self.snapshot = self.document.delete_item(self.ref)

    def backward(self) -> None:
        if self.snapshot is not None:
            self.document.restore_item(self.snapshot)
            self.snapshot = None  # the bytes are back in the file; redo takes them again


class UndoKeyFilter(QObject):
    """Lets Ctrl+Z / Ctrl+Shift+Z in a text field reach the window's undo stack.

    Text widgets claim those keys for their own undo; the editor's changes live
    on the window's ``QUndoStack`` instead, so one undo history covers typing
    and tagging alike.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)
            )
        ):
            event.ignore()
            return True
        return False
