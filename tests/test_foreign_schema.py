"""Schema planted in a portfolio file never runs: check names it, every command refuses it."""

from __future__ import annotations

import ast
import hashlib
import sqlite3
from pathlib import Path

import pytest

from app.errors import PortfolioError
from app.models.db import Database, open_portfolio
from app.models.files import connect_existing
from app.services import evidence
from tests.cli_run import run

ROOT = Path(__file__).resolve().parents[1]

# Hostile schema, as someone with the sqlite3 shell would plant it: (id, SQL, named as)
PLANTED = [
    (
        "trigger wiping items",
        "CREATE TRIGGER wipe AFTER INSERT ON items BEGIN DELETE FROM items WHERE id<>NEW.id; END",
        "trigger wipe on items",
    ),
    (
        "our trigger's name, another body",
        "DROP TRIGGER coverage_status; CREATE TRIGGER coverage_status AFTER UPDATE OF status "
        "ON items BEGIN DELETE FROM attachments; END",
        "trigger coverage_status on items (changed from the one the app made)",
    ),
    ("a view", "CREATE VIEW secrets AS SELECT title, body FROM items", "view secrets"),
    ("a table", "CREATE TABLE stash (data BLOB)", "table stash"),
    ("an index", "CREATE INDEX sneaky ON items (title)", "index sneaky on items"),
    (
        "a temp-looking trigger on tags",
        "CREATE TRIGGER tag_spy BEFORE INSERT ON item_competencies BEGIN "
        "UPDATE items SET title = 'pwned'; END",
        "trigger tag_spy on item_competencies",
    ),
]


def rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT ref, title FROM items ORDER BY id").fetchall()
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=PLANTED, ids=[p[0] for p in PLANTED])
def planted(request: pytest.FixtureRequest, db: Database, portfolio_path: Path) -> tuple[Path, str]:
    with db.transaction() as session:
        evidence.add_item(session, title="First")
        evidence.add_item(session, title="Second")
    db.close()
    _id, sql, named = request.param
    conn = sqlite3.connect(portfolio_path)
    conn.executescript(sql)
    conn.commit()
    conn.close()
    return portfolio_path, named


def test_check_names_the_planted_object(
    planted: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    path, named = planted
    before = digest(path)
    for full in ([], ["--full"]):
        code, out, err = run(capsys, "--file", path, "check", *full)
        assert code == 1
        assert named in out
        assert "did not make" in err and err.count("\n") == 1
    assert digest(path) == before


def test_every_command_refuses_it_and_nothing_runs(
    planted: tuple[Path, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, named = planted
    before, items = digest(path), rows(path)
    target = tmp_path / "elsewhere" / "target.sqlite3"
    target.parent.mkdir()
    for args in (
        ["item", "add", "--title", "Third"],
        ["item", "edit", "E001", "--status", "ready"],
        ["item", "list"],
        ["backup"],
        ["backup", tmp_path / "copy.sqlite3"],
        ["export", "pdf", tmp_path / "p.pdf"],
    ):
        code, out, err = run(capsys, "--file", path, *args)
        assert code == 1, args
        assert err.startswith(f"portfolio: {path} holds schema objects") and named in err
        assert err.count("\n") == 1 and out == ""
    code, _out, err = run(capsys, "--file", target, "restore", path)
    assert code == 1 and named in err and not target.exists()
    assert digest(path) == before and rows(path) == items
    assert not (tmp_path / "copy.sqlite3").exists() and not (tmp_path / "p.pdf").exists()


def test_opening_refuses_before_any_backup_or_write(planted: tuple[Path, str]) -> None:
    path, named = planted
    before = digest(path)
    with pytest.raises(PortfolioError, match="did not make") as refused:
        open_portfolio(path, backup_dir=path.parent / "backups", exclusive=True)
    assert named in str(refused.value)
    assert not (path.parent / "backups").exists()
    assert not path.with_name(path.name + "-lock").exists()
    assert digest(path) == before


def test_a_trigger_planted_while_open_is_refused_at_the_next_write(
    db: Database, portfolio_path: Path
) -> None:
    with db.transaction() as session:
        evidence.add_item(session, title="Kept")
    conn = sqlite3.connect(portfolio_path)
    conn.execute(PLANTED[0][1])
    conn.commit()
    conn.close()
    with pytest.raises(PortfolioError, match="trigger wipe on items"), db.transaction() as session:
        evidence.add_item(session, title="New")
    assert [t for _r, t in rows(portfolio_path)] == ["Kept"]


def test_every_connection_distrusts_the_schema(db: Database, portfolio_path: Path) -> None:
    with db.reader() as session:
        dbapi = session.connection().connection.dbapi_connection
        assert dbapi is not None
        assert dbapi.execute("PRAGMA trusted_schema").fetchone() == (0,)
    db.close()
    planter = sqlite3.connect(portfolio_path)  # a view stored in the file uses the index
    planter.execute("CREATE VIEW peek AS SELECT rowid FROM items_fts")
    planter.commit()
    planter.close()
    conn = connect_existing(portfolio_path)
    try:
        assert conn.execute("PRAGMA trusted_schema").fetchone() == (0,)
        with pytest.raises(sqlite3.OperationalError, match="unsafe use of virtual table"):
            conn.execute("SELECT * FROM peek").fetchall()
    finally:
        conn.close()
    with pytest.raises(PortfolioError, match="view peek"):
        open_portfolio(portfolio_path)


def test_sqlite3_connect_is_called_in_one_place_only() -> None:
    """Every connection is made by app.models.files.connect (which hardens it)."""
    callers = []
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "connect"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "sqlite3"
            ):
                callers.append(str(path.relative_to(ROOT)))
    assert callers == ["app/models/files.py"]
