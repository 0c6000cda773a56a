"""Shared fixtures: a private data/config folder per test, portfolios in tmp_path."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.models.db import Database, open_portfolio
from app.services.portfolio import create_portfolio

HOSTILE_STRINGS = [
    "a < b",
    "AT&T",
    "S&P",
    "x <b>bold",
    "<img src=/etc/passwd>",
    '<font color="[[1]]">',
    "[x](foo)",
    "]]>",
    "Łódź Ŵales Ελληνικά Кириллица",
    "tab\there",
    "'; DROP TABLE items; --",
    "emoji 🚀 and 中文",
    "x" * 100_000,
]


@pytest.fixture(autouse=True)
def private_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user's data or config folders."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("PORTFOLIO_CONFIG_DIR", str(home / "config"))
    monkeypatch.delenv("PORTFOLIO_FILE", raising=False)
    # An extension of the main window that fails to import or install fails the test
    # (app/ui/windows.py EXTENSION_MODULES); users get a log entry and the window.
    monkeypatch.setenv("PORTFOLIO_STRICT_EXTENSIONS", "1")


@pytest.fixture(params=HOSTILE_STRINGS, ids=lambda s: repr(s[:20]))
def hostile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def portfolio_path(tmp_path: Path) -> Path:
    return tmp_path / "portfolio.sqlite3"


@pytest.fixture(scope="session")
def template_portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One freshly created portfolio per run; tests get copies (migrations take ~0.5 s)."""
    path = tmp_path_factory.mktemp("template") / "portfolio.sqlite3"
    database = create_portfolio(
        path,
        name="Ada Lovelace",
        uln="1234567899",
        employer="Analytical Engines Ltd",
        provider="Babbage College",
    )
    database.close()  # checkpoints the WAL: the file alone is the whole portfolio
    return path


@pytest.fixture
def db(portfolio_path: Path, template_portfolio: Path) -> Iterator[Database]:
    shutil.copyfile(template_portfolio, portfolio_path)
    database = open_portfolio(portfolio_path)
    yield database
    database.close()
