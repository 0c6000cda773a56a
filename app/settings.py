"""Typed settings in one place: defaults, the user's file, and IT's machine policy.

Precedence (lowest first): the defaults declared here, the machine-wide policy's
values, the user's own ``settings.json``, and finally any key the policy *locks*
(the user's value is ignored and the UI shows it as managed).

Policy file (JSON, read-only to users):
- Linux:   ``/etc/xdg/ApprenticePortfolio/policy.json``
- Windows: ``%ProgramData%\\ApprenticePortfolio\\policy.json``
- macOS:   ``/Library/Application Support/ApprenticePortfolio/policy.json``
``PORTFOLIO_POLICY_FILE`` points elsewhere (tests, staging).

Shape: ``{"settings": {"backup_keep_recent": 20, ...}, "locked": ["backup_folder"]}``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from app.config import APP_NAME, user_config_dir, user_data_dir

log = logging.getLogger(__name__)


MAX_PIXELS = 100_000  # beyond any screen: a larger number in the file is a damaged value


def _pixels(value: Any, low: int) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= MAX_PIXELS
    return value if ok else None


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
        return {
            "x": self.x,
            "y": self.y,
            "width": self.width,
            "height": self.height,
            "maximized": self.maximized,
            "splitters": {name: list(sizes) for name, sizes in self.splitters},
        }

    @classmethod
    def from_json(cls, value: Any) -> WindowLayout | None:
        """The layout in ``value`` (as ``to_json`` wrote it), or None if it is not one."""
        if not isinstance(value, dict):
            return None
        x, y = _pixels(value.get("x"), -MAX_PIXELS), _pixels(value.get("y"), -MAX_PIXELS)
        width, height = _pixels(value.get("width"), 1), _pixels(value.get("height"), 1)
        maximized = value.get("maximized", False)
        raw_splitters = value.get("splitters", {})
        if x is None or y is None or width is None or height is None:
            return None
        if not isinstance(maximized, bool) or not isinstance(raw_splitters, dict):
            return None
        splitters = []
        for name, sizes in raw_splitters.items():
            if not isinstance(sizes, list) or not sizes:
                return None
            if any(_pixels(size, 0) is None for size in sizes):
                return None
            splitters.append((str(name), tuple(sizes)))
        return cls(x, y, width, height, maximized, tuple(splitters))


@dataclass(frozen=True)
class Settings:
    portfolio_folder: str = ""  # where new portfolios go; empty = the user data folder
    backup_folder: str = ""  # empty = <user data>/backups
    backup_keep_recent: int = 10
    backup_keep_daily_days: int = 30
    backup_interval_minutes: int = 15
    heatmap_target: int = 1
    export_page_size: str = "A4"
    recent_files: tuple[str, ...] = ()
    window_layout: WindowLayout | None = None  # remembered, not a preference (see REMEMBERED)
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


_TYPES: dict[str, type] = {
    "portfolio_folder": str,
    "backup_folder": str,
    "backup_keep_recent": int,
    "backup_keep_daily_days": int,
    "backup_interval_minutes": int,
    "heatmap_target": int,
    "export_page_size": str,
    "recent_files": tuple,
    "window_layout": WindowLayout,
}
# What the app remembers of how it was used, rather than what the user chose: IT's
# policy neither sets nor locks it, and ``portfolio settings`` does not list it.
REMEMBERED = frozenset({"window_layout"})
_POSITIVE = {"backup_keep_recent", "backup_interval_minutes", "heatmap_target"}
_CHOICES = {"export_page_size": {"A4", "Letter"}}
MAX_RECENT = 8


def policy_path() -> Path:
    override = os.environ.get("PORTFOLIO_POLICY_FILE")
    if override:
        return Path(override)
    if sys.platform.startswith("win"):
        base = os.environ.get("PROGRAMDATA", r"C:\ProgramData")
        return Path(base) / APP_NAME / "policy.json"
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME / "policy.json"
    return Path("/etc/xdg") / APP_NAME / "policy.json"


def user_settings_path() -> Path:
    return user_config_dir() / "settings.json"


def _valid(name: str, value: Any) -> Any:
    """The value coerced to the setting's type, or None when it cannot be."""
    kind = _TYPES.get(name)
    if kind is None:
        return None
    if kind is WindowLayout:
        return WindowLayout.from_json(value)
    if kind is tuple:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        return None
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        if value < (1 if name in _POSITIVE else 0):
            return None
        return value
    if not isinstance(value, str):
        return None
    if name in _CHOICES and value not in _CHOICES[name]:
        return None
    return value


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("Ignoring unreadable %s %s: %s", what, path, exc)
        return {}
    if not isinstance(data, dict):
        log.warning("Ignoring %s %s: not a JSON object", what, path)
        return {}
    return data


