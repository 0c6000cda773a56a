"""Readiness messages reach the screen through Qt's translation: the service gives message
ids (English templates) and values; the Gateway page, the editor's banner and the evidence
list's warnings translate them, so a translation of the ids changes what the user reads."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator

import app.services.readiness as readiness_module
from app.ui.evidence_model import COL_REF
from app.ui.main_window import MainWindow
from app.ui.readiness_text import MESSAGE_IDS

# a pretend translation, in capitals, for the ids these tests meet
UPPER = {
    "{n} ready items still lack something.": "{n} READY ITEMS STILL LACK SOMETHING.",
    "{ref}: {warning}": "{ref} — {warning}",
    "Marked ready, but {problems}.": "READY, BUT {problems}!",
    "no justification for {codes}": "NO JUSTIFICATION FOR {codes}",
    "No off-the-job plan yet: set one to see the hours required.": "NO OTJ PLAN.",
}


class Capitals(QTranslator):
    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:  # type: ignore[override]
        if context == "Readiness" and source in UPPER:
            return UPPER[source]
        return None  # not translated: Qt keeps the source text

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def capitals(qtbot) -> Iterator[QTranslator]:
    translator = Capitals()
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


def service_templates() -> set[str]:
    """Every literal template the readiness service passes to ``_m`` or ``_plural``."""
    tree = ast.parse(Path(readiness_module.__file__).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "_m":
                args = node.args[:1]
            elif node.func.id == "_plural":
                args = node.args[1:3]
            else:
                continue
            found.update(a.value for a in args if isinstance(a, ast.Constant))
    return found


def test_every_readiness_message_id_is_marked_for_translation() -> None:
    templates = service_templates()
    assert len(templates) > 20
    assert templates == set(MESSAGE_IDS)


def test_the_gateway_page_shows_the_translation(
    qtbot, window: MainWindow, capitals: QTranslator
) -> None:
    qtbot.waitUntil(lambda: hasattr(window, "readiness_page"))
    page = window.readiness_page
    window.show_page(page)
    page.refresh()
    checks = {
        page.checks.topLevelItem(n).data(0, Qt.ItemDataRole.UserRole): page.checks.topLevelItem(n)
        for n in range(page.checks.topLevelItemCount())
    }
    items = checks["items"]
    assert items.text(0) == "✗ 2 READY ITEMS STILL LACK SOMETHING."
    assert items.child(0).text(0) == "E001 — READY, BUT NO JUSTIFICATION FOR S14!"
    assert checks["otj"].text(0) == "✗ NO OTJ PLAN."
    # an id without a translation reads in English, its values filled in
    assert checks["ksbs"].text(0).startswith("✗ 48 KSBs without evidence: K2 K3 ")


def test_the_editor_and_the_list_show_the_translated_warning(
    qtbot, window: MainWindow, capitals: QTranslator
) -> None:
    editor = window.evidence_page.editor
    window.evidence_page.select_item(window.document.item_by_ref("E002").id)
    qtbot.waitUntil(lambda: editor.readiness_warning.isVisible())
    assert editor.readiness_warning.text() == "⚠ READY, BUT NO JUSTIFICATION FOR K1, K7!"
    warnings = window.document.ready_warnings([window.document.item_by_ref("E002").id])
    assert list(warnings.values()) == ["READY, BUT NO JUSTIFICATION FOR K1, K7!"]
    model = window.evidence_page.model
    row = next(r for r in range(model.rowCount()) if model.index(r, COL_REF).data() == "E002")
    tips = [model.index(row, c).data(Qt.ItemDataRole.ToolTipRole) for c in range(4)]
    assert any(tip and "READY, BUT NO JUSTIFICATION FOR K1, K7!" in tip for tip in tips)


def test_the_command_line_keeps_the_english(qtbot, capitals: QTranslator) -> None:
    message = readiness_module._plural(
        2, "1 ready item still lacks something.", "{n} ready items still lack something."
    )
    assert message.text == "2 ready items still lack something."


def test_a_date_in_a_readiness_sentence_reads_as_the_other_pages_show_dates() -> None:
    from app.services.readiness import Message
    from app.ui.readiness_text import translated

    message = Message(
        "A progress review is overdue: it was due on {due}.", (("due", "2026-11-02"),)
    )
    assert translated(message) == "A progress review is overdue: it was due on 2 Nov 2026."
