"""Fixtures for the desktop app's tests: small real portfolios and an open window."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.models.db import Database, open_portfolio
from app.services import evidence
from app.settings import Settings


def add_items(db: Database) -> None:
    """Three items: two ready, one draft, tagged so that D5 × K1 counts 2."""
    with db.transaction() as s:
        evidence.add_item(
            s,
            title="CI pipeline for the payments API",
            date="2026-01-12",
            body="Built a **GitHub Actions** pipeline with unit and integration tests.",
            status="ready",
            ksbs=[evidence.TagInput("K1", "Frequent merging with automated tests"), "S14"],
            duties=["D5"],
        )
        evidence.add_item(
            s,
            title="Terraform modules for staging",
            date="2026-02-03",
            body="Provisioned the staging VPC with reusable Terraform modules.",
            status="ready",
            ksbs=["K1", "K7"],
            duties=["D5", "D7"],
        )
        evidence.add_item(
            s,
            title="Incident review: expired TLS certificate",
            date="2026-02-20",
            body="Wrote the post-incident review and added certificate expiry alerts.",
            status="draft",
            ksbs=["K11"],
            duties=["D10"],
        )


@pytest.fixture
def filled_path(tmp_path: Path, template_portfolio: Path) -> Path:
    """A portfolio file (Ada Lovelace's, ST0825) holding the three items of ``add_items``."""
    path = tmp_path / "filled.sqlite3"
    shutil.copyfile(template_portfolio, path)
    db = open_portfolio(path)
    add_items(db)
    db.close()
    return path


@pytest.fixture
def manager(qtbot) -> Iterator[object]:
    from app.ui.windows import WindowManager

    wm = WindowManager(Settings())
    yield wm
    for window in list(wm.windows):
        window.close()


@pytest.fixture
def window(qtbot, manager, filled_path: Path):
    win = manager.open_path(filled_path)
    assert win is not None
    qtbot.waitExposed(win)
    return win
