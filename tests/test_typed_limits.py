"""What a user types meets the limits a package is read with (one schema, one sentence)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.schema.framework import MAX_TITLE as MAX_STANDARD_TITLE
from app.schema.portfolio import MAX_NOTES, MAX_SHORT_TEXT, MAX_TITLE
from tests.cli_run import run


@pytest.fixture
def pf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = str(tmp_path / "p.sqlite3")
    code, _, err = run(capsys, "--file", path, "init", "--name", "Ada Lovelace")
    assert code == 0, err
    return path


def test_a_title_at_the_limit_is_kept_and_its_package_verifies(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--file", pf, "item", "add", "--title", "T" * MAX_TITLE)
    assert code == 0, err
    package = tmp_path / "out.portfolio"
    code, _, err = run(capsys, "--file", pf, "export", "package", str(package))
    assert code == 0, err
    code, _, err = run(capsys, "verify", str(package))
    assert code == 0, err


def test_one_character_more_is_one_sentence_naming_both_lengths(
    pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = Path(pf).read_bytes()
    code, out, err = run(capsys, "--file", pf, "item", "add", "--title", "T" * (MAX_TITLE + 1))
    assert (code, out) == (1, "")
    assert err.strip().endswith(f"The title is {MAX_TITLE + 1} characters (at most {MAX_TITLE}).")
    assert err.count("\n") == 1
    assert Path(pf).read_bytes() == before


def test_details_past_what_a_package_may_hold_are_refused_when_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a package with a longer name would be refused by verify and import package
    path = tmp_path / "p.sqlite3"
    long_name = "N" * (MAX_SHORT_TEXT + 1)
    code, _, err = run(capsys, "--file", str(path), "init", "--name", long_name)
    assert code == 1
    assert f"The apprentice's name is {MAX_SHORT_TEXT + 1} characters" in err
    assert not path.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["item", "add", "--title", "x", "--date", "1 May"], "The date '1 May' is not a date"),
        (["init", "--name", "A", "--uln", "12345"], "The ULN '12345' must be 10 digits."),
    ],
)
def test_a_value_of_the_wrong_form_is_quoted_in_the_sentence(
    pf: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    file = pf if args[0] != "init" else str(Path(pf).with_name("new.sqlite3"))
    code, _, err = run(capsys, "--file", file, *args)
    assert code == 1
    assert message in err


def test_a_standard_is_held_to_the_framework_schema_s_own_title_limit() -> None:
    from app.errors import InvalidInputError
    from app.services import ifate

    title = "T" * (MAX_STANDARD_TITLE + 1)
    with pytest.raises(InvalidInputError) as refused:
        ifate.parse(f'{{"referenceNumber": "ST0901", "title": "{title}", "version": "1.0"}}')
    assert str(refused.value) == (
        f"Not a valid standard: ST0901: the title is {MAX_STANDARD_TITLE + 1} characters "
        f"(at most {MAX_STANDARD_TITLE})."
    )


def test_an_item_with_a_long_reflection_can_be_sent_for_sign_off(
    pf: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the request carries the item's content as portfolio.json does: a reflection past a
    # million characters (portfolio.json allows twenty million) was an unexpected error
    body = tmp_path / "long.md"
    body.write_text("word " * 200_001, encoding="utf-8")
    code, _, err = run(
        capsys, "--file", pf, "item", "add", "--title", "T", "--ksb", "K1", "--body-file", str(body)
    )
    assert code == 0, err
    request = tmp_path / "e001.request"
    code, out, err = run(
        capsys, "--file", pf, "signoff", "request", "E001", "--name", "Sam", "--out", str(request)
    )
    assert code == 0, err
    assert "1 item for Sam to confirm" in out
    response = tmp_path / "e001.response"
    args = ("signoff", "respond", str(request), "--confirm", "E001", "--name", "Sam")
    code, _, err = run(capsys, *args, "--out", str(response))
    assert code == 0, err
    code, out, err = run(capsys, "--file", pf, "signoff", "import", str(response))
    assert code == 0, err
    assert "1 claim confirmed" in out


def test_a_justification_past_what_a_package_holds_is_refused_and_nothing_changes(
    pf: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--file", pf, "item", "add", "--title", "T")
    assert code == 0, err
    before = Path(pf).read_bytes()
    why = "w" * (MAX_NOTES + 1)
    code, out, err = run(capsys, "--file", pf, "item", "tag", "E001", "K1", "--why", why)
    assert (code, out) == (1, "")
    assert f"A justification is {MAX_NOTES + 1} characters (at most {MAX_NOTES})." in err
    assert Path(pf).read_bytes() == before
