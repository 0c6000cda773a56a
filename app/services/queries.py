"""The read side of a portfolio, in SQL on the sqlite3 driver connection.

Every list, heatmap, item page and framework view is read here, with no ORM, and
only here: each read takes a ``Reader``, the desktop app's or the command line's
read connection, or a service's ORM session (read on its own connection, in its
transaction: ``connection``). There is no second, session-only version of a read
in the services (docs/ARCHITECTURE.md, "Reads and writes"; tests/test_read_path.py).
The app's first window is drawn before SQLAlchemy has even been imported (about
0.4 s of a cold start). Writes stay in the ORM services. Nothing here imports
SQLAlchemy or Qt; a test keeps it so.

Each function reads inside whatever transaction the connection is in; callers
that need several reads to agree wrap them in one (``ReadConnection.read``).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

from app.errors import InvalidInputError, NotFoundError
from app.schema.base import checked
from app.schema.portfolio import ItemRecord
from app.schema.settings import MAX_TARGET as MAX_TARGET
from app.services.views import (
    AttachmentView,
    CellCoverage,
    CompetencyCoverage,
    CompetencyView,
    CoverageReport,
    CoverageSummary,
    FrameworkSummary,
    FrameworkView,
    GroupLinkView,
    GroupView,
    ItemSummary,
    ItemView,
    OptionView,
    PortfolioInfo,
    TagView,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BUNDLED_KEYS = ("ST0825", "DDAT-DEVOPS", "TECIT50761")
DDAT_KEY = "DDAT-DEVOPS"  # the DDaT framework: its groups are the role levels
SortKey = Literal["ref", "date", "title", "status", "ksbs", "attachments"]
NO_PORTFOLIO = "This file has no portfolio details; run 'portfolio init' first."
_CHUNK = 900  # ids per IN (...) list, well under SQLite's limit on parameters


@dataclass(frozen=True)
class ItemFilter:
    ksb: str | None = None  # competency code in the portfolio framework (or KEY:CODE)
    duty: str | None = None  # group code (D5 or 5)
    status: str | None = None
    search: str | None = None
    refs: tuple[str, ...] | None = None  # exactly these items (heatmap cell drill-down)


@dataclass(frozen=True)
class FrameworkRow:
    """One installed framework version, as stored (without its competencies)."""

    id: int
    key: str
    version: str
    title: str
    kind: str
    level: int | None
    group_label: str | None
    attribution: str
    source_url: str
    bundled: bool


# What every read takes: the read connection (CLI, desktop app), or an ORM session (a
# service reading inside its transaction).
Reader: TypeAlias = "sqlite3.Connection | Session"


def connection(db: Reader) -> sqlite3.Connection:
    """The sqlite3 connection to read on: ``db`` itself, or a session's own connection."""
    return db if isinstance(db, sqlite3.Connection) else raw_connection(db)


def raw_connection(session: Session) -> sqlite3.Connection:
    """An ORM session's own sqlite3 connection (same transaction), for these queries.

    Pending ORM changes are flushed first, so the SQL sees what the session sees.
    """
    session.flush()
    dbapi = session.connection().connection.dbapi_connection
    assert isinstance(dbapi, sqlite3.Connection)
    return dbapi


# --- small rules shared with the write side ------------------------------------------------------


def check_title(title: str) -> str:
    return checked(ItemRecord, "title", title, "The title")


def check_status(status: str) -> str:
    return checked(ItemRecord, "status", status, "The status")


def normalise_duty(code: str) -> str:
    code = code.strip().upper()
    return f"D{code}" if code.isdigit() else code


def fts_query(search: str) -> str | None:
    """Turn what a user typed into a safe FTS5 query: every word, as a prefix."""
    words = re.findall(r"\w+", search, flags=re.UNICODE)
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """``"1.10"`` sorts after ``"1.9"``."""
    return tuple(
        (int(part), "") if part.isdigit() else (0, part) for part in re.split(r"[.\-]", version)
    )


