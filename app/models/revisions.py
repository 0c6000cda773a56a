"""The file format revision: which ones this version knows, and which one a file is in.

Alembic alone reads the migration scripts. Importing it costs about 0.2 s, and the
desktop app opens a portfolio at every start, so what it says (the head and every
revision it knows) is remembered in the user's data folder, keyed by the scripts'
bytes: only the first start after an install or an update asks Alembic. What a file
is in is read with the sqlite3 driver. Nothing here imports SQLAlchemy or Alembic on
load; a test keeps it so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import PortfolioError
from app.models.files import connect_existing

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def scripts_digest() -> str:
    """A digest of the migration scripts (names and bytes): what is remembered about
    them is valid while it is the same."""
    digest = hashlib.sha256()
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        digest.update(script.name.encode() + b"\0" + script.read_bytes())
    return digest.hexdigest()


def cache_folder() -> Path:
    """Where what the migrations make and know is remembered."""
    from app.config import user_data_dir

    return user_data_dir() / "schema-cache"


@dataclass(frozen=True)
class Known:
    head: str
    revisions: frozenset[str]


_asked: dict[str, Known] = {}  # what Alembic said in this process, by scripts_digest


def _known() -> Known:
    digest = scripts_digest()
    cache = cache_folder() / f"revisions-{digest[:16]}.json"
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        data = json.loads(cache.read_text("utf-8"))
        return Known(str(data["head"]), frozenset(map(str, data["revisions"])))
    known = _asked.get(digest)
    if known is None:
        known = _asked[digest] = _ask_alembic()
    with contextlib.suppress(OSError):
        cache.parent.mkdir(parents=True, exist_ok=True)
        temp = cache.with_name(f".{cache.name}.{os.getpid()}.part")
        record = {"head": known.head, "revisions": sorted(known.revisions)}
        temp.write_text(json.dumps(record), "utf-8")
        os.replace(temp, cache)
    return known


def _ask_alembic() -> Known:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    head = scripts.get_current_head()
    if head is None:
        raise PortfolioError("This installation has no file format migrations; reinstall it.")
    return Known(head, frozenset(script.revision for script in scripts.walk_revisions()))


def head_revision() -> str:
    """The newest file format: the one this version writes."""
    return _known().head


def is_known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this version's formats (else a newer app made it)."""
    return revision in _known().revisions


def revision_rows(conn: sqlite3.Connection) -> list[str] | None:
    """The revisions in the file's ``alembic_version`` table; None when it has none."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not has_table:
        return None
    return [str(row[0]) for row in conn.execute("SELECT version_num FROM alembic_version")]


def single_revision(conn: sqlite3.Connection) -> str | None:
    """The file's one format revision; None when unversioned or anything unusual."""
    rows = revision_rows(conn)
    return rows[0] if rows is not None and len(rows) == 1 else None


def revision_of(path: Path) -> str | None:
    """The format revision the portfolio at ``path`` is in; None when it has none yet.
    Several at once (a branched history, which no version of the app makes) is refused."""
    conn = connect_existing(path)
    try:
        rows = revision_rows(conn) or []
    finally:
        conn.close()
    if len(rows) > 1:
        raise PortfolioError(
            f"{path} records several file formats at once ({', '.join(sorted(rows))}), "
            "which no version of Apprentice Portfolio writes; nothing was changed. "
            "Restore a backup."
        )
    return rows[0] if rows else None


def refuse_newer(path: Path, revision: str | None) -> None:
    """Refuse (one sentence) a file a newer version of the app has written."""
    if revision is not None and not is_known_revision(revision):
        raise PortfolioError(
            f"{path} was saved by a newer version of Apprentice Portfolio "
            f"(file format {revision}); update the app to open it. Nothing was changed."
        )
