"""The schema layer: one set of records for portfolio.json, friendly sentences, no Qt/ORM."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import msgspec
import pytest
from msgspec import Meta

from app.errors import InvalidInputError
from app.schema.base import Record, SchemaError, decode, nonblank, one_of, whole
from app.schema.portfolio import FORMAT, PortfolioDocument, encode
from app.services.portfolio_json import parse_document

ROOT = Path(__file__).resolve().parents[1]


def _document() -> dict[str, Any]:
    framework = {
        "key": "ST0825",
        "version": "1.0",
        "title": "DevOps engineer",
        "kind": "apprenticeship-standard",
        "competencies": [{"code": "K1", "kind": "knowledge", "text": "Know things"}],
        "groups": [{"code": "D1", "text": "Do things", "links": [{"competency": "K1"}]}],
    }
    item = {
        "ref": "E003",
        "number": 3,
        "title": "Pipelines",
        "date": "2026-03-02",
        "status": "ready",
        "body": "Text",
        "created": "t",
        "updated": "t",
        "ksbs": [{"code": "K1", "justification": "why"}],
        "duties": [],
        "other_tags": [],
        "attachments": [],
    }
    return {
        "format": FORMAT,
        "fingerprint": "f" * 64,
        "signer": None,
        "last_changed": "t",
        "portfolio": {
            "apprentice_name": "Ada",
            "uln": "",
            "employer": "",
            "provider": "",
            "framework": {"key": "ST0825", "version": "1.0"},
            "next_item_number": 4,
            "created": "t",
            "updated": "t",
        },
        "frameworks": [{"key": "ST0825", "version": "1.0", "bundled": True, "document": framework}],
        "items": [item],
    }


def _refusal(document: dict[str, Any]) -> str:
    with pytest.raises(InvalidInputError) as caught:
        # "BIG" stands for a 5,000-digit number, which Python itself will not write
        parse_document(json.dumps(document).encode().replace(b'"BIG"', b"9" * 5000))
    return str(caught.value)


def test_a_valid_document_reads_and_writes_back_the_same() -> None:
    data = encode(parse_document(json.dumps(_document()).encode()))
    assert encode(parse_document(data)) == data
    assert json.loads(data) == _document()


@pytest.mark.parametrize(
    ("edit", "sentence"),
    [
        (lambda d: d["items"][0].update(date="soon"), "E003.date is not a date (YYYY-MM-DD)"),
        (lambda d: d["items"][0].update(date="2026-02-30"), "E003.date is not a date"),
        (lambda d: d["items"][0].update(title="  "), "E003.title is empty"),
        (lambda d: d["items"][0].update(title="x" * 501), "longer than 500 characters"),
        (lambda d: d["items"][0].update(status="done"), "E003.status must be one of draft"),
        (lambda d: d["items"][0].pop("body"), "E003.body is missing"),
        (lambda d: d["items"][0].update(number=4), "items[0].ref must be E followed by its"),
        (lambda d: d["items"][0].update(number=True), "items[0].number must be a whole number"),
        (
            lambda d: d["items"][0]["ksbs"].append({"code": "K1", "justification": ""}),
            "E003 is tagged K1 twice",
        ),
        (lambda d: d["items"][0]["ksbs"][0].update(code="K 1"), "E003.ksbs[0].code is not a code"),
        (
            lambda d: d["portfolio"].update(next_item_number="BIG"),
            "portfolio.next_item_number must be a whole number from 1 to 1000000000",
        ),
        (
            lambda d: d["frameworks"][0]["document"].update(level="BIG"),
            "frameworks[0].document holds a number too large",
        ),
        (
            lambda d: d["frameworks"][0]["document"].update(title=""),
            "frameworks[0].document.title is empty",
        ),
        (lambda d: d.update(items={}), "items must be a list"),
        (lambda d: d.update(portfolio="Ada"), "portfolio must be an object"),
    ],
)
def test_each_problem_is_one_sentence_naming_the_place(edit: Any, sentence: str) -> None:
    document = _document()
    edit(document)
    message = _refusal(document)
    assert message.startswith("portfolio.json is not valid: ")
    assert sentence in message and message.endswith(".")


def test_deep_nesting_and_broken_json_are_sentences() -> None:
    with pytest.raises(InvalidInputError, match=r"portfolio\.json is not valid JSON"):
        parse_document(b'{"format": ')
    deep = b'{"format": "' + FORMAT.encode() + b'", "x": ' + b"[" * 200_000 + b"]" * 200_000
    with pytest.raises(InvalidInputError, match=r"nested deeper than any portfolio\.json"):
        parse_document(deep + b"}")


def test_another_format_is_named() -> None:
    document = _document()
    document["format"] = "apprentice-portfolio-json/9"
    assert "this version of the app reads" in _refusal(document)


class _Old(Record):
    name: Annotated[str, nonblank(10)]


class _New(Record):
    name: Annotated[str, nonblank(10)]
    colour: Annotated[str, one_of(("red", "blue"))] = "red"
    count: Annotated[int, whole(0, 9)] = 0


def test_an_optional_field_with_a_default_keeps_old_bytes_and_old_files() -> None:
    old = msgspec.json.encode(_Old(name="a"))
    assert msgspec.json.encode(_New(name="a")) == old  # at its default: not written
    assert decode(old, _New, name="x.json") == _New(name="a")
    assert msgspec.json.encode(_New(name="a", colour="blue")) == b'{"name":"a","colour":"blue"}'
    with pytest.raises(SchemaError, match=r"^colour must be one of red, blue$"):
        decode(b'{"name":"a","colour":"green"}', _New, name="x.json")
    with pytest.raises(SchemaError, match=r"^count must be a whole number from 0 to 9$"):
        decode(b'{"name":"a","count":10}', _New, name="x.json")


def test_the_portfolio_document_decodes_straight_from_bytes() -> None:
    document = msgspec.json.decode(json.dumps(_document()).encode(), type=PortfolioDocument)
    assert document.items[0].ksbs[0].code == "K1"
    assert document.details.framework_key == "ST0825"


def test_the_schema_package_imports_neither_qt_nor_the_orm() -> None:
    from tests.test_layers import imported_modules

    offenders = [
        f"{path.name}: {name}"
        for path in (ROOT / "app" / "schema").rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in {"PySide6", "sqlalchemy", "alembic"}
        or name.startswith(("app.models", "app.services", "app.ui", "app.export"))
    ]
    assert offenders == []


_ = Meta  # re-exported constraint type, used by the docstring's examples


def test_a_manifest_is_decoded_by_the_schema_it_was_written_with() -> None:
    from app.schema.manifest import FileEntry, Manifest, decode_manifest, encode_manifest

    manifest = Manifest(
        format="f/1",
        created="2026-01-01T00:00:00+00:00",
        public_key="QUJD",
        files=(
            FileEntry(path="b", size=1, sha256="0" * 64),
            FileEntry(path="a", size=2, sha256="1" * 64),
        ),
    )
    data = encode_manifest(manifest)
    assert [f.path for f in decode_manifest(data, "f/1").files] == ["a", "b"]
    with pytest.raises(SchemaError, match=r"this version of the app reads 'g/1'"):
        decode_manifest(data, "g/1")
    huge = data.replace(b'"size": 1', b'"size": ' + b"7" * 5000)
    with pytest.raises(SchemaError, match=r"^files\[1\]\.size must be a whole number from 0 to"):
        decode_manifest(huge, "f/1")


def test_each_setting_is_checked_by_its_own_declaration() -> None:
    from app.schema.settings import WindowLayout, labels, remembered, setting_value

    assert setting_value("backup_keep_recent", 0) is None  # at least one
    assert setting_value("backup_keep_recent", True) is None
    assert setting_value("export_page_size", "Letter") == "Letter"
    assert setting_value("export_page_size", "A5") is None
    assert setting_value("recent_files", ["a", "b"]) == ("a", "b")
    assert setting_value("no_such_setting", 1) is None
    assert labels()["heatmap_target"] == "Heatmap target (items per KSB)"
    assert remembered() == {"window_layout"}
    layout = WindowLayout(1, 2, 300, 200, True, (("main", (100, 200)),))
    assert WindowLayout.from_json(layout.to_json()) == layout
    assert WindowLayout.from_json({**layout.to_json(), "width": 0}) is None
