"""Is the portfolio file whole? Structure, links, attachment bytes and the search index.

Works on the file itself rather than through a Session: a damaged file may not
open through the ORM at all, and the check must still say what is wrong. It
never changes the file's content.

- ``quick_check`` (or ``integrity_check`` with ``full=True``): SQLite's own
  check of every page and index.
- ``foreign_key_check``: no record points at one that no longer exists.
- every attachment's bytes still hash to the SHA-256 they were stored under.
- the full-text index agrees with the items (and with itself).
- the schema is exactly what the migrations make: no foreign table, index, trigger
  or view (``app.models.schema_guard``).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.errors import NotAPortfolioError, NotFoundError, PortfolioError
from app.models.files import check_is_portfolio, connect_existing, file_kind_problem
from app.models.schema_guard import foreign_objects, missing_objects

Progress = Callable[[int, int, str], None]
_CHUNK = 1024 * 1024
_MAX_LISTED = 3  # examples named in one problem sentence


@dataclass(frozen=True)
class CheckResult:
    path: Path
    full: bool
    problems: tuple[str, ...]
    items: int = 0
    attachments: int = 0
    blobs: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One sentence for the user."""
        if self.ok:
            structure = "full integrity check" if self.full else "quick check"
            return (
                f"No problems found in {self.path}: {structure}, the schema, links between "
                f"records, {_count(self.attachments, 'attachment')} "
                f"({_count(self.blobs, 'stored file')}) match their SHA-256, and the "
                f"search index agrees with {_count(self.items, 'item')}."
            )
        more = len(self.problems) - 1
        also = f" (and {more} more {'problem' if more == 1 else 'problems'})" if more else ""
        return f"{self.path} is damaged: {self.problems[0]}{also}"


class _Damaged(Exception):
    """SQLite cannot read the file far enough to go on checking."""


def quick_check_file(path: Path) -> CheckResult:
    """Only SQLite's quick check: fast enough to run every time the app opens a file."""
    return check_portfolio(path, full=False, attachments=False, search_index=False, links=False)


def check_portfolio(
    path: Path,
    *,
    full: bool = False,
    attachments: bool = True,
    search_index: bool = True,
    links: bool = True,
    progress: Progress | None = None,
) -> CheckResult:
    """Check ``path``; every problem found is one sentence in ``problems``.

    Raises ``PortfolioError`` only when there is nothing to check (no file).
    """
    path = Path(path)
    if not path.exists():
        raise NotFoundError(f"No portfolio at {path}.")
    problem = file_kind_problem(path)
    if problem is not None:  # a pipe or a device is refused at once, never opened
        raise PortfolioError(problem)
    try:
        check_is_portfolio(path)
    except NotAPortfolioError as exc:
        return CheckResult(
            path=path,
            full=full,
            problems=(f"it cannot be read as a portfolio ({exc}).",),
        )
    counts = {"items": 0, "attachments": 0, "blobs": 0}
    problems: list[str] = []
    try:
        conn = connect_existing(path)
    except sqlite3.Error as exc:
        return CheckResult(path=path, full=full, problems=(f"it cannot be opened ({exc}).",))
    try:
        steps: list[tuple[str, Callable[[sqlite3.Connection], list[str]]]] = [
            ("structure", lambda c: _structure(c, full)),
            ("schema", _schema),
        ]
        if links:
            steps.append(("links", _links))
        if attachments:
            steps.append(("attachments", lambda c: _attachment_bytes(c, counts, progress)))
        if search_index:
            steps.append(("search index", lambda c: _search_index(c, counts)))
        for number, (name, step) in enumerate(steps):
            if progress is not None:
                progress(number, len(steps), f"Checking the {name}…")
            try:
                problems += step(conn)
            except (_Damaged, sqlite3.DatabaseError) as exc:
                problems.append(f"SQLite cannot read it any further ({_reason(exc)}).")
                break
        with contextlib.suppress(sqlite3.Error):
            counts["items"] = (
                counts["items"] or conn.execute("SELECT count(*) FROM items").fetchone()[0]
            )
    finally:
        conn.close()
    if progress is not None:
        progress(1, 1, "")
    return CheckResult(path=path, full=full, problems=tuple(problems), **counts)


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _structure(conn: sqlite3.Connection, full: bool) -> list[str]:
    pragma = "integrity_check" if full else "quick_check"
    rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}(100)").fetchall()]
    if rows == ["ok"]:
        return []
    count = "100+ faults" if len(rows) >= 100 else _count(len(rows), "fault")
    return [f"SQLite's {pragma} found {count} in its pages, the first: {rows[0]}."]


