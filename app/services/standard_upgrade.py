"""Moving a portfolio to a newer version of its standard.

Each KSB and duty of the version followed is matched with the new version's: the
same text is *unchanged* (same code) or *renumbered* (another code); a similar text
(difflib) under the same code is *text changed*, under another code *renumbered*
(with its text changed); anything left is *removed*. The plan names the items each
change affects, for review. Applying it, after a backup, in one transaction: the new
version is stored in the portfolio, every tag on a matched KSB or duty moves to its
new code, the portfolio follows the new version (and the same option), and the old
version stays installed. Tags on a removed KSB or duty stay where they are, on the
old version, and are listed for re-tagging: nothing is dropped.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, NotFoundError
from app.models.orm import Framework
from app.schema.framework import FrameworkDocument
from app.services import frameworks, library, portfolio, queries
from app.services.queries import raw_connection, version_key
from app.settings import Settings

TEXT_CHANGED_AT = 0.6  # same code, text at least this similar: the same KSB reworded
RENUMBERED_AT = 0.75  # another code: a higher bar, since the position moved as well

UNCHANGED = "unchanged"
TEXT_CHANGED = "text changed"
RENUMBERED = "renumbered"
REMOVED = "removed"


@dataclass(frozen=True)
class Change:
    kind: str  # "competency" | "duty"
    old: str
    new: str | None
    status: str  # unchanged | text changed | renumbered | removed
    similarity: float
    old_text: str
    new_text: str
    items: tuple[str, ...]  # refs of the items tagged with the old code

    @property
    def text_changed(self) -> bool:
        return self.old_text != self.new_text and self.new is not None


@dataclass(frozen=True)
class UpgradePlan:
    key: str
    old_version: str
    new_version: str
    old_option: str | None
    new_option: int | None
    new_option_title: str | None
    changes: tuple[Change, ...]
    added: tuple[str, ...]  # codes only the new version has
    backup: Path | None = field(default=None)
    options: tuple[tuple[int, str], ...] = ()  # the new version's options (n, title)

    @property
    def needs_option(self) -> bool:
        """The new version has options and none could be matched with the old one."""
        return bool(self.options) and self.new_option is None

    def option_question(self) -> str:
        listed = "; ".join(f"{n} {title}" for n, title in self.options)
        return (
            f"{self.key} v{self.new_version} has options and none matches the one followed "
            f"now; choose one with --option: {listed}."
        )

    @property
    def retag(self) -> tuple[tuple[str, str], ...]:
        """(item ref, old code) of every tag on a removed KSB or duty."""
        return tuple((ref, c.old) for c in self.changes if c.status == REMOVED for ref in c.items)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


Entry = tuple[str, str, str]  # code, kind, text


def match(
    old: list[Entry], new: list[Entry], what: str, items: dict[str, tuple[str, ...]]
) -> tuple[list[Change], list[str]]:
    """Match ``old`` entries with ``new`` ones of the same kind; (changes, added codes)."""
    taken: set[str] = set()
    found: dict[str, tuple[str, float]] = {}
    by_text: dict[tuple[str, str], list[str]] = {}
    for code, kind, text in new:
        by_text.setdefault((kind, _norm(text)), []).append(code)
    new_by_code = {code: (kind, text) for code, kind, text in new}
    # 1. the same text: unchanged, or renumbered (a code that kept its own text wins)
    for code, kind, text in old:
        candidates = [c for c in by_text.get((kind, _norm(text)), []) if c not in taken]
        if candidates:
            chosen = code if code in candidates else candidates[0]
            found[code] = (chosen, 1.0)
            taken.add(chosen)
    # 2. the same code, a similar text: reworded
    for code, kind, text in old:
        if code in found or code in taken or code not in new_by_code:
            continue
        new_kind, new_text = new_by_code[code]
        score = _similarity(text, new_text)
        if new_kind == kind and score >= TEXT_CHANGED_AT:
            found[code] = (code, score)
            taken.add(code)
    # 3. another code, a similar text: renumbered (and reworded)
    for code, kind, text in old:
        if code in found:
            continue
        scored = [
            (_similarity(text, new_text), new_code)
            for new_code, new_kind, new_text in new
            if new_code not in taken and new_kind == kind
        ]
        if scored:
            score, best = max(scored)
            if score >= RENUMBERED_AT:
                found[code] = (best, score)
                taken.add(best)
    changes = []
    for code, _kind, text in old:
        hit = found.get(code)
        if hit is None:
            status, new_code, score, new_text = REMOVED, None, 0.0, ""
        else:
            new_code, score = hit
            new_text = new_by_code[new_code][1]
            if new_code != code:
                status = RENUMBERED
            else:
                status = UNCHANGED if _norm(text) == _norm(new_text) else TEXT_CHANGED
        changes.append(
            Change(
                kind=what,
                old=code,
                new=new_code,
                status=status,
                similarity=round(score, 3),
                old_text=text,
                new_text=new_text,
                items=items.get(code, ()),
            )
        )
    return changes, [code for code, _, _ in new if code not in taken]


def _tagged(
    conn: sqlite3.Connection, table: str, column: str, target: str, framework_id: int
) -> dict[str, tuple[str, ...]]:
    """Refs of the items tagged with each code of the framework (drafts too)."""
    tagged: dict[str, list[str]] = {}
    for code, item_id in conn.execute(
        f"SELECT t.code, x.item_id FROM {table} x JOIN {target} t ON t.id = x.{column} "
        "WHERE t.framework_id = ? ORDER BY x.item_id",
        (framework_id,),
    ):
        tagged.setdefault(str(code), []).append(f"E{int(item_id):03d}")
    return {code: tuple(refs) for code, refs in tagged.items()}


def _target(session: Session, key: str, version: str) -> FrameworkDocument:
    """The new version: from the user's library, or the portfolio's own copy."""
    try:
        return library.find(key, version)
    except NotFoundError:
        stored = session.scalar(
            select(Framework.document).where(Framework.key == key, Framework.version == version)
        )
        if stored is None:
            raise NotFoundError(
                f"{key} version {version} is not installed; save its JSON from the Skills "
                "England API and import it with 'portfolio frameworks import FILE.json'."
            ) from None
        from app.schema import framework as schema

        return schema.decode(stored, f"{key} v{version}")


def _new_option(
    doc: FrameworkDocument, old_title: str | None, old_n: int | None, wanted: str | None
) -> int | None:
    if wanted is not None or not doc.options:
        return frameworks.choose_option(doc, wanted)
    if old_title is not None:
        same = [o.n for o in doc.options if _norm(o.title) == _norm(old_title)]
        if same:
            return same[0]
    if old_n is not None and doc.option(old_n) is not None and len(doc.options) == 1:
        return old_n
    return None  # the plan asks which (``needs_option``)


def plan_upgrade(session: Session, to_version: str, option: str | None = None) -> UpgradePlan:
    """What moving to ``to_version`` would change (nothing is written)."""
    conn = raw_connection(session)
    current = queries.portfolio_framework(conn)
    info = queries.portfolio_info(session)
    to_version = to_version.strip()
    if to_version == current.version:
        raise InvalidInputError(
            f"The portfolio already follows {current.key} v{current.version}; nothing to do."
        )
    if version_key(to_version) < version_key(current.version):
        raise InvalidInputError(
            f"{current.key} v{to_version} is older than v{current.version}, the version the "
            "portfolio follows; a portfolio only moves to a newer version."
        )
    doc = _target(session, current.key, to_version)
    old_view = queries.framework_view(conn, current)
    new_option = _new_option(
        doc,
        info.option.title if info.option else None,
        info.option.n if info.option else None,
        option,
    )
    competency_changes, added_competencies = match(
        [(c.code, c.kind, c.text) for c in old_view.competencies],
        [(c.code, c.kind, c.text) for c in doc.competencies],
        "competency",
        _tagged(conn, "item_competencies", "competency_id", "competencies", current.id),
    )
    duty_changes, added_duties = match(
        [(g.code, "duty", g.text) for g in old_view.groups],
        [(g.code, "duty", g.text) for g in doc.groups],
        "duty",
        _tagged(conn, "item_groups", "group_id", "groups", current.id),
    )
    chosen = doc.option(new_option) if new_option is not None else None
    return UpgradePlan(
        key=current.key,
        old_version=current.version,
        new_version=doc.version,
        old_option=info.option.title if info.option else None,
        new_option=new_option,
        new_option_title=chosen.title if chosen else None,
        changes=(*competency_changes, *duty_changes),
        added=(*added_competencies, *added_duties),
        options=tuple((o.n, o.title) for o in doc.options),
    )


def apply_upgrade(session: Session, plan: UpgradePlan) -> None:
    """Move the tags as ``plan`` says, in the caller's transaction (after its backup)."""
    conn = raw_connection(session)
    old = queries.portfolio_framework(conn)
    if (old.key, old.version) != (plan.key, plan.old_version):
        raise InvalidInputError("The portfolio changed since the upgrade was planned; plan again.")
    if plan.needs_option:
        raise InvalidInputError(plan.option_question())
    doc = _target(session, plan.key, plan.new_version)
    frameworks.install_into_portfolio(session, doc)
    new = queries.find_framework(conn, plan.key, plan.new_version)
    ids = {
        (table, code): ident
        for table in ("competencies", "groups")
        for code, ident in conn.execute(
            f"SELECT code, id FROM {table} WHERE framework_id = ?", (new.id,)
        )
    }
    old_ids = {
        (table, code): ident
        for table in ("competencies", "groups")
        for code, ident in conn.execute(
            f"SELECT code, id FROM {table} WHERE framework_id = ?", (old.id,)
        )
    }
    for change in plan.changes:
        if change.new is None:
            continue  # removed: its tags stay on the old version, listed for re-tagging
        if change.kind == "competency":
            source = old_ids[("competencies", change.old)]
            target = ids[("competencies", change.new)]
            conn.execute(
                "INSERT OR IGNORE INTO item_competencies (item_id, competency_id, justification, "
                "ready) SELECT item_id, ?, justification, 0 FROM item_competencies "
                "WHERE competency_id = ?",
                (target, source),
            )
            conn.execute("DELETE FROM item_competencies WHERE competency_id = ?", (source,))
            conn.execute(
                "INSERT OR IGNORE INTO otj_entry_competencies (entry_id, competency_id) "
                "SELECT entry_id, ? FROM otj_entry_competencies WHERE competency_id = ?",
                (target, source),
            )
            conn.execute("DELETE FROM otj_entry_competencies WHERE competency_id = ?", (source,))
        else:
            source = old_ids[("groups", change.old)]
            target = ids[("groups", change.new)]
            conn.execute(
                "INSERT OR IGNORE INTO item_groups (item_id, group_id, justification) "
                "SELECT item_id, ?, justification FROM item_groups WHERE group_id = ?",
                (target, source),
            )
            conn.execute("DELETE FROM item_groups WHERE group_id = ?", (source,))
    conn.execute(
        "UPDATE portfolio SET framework_id = ?, framework_option = ? WHERE id = 1",
        (new.id, plan.new_option),
    )
    session.info.pop("portfolio_framework", None)
    session.expire_all()
    portfolio.touch(session)


