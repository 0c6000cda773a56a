"""Gateway readiness in the user's language.

``app.services.readiness`` stays free of Qt: each of its sentences is a ``Message`` (an
English template, which is the message id, and its values). Here the template goes
through ``QCoreApplication.translate`` in the "Readiness" context and the values are
filled in; a value that is itself a message is translated the same way. ``MESSAGE_IDS``
marks every template for ``pyside6-lupdate`` (a test checks it lists every one the
service can produce).
"""

from __future__ import annotations

import re
from datetime import date as Date
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

if TYPE_CHECKING:  # the service is imported where it is used (it loads the ORM's helpers)
    from app.services.readiness import ItemProblem, Message, Value

CONTEXT = "Readiness"

_MARKED = (
    QT_TRANSLATE_NOOP("Readiness", "Marked ready, but {problems}."),
    QT_TRANSLATE_NOOP("Readiness", "{code} is claimed without a justification"),
    QT_TRANSLATE_NOOP("Readiness", "1 ready item still lacks something."),
    QT_TRANSLATE_NOOP("Readiness", "{n} ready items still lack something."),
    QT_TRANSLATE_NOOP("Readiness", "1 KSB without evidence: {codes}."),
    QT_TRANSLATE_NOOP("Readiness", "{n} KSBs without evidence: {codes}."),
    QT_TRANSLATE_NOOP("Readiness", "1 theme of the assessment plan has KSBs without evidence."),
    QT_TRANSLATE_NOOP("Readiness", "{n} themes of the assessment plan have KSBs without evidence."),
    QT_TRANSLATE_NOOP("Readiness", "The project scope is written: {words} of {limit} words."),
    QT_TRANSLATE_NOOP(
        "Readiness",
        "Off-the-job training: {logged} of {required} logged; {remaining} still to log.",
    ),
    QT_TRANSLATE_NOOP("Readiness", "Progress reviews are up to date; the next is due by {due}."),
    QT_TRANSLATE_NOOP("Readiness", "1 sign-off request still waiting for an answer."),
    QT_TRANSLATE_NOOP("Readiness", "{n} sign-off requests still waiting for an answer."),
    QT_TRANSLATE_NOOP("Readiness", "no reflection written"),
    QT_TRANSLATE_NOOP("Readiness", "not tagged with any KSB or duty"),
    QT_TRANSLATE_NOOP("Readiness", "no justification for {codes}"),
    QT_TRANSLATE_NOOP("Readiness", "Every ready item has a reflection and justified tags."),
    QT_TRANSLATE_NOOP("Readiness", "Every one of the {n} KSBs has evidence."),
    QT_TRANSLATE_NOOP("Readiness", "Every theme of the assessment plan has evidence."),
    QT_TRANSLATE_NOOP("Readiness", "The project scope (summary) is not written yet."),
    QT_TRANSLATE_NOOP(
        "Readiness", "The project scope is {words} words, over the {limit}-word limit."
    ),
    QT_TRANSLATE_NOOP("Readiness", "No off-the-job plan yet: set one to see the hours required."),
    QT_TRANSLATE_NOOP("Readiness", "Off-the-job training: {logged} of {required} logged."),
    QT_TRANSLATE_NOOP("Readiness", "No progress review and no plan to count one from."),
    QT_TRANSLATE_NOOP("Readiness", "A progress review is overdue: it was due on {due}."),
    QT_TRANSLATE_NOOP("Readiness", "No sign-off request is waiting for an answer."),
    QT_TRANSLATE_NOOP("Readiness", "{ref}: {warning}"),
    QT_TRANSLATE_NOOP("Readiness", "{code} {name}: {codes}"),
    QT_TRANSLATE_NOOP("Readiness", "{name} ({role}): {refs}"),
)

MESSAGE_IDS: tuple[str, ...] = tuple(str(text) for text in _MARKED)


def translated(message: Message) -> str:
    """``message`` in the user's language (English when no translation is installed)."""
    values = {name: _value(value) for name, value in message.values}
    return QCoreApplication.translate(CONTEXT, message.template).format(**values)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _value(value: Value) -> str | int:
    if isinstance(value, tuple):
        return "; ".join(translated(m) for m in value)
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        # a date reads as the app's other pages show one ("2 Nov 2026"), not 2026-11-02
        from app.ui.progress.charts import short_date

        return short_date(Date.fromisoformat(value))
    if isinstance(value, (str, int)):
        return value
    return translated(value)


def warning_text(problems: tuple[ItemProblem, ...]) -> str:
    """What a ready item lacks, translated ("" when nothing)."""
    from app.services import readiness

    found = readiness.warning(problems)
    return "" if found is None else translated(found)
