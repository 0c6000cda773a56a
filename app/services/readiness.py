"""Gateway readiness: what is still missing before the gateway, in one list.

Two parts. ``item_problems`` (pure) says what an item marked *ready* still lacks: a
reflection, a tag, a justification for each tag; the evidence list and the editor
show these as warnings. ``readiness`` gathers the gateway checks: evidence items with
warnings, KSBs and themes without evidence, off-the-job hours against the plan,
progress reviews up to date, and sign-off requests still unanswered. The desktop's
Gateway readiness page and ``portfolio readiness --json`` read this one function.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING

from app.services import queries
from app.services.views import ItemView

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The gateway checks below import their services (and so SQLAlchemy) when they run: the
# item checks above are used by the editor, which is drawn before the ORM has loaded.
from app.wording import counted

NO_REFLECTION = "no-reflection"
NO_TAG = "no-tag"
NO_JUSTIFICATION = "no-justification"


@dataclass(frozen=True)
class ItemProblem:
    kind: str  # NO_REFLECTION | NO_TAG | NO_JUSTIFICATION
    code: str = ""  # the tag without a justification
    message: str = ""


def item_problems(item: ItemView) -> tuple[ItemProblem, ...]:
    """What a ready item lacks: a reflection, any tag, a justification for each KSB it
    claims (drafts are work in progress: nothing is flagged)."""
    if item.status != "ready":
        return ()
    found: list[ItemProblem] = []
    if not item.body.strip():
        found.append(ItemProblem(NO_REFLECTION, message="no reflection written"))
    tags = (*item.ksb_tags, *item.duty_tags, *item.other_tags)
    if not tags:
        found.append(ItemProblem(NO_TAG, message="not tagged with any KSB or duty"))
    for tag in item.ksb_tags:  # the claims the assessor weighs; duties only group them
        if not tag.justification.strip():
            found.append(
                ItemProblem(
                    NO_JUSTIFICATION, tag.code, f"{tag.code} is claimed without a justification"
                )
            )
    return tuple(found)


def warning_text(problems: tuple[ItemProblem, ...]) -> str:
    """One line for a list's tooltip or the editor's banner."""
    if not problems:
        return ""
    unjustified = [p.code for p in problems if p.kind == NO_JUSTIFICATION]
    parts = [p.message for p in problems if p.kind != NO_JUSTIFICATION]
    if unjustified:
        parts.append(f"no justification for {', '.join(unjustified)}")
    text = "; ".join(parts)
    return "Marked ready, but " + text + "."


def ready_warnings(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str]:
    """``warning_text`` for each of ``ids`` that is ready and lacks something, by SQL alone
    (the evidence list asks for one block of rows at a time; it never loads bodies)."""
    if not ids:
        return {}
    framework = queries.portfolio_framework(conn)
    marks = ",".join("?" * len(ids))
    problems: dict[int, list[ItemProblem]] = {}
    for ident, empty, tagged in conn.execute(
        "SELECT i.id, trim(i.body) = '', "
        "EXISTS (SELECT 1 FROM item_competencies t WHERE t.item_id = i.id) "
        "OR EXISTS (SELECT 1 FROM item_groups g WHERE g.item_id = i.id) "
        f"FROM items i WHERE i.status = 'ready' AND i.id IN ({marks})",
        list(ids),
    ):
        found = problems.setdefault(ident, [])
        if empty:
            found.append(ItemProblem(NO_REFLECTION, message="no reflection written"))
        if not tagged:
            found.append(ItemProblem(NO_TAG, message="not tagged with any KSB or duty"))
    for ident, code in conn.execute(
        "SELECT t.item_id, c.code FROM item_competencies t "
        "JOIN competencies c ON c.id = t.competency_id "
        "JOIN items i ON i.id = t.item_id "
        f"WHERE i.status = 'ready' AND t.item_id IN ({marks}) AND c.framework_id = ? "
        "AND trim(t.justification) = '' ORDER BY t.item_id, c.position",
        [*ids, framework.id],
    ):
        problems.setdefault(ident, []).append(ItemProblem(NO_JUSTIFICATION, code))
    return {ident: warning_text(tuple(p)) for ident, p in problems.items() if p}


@dataclass(frozen=True)
class Check:
    key: str
    ok: bool
    message: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemWarning:
    ref: str
    title: str
    problems: tuple[ItemProblem, ...]


@dataclass(frozen=True)
class Readiness:
    as_of: Date
    checks: tuple[Check, ...]
    items: tuple[ItemWarning, ...]

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def missing(self) -> int:
        return sum(1 for c in self.checks if not c.ok)


def readiness(session: Session, as_of: Date | None = None) -> Readiness:
    """Every gateway check, read in the caller's transaction, as on ``as_of`` (today)."""

    day = as_of or Date.today()
    items = queries.all_items(session)
    warnings = tuple(ItemWarning(i.ref, i.title, p) for i in items if (p := item_problems(i)))
    checks = [_items_check(warnings), _ksb_check(session)]
    themes = _theme_check(session)
    if themes is not None:
        checks.append(themes)
        checks.append(_project_check(session))
    checks.append(_otj_check(session, day))
    checks.append(_review_check(session, day))
    checks.append(_signoff_check(session))
    return Readiness(as_of=day, checks=tuple(checks), items=warnings)