def _chunks(values: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


# --- the portfolio and its frameworks -----------------------------------------------------------

_FRAMEWORK_COLUMNS = (
    "id, key, version, title, kind, level, group_label, attribution, source_url, bundled"
)


def _framework(row: tuple[object, ...]) -> FrameworkRow:
    ident, key, version, title, kind, level, label, attribution, url, bundled = row
    return FrameworkRow(
        id=int(str(ident)),
        key=str(key),
        version=str(version),
        title=str(title),
        kind=str(kind),
        level=None if level is None else int(str(level)),
        group_label=None if label is None else str(label),
        attribution=str(attribution or ""),
        source_url=str(url or ""),
        bundled=bool(bundled),
    )


def portfolio_framework(conn: Reader) -> FrameworkRow:
    """The framework the portfolio follows."""
    conn = connection(conn)
    row = conn.execute(
        f"SELECT {_FRAMEWORK_COLUMNS} FROM frameworks "
        "WHERE id = (SELECT framework_id FROM portfolio WHERE id = 1)"
    ).fetchone()
    if row is None:
        raise NotFoundError(NO_PORTFOLIO)
    return _framework(row)


def find_framework(conn: Reader, key: str, version: str | None = None) -> FrameworkRow:
    """The framework ``key`` at ``version`` (the newest installed when None)."""
    conn = connection(conn)
    candidates = [
        _framework(row)
        for row in conn.execute(
            f"SELECT {_FRAMEWORK_COLUMNS} FROM frameworks WHERE upper(key) = ?",
            (key.strip().upper(),),
        )
    ]
    if version is not None:
        candidates = [f for f in candidates if f.version == version]
    if not candidates:
        known = ", ".join(sorted({row[0] for row in conn.execute("SELECT key FROM frameworks")}))
        what = f"{key} version {version}" if version else key
        raise NotFoundError(f"No framework {what}; installed frameworks: {known}.")
    return max(candidates, key=lambda f: version_key(f.version))


def framework_for(conn: Reader, key: str | None = None, version: str | None = None) -> FrameworkRow:
    conn = connection(conn)
    return portfolio_framework(conn) if key is None else find_framework(conn, key, version)


def framework_options(conn: sqlite3.Connection, framework_id: int) -> tuple[OptionView, ...]:
    """A standard's options, from its stored document (most frameworks have none)."""
    row = conn.execute(
        "SELECT json_extract(document, '$.options') FROM frameworks WHERE id = ?",
        (framework_id,),
    ).fetchone()
    if row is None or row[0] is None:
        return ()
    return tuple(OptionView(n=int(o["n"]), title=str(o["title"])) for o in json.loads(row[0]))


def portfolio_option(conn: sqlite3.Connection, framework_id: int) -> OptionView | None:
    """The option the portfolio follows, when ``framework_id`` is the standard it follows."""
    row = conn.execute(
        "SELECT framework_id, framework_option FROM portfolio WHERE id = 1"
    ).fetchone()
    if row is None or row[0] != framework_id or row[1] is None:
        return None
    n = int(row[1])
    found = next((o for o in framework_options(conn, framework_id) if o.n == n), None)
    return found or OptionView(n=n, title=f"Option {n}")


def counted_groups(
    conn: sqlite3.Connection, framework_id: int, option: OptionView | None
) -> set[int] | None:
    """Ids of the groups that count under ``option`` (core and the option's); None: all."""
    if option is None:
        return None
    return {
        ident
        for ident, options in conn.execute(
            "SELECT id, options FROM groups WHERE framework_id = ?", (framework_id,)
        )
        if options is None or str(option.n) in str(options).split(",")
    }


def counted_competencies(
    conn: sqlite3.Connection, framework_id: int, groups: set[int] | None
) -> set[int] | None:
    """Ids of the competencies that count: linked to a counted group, or to no group."""
    if groups is None:
        return None
    linked: dict[int, set[int]] = defaultdict(set)
    for group_id, competency_id in conn.execute(
        "SELECT l.group_id, l.competency_id FROM group_links l "
        "JOIN groups g ON g.id = l.group_id WHERE g.framework_id = ?",
        (framework_id,),
    ):
        linked[competency_id].add(group_id)
    return {
        ident
        for (ident,) in conn.execute(
            "SELECT id FROM competencies WHERE framework_id = ?", (framework_id,)
        )
        if not linked[ident] or linked[ident] & groups
    }


def portfolio_info(conn: Reader) -> PortfolioInfo:
    conn = connection(conn)
    row = conn.execute(
        "SELECT p.apprentice_name, p.uln, p.employer, p.provider, f.key, f.version, "
        "p.created, p.updated, p.framework_id FROM portfolio p "
        "JOIN frameworks f ON f.id = p.framework_id WHERE p.id = 1"
    ).fetchone()
    if row is None:
        raise NotFoundError(NO_PORTFOLIO)
    name, uln, employer, provider, key, version, created, updated, framework_id = row
    return PortfolioInfo(
        apprentice_name=name,
        uln=uln,
        employer=employer,
        provider=provider,
        framework_key=key,
        framework_version=version,
        created=created,
        updated=updated,
        option=portfolio_option(conn, framework_id),
    )


def framework_view(
    conn: sqlite3.Connection, framework: FrameworkRow, option: OptionView | None = None
) -> FrameworkView:
    """The framework with its competencies, groups and their links, in their order;
    with ``option``, only the core groups and the option's, and the competencies they
    link (or that no group links)."""
    groups_counted = counted_groups(conn, framework.id, option)
    competencies_counted = counted_competencies(conn, framework.id, groups_counted)
    competencies = [
        (code, kind, text, name)
        for ident, code, kind, text, name in conn.execute(
            "SELECT id, code, kind, text, name FROM competencies WHERE framework_id = ? "
            "ORDER BY position",
            (framework.id,),
        )
        if competencies_counted is None or ident in competencies_counted
    ]
    links: dict[int, list[GroupLinkView]] = defaultdict(list)
    for group_id, code, level, text in conn.execute(
        "SELECT l.group_id, c.code, l.level, l.text FROM group_links l "
        "JOIN groups g ON g.id = l.group_id JOIN competencies c ON c.id = l.competency_id "
        "WHERE g.framework_id = ? ORDER BY l.group_id, l.position",
        (framework.id,),
    ):
        links[group_id].append(GroupLinkView(competency=code, level=level, text=text))
    groups = [
        row
        for row in conn.execute(
            "SELECT id, code, text, name, options FROM groups WHERE framework_id = ? "
            "ORDER BY position",
            (framework.id,),
        )
        if groups_counted is None or row[0] in groups_counted
    ]
    return FrameworkView(
        key=framework.key,
        version=framework.version,
        title=framework.title,
        kind=framework.kind,
        level=framework.level,
        group_label=framework.group_label or "Group",
        attribution=framework.attribution,
        source_url=framework.source_url,
        competencies=tuple(
            CompetencyView(code=code, kind=kind, text=text, name=name)
            for code, kind, text, name in competencies
        ),
        groups=tuple(
            GroupView(
                code=code,
                text=text,
                name=name,
                links=tuple(links[ident]),
                core=options is None,
                options=() if options is None else tuple(int(n) for n in options.split(",")),
            )
            for ident, code, text, name, options in groups
        ),
        options=framework_options(conn, framework.id),
        option=option,
    )


def get_framework(
    conn: Reader, key: str | None = None, version: str | None = None
) -> FrameworkView:
    """A framework; the portfolio's own (``key`` None) as its chosen option counts it."""
    conn = connection(conn)
    if key is None:
        framework = portfolio_framework(conn)
        return framework_view(conn, framework, portfolio_option(conn, framework.id))
    return framework_view(conn, find_framework(conn, key, version))


def list_frameworks(conn: Reader) -> list[FrameworkSummary]:
    """Every installed framework version: the bundled ones first, then by key and version."""
    conn = connection(conn)
    competencies = dict(
        conn.execute("SELECT framework_id, count(*) FROM competencies GROUP BY framework_id")
    )
    groups = dict(conn.execute("SELECT framework_id, count(*) FROM groups GROUP BY framework_id"))
    installed = [
        _framework(row) for row in conn.execute(f"SELECT {_FRAMEWORK_COLUMNS} FROM frameworks")
    ]
    installed.sort(
        key=lambda f: (
            BUNDLED_KEYS.index(f.key) if f.key in BUNDLED_KEYS else len(BUNDLED_KEYS),
            f.key,
            version_key(f.version),
        )
    )
    return [
        FrameworkSummary(
            key=f.key,
            version=f.version,
            title=f.title,
            kind=f.kind,
            level=f.level,
            competencies=competencies.get(f.id, 0),
            groups=groups.get(f.id, 0),
            bundled=f.bundled,
            options=tuple(o.title for o in framework_options(conn, f.id)),
        )
        for f in installed
    ]


def code_noun(group_label: str | None, *, group: bool) -> str:
    """What a code names, in messages: competency, duty (ST0825's groups) or group."""
    if not group:
        return "competency"
    return "duty" if group_label == "Duty" else "group"


def unknown_codes(framework_key: str, what: str, codes: Sequence[str]) -> InvalidInputError:
    return InvalidInputError(
        f"{framework_key} has no {what} {', '.join(codes)}; "
        f"see 'portfolio frameworks show {framework_key}'."
    )


def _code_id(conn: sqlite3.Connection, code: str, default: FrameworkRow, *, group: bool) -> int:
    """The id of a competency (or group) code, bare in ``default`` or as ``KEY:CODE``."""
    framework, bare = default, code.strip().upper()
    if ":" in code:
        key, _, rest = code.partition(":")
        framework, bare = find_framework(conn, key), rest.strip().upper()
    table = "groups" if group else "competencies"
    row = conn.execute(
        f"SELECT id FROM {table} WHERE framework_id = ? AND code = ?", (framework.id, bare)
    ).fetchone()
    if row is None:
        raise unknown_codes(framework.key, code_noun(framework.group_label, group=group), [bare])
    return int(row[0])


# --- items ----------------------------------------------------------------------------------------


def item_ids(conn: Reader, flt: ItemFilter = ItemFilter(), order: SortKey = "ref") -> list[int]:
    """The ids of the items matching ``flt``, in order: cheap, for lazy lists."""
    conn = connection(conn)
    match = fts_query(flt.search) if flt.search else None
    only_search = not (flt.status or flt.ksb or flt.duty or flt.refs is not None)
    if match is not None and only_search and order == "ref":
        # Search as you type: the FTS index alone answers, already in ref order
        # (an item's id is its number).
        cursor = conn.execute(
            "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid", (match,)
        )
        return [row[0] for row in cursor]
    where: list[str] = []
    params: list[object] = []
    default = portfolio_framework(conn)
    if flt.status:
        where.append("i.status = ?")
        params.append(check_status(flt.status))
    if flt.ksb:
        where.append("i.id IN (SELECT item_id FROM item_competencies WHERE competency_id = ?)")
        params.append(_code_id(conn, flt.ksb, default, group=False))
    if flt.duty:
        where.append("i.id IN (SELECT item_id FROM item_groups WHERE group_id = ?)")
        params.append(_code_id(conn, normalise_duty(flt.duty), default, group=True))
    if flt.refs is not None:
        where.append("i.ref IN (SELECT value FROM json_each(?))")
        params.append(json.dumps([ref.upper() for ref in flt.refs]))
    if match is not None:
        where.append("i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
        params.append(match)
    joined = ""
    if order == "ksbs":  # one grouped pass joined in, not a count per row (~10x faster)
        joined = (
            "LEFT JOIN (SELECT item_id, count(*) AS n FROM item_competencies "
            "WHERE competency_id IN (SELECT id FROM competencies WHERE framework_id = ?) "
            "GROUP BY item_id) per_item ON per_item.item_id = i.id "
        )
        params.insert(0, default.id)
    elif order == "attachments":
        joined = (
            "LEFT JOIN (SELECT item_id, count(*) AS n FROM attachments GROUP BY item_id) "
            "per_item ON per_item.item_id = i.id "
        )
    ordering = {
        "ref": "i.id",  # an item's id is its number: rowid order is ref order
        "date": "i.date, i.number",
        "title": "i.title, i.number",
        "status": "i.status, i.number",
        "ksbs": "coalesce(per_item.n, 0), i.number",
        "attachments": "coalesce(per_item.n, 0), i.number",
    }[order]
    sql = f"SELECT i.id FROM items i {joined}"
    if where:
        sql += "WHERE " + " AND ".join(where) + " "
    return [row[0] for row in conn.execute(sql + f"ORDER BY {ordering}", params)]


def item_id(conn: Reader, ref: str) -> int:
    conn = connection(conn)
    row = conn.execute("SELECT id FROM items WHERE ref = ?", (ref.strip().upper(),)).fetchone()
    if row is None:
        raise NotFoundError(f"There is no evidence item {ref}; see 'portfolio item list'.")
    return int(row[0])


def summaries(conn: Reader, ids: Sequence[int]) -> list[ItemSummary]:
    """Rows for ``ids`` (in that order), with tags and attachments, in four queries."""
    conn = connection(conn)
    if not ids:
        return []
    framework = portfolio_framework(conn)
    rows: dict[int, tuple[str, str, str, str]] = {}
    ksbs: dict[int, list[str]] = defaultdict(list)
    duties: dict[int, list[str]] = defaultdict(list)
    files: dict[int, list[AttachmentView]] = defaultdict(list)
    for chunk in _chunks(ids):
        marks = _marks(chunk)
        for ident, ref, title, date, status in conn.execute(
            f"SELECT id, ref, title, date, status FROM items WHERE id IN ({marks})", chunk
        ):
            rows[ident] = (ref, title, date, status)
        for ident, code in conn.execute(
            "SELECT t.item_id, c.code FROM item_competencies t "
            "JOIN competencies c ON c.id = t.competency_id "
            f"WHERE t.item_id IN ({marks}) AND c.framework_id = ? ORDER BY c.position",
            [*chunk, framework.id],
        ):
            ksbs[ident].append(code)
        for ident, code in conn.execute(
            "SELECT t.item_id, g.code FROM item_groups t JOIN groups g ON g.id = t.group_id "
            f"WHERE t.item_id IN ({marks}) AND g.framework_id = ? ORDER BY g.position",
            [*chunk, framework.id],
        ):
            duties[ident].append(code)
        for attachment_id, ident, name, size, sha256, media_type in conn.execute(
            "SELECT id, item_id, name, size, sha256, media_type FROM attachments "
            f"WHERE item_id IN ({marks}) ORDER BY position",
            chunk,
        ):
            files[ident].append(
                AttachmentView(
                    id=attachment_id, name=name, size=size, sha256=sha256, media_type=media_type
                )
            )
    return [
        ItemSummary(
            id=ident,
            ref=rows[ident][0],
            title=rows[ident][1],
            date=rows[ident][2],
            status=rows[ident][3],
            ksbs=tuple(ksbs[ident]),
            duties=tuple(duties[ident]),
            attachments=tuple(files[ident]),
        )
        for ident in ids
        if ident in rows
    ]


def items_by_id(conn: Reader, ids: Sequence[int]) -> list[ItemView]:
    """Full items (body, justifications, tags against every framework) for ``ids``."""
    conn = connection(conn)
    framework = portfolio_framework(conn)
    heads = {s.id: s for s in summaries(conn, ids)}
    own: dict[tuple[str, int], list[tuple[int, TagView]]] = defaultdict(list)
    other: dict[int, list[TagView]] = defaultdict(list)
    details: dict[int, tuple[str, str, str]] = {}
    for chunk in _chunks(ids):
        marks = _marks(chunk)
        for kind, table, join in (
            ("ksb", "item_competencies", "competencies c ON c.id = t.competency_id"),
            ("duty", "item_groups", "groups c ON c.id = t.group_id"),
        ):
            for ident, code, why, fw_id, fw_key, position in conn.execute(
                f"SELECT t.item_id, c.code, t.justification, f.id, f.key, c.position "
                f"FROM {table} t JOIN {join} JOIN frameworks f ON f.id = c.framework_id "
                f"WHERE t.item_id IN ({marks})",
                chunk,
            ):
                view = TagView(code=code, justification=why, framework=fw_key)
                if fw_id == framework.id:
                    own[(kind, ident)].append((position, view))
                else:
                    other[ident].append(view)
        for ident, body, created, updated in conn.execute(
            f"SELECT id, body, created, updated FROM items WHERE id IN ({marks})", chunk
        ):
            details[ident] = (body, created, updated)

    def in_order(kind: str, ident: int) -> tuple[TagView, ...]:
        return tuple(view for _, view in sorted(own[(kind, ident)], key=lambda p: p[0]))

    full: list[ItemView] = []
    for ident in ids:
        head = heads.get(ident)
        if head is None:
            continue
        body, created, updated = details[ident]
        full.append(
            ItemView(
                id=head.id,
                ref=head.ref,
                title=head.title,
                date=head.date,
                status=head.status,
                ksbs=head.ksbs,
                duties=head.duties,
                attachments=head.attachments,
                body=body,
                created=created,
                updated=updated,
                ksb_tags=in_order("ksb", ident),
                duty_tags=in_order("duty", ident),
                other_tags=tuple(sorted(other[ident], key=lambda t: (t.framework, t.code))),
            )
        )
    return full


def get_item(conn: Reader, ref: str) -> ItemView:
    conn = connection(conn)
    return items_by_id(conn, [item_id(conn, ref)])[0]


def list_items(
    conn: Reader, flt: ItemFilter = ItemFilter(), order: SortKey = "ref"
) -> list[ItemSummary]:
    """The rows of the items matching ``flt``, in order (``item_ids``, then ``summaries``)."""
    conn = connection(conn)
    return summaries(conn, item_ids(conn, flt, order))


def all_items(conn: Reader) -> list[ItemView]:
    """Every item in full, in ref order."""
    conn = connection(conn)
    return items_by_id(conn, item_ids(conn))


def read_attachment(conn: Reader, attachment_id: int) -> tuple[AttachmentView, bytes]:
    """An attachment and its bytes."""
    conn = connection(conn)
    row = conn.execute(
        "SELECT id, name, size, sha256, media_type FROM attachments WHERE id = ?",
        (attachment_id,),
    ).fetchone()
    if row is None:
        raise NotFoundError(f"There is no attachment {attachment_id}.")
    view = AttachmentView(id=row[0], name=row[1], size=row[2], sha256=row[3], media_type=row[4])
    data = conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (view.sha256,)).fetchone()
    if data is None:
        raise NotFoundError(f"The bytes of {view.name} are missing from the portfolio.")
    return view, bytes(data[0])


# --- coverage -------------------------------------------------------------------------------------

_REF_TEXT: list[str] = []  # "E001"… by item number: formatting 20,000 refs costs more than SQL


def _refs(ids_text: str) -> list[str]:
    """``"3,7,12"`` (ascending, from the covering index) → ``["E003", "E007", "E012"]``."""
    ids = [int(n) for n in ids_text.split(",")]
    if ids[-1] >= len(_REF_TEXT):
        _REF_TEXT.extend(f"E{n:03d}" for n in range(len(_REF_TEXT), ids[-1] + 1000))
    return [_REF_TEXT[n] for n in ids]


# (item id, competency id) of the claims counted, from one JSON parameter: [[7, "K1"], …]
_CONFIRMED_TAGS = (
    "WITH chosen(item_id, competency_id) AS (SELECT DISTINCT "
    "json_extract(j.value, '$[0]'), c.id FROM json_each(?) j JOIN competencies c "
    "ON c.code = json_extract(j.value, '$[1]') AND c.framework_id = ?) "
)


def _claims_json(
    conn: sqlite3.Connection, framework: FrameworkRow, claims: Collection[tuple[int, str]]
) -> str:
    """The claims of ``framework`` among ``claims``, as ``[[item id, code], …]``: a plain code
    belongs to the portfolio's own framework, ``KEY:CODE`` to framework KEY."""
    own = portfolio_framework(conn).id == framework.id
    prefix = f"{framework.key}:".upper()
    chosen: list[tuple[int, str]] = []
    for item_id, code in claims:
        code = code.upper()
        if code.startswith(prefix):
            chosen.append((item_id, code[len(prefix) :]))
        elif own and ":" not in code:
            chosen.append((item_id, code))
    return json.dumps(sorted(set(chosen)))


def compute_coverage(
    conn: Reader,
    framework_key: str | None = None,
    version: str | None = None,
    target: int = 1,
    *,
    with_items: bool = True,
    confirmed: Collection[tuple[int, str]] | None = None,
) -> CoverageReport:
    """Counts per competency (ready items; drafts apart) and per linked group×competency cell.

    ``with_items=False`` leaves each competency's list of refs empty: the heatmap
    needs only the numbers, and skipping the lists makes a refresh ~10x cheaper.

    ``confirmed``: count only these claims, as (item id, code) pairs (a code of
    another framework qualified as ``KEY:CODE``), such as the claims the employer
    confirmed for the items' current versions. The counts are then a query over
    that set instead of the precomputed ``group_links.ready_count``: a cell counts
    ready items tagged with its group whose claim of its competency is confirmed.
    """
    conn = connection(conn)
    if not 1 <= target <= MAX_TARGET:
        raise InvalidInputError(f"The target must be between 1 and {MAX_TARGET}, not {target}.")
    framework = framework_for(conn, framework_key, version)
    option = portfolio_option(conn, framework.id)
    groups_counted = counted_groups(conn, framework.id, option)
    competencies_counted = counted_competencies(conn, framework.id, groups_counted)
    competencies = [
        row
        for row in conn.execute(
            "SELECT id, code, kind FROM competencies WHERE framework_id = ? ORDER BY position",
            (framework.id,),
        )
        if competencies_counted is None or row[0] in competencies_counted
    ]
    groups = [
        row
        for row in conn.execute(
            "SELECT id, code FROM groups WHERE framework_id = ? ORDER BY position",
            (framework.id,),
        )
        if groups_counted is None or row[0] in groups_counted
    ]

    # The one query that touches every tag row, on the covering index (competency_id,
    # ready, item_id); an item's id is its number, so refs come from the index in order.
    ready: dict[int, list[str]] = {}
    ready_counts: dict[int, int] = {}
    drafts: dict[int, int] = {}
    if confirmed is None:
        tag_rows = conn.execute(
            "SELECT competency_id, ready, count(*), "
            + ("group_concat(item_id, ',') " if with_items else "'' ")
            + "FROM item_competencies WHERE competency_id IN "
            "(SELECT id FROM competencies WHERE framework_id = ?) "
            "GROUP BY competency_id, ready",
            (framework.id,),
        )
    else:
        chosen = _claims_json(conn, framework, confirmed)
        tag_rows = conn.execute(
            _CONFIRMED_TAGS
            + "SELECT ic.competency_id, ic.ready, count(*), "
            + ("group_concat(ic.item_id, ',') " if with_items else "'' ")
            + "FROM (SELECT ic.* FROM item_competencies ic JOIN chosen t "
            "ON t.item_id = ic.item_id AND t.competency_id = ic.competency_id "
            "ORDER BY ic.competency_id, ic.ready, ic.item_id) ic "
            "GROUP BY ic.competency_id, ic.ready",
            (chosen, framework.id),
        )
    for competency_id, is_ready, count, refs in tag_rows:
        if is_ready:
            ready[competency_id] = _refs(refs) if with_items else []
            ready_counts[competency_id] = count
        else:
            drafts[competency_id] = count

    group_code = {gid: code for gid, code in groups}
    competency_code = {cid: code for cid, code, _ in competencies}
    if confirmed is None:
        link_rows = conn.execute(
            "SELECT l.group_id, l.competency_id, l.ready_count FROM group_links l "
            "JOIN groups g ON g.id = l.group_id WHERE g.framework_id = ? "
            "ORDER BY g.position, l.position",
            (framework.id,),
        )
    else:
        link_rows = conn.execute(
            _CONFIRMED_TAGS + "SELECT l.group_id, l.competency_id, "
            "(SELECT count(*) FROM item_competencies ic "
            "JOIN chosen t ON t.item_id = ic.item_id AND t.competency_id = ic.competency_id "
            "JOIN item_groups ig ON ig.item_id = ic.item_id AND ig.group_id = l.group_id "
            "WHERE ic.competency_id = l.competency_id AND ic.ready = 1) "
            "FROM group_links l JOIN groups g ON g.id = l.group_id WHERE g.framework_id = ? "
            "ORDER BY g.position, l.position",
            (_claims_json(conn, framework, confirmed), framework.id, framework.id),
        )
    linked = [row for row in link_rows if row[0] in group_code and row[1] in competency_code]
    rows = [
        CompetencyCoverage(
            code=code,
            kind=kind,
            count=ready_counts.get(cid, 0),
            drafts=drafts.get(cid, 0),
            met=ready_counts.get(cid, 0) >= target,
            items=tuple(ready.get(cid, ())),
        )
        for cid, code, kind in competencies
    ]
    cells = tuple(
        CellCoverage(group=group_code[gid], competency=competency_code[cid], count=count)
        for gid, cid, count in linked
    )
    return CoverageReport(
        framework=framework.key,
        version=framework.version,
        target=target,
        competencies=tuple(rows),
        cells=cells,
        summary=CoverageSummary(
            competencies=len(rows),
            met=sum(1 for r in rows if r.met),
            linked_cells=len(cells),
            covered_cells=sum(1 for c in cells if c.count > 0),
        ),
        groups=tuple(code for _, code in groups),
        option=option,
    )


def count_items(conn: Reader) -> int:
    conn = connection(conn)
    return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
