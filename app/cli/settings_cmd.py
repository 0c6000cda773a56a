"""``portfolio settings``: the values in force, and which ones IT manages.

IT teams set defaults and lock values in a machine-wide policy file (see app.settings and
packaging/README.md); this shows what a user on this machine gets, without changing anything.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import print_json
from app.settings import describe_settings, load_settings, policy_path, user_settings_path

SOURCE_TEXT = {
    "default": "default",
    "policy": "IT default",
    "user": "your choice",
    "managed": "managed by IT (locked)",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "settings", help="show the settings in force and which ones your IT team manages"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_settings)


def _shown(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def cmd_settings(args: argparse.Namespace) -> int:
    settings = load_settings()
    states = describe_settings()
    effective = {
        "portfolio_folder": str(settings.resolved_portfolio_folder()),
        "backup_folder": str(settings.resolved_backup_folder()),
    }
    policy = policy_path()
    if args.json:
        print_json(
            {
                "policy_file": str(policy),
                "policy_present": policy.is_file(),
                "user_file": str(user_settings_path()),
                "settings": [
                    {
                        "name": s.name,
                        "label": s.label,
                        "value": _shown(s.value),
                        "effective": effective.get(s.name, _shown(s.value)),
                        "source": s.source,
                        "managed": s.managed,
                    }
                    for s in states
                ],
            }
        )
        return 0
    present = "present" if policy.is_file() else "none"
    print(f"IT policy file: {policy} ({present})")
    print(f"Your settings:  {user_settings_path()}")
    rows = []
    for s in states:
        value = effective.get(s.name, _shown(s.value))
        if isinstance(value, list):
            value = ", ".join(Path(v).name for v in value) or "(none)"
        rows.append((s.label, str(value), SOURCE_TEXT[s.source]))
    label_width = max(len(label) for label, _, _ in rows)
    value_width = max(len(value) for _, value, _ in rows)
    for label, value, source in rows:
        print(f"  {label:<{label_width}}  {value:<{value_width}}  {source}")
    return 0
