"""``item import``: many evidence items at once, from Markdown files or JSON Lines.

Two inputs, the same fields:

- a folder of Markdown files (``*.md``, read in name order), each starting with
  YAML front matter between ``---`` lines, the reflection after it;
- a JSON Lines file, one object per line, the reflection in ``body``.

Fields: ``title`` (required), ``date`` (YYYY-MM-DD, default today), ``status``
(draft or ready), ``ksb`` and ``duty`` (a list or a comma-separated string),
``attachments`` (paths relative to the file that names them). Anything else is
refused, so a typo (``ksbs:``) is not silently ignored.

Everything is read and checked before anything is written (unknown codes,
missing attachments, bad dates: one sentence naming the file and line), then
written in the caller's one transaction; print renditions of the photos are
made on worker threads while the items are written.

YAML is read with PyYAML's safe loader (no object construction), with aliases
refused and the front matter limited in size, so a hostile file cannot expand
into gigabytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import msgspec
import yaml
from sqlalchemy.orm import Session

from app.errors import InvalidInputError, PortfolioError
from app.models.orm import Item
from app.schema.base import nonblank
from app.services import attachments as attachment_service
from app.services import evidence
from app.services.files_in import MAX_ATTACHMENT_BYTES, read_capped

MAX_ENTRIES = 100_000
MAX_FILE_BYTES = 16 * 1024 * 1024  # one Markdown file or one JSON line
MAX_FRONT_MATTER = 64 * 1024
MAX_JSONL_BYTES = 512 * 1024 * 1024
FIELDS = ("title", "date", "status", "ksb", "duty", "attachments", "body")

Progress = Callable[[int, int], None]  # (items written, of total)


@dataclass(frozen=True)
class BulkEntry:
    """One item to import, checked for form; ``where`` names its file (and line)."""

    where: str
    title: str
    date: str
    status: str
    ksbs: tuple[str, ...]
    duties: tuple[str, ...]
    attachments: tuple[Path, ...]
    body: str
    field_lines: tuple[tuple[str, int], ...] = ()  # where each field is, for messages

    def at(self, field: str) -> str:
        """``notes/a.md line 4`` for ``field`` where its line is known, else ``where``."""
        for name, line in self.field_lines:
            if name == field:
                return f"{self.where.split(' line ')[0]} line {line}"
        return self.where


class _FrontMatterLoader(yaml.SafeLoader):
    """The safe loader with aliases refused: ``*a`` repeated cannot blow up memory."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "uses an alias (*name), which is not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


# dates stay text, checked by the same rule as everywhere else (2026-02-30 is one sentence)
_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# --- reading --------------------------------------------------------------------------------------


def read_entries(path: Path) -> list[BulkEntry]:
    """Every entry under ``path`` (a folder of Markdown files or a .jsonl file), checked."""
    path = Path(path)
    if not path.exists():
        raise InvalidInputError(f"{path} does not exist.")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".md" and p.is_file())
        if not files:
            raise InvalidInputError(f"The folder {path} has no Markdown (.md) files to import.")
        if len(files) > MAX_ENTRIES:
            raise InvalidInputError(f"The folder {path} has more than {MAX_ENTRIES} files.")
        return [_markdown_entry(f, f.relative_to(path.parent).as_posix()) for f in files]
    if not path.is_file():
        raise InvalidInputError(f"{path} is neither a folder nor a file.")
    if path.suffix.lower() in (".md", ".markdown"):
        return [_markdown_entry(path, path.name)]
    return _jsonl_entries(path)