def backup_before_upgrade(path: Path, settings: Settings) -> Path:
    """A checked copy of the portfolio in its backup folder, named for the upgrade."""
    from app.models import backup as backup_files
    from app.services import backups

    return backup_files.online_backup(
        Path(path), backups.backup_folder(Path(path), settings), reason="before-upgrade"
    )


def plan_json(plan: UpgradePlan, *, applied: bool) -> dict[str, object]:
    """The documented ``standard upgrade --json`` shape."""
    return {
        "framework": plan.key,
        "from": plan.old_version,
        "to": plan.new_version,
        "option": None
        if plan.new_option is None
        else {"n": plan.new_option, "title": plan.new_option_title},
        "changes": [
            {
                "kind": c.kind,
                "old": c.old,
                "new": c.new,
                "status": c.status,
                "text_changed": c.text_changed,
                "similarity": c.similarity,
                "items": list(c.items),
            }
            for c in plan.changes
        ],
        "added": list(plan.added),
        "options": [{"n": n, "title": title} for n, title in plan.options],
        "retag": [{"item": ref, "code": code} for ref, code in plan.retag],
        "applied": applied,
        "backup": None if plan.backup is None else str(plan.backup),
    }


def newer_versions(session: Session) -> list[str]:
    """The versions of the portfolio's standard newer than the one it follows, oldest
    first: in the user's library or already stored in the portfolio."""
    current = queries.portfolio_framework(session)
    versions = {d.version for d in library.documents() if d.key == current.key}
    versions |= set(session.scalars(select(Framework.version).where(Framework.key == current.key)))
    return sorted(
        (v for v in versions if version_key(v) > version_key(current.version)), key=version_key
    )
