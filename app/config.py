"""Where things live: bundled resources, the user's data and config folders.

``resource_path`` is the one way to find a bundled file; it works from a
source checkout (``resources/`` at the top), an installed wheel (the same folder,
carried as ``app/_resources``; see setup.py) and a PyInstaller bundle
(``sys._MEIPASS/resources``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "ApprenticePortfolio"
APP_AUTHOR = "ApprenticePortfolio"
PORTFOLIO_SUFFIX = ".sqlite3"


def _resource_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    package = Path(__file__).resolve().parent
    installed = package / "_resources"
    if installed.is_dir():
        return installed
    return package.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Absolute path of a bundled resource, e.g. ``resource_path("fonts", "x.ttf")``."""
    return _resource_root().joinpath(*parts)


def user_data_dir() -> Path:
    override = os.environ.get("PORTFOLIO_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def user_config_dir() -> Path:
    override = os.environ.get("PORTFOLIO_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def default_portfolio_path() -> Path:
    """``--file`` beats ``PORTFOLIO_FILE`` beats the user data folder."""
    env = os.environ.get("PORTFOLIO_FILE")
    if env:
        return Path(env).expanduser()
    return user_data_dir() / f"portfolio{PORTFOLIO_SUFFIX}"
