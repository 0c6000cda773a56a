"""5,000-digit numbers and deep nesting in every file the app reads: one sentence, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings import load_settings, user_settings_path
from tests.package_helpers import run

BIG = "9" * 5000


@pytest.fixture
def portfolio(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "p.sqlite3"
    assert run(capsys, "--file", str(path), "init", "--name", "Ada")[0] == 0
    plan = ("otj", "plan", "--start", "2025-01-06", "--gateway", "2026-01-05")
    assert run(capsys, "--file", str(path), *plan, "--hours-per-week", "37.5")[0] == 0
    return path


def _one_sentence(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code, _, err = run(capsys, *args)
    assert code == 1 and err.startswith("portfolio: ") and err.count("\n") == 1, err
    assert "unexpected error" not in err and len(err) < 400
    return err


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (f"2025-02-03,{BIG},e-learning,x,,", "is too long to be a duration"),
        (f"2025-02-03,{BIG}:00,e-learning,x,,", "is too long to be a duration"),
        (f"2025-02-03,1:{BIG},e-learning,x,,", "is too long to be a duration"),
        (f"2025-02-03,{BIG}.5h,e-learning,x,,", "is too long to be a duration"),
        (f"{BIG}-02-03,1:00,e-learning,x,,", "is not a date"),
    ],
    ids=["minutes", "hours", "minutes-after-colon", "decimal-hours", "year"],
)
def test_otj_csv_numbers_too_long_for_any_timesheet(
    portfolio: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, expected: str
) -> None:
    csv = tmp_path / "otj.csv"
    csv.write_text(f"date,duration,activity,description,ksbs,items\n{row}\n", encoding="utf-8")
    assert expected in _one_sentence(capsys, "--file", str(portfolio), "otj", "import", str(csv))
    code, out, _ = run(capsys, "--file", str(portfolio), "otj", "list")
    assert code == 0 and "e-learning" not in out.lower()  # nothing was added


def test_otj_plan_numbers_too_long(portfolio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--file", str(portfolio), "otj", "plan")
    assert "too long to be a duration" in _one_sentence(capsys, *args, "--hours-per-week", BIG)
    assert "weeks of leave" in _one_sentence(capsys, *args, "--leave-weeks", BIG)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"referenceNumber": "ST0825", "title": "x", "version": "1.0", "level": ' + BIG + "}",
            "too large",
        ),
        ("[" * 100_000 + "]" * 100_000, ""),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
    ],
    ids=["level", "nested-lists", "nested-objects"],
)
def test_an_ifate_standard_with_hostile_numbers_or_nesting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path = tmp_path / "standard.json"
    path.write_text(text, encoding="utf-8")
    assert expected in _one_sentence(capsys, "frameworks", "import", str(path))


def test_a_settings_file_with_hostile_numbers_keeps_the_defaults() -> None:
    path = user_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"backup_keep_recent": ' + BIG + ', "heatmap_target": 3}', encoding="utf-8")
    settings = load_settings()  # only the hostile value is ignored; the rest still counts
    assert settings.backup_keep_recent == 10 and settings.heatmap_target == 3
    path.write_text('{"backup_keep_recent": 1e999, "heatmap_target": 3}', encoding="utf-8")
    settings = load_settings()
    assert settings.backup_keep_recent == 10 and settings.heatmap_target == 3
    path.write_text("[" * 100_000, encoding="utf-8")
    assert load_settings().heatmap_target == 1
