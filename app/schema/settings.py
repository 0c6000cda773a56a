"""The settings file (``settings.json``) and IT's policy file: each setting declared once.

A setting is one field of ``Settings``: its type, its limits (``Meta``), its default and
the label the app shows (``Meta(title=...)``). Reading a file converts each value with
that same type (``setting_value``): a value that does not fit is ignored on its own (the
rest of the file still counts) and the default stays. ``WindowLayout`` is what the app
remembers of its window, written in the same file.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from app.config import user_data_dir
from app.schema.base import Record, one_of

MAX_PIXELS = 100_000  # beyond any screen: a larger number in the file is a damaged value
MAX_RECENT = 8
MAX_TARGET = 1_000  # items per KSB for a full heatmap cell
PAGE_SIZES = ("A4", "Letter")

Pixels = Annotated[int, Meta(ge=-MAX_PIXELS, le=MAX_PIXELS)]
Size = Annotated[int, Meta(ge=1, le=MAX_PIXELS)]
PaneSize = Annotated[int, Meta(ge=0, le=MAX_PIXELS)]
Folder = Annotated[str, Meta(max_length=4096)]


class _LayoutFile(Record):
    """``window_layout`` as the file holds it."""

    x: Pixels
    y: Pixels
    width: Size
    height: Size
    maximized: bool = False
    splitters: dict[str, Annotated[tuple[PaneSize, ...], Meta(min_length=1)]] = msgspec.field(
        default_factory=dict
    )


@dataclass(frozen=True)
class WindowLayout:
    """The main window as it was last closed: remembered by the app, not a preference.

    ``x``/``y`` are the top-left corner of the window's frame, ``width``/``height`` the
    size inside it, both of the normal (not maximised) window; ``splitters`` holds each
    named splitter's pane sizes in pixels.
    """

    x: int
    y: int
    width: int
    height: int
    maximized: bool = False
    splitters: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def splitter(self, name: str) -> tuple[int, ...] | None:
        return dict(self.splitters).get(name)

    def to_json(self) -> dict[str, Any]:
        layout = _LayoutFile(
            x=self.x,
            y=self.y,
            width=self.width,
            height=self.height,
            maximized=self.maximized,
            splitters=dict(self.splitters),
        )
        found: dict[str, Any] = msgspec.to_builtins(layout)
        found.setdefault("maximized", False)
        found.setdefault("splitters", {})
        return found

    @classmethod
    def from_json(cls, value: Any) -> WindowLayout | None:
        """The layout in ``value`` (as ``to_json`` wrote it), or None if it is not one."""
        try:
            layout = msgspec.convert(value, _LayoutFile, strict=True)
        except msgspec.ValidationError:
            return None
        splitters = tuple((name, tuple(sizes)) for name, sizes in layout.splitters.items())
        return cls(layout.x, layout.y, layout.width, layout.height, layout.maximized, splitters)


def _label(text: str) -> Meta:
    return Meta(title=text)


@dataclass(frozen=True)
class Settings:
    """Every setting: type, limits, default and label, once. A field without a title is
    remembered by the app rather than chosen (see ``REMEMBERED``)."""

    # where new portfolios go; empty = the user data folder
    portfolio_folder: Annotated[Folder, _label("Folder for new portfolios")] = ""
    backup_folder: Annotated[Folder, _label("Backup folder")] = ""  # empty = <data>/backups
    backup_keep_recent: Annotated[int, Meta(ge=1, le=10_000, title="Recent backups kept")] = 10
    backup_keep_daily_days: Annotated[
        int, Meta(ge=0, le=100_000, title="Days of daily backups kept")
    ] = 30
    backup_interval_minutes: Annotated[
        int, Meta(ge=1, le=100_000, title="Minutes between automatic backups")
    ] = 15
    heatmap_target: Annotated[
        int, Meta(ge=1, le=MAX_TARGET, title="Heatmap target (items per KSB)")
    ] = 1
    export_page_size: Annotated[str, one_of(PAGE_SIZES), _label("PDF page size")] = "A4"
    recent_files: Annotated[
        tuple[Annotated[str, Meta(max_length=4096)], ...], _label("Recent portfolios")
    ] = ()
    window_layout: WindowLayout | None = None  # remembered, not a preference
    managed: frozenset[str] = field(default=frozenset(), compare=False)

    def resolved_portfolio_folder(self) -> Path:
        return (
            Path(self.portfolio_folder).expanduser() if self.portfolio_folder else user_data_dir()
        )

    def resolved_backup_folder(self) -> Path:
        if self.backup_folder:
            return Path(self.backup_folder).expanduser()
        return user_data_dir() / "backups"

    def is_managed(self, name: str) -> bool:
        return name in self.managed


@cache
def _declared() -> dict[str, Any]:
    """Each setting's declared type (with its constraints), by name."""
    hints = typing.get_type_hints(Settings, include_extras=True)
    return {f.name: hints[f.name] for f in fields(Settings) if f.name != "managed"}


@cache
def labels() -> dict[str, str]:
    """The label of every setting a user chooses, in declaration order."""
    found = {}
    for name, kind in _declared().items():
        title = next(
            (m.title for m in typing.get_args(kind)[1:] if isinstance(m, Meta) and m.title), None
        )
        if title:
            found[name] = title
    return found


def bounds(name: str) -> tuple[int, int]:
    """The smallest and the largest value of the whole-number setting ``name``."""
    meta = next(m for m in typing.get_args(_declared()[name])[1:] if isinstance(m, Meta))
    assert meta.ge is not None and meta.le is not None
    return int(meta.ge), int(meta.le)


def remembered() -> frozenset[str]:
    """What the app remembers of how it was used, rather than what the user chose: IT's
    policy neither sets nor locks it, and ``portfolio settings`` does not list it."""
    return frozenset(_declared()) - frozenset(labels())


def known(name: str) -> bool:
    return name in _declared()


def setting_value(name: str, value: Any) -> Any:
    """``value`` (as read from a file, ``msgspec.Raw``, or a plain value) as the setting
    ``name`` holds it, or None when it does not fit."""
    kind = _declared().get(name)
    if kind is None:
        return None
    if name == "window_layout":
        kind = _LayoutFile
    try:
        if isinstance(value, msgspec.Raw):
            found = msgspec.json.decode(value, type=kind, strict=True)
        else:
            found = msgspec.convert(value, kind, strict=True)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return None
    if isinstance(found, _LayoutFile):
        return WindowLayout.from_json(msgspec.to_builtins(found))
    return found


def raw_object(data: bytes | msgspec.Raw) -> dict[str, msgspec.Raw] | None:
    """A JSON object's values, each left undecoded (so one bad value spoils only itself);
    None when ``data`` is not a JSON object."""
    try:
        return msgspec.json.decode(data, type=dict[str, msgspec.Raw])
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return None


def raw_names(data: msgspec.Raw | None) -> list[str]:
    """A JSON list of names (the policy's ``locked``); empty when it is not one."""
    if data is None:
        return []
    try:
        return msgspec.json.decode(data, type=list[str])
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):
        return []


def file_value(name: str, value: Any) -> Any:
    """The setting's value as the file holds it (None: not written)."""
    if isinstance(value, WindowLayout):
        return value.to_json()
    if value is None:
        return None
    return list(value) if isinstance(value, tuple) else value
