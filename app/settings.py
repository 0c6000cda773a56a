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
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import msgspec

from app.config import APP_NAME, user_config_dir
from app.schema.settings import (
    MAX_PIXELS,
    MAX_RECENT,
    Settings,
    WindowLayout,
    file_value,
    known,
    labels,
    raw_names,
    raw_object,
    remembered,
    setting_value,
)

__all__ = [
    "LABELS",
    "MAX_PIXELS",
    "MAX_RECENT",
    "REMEMBERED",
    "SettingState",
    "Settings",
    "WindowLayout",
    "describe_settings",
    "load_settings",
    "managed_notice",
    "save_settings",
    "with_recent_file",
]

log = logging.getLogger(__name__)


# Each setting is declared once, in app.schema.settings.
REMEMBERED = remembered()


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


def _read_json(path: Path, what: str) -> dict[str, msgspec.Raw]:
    """The file's top-level values, each still undecoded; empty when unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        log.warning("Ignoring unreadable %s %s: %s", what, path, exc)
        return {}
    found = raw_object(data)
    if found is None:
        log.warning("Ignoring %s %s: not a JSON object", what, path)
        return {}
    return found


def _policy_values(policy: dict[str, msgspec.Raw]) -> dict[str, msgspec.Raw]:
    raw = policy.get("settings")
    return (raw_object(raw) or {}) if raw is not None else {}


def _apply(settings: Settings, values: dict[str, Any], source: str) -> Settings:
    changes: dict[str, Any] = {}
    for name, value in values.items():
        coerced = setting_value(name, value)
        if coerced is None:
            shown = (
                bytes(value)[:80].decode("utf-8", "replace")
                if isinstance(value, msgspec.Raw)
                else value
            )
            log.warning("Ignoring %s setting %r=%s", source, name, shown)
            continue
        changes[name] = coerced
    return replace(settings, **changes)


def load_settings() -> Settings:
    """Defaults, then policy values, then the user's file, then locked policy values."""
    policy = _read_json(policy_path(), "policy file")
    policy_values = _policy_values(policy)
    locked = frozenset(
        n for n in raw_names(policy.get("locked")) if known(n) and n not in REMEMBERED
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
        value = file_value(f.name, getattr(settings, f.name))
        if value is not None:
            data[f.name] = value
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

LABELS = labels()
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
    policy_values = _policy_values(policy)
    user = _read_json(user_settings_path(), "settings file")
    settings = load_settings()
    states = []
    for f in fields(Settings):
        if f.name == "managed" or f.name in REMEMBERED:
            continue
        if f.name in settings.managed:
            source = "managed"
        elif f.name in user and setting_value(f.name, user[f.name]) is not None:
            source = "user"
        elif f.name in policy_values and setting_value(f.name, policy_values[f.name]) is not None:
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
