"""Migrations keep every record; a failed one leaves the file exactly as it was.

Whatever the head revision is, a portfolio made at the first revision (0001)
and upgraded must hold the same rows in every column it had. The portfolio is
filled through today's services (which expect today's columns) and then taken
down to 0001 by the migrations' own downgrades, so it holds exactly the tables
and columns 0001 had.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import textwrap
from pathlib import Path
from typing import Any

import pytest
from alembic import command

import app.models.revisions as revisions_module
from app.cli import main
from app.errors import PortfolioError
from app.models.backup import BackupPolicy, list_backups, portfolio_backup_folder
from app.models.db import APPLICATION_ID, Database, make_engine, open_portfolio, upgrade
from app.models.orm import PortfolioRecord
from app.models.revisions import alembic_config, head_revision, revision_of
from app.services import backups, evidence, frameworks, integrity, queries
from app.services.attachments import FileData
from app.services.evidence import ItemFilter, TagInput
from app.settings import load_settings

SHOT = b"\x89PNG-ish " + bytes(range(256)) * 64


def make_first_revision(path: Path) -> None:
    """A portfolio as version 0001 of the app wrote it, with a bit of everything in it."""
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    upgrade(engine)
    db = Database(path=path, engine=engine)
    with db.transaction() as session:
        frameworks.ensure_bundled(session)
        framework = frameworks.find_framework(session, "ST0825")
        session.add(
            PortfolioRecord(
                id=1, apprentice_name="Ada Lovelace", uln="1234567899", employer="Engines Ltd",
                provider="Babbage College", framework_id=framework.id, next_item_number=1,
                created="2025-01-01T09:00:00+00:00", updated="2025-01-01T09:00:00+00:00",
            )
        )  # fmt: skip
    with db.transaction() as session:
        for n in range(1, 13):
            evidence.add_item(
                session,
                title=f"Evidence {n}: Łódź <b>AT&T</b>",
                date=f"2025-02-{n:02d}",
                body=f"# Reflection {n}\n\nTerraform pipeline {n}\r\n" + "x" * n,
                status="ready" if n % 3 else "draft",
                ksbs=[TagInput("K1", f"Because {n}"), "S14"],
                duties=["5", TagInput("D7", "Incident")],
                files=[FileData(name=f"shot {n}.png", data=SHOT + bytes([n]))],
            )
        evidence.tag(session, "E002", "DDAT-DEVOPS:DS1", "Other framework")
        evidence.delete_item(session, "E004")  # refs are never reused
    db.close()
    engine = make_engine(path)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    engine.dispose()
    assert revision_of(path) == "0001"


def snapshot(path: Path, tables: dict[str, list[str]]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tables`` (only the given columns), in rowid order."""
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid"
            ).fetchall()
            for table, columns in tables.items()
        }
    finally:
        conn.close()


def schema(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        names = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'items_fts_%' AND name != 'alembic_version'"
            )
        ]
        return {n: [r[1] for r in conn.execute(f"PRAGMA table_info({n})")] for n in names}
    finally:
        conn.close()


@pytest.fixture
def old_file(portfolio_path: Path) -> Path:
    make_first_revision(portfolio_path)
    return portfolio_path


def test_upgrading_from_the_first_revision_keeps_everything(old_file: Path) -> None:
    tables = schema(old_file)
    assert {"items", "attachments", "blobs", "items_fts"} <= set(tables)
    before = snapshot(old_file, tables)
    assert len(before["items"]) == 11

    db = open_portfolio(old_file)
    try:
        assert revision_of(old_file) == head_revision()
        assert snapshot(old_file, tables) == before  # every row, every original column
        with db.reader() as session:
            items = queries.list_items(session)
            assert [i.ref for i in items][:4] == ["E001", "E002", "E003", "E005"]
            second = queries.get_item(session, "E002")
            assert second.body == "# Reflection 2\n\nTerraform pipeline 2\r\nxx"
            assert second.justifications["K1"] == "Because 2"
            assert [(t.framework, t.code) for t in second.other_tags] == [("DDAT-DEVOPS", "DS1")]
            found = queries.list_items(session, ItemFilter(search="terraform"))
            assert len(found) == 11
            report = queries.compute_coverage(session)
            k1 = next(c for c in report.competencies if c.code == "K1")
            assert (k1.count, k1.drafts) == (7, 4)
        with db.transaction() as session:
            assert evidence.add_item(session, title="After the upgrade").ref == "E013"
    finally:
        db.close()
    result = integrity.check_portfolio(old_file, full=True)
    assert result.ok, result.problems
    assert result.attachments == 11


