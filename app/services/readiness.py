"""Gateway readiness: what is still missing before the gateway, in one list.

Two parts. ``item_problems`` (pure) says what an item marked *ready* still lacks: a
reflection, a tag, a justification for each tag; the evidence list and the editor
show these as warnings. ``readiness`` gathers the gateway checks: evidence items with
warnings, KSBs and themes without evidence, off-the-job hours against the plan,
progress reviews up to date, and sign-off requests still unanswered. The desktop's
Gateway readiness page and ``portfolio readiness --json`` read this one function.

Every sentence is also a ``Message``: an English template (its message id) and the values
that fill it. The command line prints the English; the desktop translates the template
through Qt (``app.ui.readiness_text``) and fills in the same values, so this module stays
free of Qt.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import TYPE_CHECKING, Union

from app.services import queries
from app.services.views import ItemView

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# The gateway checks below import their services (and so SQLAlchemy) when they run: the
# item checks above are used by the editor, which is drawn before the ORM has loaded.

NO_REFLECTION = "no-reflection"
NO_TAG = "no-tag"
NO_JUSTIFICATION = "no-justification"

# A value in a message: text, a number, another message, or messages joined with "; ".
Value = Union[str, int, "Message", tuple["Message", ...]]


@dataclass(frozen=True)
class Message:
    """A sentence as a message id (an English template with ``{name}`` fields) and its values."""

    template: str
    values: tuple[tuple[str, Value], ...] = ()

    @property
    def text(self) -> str:
        """The sentence in English."""
        return self.template.format(**{name: _english(v) for name, v in self.values})


def _english(value: Value) -> str | int:
    if isinstance(value, Message):
        return value.text
    if isinstance(value, tuple):
        return "; ".join(m.text for m in value)
    return value


def _m(template: str, **values: Value) -> Message:
    """A message; ``template`` must be a literal (the desktop lists every one to translate)."""
    return Message(template, tuple(values.items()))


def _plural(count: int, one: str, many: str, **values: Value) -> Message:
    """``one`` for a count of 1, else ``many`` with the count as ``{n}``."""
    return _m(one, **values) if count == 1 else _m(many, n=count, **values)


@dataclass(frozen=True)
class ItemProblem:
    kind: str  # NO_REFLECTION | NO_TAG | NO_JUSTIFICATION
    code: str = ""  # the tag without a justification
    message: str = ""

    @property
    def note(self) -> Message:
        """The problem on its own, as a message."""
        if self.kind == NO_REFLECTION:
            return _m("no reflection written")
        if self.kind == NO_TAG:
            return _m("not tagged with any KSB or duty")
        return _m("{code} is claimed without a justification", code=self.code)


def item_problems(item: ItemView) -> tuple[ItemProblem, ...]:
    """What a ready item lacks: a reflection, any tag, a justification for each KSB it
    claims (drafts are work in progress: nothing is flagged)."""
    if item.status != "ready":
        return ()
    found: list[ItemProblem] = []
    if not item.body.strip():
        found.append(_problem(NO_REFLECTION))
    tags = (*item.ksb_tags, *item.duty_tags, *item.other_tags)
    if not tags:
        found.append(_problem(NO_TAG))
    for tag in item.ksb_tags:  # the claims the assessor weighs; duties only group them
        if not tag.justification.strip():
            found.append(_problem(NO_JUSTIFICATION, tag.code))
    return tuple(found)


def _problem(kind: str, code: str = "") -> ItemProblem:
    bare = ItemProblem(kind, code)
    return ItemProblem(kind, code, bare.note.text)


def warning(problems: tuple[ItemProblem, ...]) -> Message | None:
    """One line for a list's tooltip or the editor's banner (None: nothing lacking)."""
    if not problems:
        return None
    unjustified = [p.code for p in problems if p.kind == NO_JUSTIFICATION]
    parts = [p.note for p in problems if p.kind != NO_JUSTIFICATION]
    if unjustified:
        parts.append(_m("no justification for {codes}", codes=", ".join(unjustified)))
    return _m("Marked ready, but {problems}.", problems=tuple(parts))


def warning_text(problems: tuple[ItemProblem, ...]) -> str:
    """``warning`` in English ("" when nothing is lacking)."""
    found = warning(problems)
    return "" if found is None else found.text


def ready_warnings(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str]:
    """``warning_text`` for each of ``ids`` that is ready and lacks something."""
    return {ident: warning_text(p) for ident, p in ready_problems(conn, ids).items()}


def ready_problems(
    conn: sqlite3.Connection, ids: Sequence[int]
) -> dict[int, tuple[ItemProblem, ...]]:
    """``item_problems`` for each of ``ids`` that is ready and lacks something, by SQL alone
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
            found.append(_problem(NO_REFLECTION))
        if not tagged:
            found.append(_problem(NO_TAG))
    for ident, code in conn.execute(
        "SELECT t.item_id, c.code FROM item_competencies t "
        "JOIN competencies c ON c.id = t.competency_id "
        "JOIN items i ON i.id = t.item_id "
        f"WHERE i.status = 'ready' AND t.item_id IN ({marks}) AND c.framework_id = ? "
        "AND trim(t.justification) = '' ORDER BY t.item_id, c.position",
        [*ids, framework.id],
    ):
        problems.setdefault(ident, []).append(_problem(NO_JUSTIFICATION, code))
    return {ident: tuple(p) for ident, p in problems.items() if p}


