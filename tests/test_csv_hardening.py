"""CSV files written and read: formula starts neutralised everywhere, bad files refused.

A cell a spreadsheet would run (``=``, ``+``, ``-``, ``@``) is written with a leading
``'``; ``otj import`` refuses a column named twice, a quote left open, NUL bytes and
dates outside 2000–2100, in one sentence, adding nothing.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from app.services.csv_cells import neutralise, read_csv, restore, write_csv
from tests.cli_run import run

HOSTILE_CELLS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "'quoted", "\tTab", "plain"]


@pytest.fixture
def pf(tmp_path: Path, template_portfolio: Path) -> str:
    path = tmp_path / "p.sqlite3"
    shutil.copyfile(template_portfolio, path)
    return str(path)


@pytest.mark.parametrize("cell", HOSTILE_CELLS)
def test_every_written_cell_is_safe_and_reads_back_exactly(cell: str) -> None:
    text = write_csv(["a", "b"], [[cell, "x"]])
    (row,) = list(csv.reader(io.StringIO(text)))[1:]
    assert not row[0].startswith(("=", "+", "-", "@", "\t"))
    assert restore(row[0]) == cell
    assert neutralise("plain") == "plain"


def test_scan_template_neutralises_a_standards_formula_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    standard = {
        "referenceNumber": "ST0999", "title": "Widget technician", "level": 3, "version": "1.1",
        "knowledges": [{"knowledgeId": "k-a", "detail": '=HYPERLINK("http://x","click")'},
                       {"knowledgeId": "k-b", "detail": "@SUM(1+1)"}],
        "skills": [{"skillId": "s-a", "detail": "+cmd|' /C calc'!A0"}],
        "behaviours": [{"behaviourId": "b-a", "detail": "-2+3"}],
        "duties": [{"dutyID": "d-1", "dutyDetail": "Build", "mappedKnowledge": ["k-a"],
                    "mappedSkills": ["s-a"], "mappedBehaviour": ["b-a"]}],
    }  # fmt: skip
    source = tmp_path / "st.json"
    source.write_text(json.dumps(standard))
    assert run(capsys, "frameworks", "import", str(source))[0] == 0
    pf = str(tmp_path / "p.sqlite3")
    assert run(capsys, "--file", pf, "init", "--framework", "ST0999", "--name", "Ann")[0] == 0
    out = tmp_path / "t.csv"
    code, _, err = run(capsys, "--file", pf, "scan", "template", str(out))
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    names = {r[0]: r[1] for r in rows[1:]}
    assert names["K1"] == '\'=HYPERLINK("http://x","click")'
    assert names["K2"] == "'@SUM(1+1)"
    assert names["S1"] == "'+cmd|' /C calc'!A0"
    assert names["B1"] == "'-2+3"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_otj_descriptions_round_trip_through_export_and_import(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "in.csv"
    lines = ["date,duration,activity,description"]
    lines += [f'2025-01-0{n + 1},1:00,self-study,"{c}"' for n, c in enumerate(HOSTILE_CELLS[:5])]
    sheet.write_text("\n".join(lines) + "\n")
    code, _, err = run(capsys, "--file", pf, "otj", "import", str(sheet))
    assert code == 0, err
    out = tmp_path / "out.csv"
    assert run(capsys, "--file", pf, "otj", "export", str(out))[0] == 0
    exported = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))[1:]
    assert [r[3] for r in exported] == [neutralise(c) for c in HOSTILE_CELLS[:5]]
    _, listed, _ = run(capsys, "--file", pf, "otj", "list", "--json")
    assert [e["description"] for e in json.loads(listed)] == HOSTILE_CELLS[:5]


BAD_SHEETS = [
    ("date,duration,activity,date\n2025-01-06,1:00,mentoring,x\n", "names the column 'date' twice"),
    ('date,duration,activity,description\n2025-01-06,1:00,mentoring,"open\n',
     'has a quote (") opened in the row starting on line 2 that is never closed'),
    ("date,duration,activity\n2025-01-06,1:00,mentor\x00ing\n", "has a NUL character on line 2"),
    ("date,duration,activity\n1999-12-31,1:00,mentoring\n",
     "Row 2 of the CSV file: the date 1999-12-31 is not between 2000 and 2100."),
    ("date,duration,activity\n2025-01-06,1:00,mentoring\n01/01/2101,1:00,mentoring\n",
     "Row 3 of the CSV file: the date 01/01/2101 is not between 2000 and 2100."),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_SHEETS)
def test_a_bad_timesheet_is_one_sentence_and_adds_nothing(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_bytes(text.encode("utf-8"))
    code, out, err = run(capsys, "--file", pf, "otj", "import", str(sheet))
    assert (code, out) == (1, "")
    assert message in err
    assert err.count("\n") == 1
    _, listed, _ = run(capsys, "--file", pf, "otj", "list", "--json")
    assert json.loads(listed) == []


def test_bulk_import_keeps_codes_links_and_skips_repeats(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--file", pf, "item", "add", "--title", "CI")[0] == 0
    sheet = tmp_path / "log.csv"
    sheet.write_text(
        "date,duration,activity,description,ksbs,items\n"
        "2025-01-06,1:30,mentoring,Pairing,K1 S14,E001\n"
        "2025-01-07,0:45,self-study,Reading,DDAT-DEVOPS:DS2,\n"
        "2025-01-07,0:45,self-study,Reading,DDAT-DEVOPS:DS2,\n"  # the same twice is kept twice
    )
    code, out, err = run(capsys, "--file", pf, "otj", "import", str(sheet))
    assert code == 0, err
    assert out.startswith("Imported 3 entries.")
    code, out, err = run(capsys, "--file", pf, "otj", "import", str(sheet))
    assert "Imported 0 entries; 3 already in the log were skipped." in out
    _, listed, _ = run(capsys, "--file", pf, "otj", "list", "--json")
    entries = json.loads(listed)
    assert [(e["ksbs"], e["items"]) for e in entries] == [
        (["K1", "S14"], ["E001"]),
        (["DDAT-DEVOPS:DS2"], []),
        (["DDAT-DEVOPS:DS2"], []),
    ]


def test_an_unknown_code_or_item_in_a_big_file_adds_nothing(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [f"2025-02-{1 + n % 28:02d},0:30,self-study,Note {n},K1," for n in range(500)]
    rows.append("2025-03-01,0:30,self-study,Last,K99,")
    sheet = tmp_path / "log.csv"
    sheet.write_text("date,duration,activity,description,ksbs,items\n" + "\n".join(rows))
    code, _, err = run(capsys, "--file", pf, "otj", "import", str(sheet))
    assert code == 1
    assert "Entry 501 of the file" in err and "K99" in err
    sheet.write_text("date,duration,activity,items\n2025-03-01,0:30,self-study,E404\n")
    code, _, err = run(capsys, "--file", pf, "otj", "import", str(sheet))
    assert code == 1
    assert "There is no evidence item E404" in err
    _, listed, _ = run(capsys, "--file", pf, "otj", "list", "--json")
    assert json.loads(listed) == []


def test_the_reader_names_the_line_of_a_quote_left_open() -> None:
    header, rows = read_csv('a,b\n1,2\n3,"4\n5,6\n', "The file")
    assert header == ["a", "b"]
    with pytest.raises(
        Exception, match=r"opened in the row starting on line 3 that is never closed"
    ):
        list(rows)
