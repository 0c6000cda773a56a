"""Undo and redo of edits, tags and attachments, on a real portfolio file."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from app.errors import InvalidInputError
from app.models.db import Database
from app.services.attachments import FileData
from app.ui.document import PortfolioDocument, ReadOnlyError
from app.ui.undo import AttachmentCommand, SetFieldCommand, TagCommand, execute
from tests.ui.conftest import add_items


@pytest.fixture
def document(db: Database) -> PortfolioDocument:
    add_items(db)
    return PortfolioDocument(db)


def test_undo_and_redo_an_edit(document: PortfolioDocument) -> None:
    stack = QUndoStack()
    item = document.item_by_ref("E001")
    execute(stack, SetFieldCommand(document, "E001", item.id, "body", item.body, "New text"))
    assert document.item_by_ref("E001").body == "New text"
    assert stack.undoText() == "edit the reflection of E001"
    stack.undo()
    assert document.item_by_ref("E001").body == item.body
    stack.redo()
    assert document.item_by_ref("E001").body == "New text"


def test_a_refused_edit_never_reaches_the_stack(document: PortfolioDocument) -> None:
    stack = QUndoStack()
    item = document.item_by_ref("E001")
    with pytest.raises(InvalidInputError):
        execute(stack, SetFieldCommand(document, "E001", item.id, "title", item.title, "  "))
    assert stack.count() == 0
    assert document.item_by_ref("E001").title == item.title


def test_undo_a_tag_restores_coverage_and_justification(document: PortfolioDocument) -> None:
    stack = QUndoStack()
    item = document.item_by_ref("E001")
    before = document.coverage().summary.met
    execute(stack, TagCommand(document, "E001", item.id, "K7", None, "Wrote the modules"))
    assert document.coverage().summary.met == before  # K7 was met already
    execute(
        stack,
        TagCommand(document, "E001", item.id, "K1", "Frequent merging with automated tests", None),
    )
    assert "K1" not in document.item_by_ref("E001").ksbs
    stack.undo()
    assert (
        document.item_by_ref("E001").justifications["K1"] == "Frequent merging with automated tests"
    )
    stack.undo()
    assert "K7" not in document.item_by_ref("E001").ksbs
    stack.redo()
    assert document.item_by_ref("E001").justifications["K7"] == "Wrote the modules"


def test_undo_attach_and_remove(document: PortfolioDocument) -> None:
    stack = QUndoStack()
    item = document.item_by_ref("E002")
    file = FileData("plan.txt", b"terraform plan output")
    execute(stack, AttachmentCommand(document, "E002", item.id, file, adding=True))
    (attached,) = document.item_by_ref("E002").attachments
    execute(
        stack,
        AttachmentCommand(document, "E002", item.id, file, adding=False, attachment_id=attached.id),
    )
    assert document.item_by_ref("E002").attachments == ()
    stack.undo()
    (back,) = document.item_by_ref("E002").attachments
    assert (back.name, back.sha256) == ("plan.txt", attached.sha256)
    stack.undo()
    assert document.item_by_ref("E002").attachments == ()


def test_a_failed_undo_is_reported_not_raised(document: PortfolioDocument) -> None:
    stack = QUndoStack()
    errors: list[BaseException] = []
    item = document.item_by_ref("E001")
    execute(stack, TagCommand(document, "E001", item.id, "K7", None, ""), errors.append)
    document.read_only = True  # as if the file had become read-only meanwhile
    stack.undo()
    assert len(errors) == 1 and isinstance(errors[0], ReadOnlyError)


def test_read_only_documents_refuse_every_change(db: Database) -> None:
    add_items(db)
    document = PortfolioDocument(db, read_only=True)
    with pytest.raises(ReadOnlyError):
        document.add_item("Sneaky")
    with pytest.raises(ReadOnlyError):
        document.tag("E001", "K7")
    # and the connection itself refuses to write
    from sqlalchemy import text

    with (
        pytest.raises(Exception, match=r"readonly|read-only|query_only|attempt to write"),
        db.transaction() as s,
    ):
        s.execute(text("UPDATE items SET title = 'x'"))
    assert document.item_by_ref("E001").title == "CI pipeline for the payments API"
