"""A portfolio file is data: its schema must be exactly the one our migrations make.

A file can carry code: a trigger planted with the sqlite3 shell (``AFTER INSERT ON
items BEGIN DELETE FROM items …; END``) runs inside our own writes. So:

- every connection runs with ``PRAGMA trusted_schema = OFF`` (``app.models.files``);
- opening, backing up and restoring compare the file's ``sqlite_master`` with what
  the migrations create for its revision, before anything is written, and refuse a
  file with any other table, index, trigger or view (``refuse_foreign_schema``);
- ``portfolio check`` names every such object (``foreign_objects``);
- a write transaction proves the same, on its own connection, holding the write
  lock (so nothing can change the schema in between), and only then allows the
  file's own triggers to use the search index (``trust_for_writing``): SQLite does
  not let any trigger write an FTS5 table while ``trusted_schema`` is off.

The expected schema is never a list kept by hand: it is what the migrations make in a
fresh in-memory database, worked out once per revision and remembered.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.metadata
import json
import os
import re
import sqlite3
from pathlib import Path
from typing import NamedTuple

from app.errors import PortfolioError
from app.models.files import connect_existing, storage_errors
from app.models.revisions import is_known_revision, single_revision


class SchemaObject(NamedTuple):
    type: str
    name: str
    table: str
    sql: str  # normalised


class ForeignSchemaError(PortfolioError):
    """The file's schema has objects our migrations did not make."""


_QUOTES = re.compile(r"[\"`\[\]]")
_SPACE = re.compile(r"\s+")
_PUNCT_SPACE = re.compile(r"\s*([(),;=])\s*")


def normalise_sql(sql: str | None) -> str:
    """The text SQLite stored, compared without quoting, spacing or letter case."""
    if not sql:
        return ""
    text = _QUOTES.sub("", sql)
    text = _SPACE.sub(" ", text).strip()
    return _PUNCT_SPACE.sub(r"\1", text).lower()


def schema_of(conn: sqlite3.Connection) -> frozenset[SchemaObject]:
    """Every object in the file's own schema (SQLite's internal ``sqlite_*`` ones aside:
    nobody can make an object with such a name)."""
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master").fetchall()
    return frozenset(
        SchemaObject(str(kind), str(name), str(table), normalise_sql(sql))
        for kind, name, table, sql in rows
        if not str(name).lower().startswith("sqlite_")
    )


@functools.lru_cache(maxsize=8)
def expected_schema(revision: str) -> frozenset[SchemaObject]:
    """What the migrations make up to ``revision``, in a fresh in-memory database.

    Remembered in the user's data folder, keyed by the migration scripts' bytes and
    SQLAlchemy's version, so the app need not load Alembic at every start.
    """
    cache = _cache_file(revision)
    if cache is not None:
        with contextlib.suppress(OSError, ValueError, TypeError):
            rows = json.loads(cache.read_text("utf-8"))
            return frozenset(SchemaObject(*map(str, row)) for row in rows)
    made = _run_migrations(revision)
    if cache is not None:
        with contextlib.suppress(OSError):
            cache.parent.mkdir(parents=True, exist_ok=True)
            temp = cache.with_name(f".{cache.name}.{os.getpid()}.part")
            temp.write_text(json.dumps(sorted(made)), "utf-8")
            os.replace(temp, cache)
    return made


def _cache_file(revision: str) -> Path | None:
    from app.models.revisions import cache_folder, scripts_digest

    try:
        digest = hashlib.sha256(importlib.metadata.version("sqlalchemy").encode())
        digest.update(scripts_digest().encode())
        folder = cache_folder()
    except (OSError, importlib.metadata.PackageNotFoundError):
        return None
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", revision)
    return folder / f"{safe}-{digest.hexdigest()[:16]}.json"


def _run_migrations(revision: str) -> frozenset[SchemaObject]:
    from app.models.db import make_engine, upgrade  # SQLAlchemy and Alembic, only now

    engine = make_engine(Path(":memory:"))
    try:
        upgrade(engine, revision)
        with engine.connect() as conn:
            dbapi = conn.connection.dbapi_connection
            assert isinstance(dbapi, sqlite3.Connection)
            return schema_of(dbapi)
    finally:
        engine.dispose()


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        return single_revision(conn)
    except sqlite3.Error:
        return None


def _describe(obj: SchemaObject) -> str:
    on = f" on {obj.table}" if obj.type in ("trigger", "index") and obj.table else ""
    return f"{obj.type} {obj.name}{on}"


@functools.lru_cache(maxsize=16)
def _known(revision: str) -> bool:
    return is_known_revision(revision)


def foreign_objects(conn: sqlite3.Connection) -> list[str]:
    """The objects in the file that the migrations for its revision did not make (or
    made differently), each as "trigger wipe on items"; [] when none, or when the
    revision is not one this version knows (a newer file is refused on its own)."""
    revision = _revision(conn)
    if revision is None or not _known(revision):
        return []
    expected = expected_schema(revision)
    found = schema_of(conn)
    known = {(o.type, o.name): o for o in expected}
    described = []
    for obj in sorted(found - expected):
        ours = known.get((obj.type, obj.name))
        if ours is None:
            described.append(_describe(obj))
        else:
            described.append(f"{_describe(obj)} (changed from the one the app made)")
    return described


def missing_objects(conn: sqlite3.Connection) -> list[str]:
    """The objects the migrations make that the file lacks (for ``check``)."""
    revision = _revision(conn)
    if revision is None or not _known(revision):
        return []
    found = {(o.type, o.name) for o in schema_of(conn)}
    return [
        _describe(o) for o in sorted(expected_schema(revision)) if (o.type, o.name) not in found
    ]


def foreign_schema_message(path: Path, objects: list[str], action: str) -> str:
    shown = ", ".join(objects[:3]) + (f" and {len(objects) - 3} more" if len(objects) > 3 else "")
    return (
        f"{path} holds schema objects Apprentice Portfolio did not make ({shown}); "
        f"it was not {action} and nothing in it ran. Restore a backup, or open it in "
        "the sqlite3 shell to see what was added."
    )


def check_file(path: Path, action: str) -> None:
    """Refuse (one sentence) the file at ``path`` when its schema holds objects our
    migrations did not make: a planted trigger or view must never run. ``action`` is
    what is refused ("opened", "backed up", "restored")."""
    with storage_errors(path, action):
        conn = connect_existing(path)
        try:
            refuse_foreign_schema(conn, path, action)
        finally:
            conn.close()


def refuse_foreign_schema(conn: sqlite3.Connection, path: Path, action: str) -> None:
    """Raise ``ForeignSchemaError`` (one sentence) when the file's schema is not ours."""
    objects = foreign_objects(conn)
    if objects:
        raise ForeignSchemaError(foreign_schema_message(path, objects, action))


def trust_for_writing(conn: sqlite3.Connection) -> None:
    """Inside a write transaction: refuse a foreign schema, else let our own triggers
    (the search index's) run for this transaction; ``harden`` takes it back after."""
    objects = foreign_objects(conn)
    if objects:
        name = conn.execute("PRAGMA database_list").fetchone()[2] or ":memory:"
        raise ForeignSchemaError(foreign_schema_message(Path(name), objects, "changed"))
    revision = _revision(conn)
    if revision is not None and _known(revision):  # else it stays off: nothing proven
        conn.execute("PRAGMA trusted_schema = ON")
