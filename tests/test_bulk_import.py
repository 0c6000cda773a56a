"""``portfolio item import``: Markdown folders and JSON Lines, all or nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.cli_run import run


@pytest.fixture
def pf(tmp_path: Path, template_portfolio: Path) -> str:
    path = tmp_path / "p.sqlite3"
    shutil.copyfile(template_portfolio, path)
    return str(path)


def items(capsys: pytest.CaptureFixture[str], pf: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "--file", pf, "item", "list", "--json")
    assert code == 0, err
    result: list[dict[str, object]] = json.loads(out)
    return result


def photo(path: Path, size: tuple[int, int] = (2400, 1600)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (30, 120, 200)).save(path, "JPEG")


def note(folder: Path, name: str, front: str, body: str = "What I did.\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    return path


def test_a_folder_of_markdown_notes_becomes_items_in_name_order(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str], hostile: str
) -> None:
    notes = tmp_path / "notes"
    photo(notes / "shots" / "pipeline.jpg")
    note(
        notes,
        "01-ci.md",
        "title: Built the CI pipeline\ndate: 2026-03-02\nstatus: ready\n"
        "ksb: [K1, S14]\nduty: 1, 5\nattachments: [shots/pipeline.jpg]\n",
        f"## Context\n\n{hostile}\n",
    )
    note(notes, "02-iac.md", "title: 'Terraform: the network'\nksb: K2\n")
    (notes / "README.txt").write_text("not an item")

    code, out, err = run(capsys, "--file", pf, "item", "import", str(notes))

    assert code == 0, err
    assert out.split() == ["E001", "E002"]
    first, second = items(capsys, pf)
    assert first["title"] == "Built the CI pipeline"
    assert first["date"] == "2026-03-02"
    assert first["status"] == "ready"
    assert first["ksbs"] == ["K1", "S14"]
    assert first["duties"] == ["D1", "D5"]
    assert [a["name"] for a in first["attachments"]] == ["pipeline.jpg"]  # type: ignore[index,union-attr]
    assert second["title"] == "Terraform: the network"
    assert second["status"] == "draft"
    code, out, _ = run(capsys, "--file", pf, "item", "show", "E001", "--json")
    assert json.loads(out)["body"] == f"## Context\n\n{hostile}\n"


def test_imported_photos_get_their_print_renditions(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    notes = tmp_path / "notes"
    photo(notes / "a.jpg")
    photo(notes / "b.jpg", (3000, 2000))
    note(notes, "a.md", "title: A\nattachments: [a.jpg, b.jpg]\n")
    note(notes, "b.md", "title: B\nattachments: [a.jpg]\n")  # the same photo twice

    code, _, err = run(capsys, "--file", pf, "item", "import", str(notes))

    assert code == 0, err
    with sqlite3.connect(pf) as conn:
        sizes = conn.execute("SELECT width, height FROM renditions").fetchall()
    assert len(sizes) == 2  # one per distinct photo, however many items show it
    assert all(1000 <= width <= 1300 for width, _ in sizes)


def test_json_lines_items_with_body_and_attachments_relative_to_the_file(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "deploy.log").write_text("ok\n")
    lines = [
        {
            "title": "Deploy",
            "date": "2026-01-05",
            "ksb": ["K3"],
            "attachments": ["logs/deploy.log"],
        },
        {},
        {"title": "Incident review", "body": "# What happened\n", "status": "ready", "duty": [7]},
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join("" if not x else json.dumps(x) for x in lines) + "\n")

    code, out, err = run(capsys, "--file", pf, "item", "import", str(path), "--json")

    assert code == 0, err
    assert json.loads(out) == ["E001", "E002"]
    first, second = items(capsys, pf)
    assert first["attachments"][0]["name"] == "deploy.log"  # type: ignore[index]
    assert second["duties"] == ["D7"]
    _, out, _ = run(capsys, "--file", pf, "item", "show", "E002", "--json")
    assert json.loads(out)["body"] == "# What happened\n"


BAD_NOTES = [
    ("title: A\nksb: [K1, K99]\n", "a.md line 3: ST0825 has no competency K99"),
    ("title: A\nattachments: [gone.png]\n", "a.md line 3: the attachment"),
    ("title: A\ndate: 2026-02-30\n", "a.md line 3: The date 2026-02-30 does not exist"),
    ("date: 2026-02-01\n", "every item needs a 'title'"),
    ("title: A\nksbs: [K1]\n", "a.md line 3: 'ksbs' is not a field"),
    ("title: [unclosed\n", "a.md line 3: the front matter"),
    ("title: A\nksb: [[[[[[[[[[[[K1]]]]]]]]]]]]\n", "a.md line 3: 'ksb' must be a list of codes"),
    ("title: A\ndate: 2026-13-01 12:00\n", "a.md line 3: The date '2026-13-01 12:00' is not"),
    ("a: &x [1, 2]\nb: *x\ntitle: t\n", "alias"),
    ("title: A\nstatus: final\n", "a.md line 3: The status 'final'"),
]


@pytest.mark.parametrize(("front", "message"), BAD_NOTES)
def test_one_bad_note_adds_nothing_and_names_the_file_and_line(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str], front: str, message: str
) -> None:
    notes = tmp_path / "notes"
    note(notes, "0-good.md", "title: Fine\nksb: K1\n")
    note(notes, "a.md", front)

    code, out, err = run(capsys, "--file", pf, "item", "import", str(notes))

    assert code == 1
    assert out == ""
    assert message in err
    assert err.count("\n") == 1
    assert items(capsys, pf) == []


def test_notes_without_front_matter_or_not_utf8_are_refused(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "plain.md").write_text("# Just a heading\n")
    code, _, err = run(capsys, "--file", pf, "item", "import", str(notes))
    assert code == 1
    assert "plain.md line 1 does not start YAML front matter" in err

    (notes / "plain.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    code, _, err = run(capsys, "--file", pf, "item", "import", str(notes))
    assert code == 1
    assert "plain.md line 2 is not UTF-8 text" in err
    assert items(capsys, pf) == []


def test_a_bad_json_line_is_named_and_nothing_is_added(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text('{"title": "ok"}\n{"title": "broken"\n')
    code, _, err = run(capsys, "--file", pf, "item", "import", str(path))
    assert code == 1
    assert "items.jsonl line 2 is not a JSON object" in err
    assert items(capsys, pf) == []


def test_a_failure_while_writing_rolls_back_every_item(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attachments vanish between the check and the write: nothing at all is kept."""
    from app.services import files_in

    notes = tmp_path / "notes"
    photo(notes / "a.jpg")
    for n in range(5):
        note(notes, f"{n}.md", "title: T\nattachments: [a.jpg]\n")
    real = files_in.read_file
    calls = {"n": 0}

    def flaky(path: Path) -> files_in.FileData:
        calls["n"] += 1
        if calls["n"] == 4:
            from app.errors import InvalidInputError

            raise InvalidInputError(f"The attachment {path} cannot be read: gone.")
        return real(path)

    monkeypatch.setattr("app.services.attachments.read_file", flaky)
    code, _, err = run(capsys, "--file", pf, "item", "import", str(notes))
    assert code == 1
    assert "3.md: The attachment" in err
    assert items(capsys, pf) == []


def test_a_missing_path_is_one_sentence(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--file", pf, "item", "import", str(tmp_path / "nope"))
    assert code == 1
    assert err.strip().endswith("does not exist.")


def test_the_photo_bytes_are_stored_exactly(
    tmp_path: Path, pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib

    notes = tmp_path / "notes"
    photo(notes / "a.jpg")
    note(notes, "a.md", "title: A\nattachments: a.jpg\n")
    code, _, err = run(capsys, "--file", pf, "item", "import", str(notes))
    assert code == 0, err
    (item,) = items(capsys, pf)
    digest = hashlib.sha256((notes / "a.jpg").read_bytes()).hexdigest()
    assert item["attachments"][0]["sha256"] == digest  # type: ignore[index]
