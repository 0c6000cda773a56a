"""Shared fixtures: a private data/config folder per test, portfolios in tmp_path."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.models.db import Database
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


@pytest.fixture(params=HOSTILE_STRINGS, ids=lambda s: repr(s[:20]))
def hostile(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def portfolio_path(tmp_path: Path) -> Path:
    return tmp_path / "portfolio.sqlite3"


@pytest.fixture
def db(portfolio_path: Path) -> Iterator[Database]:
    database = create_portfolio(
        portfolio_path,
        name="Ada Lovelace",
        uln="1234567890",
        employer="Analytical Engines Ltd",
        provider="Babbage College",
    )
    yield database
    database.close()
