"""Backups: on demand, on open, every N minutes of editing, rotated; restore puts one back."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.errors import PortfolioError
from app.models.backup import (
    BackupPolicy,
    automatic_backup,
    backup_name,
    backup_to,
    list_backups,
    portfolio_backup_folder,
    rotate,
)
from app.models.db import Database, open_portfolio
from app.services import backups, evidence
from app.settings import Settings, load_settings
from tests.cli_run import run
from tests.sqlite_reading import titles


def add(db: Database, title: str) -> str:
    with db.transaction() as session:
        return evidence.add_item(session, title=title, body=f"About {title}").ref


def test_backup_command_makes_a_checked_copy_in_the_backup_folder(
    db: Database, portfolio_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(db, "Pipeline")
    code, out, err = run(capsys, "--file", str(portfolio_path), "backup")
    assert (code, err) == (0, "")
    made = Path(out.strip())
    assert made.parent == backups.backup_folder(portfolio_path, load_settings())
    assert made.name.endswith("-manual.sqlite3")
    assert titles(made) == ["Pipeline"]
    # one self-contained file, no WAL needed to read it
    assert not Path(f"{made}-wal").exists()
    assert sqlite3.connect(made).execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_backup_to_a_named_file_or_folder(
    db: Database, portfolio_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(db, "Pipeline")
    dest = tmp_path / "usb" / "copy.sqlite3"
    dest.parent.mkdir()
    assert run(capsys, "--file", str(portfolio_path), "backup", str(dest)) == (0, f"{dest}\n", "")
    assert titles(dest) == ["Pipeline"]

    code, out, _ = run(capsys, "--file", str(portfolio_path), "backup", str(dest.parent))
    assert code == 0 and Path(out.strip()).parent == dest.parent


def test_backup_refuses_to_overwrite_and_changes_nothing(
    db: Database, portfolio_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.close()
    dest = tmp_path / "keep.sqlite3"
    dest.write_bytes(b"my other file")
    code, out, err = run(capsys, "--file", str(portfolio_path), "backup", str(dest))
    assert code == 1 and out == ""
    assert err == (
        f"portfolio: {dest} already exists; choose another name for the backup, "
        "or add --force to replace it.\n"
    )
    assert dest.read_bytes() == b"my other file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.sqlite3", "portfolio.sqlite3"]


def test_backup_of_a_missing_portfolio_or_into_a_missing_folder_is_refused(
    db: Database, portfolio_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--file", str(tmp_path / "nope.sqlite3"), "backup")
    assert code == 1 and "No portfolio at" in err
    code, _, err = run(
        capsys, "--file", str(portfolio_path), "backup", str(tmp_path / "gone" / "b.sqlite3")
    )
    assert code == 1 and "does not exist; create it first" in err


def test_backup_folder_comes_from_the_settings(
    db: Database, portfolio_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = Path(os.environ["PORTFOLIO_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "settings.json").write_text(json.dumps({"backup_folder": str(tmp_path / "bk")}))
    code, out, _ = run(capsys, "--file", str(portfolio_path), "backup")
    assert code == 0
    assert Path(out.strip()).parent.parent == tmp_path / "bk"


def test_opening_makes_a_backup_at_most_every_interval(
    db: Database, portfolio_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.close()
    folder = backups.backup_folder(portfolio_path, load_settings())
    assert run(capsys, "--file", str(portfolio_path), "item", "add", "--title", "A")[0] == 0
    made = list_backups(folder, portfolio_path)
    assert [b.reason for b in made] == ["open"]
    for title in ("B", "C"):
        assert run(capsys, "--file", str(portfolio_path), "item", "add", "--title", title)[0] == 0
    assert len(list_backups(folder, portfolio_path)) == 1  # within the 15 minutes


def test_maybe_backup_waits_for_the_interval_and_for_a_change(
    db: Database, portfolio_path: Path
) -> None:
    settings = Settings(backup_interval_minutes=15)
    start = datetime.now(UTC)
    first = backups.maybe_backup(portfolio_path, settings, now=start)
    assert first is not None and first.exists()
    assert backups.maybe_backup(portfolio_path, settings, now=start + timedelta(minutes=5)) is None
    # 20 minutes on, but nothing changed since: no new copy of the same thing
    later = datetime.now(UTC) + timedelta(minutes=20)
    assert backups.maybe_backup(portfolio_path, settings, now=later) is None
    add(db, "New work")
    second = backups.maybe_backup(portfolio_path, settings, now=later + timedelta(seconds=1))
    assert second is not None and titles(second) == ["New work"]


def test_two_portfolios_with_the_same_name_keep_separate_backups(tmp_path: Path) -> None:
    from app.services.portfolio import create_portfolio

    one = tmp_path / "a" / "portfolio.sqlite3"
    two = tmp_path / "b" / "portfolio.sqlite3"
    for path, name in ((one, "One"), (two, "Two")):
        path.parent.mkdir()
        create_portfolio(path, name=name).close()
    base = tmp_path / "backups"
    assert portfolio_backup_folder(one, base) != portfolio_backup_folder(two, base)
    policy = BackupPolicy(folder=base)
    automatic_backup(one, policy, force=True)
    automatic_backup(two, policy, force=True)
    for path in (one, two):
        (found,) = list_backups(portfolio_backup_folder(path, base), path)
        name = sqlite3.connect(found.path).execute("SELECT apprentice_name FROM portfolio")
        assert name.fetchone()[0] == ("One" if path == one else "Two")


def test_rotation_keeps_the_newest_ten_and_one_a_day_for_thirty_days(tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio.sqlite3"
    folder = tmp_path / "backups"
    folder.mkdir()
    now = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
    made = []
    for day in range(45):  # three automatic backups a day for 45 days
        for hour in (9, 12, 15):
            when = (now - timedelta(days=day)).replace(hour=hour) - timedelta(hours=1)
            path = folder / backup_name(portfolio, when, "auto" if hour != 9 else "open")
            path.write_bytes(b"")
            made.append((when, path))
    manual = folder / backup_name(portfolio, now - timedelta(days=200), "manual")
    migration = folder / backup_name(portfolio, now - timedelta(days=300), "before-migration-0001")
    other = folder / backup_name(tmp_path / "other.sqlite3", now - timedelta(days=100), "auto")
    for path in (manual, migration, other):
        path.write_bytes(b"")

    deleted = rotate(folder, portfolio, keep_recent=10, keep_daily_days=30, now=now)

    newest_first = [p for _, p in sorted(made, reverse=True)]
    newest_of_day: dict[object, Path] = {}
    for when, path in sorted(made, reverse=True):
        newest_of_day.setdefault(when.astimezone().date(), path)
    today = now.astimezone().date()
    expected = set(newest_first[:10]) | {
        path for day, path in newest_of_day.items() if (today - day).days < 30
    }
    kept = {b.path for b in list_backups(folder, portfolio) if b.automatic}
    assert kept == expected
    assert len(kept) == 36  # the newest 10 span four days; 26 more days keep one each
    assert manual.exists() and migration.exists() and other.exists()
    assert sorted(deleted) == sorted(set(newest_first) - expected)


def test_an_interrupted_backup_never_looks_like_a_backup(
    db: Database, portfolio_path: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "out" / "b.sqlite3"

    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        raise Stop

    with pytest.raises(Stop):
        backup_to(portfolio_path, dest, progress=stop)
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []


def test_restore_puts_the_backup_back_and_keeps_the_current_file(
    db: Database, portfolio_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(db, "Before the backup")
    saved = tmp_path / "saved.sqlite3"
    assert run(capsys, "--file", str(portfolio_path), "backup", str(saved))[0] == 0
    add(db, "After the backup")
    db.close()

    code, out, err = run(capsys, "--file", str(portfolio_path), "restore", str(saved))
    assert (code, err) == (0, "")
    assert out.startswith(f"Restored {portfolio_path} from {saved}; the previous file is kept as ")
    kept = Path(out.split("kept as ")[1].strip().rstrip("."))
    assert titles(portfolio_path) == ["Before the backup"]
    assert titles(kept) == ["Before the backup", "After the backup"]
    assert kept.parent == portfolio_path.parent
    assert run(capsys, "--file", str(portfolio_path), "check")[0] == 0
    # the portfolio opens and works normally afterwards
    assert run(capsys, "--file", str(portfolio_path), "item", "add", "--title", "Next")[1] == (
        "E002\n"
    )


def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    db: Database, portfolio_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(db, "Mine")
    db.close()
    bad = tmp_path / "bad.sqlite3"
    assert run(capsys, "--file", str(portfolio_path), "backup", str(bad))[0] == 0
    data = bytearray(bad.read_bytes())
    page = 4096
    data[page * 3 : page * 6] = os.urandom(page * 3)
    bad.write_bytes(bytes(data))
    before = portfolio_path.read_bytes()

    code, out, err = run(capsys, "--file", str(portfolio_path), "restore", str(bad))
    assert code == 1 and out == ""
    assert err.startswith(f"portfolio: {bad} is not a good backup: ")
    assert err.rstrip().endswith("Nothing was changed.") and err.count("\n") == 1
    assert portfolio_path.read_bytes() == before
    assert sorted(p.name for p in portfolio_path.parent.iterdir()) == sorted(
        ["portfolio.sqlite3", "bad.sqlite3"]
    )


def test_restore_refuses_what_is_not_a_portfolio(
    db: Database, portfolio_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    code, _, err = run(capsys, "--file", str(portfolio_path), "restore", str(notes))
    assert code == 1 and "is not a portfolio backup" in err
    code, _, err = run(capsys, "--file", str(portfolio_path), "restore", str(tmp_path / "x"))
    assert code == 1 and "does not exist" in err
    code, _, err = run(capsys, "--file", str(portfolio_path), "restore", str(portfolio_path))
    assert code == 1 and "is the portfolio itself" in err


def test_restore_onto_a_new_machine_creates_the_file(
    db: Database, portfolio_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(db, "Mine")
    saved = backups.backup_now(portfolio_path, load_settings(), tmp_path / "saved.sqlite3")
    target = tmp_path / "new" / "portfolio.sqlite3"
    target.parent.mkdir()
    code, out, _ = run(capsys, "--file", str(target), "restore", str(saved))
    assert code == 0 and out == f"Restored {target} from {saved}.\n"
    assert titles(target) == ["Mine"]


def test_recovery_restores_the_newest_good_backup(
    db: Database, portfolio_path: Path, tmp_path: Path
) -> None:
    settings = Settings(backup_folder=str(tmp_path / "bk"))
    add(db, "One")
    older = backups.maybe_backup(portfolio_path, settings)
    add(db, "Two")
    newer = backups.backup_now(portfolio_path, settings)
    assert older is not None
    with newer.open("r+b") as fh:  # the newest backup went bad on disk
        fh.seek(4096 * 2)
        fh.write(os.urandom(4096 * 4))
    db.close()

    result = backups.restore_newest_good(portfolio_path, settings)

    assert result.source == older
    assert titles(portfolio_path) == ["One"]
    assert result.kept is not None and ".damaged-" in result.kept.name
    assert titles(result.kept) == ["One", "Two"]


def test_recovery_without_any_backup_leaves_the_file_alone(
    db: Database, portfolio_path: Path, tmp_path: Path
) -> None:
    db.close()
    before = portfolio_path.read_bytes()
    with pytest.raises(PortfolioError, match=r"There is no backup of .* left as it is"):
        backups.restore_newest_good(portfolio_path, Settings(backup_folder=str(tmp_path / "x")))
    assert portfolio_path.read_bytes() == before


def test_a_backup_made_while_the_app_writes_is_consistent(
    portfolio_path: Path, db: Database, tmp_path: Path
) -> None:
    db.close()
    app = open_portfolio(portfolio_path, exclusive=True)
    try:
        for n in range(20):
            add(app, f"Item {n}")
            if n == 10:
                made = backups.backup_now(portfolio_path, Settings(), tmp_path / "mid.sqlite3")
    finally:
        app.close()
    assert titles(made) == [f"Item {n}" for n in range(11)]