def _items_check(warnings: tuple[ItemWarning, ...]) -> Check:
    if not warnings:
        return Check("items", True, "Every ready item has a reflection and justified tags.")
    return Check(
        "items",
        False,
        f"{counted(len(warnings), 'ready item')} still "
        f"{'lacks' if len(warnings) == 1 else 'lack'} something.",
        tuple(f"{w.ref}: {warning_text(w.problems)}" for w in warnings),
    )


def _ksb_check(session: Session) -> Check:

    report = queries.compute_coverage(session, with_items=False)
    gaps = [c.code for c in report.competencies if not c.met]
    if not gaps:
        return Check(
            "ksbs", True, f"Every one of the {report.summary.competencies} KSBs has evidence."
        )
    return Check("ksbs", False, f"{counted(len(gaps), 'KSB')} without evidence: {' '.join(gaps)}.")


def _theme_check(session: Session) -> Check | None:
    from app.services import assessment_plans

    report = assessment_plans.portfolio_theme_report(session)
    if report is None:
        return None
    open_themes = [t for t in report.themes if t.gaps]
    if not open_themes:
        return Check("themes", True, "Every theme of the assessment plan has evidence.")
    return Check(
        "themes",
        False,
        f"{counted(len(open_themes), 'theme')} of the assessment plan "
        f"{'has' if len(open_themes) == 1 else 'have'} KSBs without evidence.",
        tuple(f"{t.code} {t.name}: {' '.join(t.gaps)}" for t in open_themes),
    )


def _project_check(session: Session) -> Check:
    from app.services import project

    current = project.get_project(session)
    limit = project.SCOPE_WORD_LIMIT
    if not current.scope.strip():
        return Check("project", False, "The project scope (summary) is not written yet.")
    if current.over_limit:
        return Check(
            "project",
            False,
            f"The project scope is {current.words} words, over the {limit}-word limit.",
        )
    return Check(
        "project", True, f"The project scope is written: {current.words} of {limit} words."
    )


def _otj_check(session: Session, day: Date) -> Check:
    from app.services import otj
    from app.services.otj import format_minutes

    summary = otj.summary(session, day)
    if summary.plan is None or summary.required_minutes is None:
        return Check("otj", False, "No off-the-job plan yet: set one to see the hours required.")
    logged = format_minutes(summary.logged_minutes)
    required = format_minutes(summary.required_minutes)
    if summary.met:
        return Check("otj", True, f"Off-the-job training: {logged} of {required} logged.")
    remaining = format_minutes(summary.remaining_minutes or 0)
    return Check(
        "otj",
        False,
        f"Off-the-job training: {logged} of {required} logged; {remaining} still to log.",
    )


def _review_check(session: Session, day: Date) -> Check:
    from app.services import reviews

    status = reviews.status(session, day)
    if status.due is None:
        return Check("reviews", False, "No progress review and no plan to count one from.")
    if status.overdue:
        return Check("reviews", False, f"A progress review is overdue: it was due on {status.due}.")
    return Check(
        "reviews", True, f"Progress reviews are up to date; the next is due by {status.due}."
    )


def _signoff_check(session: Session) -> Check:
    from app.services import signoff

    pending = [r for r in signoff.overview(session).requests if r.status == "pending"]
    if not pending:
        return Check("signoffs", True, "No sign-off request is waiting for an answer.")
    return Check(
        "signoffs",
        False,
        f"{counted(len(pending), 'sign-off request')} still waiting for an answer.",
        tuple(f"{r.name} ({r.role}): {', '.join(r.refs)}" for r in pending),
    )


def readiness_json(r: Readiness) -> dict[str, object]:
    return {
        "as_of": r.as_of.isoformat(),
        "ready": r.ready,
        "checks": [
            {"key": c.key, "ok": c.ok, "message": c.message, "details": list(c.details)}
            for c in r.checks
        ],
        "items": [
            {
                "ref": w.ref,
                "title": w.title,
                "problems": [
                    {"kind": p.kind, "code": p.code or None, "message": p.message}
                    for p in w.problems
                ],
            }
            for w in r.items
        ],
    }
