"""The work-based project: its scope (at most 500 words at gateway), the week-by-week plan
and log, and the KSB mapping (for each project KSB and criterion: the items that show it,
their attachments, and the apprentice's note).

The project method and its themes come from the portfolio's assessment plan
(``app.services.assessment_plans``): the method whose code is ``PR``, or else the first
one. A scope past the word limit is kept (nothing typed is lost) and flagged: the
workspace shows the count in red, and readiness lists it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.models.db import utc_now
from app.models.project_orm import ProjectNote, ProjectRecord, ProjectWeek
from app.schema import assessment_records as records
from app.schema.assessment_plan import AssessmentPlan, Method
from app.schema.assessment_records import MAX_WEEKS
from app.schema.base import checked
from app.schema.portfolio import MAX_WEEK_MINUTES
from app.services import assessment_plans, portfolio, queries
from app.services.views import CompetencyView, ItemView

SCOPE_WORD_LIMIT = 500
PROJECT_METHOD = "PR"

_WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    """Words as a word processor counts them: runs of characters between spaces."""
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class Week:
    week: int
    plan: str = ""
    log: str = ""
    minutes: int = 0


@dataclass(frozen=True)
class Project:
    title: str
    scope: str
    weeks: tuple[Week, ...]
    notes: dict[str, str]

    @property
    def words(self) -> int:
        return word_count(self.scope)

    @property
    def over_limit(self) -> bool:
        return self.words > SCOPE_WORD_LIMIT

    @property
    def minutes(self) -> int:
        return sum(w.minutes for w in self.weeks)


@dataclass(frozen=True)
class MappingRow:
    theme: str  # "PR1 Code Quality"
    ksb: str
    ksb_text: str
    criteria: tuple[str, ...]  # criterion codes resting on this KSB
    items: tuple[str, ...]  # ready items tagged with it
    attachments: tuple[str, ...]  # "E004: pipeline.png"
    note: str


def project_method(plan: AssessmentPlan) -> Method | None:
    for method in plan.methods:
        if method.code == PROJECT_METHOD:
            return method
    return plan.methods[0] if plan.methods else None


def get_project(session: Session) -> Project:
    row = session.get(ProjectRecord, 1)
    weeks = session.scalars(select(ProjectWeek).order_by(ProjectWeek.week)).all()
    notes = {n.code: n.note for n in session.scalars(select(ProjectNote)).all()}
    return Project(
        title=row.title if row else "",
        scope=row.scope if row else "",
        weeks=tuple(Week(w.week, w.plan, w.log, w.minutes) for w in weeks),
        notes=notes,
    )


def save_scope(session: Session, *, title: str | None = None, scope: str | None = None) -> Project:
    """Keep the title and the scope as typed (a scope past 500 words is kept, and flagged)."""
    row = session.get(ProjectRecord, 1)
    if row is None:
        row = ProjectRecord(id=1, title="", scope="")
        session.add(row)
    if title is not None:
        row.title = checked(records.ProjectRecord, "title", title.strip(), "The project title")
    if scope is not None:
        row.scope = checked(records.ProjectRecord, "scope", scope, "The project scope")
    row.updated = utc_now()
    portfolio.touch(session)
    session.flush()
    return get_project(session)


def save_week(
    session: Session,
    week: int,
    *,
    plan: str | None = None,
    log: str | None = None,
    minutes: int | None = None,
) -> Week:
    if not 1 <= week <= MAX_WEEKS:
        raise InvalidInputError(f"Week {week} is not a project week; give 1 to {MAX_WEEKS}.")
    if minutes is not None and not 0 <= minutes <= MAX_WEEK_MINUTES:
        raise InvalidInputError("The hours in a week must be between 0 and 168.")
    row = session.get(ProjectWeek, week)
    if row is None:
        row = ProjectWeek(week=week, plan="", log="", minutes=0)
        session.add(row)
    if plan is not None:
        row.plan = checked(records.WeekRecord, "plan", plan, "The week's plan")
    if log is not None:
        row.log = checked(records.WeekRecord, "log", log, "The week's log")
    if minutes is not None:
        row.minutes = minutes
    row.updated = utc_now()
    portfolio.touch(session)
    session.flush()
    return Week(row.week, row.plan, row.log, row.minutes)


def project_codes(plan: AssessmentPlan | None) -> set[str]:
    method = project_method(plan) if plan else None
    if method is None:
        return set()
    return {k for t in method.themes for k in t.ksbs} | {
        c.code for t in method.themes for c in t.criteria
    }


def set_note(session: Session, code: str, note: str) -> None:
    """The apprentice's note on where a project KSB or criterion is shown ("" removes it)."""
    plan = assessment_plans.plan_for_portfolio(session)
    wanted = code.strip()
    codes = project_codes(plan)
    match = next((c for c in codes if c.lower() == wanted.lower()), None)
    if match is None:
        raise InvalidInputError(
            f"{code} is not a KSB or criterion of the project"
            + ("" if plan else " (this standard has no assessment plan)")
            + "; see 'portfolio plan show'."
        )
    row = session.get(ProjectNote, match)
    if not note.strip():
        if row is not None:
            session.delete(row)
    else:
        if row is None:
            row = ProjectNote(code=match)
            session.add(row)
        row.note = checked(records.NoteRecord, "note", note, "The note")
        row.updated = utc_now()
    portfolio.touch(session)
    session.flush()