def _schema(conn: sqlite3.Connection) -> list[str]:
    """The file's tables, indexes, triggers and views against what the migrations make."""
    problems = []
    foreign = foreign_objects(conn)
    if foreign:
        problems.append(
            f"It holds {_count(len(foreign), 'schema object')} Apprentice Portfolio did "
            "not make, "
            f"which could run when it is changed: {_names(foreign)}."
        )
    missing = missing_objects(conn)
    if missing:
        problems.append(
            f"{_count(len(missing), 'schema object')} the app made "
            f"{'is' if len(missing) == 1 else 'are'} missing: {_names(missing)}."
        )
    return problems


def _links(conn: sqlite3.Connection) -> list[str]:
    broken = Counter(
        (str(table), str(parent))
        for table, _rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check").fetchall()
    )
    return [
        f"{_count(n, 'record')} in {table} {'points' if n == 1 else 'point'} at {parent} "
        "that no longer exist."
        for (table, parent), n in sorted(broken.items())
    ]


def _hash_blob(conn: sqlite3.Connection, rowid: int) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with conn.blobopen("blobs", "data", rowid, readonly=True) as blob:
        while chunk := blob.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _attachment_bytes(
    conn: sqlite3.Connection, counts: dict[str, int], progress: Progress | None
) -> list[str]:
    problems: list[str] = []
    users: dict[str, list[str]] = {}
    recorded_sizes: dict[str, set[int]] = {}
    for name, ref, sha, size in conn.execute(
        "SELECT a.name, i.ref, a.sha256, a.size FROM attachments a "
        "LEFT JOIN items i ON i.id = a.item_id ORDER BY i.number, a.position"
    ):
        users.setdefault(sha, []).append(f"'{name}' ({ref or 'no item'})")
        recorded_sizes.setdefault(sha, set()).add(int(size))
    counts["attachments"] = sum(len(v) for v in users.values())

    blobs = conn.execute("SELECT rowid, sha256, size FROM blobs ORDER BY rowid").fetchall()
    counts["blobs"] = len(blobs)
    present = set()
    damaged: list[str] = []
    for number, (rowid, sha, size) in enumerate(blobs):
        if progress is not None:
            progress(number, len(blobs), "Checking attachments…")
        present.add(sha)
        try:
            actual, actual_size = _hash_blob(conn, rowid)
        except sqlite3.Error as exc:
            damaged += users.get(sha, [f"a stored file {sha[:12]}…"])
            problems.append(f"The bytes of {_names(users.get(sha, []))} cannot be read ({exc}).")
            continue
        if actual != sha or actual_size != size:
            damaged += users.get(sha, [f"a stored file {sha[:12]}…"])
        elif recorded_sizes.get(sha, {size}) != {size}:
            problems.append(
                f"The recorded size of {_names(users[sha])} does not match its stored bytes."
            )
    if damaged:
        problems.insert(
            0,
            f"{_count(len(damaged), 'attachment')} no longer "
            f"{'matches its' if len(damaged) == 1 else 'match their'} SHA-256 — "
            f"{_names(damaged)} — so {'its' if len(damaged) == 1 else 'their'} bytes are "
            "damaged.",
        )
    missing = [u for sha, names in users.items() if sha not in present for u in names]
    if missing:
        problems.append(
            f"The bytes of {_count(len(missing), 'attachment')} are missing: {_names(missing)}."
        )
    return problems


def _count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 item``, ``2 items``, ``2 entries``: a count with its noun."""
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:_MAX_LISTED])
    return shown + (f" and {len(names) - _MAX_LISTED} more" if len(names) > _MAX_LISTED else "")


def _search_index(conn: sqlite3.Connection, counts: dict[str, int]) -> list[str]:
    problems: list[str] = []
    counts["items"] = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    try:
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('integrity-check')")
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc) and "read-only" not in str(exc):
            problems.append(f"The search index is damaged ({exc}).")
    except sqlite3.DatabaseError as exc:
        problems.append(f"The search index is damaged ({exc}).")
    out_of_step = [
        str(ref)
        for (ref,) in conn.execute(
            "SELECT i.ref FROM items i LEFT JOIN items_fts f ON f.rowid = i.id "
            "WHERE f.rowid IS NULL OR f.title IS NOT i.title OR f.body IS NOT i.body "
            "ORDER BY i.number"
        )
    ]
    orphans = conn.execute(
        "SELECT count(*) FROM items_fts f WHERE NOT EXISTS "
        "(SELECT 1 FROM items i WHERE i.id = f.rowid)"
    ).fetchone()[0]
    if out_of_step:
        problems.append(
            f"The search index is out of step with {_count(len(out_of_step), 'item')} "
            f"({_names(out_of_step)}); searching may miss them."
        )
    if orphans:
        problems.append(
            f"The search index holds {_count(orphans, 'entry', 'entries')} for deleted items."
        )
    return problems
