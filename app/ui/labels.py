"""Names shown for framework parts (kinds of competency, group labels)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.services.views import FrameworkView


def _tr(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def kind_label(kind: str) -> str:
    """``knowledge`` → Knowledge, ``skill`` → Skills, ``performance`` → Performance criteria."""
    known = {
        "knowledge": _tr("Knowledge"),
        "skill": _tr("Skills"),
        "behaviour": _tr("Behaviours"),
        "performance": _tr("Performance criteria"),
    }
    return known.get(kind, kind.replace("-", " ").capitalize())


def groups_label(framework: FrameworkView) -> str:
    """The plural of the framework's group label: Duties, Role levels, …"""
    label = framework.group_label or "Group"
    if label == "Duty":
        return _tr("Duties")
    return _tr(label + "s") if not label.endswith("s") else _tr(label)


def kinds_in_order(framework: FrameworkView) -> list[str]:
    seen: list[str] = []
    for competency in framework.competencies:
        if competency.kind not in seen:
            seen.append(competency.kind)
    return seen