def test_the_cli_backs_up_an_old_file_before_upgrading_it(
    old_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = hashlib.sha256(old_file.read_bytes()).hexdigest()
    assert main(["--file", str(old_file), "item", "list"]) == 0
    assert capsys.readouterr().out.count("\n") == 11
    (made,) = backups.list_backups(old_file, load_settings())
    assert made.reason == "before-migration-0001"
    conn = sqlite3.connect(made.path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    assert conn.execute("SELECT count(*) FROM items").fetchone() == (11,)
    conn.close()
    assert hashlib.sha256(old_file.read_bytes()).hexdigest() != original  # it was upgraded


BROKEN_MIGRATION = '''
"""A migration that fails after it has already changed the file."""
from alembic import op

revision = "9999"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    bind.exec_driver_sql("COMMIT")  # what a migration running VACUUM or a PRAGMA may do
    bind.exec_driver_sql("DELETE FROM attachments")
    bind.exec_driver_sql("DELETE FROM items")
    raise RuntimeError("the new index could not be built")


def downgrade() -> None:
    pass
'''


@pytest.fixture
def broken_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The real migrations plus one more that fails half-way."""
    real_head = head_revision()
    copy = tmp_path / "migrations"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(revisions_module.MIGRATIONS_DIR, copy, ignore=ignore)
    (copy / "versions" / "9999_broken.py").write_text(
        textwrap.dedent(BROKEN_MIGRATION.format(head=real_head))
    )
    monkeypatch.setattr(revisions_module, "MIGRATIONS_DIR", copy)
    assert head_revision() == "9999"
    return real_head


def test_a_failed_migration_puts_the_file_back_from_its_backup(
    db: Database, portfolio_path: Path, tmp_path: Path, broken_head: str
) -> None:
    with db.transaction() as session:
        for n in range(5):
            evidence.add_item(
                session, title=f"Keep {n}", files=[FileData(name="a.bin", data=bytes([n]) * 999)]
            )
    db.close()
    tables = schema(portfolio_path)
    before = snapshot(portfolio_path, tables)
    policy = BackupPolicy(folder=tmp_path / "backups")

    with pytest.raises(PortfolioError) as failure:
        open_portfolio(portfolio_path, backups_policy=policy)

    (saved,) = list_backups(portfolio_backup_folder(portfolio_path, policy.folder), portfolio_path)
    assert str(failure.value) == (
        f"Updating {portfolio_path} to this version's file format failed (the new index could "
        f"not be built); it has been put back exactly as it was before (a copy stays in "
        f"{saved.path}). Please report this problem."
    )
    assert snapshot(portfolio_path, tables) == before
    conn = sqlite3.connect(portfolio_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (broken_head,)
    conn.close()
    assert integrity.check_portfolio(portfolio_path, full=True).ok


def test_a_failed_migration_without_a_backup_folder_also_puts_the_file_back(
    db: Database, portfolio_path: Path, broken_head: str
) -> None:
    with db.transaction() as session:
        evidence.add_item(session, title="Keep me")
    db.close()
    with pytest.raises(PortfolioError, match=r"put back exactly as it was before\. Please report"):
        open_portfolio(portfolio_path)
    conn = sqlite3.connect(portfolio_path)
    assert conn.execute("SELECT title FROM items").fetchall() == [("Keep me",)]
    conn.close()
    leftovers = [p.name for p in portfolio_path.parent.iterdir() if p.name != "migrations"]
    assert leftovers == ["portfolio.sqlite3"]  # the temporary copy is gone


def test_no_backup_no_migration(old_file: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backup folder should be")
    before = old_file.read_bytes()
    refused = r"could not be backed up first \(.*\); nothing was changed"
    with pytest.raises(PortfolioError, match=refused):
        open_portfolio(old_file, backups_policy=BackupPolicy(folder=blocked))
    assert old_file.read_bytes() == before


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        (
            "UPDATE alembic_version SET version_num = 'f00d'",
            "saved by a newer version of Apprentice Portfolio",
        ),
        (
            "INSERT INTO alembic_version (version_num) VALUES ('0001')",
            "records several file formats at once",
        ),
    ],
    ids=["from a newer version", "recording several formats"],
)
def test_a_file_whose_format_is_not_one_we_know_is_refused_untouched(
    db: Database, portfolio_path: Path, change: str, refused: str
) -> None:
    db.close()
    conn = sqlite3.connect(portfolio_path)
    conn.execute(change)
    conn.commit()
    conn.close()
    before = portfolio_path.read_bytes()
    with pytest.raises(PortfolioError, match=refused):
        open_portfolio(portfolio_path)
    assert portfolio_path.read_bytes() == before
    code = main(["--file", str(portfolio_path), "item", "list"])
    assert code == 1
    assert portfolio_path.read_bytes() == before
