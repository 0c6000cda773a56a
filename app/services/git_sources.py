"""The read side of evidence from git, in SQL on the sqlite3 connection (as ``queries``).

One read path for the CLI, the exports and the desktop app: the apprentice's git
identities, what has been imported already, and an item's source (provenance).
No SQLAlchemy and no Qt here, so the app can show a source without loading the ORM.
"""

from __future__ import annotations

import msgspec

from app.services.git_scan import Identity, Imported
from app.services.queries import Reader, connection
from app.services.views import SourceHint, SourceView

_SOURCE_COLUMNS = (
    "item_id, kind, repository, remote_url, branch, tag, author, commits, hints, imported"
)


def identities(conn: Reader) -> list[Identity]:
    rows = connection(conn).execute("SELECT email, name FROM git_identities ORDER BY id").fetchall()
    return [Identity(email=str(email), name=str(name)) for email, name in rows]


def imported(conn: Reader) -> Imported:
    """Commits imported as merges or days, and tagged commits imported as releases. A release
    lists the commits it collects without taking them: they stay proposed on their own."""
    commits: set[str] = set()
    tags: set[str] = set()
    for kind, ids in connection(conn).execute("SELECT kind, commits FROM item_sources"):
        shas = str(ids).split()
        if kind == "tag":
            tags.update(shas[:1])
        else:
            commits.update(shas)
    return Imported(commits=frozenset(commits), tags=frozenset(tags))


def _hints(text: str) -> tuple[SourceHint, ...]:
    try:
        return msgspec.json.decode(text or "[]", type=tuple[SourceHint, ...])
    except (msgspec.DecodeError, msgspec.ValidationError):
        return ()


def _view(row: tuple[object, ...]) -> SourceView:
    _item, kind, repository, remote_url, branch, tag, author, commits, hints, when = row
    return SourceView(
        kind=str(kind),
        repository=str(repository),
        remote_url=str(remote_url),
        branch=str(branch),
        tag=str(tag),
        author=str(author),
        commits=tuple(str(commits).split()),
        hints=_hints(str(hints)),
        imported=str(when),
    )


def source(conn: Reader, item_id: int) -> SourceView | None:
    """Item ``item_id``'s provenance; None for an item typed by hand."""
    row = (
        connection(conn)
        .execute(f"SELECT {_SOURCE_COLUMNS} FROM item_sources WHERE item_id = ?", (item_id,))
        .fetchone()
    )
    return None if row is None else _view(row)


def sources(conn: Reader) -> dict[int, SourceView]:
    """Every item's provenance by item id."""
    rows = connection(conn).execute(f"SELECT {_SOURCE_COLUMNS} FROM item_sources ORDER BY item_id")
    return {int(row[0]): _view(row) for row in rows}


def sources_by_ref(conn: Reader) -> dict[str, SourceView]:
    """Every item's provenance by ref (E001), for the PDF."""
    return {f"E{item_id:03d}": source for item_id, source in sources(conn).items()}
