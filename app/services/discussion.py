"""Professional discussion preparation: for each theme of the discussion method, its
criteria, the evidence items linked to its KSBs, and the apprentice's own notes and
examples, prompted as situation, task, action and result (STAR).

The discussion method is the assessment plan's method coded ``PD`` (else the last one).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.models.db import utc_now
from app.models.discussion_orm import DiscussionNote
from app.schema.assessment_plan import AssessmentPlan, Criterion, Method
from app.schema.assessment_records import DiscussionRecord
from app.schema.base import checked
from app.services import assessment_plans, portfolio, queries

DISCUSSION_METHOD = "PD"
STAR = ("situation", "task", "action", "result")


@dataclass(frozen=True)
class Star:
    situation: str = ""
    task: str = ""
    action: str = ""
    result: str = ""

    @property
    def empty(self) -> bool:
        return not any(s.strip() for s in (self.situation, self.task, self.action, self.result))


@dataclass(frozen=True)
class LinkedItem:
    ref: str
    title: str
    ksbs: tuple[str, ...]  # the theme's KSBs it is tagged with


@dataclass(frozen=True)
class ThemePrep:
    code: str
    name: str
    ksbs: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    items: tuple[LinkedItem, ...]
    notes: Star


def discussion_method(plan: AssessmentPlan) -> Method | None:
    for method in plan.methods:
        if method.code == DISCUSSION_METHOD:
            return method
    return plan.methods[-1] if plan.methods else None


def preparation(session: Session) -> list[ThemePrep]:
    """Every discussion theme with its criteria, linked ready items and notes."""
    plan = assessment_plans.plan_for_portfolio(session)
    method = discussion_method(plan) if plan else None
    if method is None:
        return []
    items = [i for i in queries.all_items(session) if i.status != "draft"]
    notes = {n.theme: n for n in session.scalars(select(DiscussionNote)).all()}
    out: list[ThemePrep] = []
    for theme in method.themes:
        linked = tuple(
            LinkedItem(i.ref, i.title, tuple(k for k in theme.ksbs if k in i.ksbs))
            for i in items
            if any(k in i.ksbs for k in theme.ksbs)
        )
        row = notes.get(theme.code)
        star = Star(row.situation, row.task, row.action, row.result) if row else Star()
        out.append(
            ThemePrep(theme.code, theme.name, tuple(theme.ksbs), theme.criteria, linked, star)
        )
    return out


def save_notes(session: Session, theme: str, **fields: str | None) -> Star:
    """Set any of situation, task, action, result for a discussion theme."""
    themes = {t.code.lower(): t for t in preparation(session)}
    found = themes.get(theme.strip().lower())
    if found is None:
        codes = ", ".join(t.code for t in themes.values()) or "none (no assessment plan)"
        raise InvalidInputError(
            f"{theme} is not a theme of the professional discussion; the themes are: {codes}."
        )
    for name, value in fields.items():
        if name not in STAR:
            raise InvalidInputError(f"'{name}' is not one of: {', '.join(STAR)}.")
        if value is not None:
            checked(DiscussionRecord, name, value, f"The {name}")
    row = session.get(DiscussionNote, found.code)
    if row is None:
        row = DiscussionNote(theme=found.code, situation="", task="", action="", result="")
        session.add(row)
    for name, value in fields.items():
        if value is not None:
            setattr(row, name, value)
    row.updated = utc_now()
    portfolio.touch(session)
    session.flush()
    return Star(row.situation, row.task, row.action, row.result)


def preparation_json(themes: list[ThemePrep]) -> list[dict[str, object]]:
    return [
        {
            "code": t.code,
            "name": t.name,
            "ksbs": list(t.ksbs),
            "criteria": [{"code": c.code, "grade": c.grade, "text": c.text} for c in t.criteria],
            "items": [{"ref": i.ref, "title": i.title, "ksbs": list(i.ksbs)} for i in t.items],
            "notes": {
                "situation": t.notes.situation,
                "task": t.notes.task,
                "action": t.notes.action,
                "result": t.notes.result,
            },
        }
        for t in themes
    ]