def mapping(session: Session) -> list[MappingRow]:
    """For each project KSB, theme by theme: its criteria, ready items, attachments, note."""
    plan = assessment_plans.plan_for_portfolio(session)
    if plan is None:
        return []

    return mapping_rows(
        plan,
        queries.get_framework(session).competencies,
        queries.all_items(session),
        get_project(session).notes,
    )


def mapping_rows(
    plan: AssessmentPlan,
    competencies: Sequence[CompetencyView],
    items: Sequence[ItemView],
    notes: Mapping[str, str],
) -> list[MappingRow]:
    """``mapping`` from what an export snapshot already holds (no second read)."""
    method = project_method(plan)
    if method is None:
        return []
    texts = {c.code: c.text for c in competencies}
    ready = [i for i in items if i.status != "draft"]
    rows: list[MappingRow] = []
    for theme in method.themes:
        for ksb in theme.ksbs:
            items = [i for i in ready if ksb in i.ksbs]
            criteria = tuple(c.code for c in theme.criteria if ksb in (c.ksbs or theme.ksbs))
            criterion_notes = [f"{c}: {notes[c]}" for c in criteria if notes.get(c)]
            note = "\n".join(n for n in (notes.get(ksb, ""), *criterion_notes) if n)
            rows.append(
                MappingRow(
                    theme=f"{theme.code} {theme.name}",
                    ksb=ksb,
                    ksb_text=texts.get(ksb, ""),
                    criteria=criteria,
                    items=tuple(i.ref for i in items),
                    attachments=tuple(f"{i.ref}: {a.name}" for i in items for a in i.attachments),
                    note=note,
                )
            )
    return rows


def project_json(project: Project, rows: list[MappingRow]) -> dict[str, object]:
    return {
        "title": project.title,
        "scope": project.scope,
        "words": project.words,
        "word_limit": SCOPE_WORD_LIMIT,
        "over_limit": project.over_limit,
        "weeks": [
            {"week": w.week, "plan": w.plan, "log": w.log, "minutes": w.minutes}
            for w in project.weeks
        ],
        "minutes": project.minutes,
        "mapping": [
            {
                "theme": r.theme,
                "ksb": r.ksb,
                "criteria": list(r.criteria),
                "items": list(r.items),
                "attachments": list(r.attachments),
                "note": r.note,
            }
            for r in rows
        ],
    }