def _apply(settings: Settings, values: dict[str, Any], source: str) -> Settings:
    changes: dict[str, Any] = {}
    for name, value in values.items():
        coerced = _valid(name, value)
        if coerced is None:
            log.warning("Ignoring %s setting %r=%r", source, name, value)
            continue
        changes[name] = coerced
    return replace(settings, **changes)


def load_settings() -> Settings:
    """Defaults, then policy values, then the user's file, then locked policy values."""
    policy = _read_json(policy_path(), "policy file")
    raw_values = policy.get("settings")
    policy_values: dict[str, Any] = raw_values if isinstance(raw_values, dict) else {}
    raw_locked = policy.get("locked")
    locked_names: list[Any] = raw_locked if isinstance(raw_locked, list) else []
    locked = frozenset(
        n for n in locked_names if isinstance(n, str) and n in _TYPES and n not in REMEMBERED
    )

    policy_values = {k: v for k, v in policy_values.items() if k not in REMEMBERED}
    settings = _apply(Settings(), policy_values, "policy")
    user = _read_json(user_settings_path(), "settings file")
    settings = _apply(settings, {k: v for k, v in user.items() if k not in locked}, "user")
    return replace(settings, managed=locked)


def save_settings(settings: Settings) -> None:
    """Write the user's settings (managed keys are left out: the policy owns them)."""
    data: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name == "managed" or f.name in settings.managed:
            continue
        value = getattr(settings, f.name)
        if isinstance(value, WindowLayout):
            data[f.name] = value.to_json()
        elif value is not None:
            data[f.name] = list(value) if isinstance(value, tuple) else value
    path = user_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def with_recent_file(settings: Settings, path: Path) -> Settings:
    text = str(Path(path).resolve())
    recent = (text, *(p for p in settings.recent_files if p != text))[:MAX_RECENT]
    return replace(settings, recent_files=recent)


# ---- what the app shows about where each value comes from ------------------------------

LABELS: dict[str, str] = {
    "portfolio_folder": "Folder for new portfolios",
    "backup_folder": "Backup folder",
    "backup_keep_recent": "Recent backups kept",
    "backup_keep_daily_days": "Days of daily backups kept",
    "backup_interval_minutes": "Minutes between automatic backups",
    "heatmap_target": "Heatmap target (items per KSB)",
    "export_page_size": "PDF page size",
    "recent_files": "Recent portfolios",
}
SOURCES = ("default", "policy", "user", "managed")


@dataclass(frozen=True)
class SettingState:
    """One setting as the user sees it: its value and who decided it.

    ``source`` is "default" (built in), "policy" (IT's default; the user may change it),
    "user" (the user's own choice) or "managed" (locked by IT; the user cannot change it).
    """

    name: str
    label: str
    value: Any
    source: str

    @property
    def managed(self) -> bool:
        return self.source == "managed"


def describe_settings() -> list[SettingState]:
    """Every setting in declaration order, with its value in force and its source."""
    policy = _read_json(policy_path(), "policy file")
    raw_values = policy.get("settings")
    policy_values: dict[str, Any] = raw_values if isinstance(raw_values, dict) else {}
    user = _read_json(user_settings_path(), "settings file")
    settings = load_settings()
    states = []
    for f in fields(Settings):
        if f.name == "managed" or f.name in REMEMBERED:
            continue
        if f.name in settings.managed:
            source = "managed"
        elif f.name in user and _valid(f.name, user[f.name]) is not None:
            source = "user"
        elif f.name in policy_values and _valid(f.name, policy_values[f.name]) is not None:
            source = "policy"
        else:
            source = "default"
        states.append(
            SettingState(f.name, LABELS.get(f.name, f.name), getattr(settings, f.name), source)
        )
    return states


def managed_notice(settings: Settings) -> str:
    """One sentence for the UI naming the settings IT has locked, or "" when there are none."""
    if not settings.managed:
        return ""
    names = ", ".join(
        LABELS.get(f.name, f.name) for f in fields(Settings) if f.name in settings.managed
    )
    return f"Managed by your organisation: {names}. Ask your IT team to change them."