def _decode(data: bytes, where: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InvalidInputError(f"{where} line {line} is not UTF-8 text.") from exc
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise InvalidInputError(f"{where} line {line} has a NUL character.")
    return text


_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:", re.MULTILINE)


def _markdown_entry(path: Path, where: str) -> BulkEntry:
    text = _decode(read_capped(path, where, MAX_FILE_BYTES), where)
    lines = text.split("\n", 1)
    if lines[0].rstrip() != "---":
        raise InvalidInputError(
            f"{where} line 1 does not start YAML front matter: the file must begin with '---'."
        )
    rest = lines[1] if len(lines) > 1 else ""
    end = _FENCE.search(rest)
    if end is None:
        raise InvalidInputError(f"{where}: the front matter has no closing '---' line.")
    front = rest[: end.start()]
    if len(front) > MAX_FRONT_MATTER:
        raise InvalidInputError(
            f"{where}: the front matter is over {MAX_FRONT_MATTER // 1024} KB; "
            "put long text in the reflection below it."
        )
    body = rest[end.end() :].removeprefix("\n")
    try:
        data = yaml.load(front, Loader=_FrontMatterLoader)  # a SafeLoader: builds no objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else 2
        problem = exc.problem or exc.context or "is not valid YAML"
        raise InvalidInputError(f"{where} line {line}: the front matter {problem}.") from exc
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise InvalidInputError(f"{where}: the front matter is not valid YAML.") from exc
    if not isinstance(data, dict):
        raise InvalidInputError(f"{where} line 2: the front matter is not a list of 'key: value'.")
    if "body" in data:
        raise InvalidInputError(
            f"{where}: 'body' belongs in JSON Lines; write the reflection below the front matter."
        )
    field_lines = tuple(
        (m.group(1), 2 + front[: m.start()].count("\n")) for m in _KEY_LINE.finditer(front)
    )
    return _entry(data, where, path.parent, body, field_lines)


def _jsonl_entries(path: Path) -> list[BulkEntry]:
    name = path.name
    text = _decode(read_capped(path, name, MAX_JSONL_BYTES), name)
    entries: list[BulkEntry] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        if len(line) > MAX_FILE_BYTES:
            raise InvalidInputError(f"{where} is over {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        try:
            data = json.loads(line)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            column = getattr(exc, "colno", None)
            at = f" (column {column})" if column else ""
            raise InvalidInputError(f"{where} is not a JSON object{at}.") from exc
        if not isinstance(data, dict):
            raise InvalidInputError(f"{where} is not a JSON object.")
        entries.append(_entry(data, where, path.parent, data.pop("body", ""), ()))
        if len(entries) > MAX_ENTRIES:
            raise InvalidInputError(f"{name} has more than {MAX_ENTRIES} items.")
    if not entries:
        raise InvalidInputError(f"{name} has no items: write one JSON object per line.")
    return entries


Codes = str | int | list[str | int] | None


class _Fields(msgspec.Struct, forbid_unknown_fields=True):
    """One entry's fields as written (``FIELDS``); their values are checked below."""

    title: str
    date: str | None = None
    status: str = "draft"
    ksb: Codes = None
    duty: Codes = None
    attachments: str | list[Annotated[str, nonblank(4_000)]] | None = None
    body: str = ""


_SAYS = {
    "title": "every item needs a 'title' (text)",
    "date": "the date must be written as YYYY-MM-DD",
    "status": "the status must be draft or ready",
    "ksb": "'ksb' must be a list of codes or 'K1, S14'",
    "duty": "'duty' must be a list of codes or 'K1, S14'",
    "attachments": "'attachments' must be a list of paths",
    "body": "'body' must be text",
}


def _codes(value: Codes) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(evidence.split_codes(value))
    listed = [value] if isinstance(value, int) else value or []
    return tuple(str(v).strip() for v in listed if str(v).strip())


def _entry(
    data: dict[Any, Any],
    where: str,
    folder: Path,
    body: str,
    field_lines: tuple[tuple[str, int], ...],
) -> BulkEntry:
    lines = dict(field_lines)

    def at(field: str) -> str:
        line = lines.get(field)
        return f"{where} line {line}" if line else where

    try:
        fields = msgspec.convert({**data, "body": body}, _Fields)
    except msgspec.ValidationError as exc:
        found = re.search(r"field `([^`]+)`|at `\$\.(\w+)", str(exc))
        field = (found[1] or found[2]) if found else ""
        if field in _SAYS and "unknown field" not in str(exc):
            raise InvalidInputError(f"{at(field)}: {_SAYS[field]}.") from None
        unknown = field or next(str(k) for k in data if k not in FIELDS)
        raise InvalidInputError(
            f"{at(unknown)}: '{unknown}' is not a field; use "
            f"{', '.join(f for f in FIELDS if f != 'body')}."
        ) from None
    try:
        evidence.check_title(fields.title)
        item_date = evidence.parse_date(fields.date)
        evidence.check_status(fields.status)
    except PortfolioError as exc:
        field = "title" if "title" in str(exc) else "date" if "date" in str(exc) else "status"
        raise InvalidInputError(f"{at(field)}: {exc}") from exc
    paths = fields.attachments or []
    return BulkEntry(
        where=where,
        title=fields.title,
        date=item_date,
        status=fields.status,
        ksbs=_codes(fields.ksb),
        duties=_codes(fields.duty),
        attachments=tuple(
            folder / a.strip() for a in ([paths] if isinstance(paths, str) else paths)
        ),
        body=body,
        field_lines=field_lines,
    )


# --- checking against the portfolio, then writing ------------------------------------------------


def check_entries(session: Session, entries: Sequence[BulkEntry]) -> None:
    """Refuse, naming the file and line, any unknown code or unreadable attachment."""
    for entry in entries:
        for field, codes, groups in (("ksb", entry.ksbs, False), ("duty", entry.duties, True)):
            try:
                evidence.resolve_codes(session, codes, groups=groups)
            except PortfolioError as exc:
                raise InvalidInputError(f"{entry.at(field)}: {exc}") from exc
        for attachment in entry.attachments:
            try:
                size = attachment.stat().st_size
            except FileNotFoundError as exc:
                raise InvalidInputError(
                    f"{entry.at('attachments')}: the attachment {attachment} does not exist."
                ) from exc
            except OSError as exc:
                raise InvalidInputError(
                    f"{entry.at('attachments')}: the attachment {attachment} cannot be read "
                    f"({exc.strerror})."
                ) from exc
            if not attachment.is_file():
                raise InvalidInputError(
                    f"{entry.at('attachments')}: the attachment {attachment} is not a file."
                )
            if size > MAX_ATTACHMENT_BYTES:
                raise InvalidInputError(
                    f"{entry.at('attachments')}: the attachment {attachment} is over "
                    f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB."
                )


def import_entries(
    session: Session, entries: Sequence[BulkEntry], progress: Progress | None = None
) -> list[str]:
    """Write ``entries`` as new items in the caller's transaction; return their refs.

    Raises (and the caller rolls back) on the first problem, so either every item
    is added or none is.
    """
    check_entries(session, entries)
    from app.services.renditions import RenditionQueue

    queued: set[str] = set()

    def store(digest: str, rendition: Any) -> None:
        attachment_service.store_rendition(session, digest, rendition)

    renditions = RenditionQueue(store)

    def defer(digest: str, data: bytes) -> None:
        if digest not in queued:
            queued.add(digest)
            renditions.add(digest, data)

    refs: list[str] = []
    try:
        for done, entry in enumerate(entries):
            try:
                view = evidence.add_item(
                    session,
                    title=entry.title,
                    date=entry.date,
                    body=entry.body,
                    status=entry.status,
                    ksbs=entry.ksbs,
                    duties=entry.duties,
                )
                item = session.get(Item, int(view.ref[1:]))
                assert item is not None
                for path in entry.attachments:
                    file = attachment_service.read_file(path)
                    attachment_service.add_attachment(session, item, file, defer_rendition=defer)
            except PortfolioError as exc:
                raise InvalidInputError(f"{entry.where}: {exc}") from exc
            refs.append(view.ref)
            if progress is not None:
                progress(done + 1, len(entries))
        renditions.finish()
    except BaseException:
        renditions.cancel()
        raise
    session.flush()
    return refs


def import_path(session: Session, path: Path, progress: Progress | None = None) -> list[str]:
    """Read ``path`` and import every entry in it (all or nothing); return the new refs."""
    return import_entries(session, read_entries(path), progress)