@dataclass(frozen=True)
class Check:
    key: str
    ok: bool
    note: Message
    detail_notes: tuple[Message, ...] = ()

    @property
    def message(self) -> str:
        return self.note.text

    @property
    def details(self) -> tuple[str, ...]:
        return tuple(d.text for d in self.detail_notes)


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
        return Check("items", True, _m("Every ready item has a reflection and justified tags."))
    details = []
    for w in warnings:
        found = warning(w.problems)
        if found is not None:
            details.append(_m("{ref}: {warning}", ref=w.ref, warning=found))
    return Check(
        "items",
        False,
        _plural(
            len(warnings),
            "1 ready item still lacks something.",
            "{n} ready items still lack something.",
        ),
        tuple(details),
    )


def _ksb_check(session: Session) -> Check:

    report = queries.compute_coverage(session, with_items=False)
    gaps = [c.code for c in report.competencies if not c.met]
    if not gaps:
        return Check(
            "ksbs",
            True,
            _m("Every one of the {n} KSBs has evidence.", n=report.summary.competencies),
        )
    return Check(
        "ksbs",
        False,
        _plural(
            len(gaps),
            "1 KSB without evidence: {codes}.",
            "{n} KSBs without evidence: {codes}.",
            codes=" ".join(gaps),
        ),
    )


def _theme_check(session: Session) -> Check | None:
    from app.services import assessment_plans

    report = assessment_plans.portfolio_theme_report(session)
    if report is None:
        return None
    open_themes = [t for t in report.themes if t.gaps]
    if not open_themes:
        return Check("themes", True, _m("Every theme of the assessment plan has evidence."))
    return Check(
        "themes",
        False,
        _plural(
            len(open_themes),
            "1 theme of the assessment plan has KSBs without evidence.",
            "{n} themes of the assessment plan have KSBs without evidence.",
        ),
        tuple(
            _m("{code} {name}: {codes}", code=t.code, name=t.name, codes=" ".join(t.gaps))
            for t in open_themes
        ),
    )


def _project_check(session: Session) -> Check:
    from app.services import project

    current = project.get_project(session)
    limit = project.SCOPE_WORD_LIMIT
    if not current.scope.strip():
        return Check("project", False, _m("The project scope (summary) is not written yet."))
    if current.over_limit:
        return Check(
            "project",
            False,
            _m(
                "The project scope is {words} words, over the {limit}-word limit.",
                words=current.words,
                limit=limit,
            ),
        )
    return Check(
        "project",
        True,
        _m(
            "The project scope is written: {words} of {limit} words.",
            words=current.words,
            limit=limit,
        ),
    )


def _otj_check(session: Session, day: Date) -> Check:
    from app.services import otj
    from app.services.otj import format_minutes

    summary = otj.summary(session, day)
    if summary.plan is None or summary.required_minutes is None:
        return Check(
            "otj", False, _m("No off-the-job plan yet: set one to see the hours required.")
        )
    logged = format_minutes(summary.logged_minutes)
    required = format_minutes(summary.required_minutes)
    if summary.met:
        return Check(
            "otj",
            True,
            _m(
                "Off-the-job training: {logged} of {required} logged.",
                logged=logged,
                required=required,
            ),
        )
    remaining = format_minutes(summary.remaining_minutes or 0)
    return Check(
        "otj",
        False,
        _m(
            "Off-the-job training: {logged} of {required} logged; {remaining} still to log.",
            logged=logged,
            required=required,
            remaining=remaining,
        ),
    )


def _review_check(session: Session, day: Date) -> Check:
    from app.services import reviews

    status = reviews.status(session, day)
    if status.due is None:
        return Check("reviews", False, _m("No progress review and no plan to count one from."))
    if status.overdue:
        return Check(
            "reviews",
            False,
            _m("A progress review is overdue: it was due on {due}.", due=str(status.due)),
        )
    return Check(
        "reviews",
        True,
        _m(
            "Progress reviews are up to date; the next is due by {due}.",
            due=str(status.due),
        ),
    )


def _signoff_check(session: Session) -> Check:
    from app.services import signoff

    pending = [r for r in signoff.overview(session).requests if r.status == "pending"]
    if not pending:
        return Check("signoffs", True, _m("No sign-off request is waiting for an answer."))
    return Check(
        "signoffs",
        False,
        _plural(
            len(pending),
            "1 sign-off request still waiting for an answer.",
            "{n} sign-off requests still waiting for an answer.",
        ),
        tuple(
            _m("{name} ({role}): {refs}", name=r.name, role=r.role, refs=", ".join(r.refs))
            for r in pending
        ),
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
