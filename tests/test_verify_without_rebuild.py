"""``verify`` judges a plain package from its document, and agrees with the rebuild.

``import package`` rebuilds the portfolio and compares the content fingerprint it
reads back; ``verify`` skips that rebuild when ``portfolio_check.rebuilt_fingerprint``
can tell the result without a database (issue 18: a quick command line). Each
re-signed variant here is judged both ways: the answers must be the same.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import app.export.package as package_module
from app.export.package import PackageError, PackageReader, check_by_rebuilding, export_package
from app.services import signing
from app.services.portfolio_check import parse_document, rebuilt_fingerprint
from app.services.signing import SigningKey
from tests.package_helpers import build_portfolio, members, rewrite, run, tree


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    return signing.load_or_create_key(tmp_path_factory.mktemp("keys") / "apprentice.pem")


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory, key: SigningKey) -> Path:
    folder = tmp_path_factory.mktemp("good")
    db = build_portfolio(folder / "p.sqlite3")
    try:
        # the review copy: drafts too (one tagged against two other frameworks)
        export_package(db, folder / "good.portfolio", key=key, audience="review")
    finally:
        db.close()
    return folder / "good.portfolio"


def _rebuild_verdict(package: Path) -> str:
    """What the rebuild (the import's own check) says: "" or the refusal."""
    with PackageReader(package) as reader:
        try:
            reader.verify()
            check_by_rebuilding(reader)
        except Exception as exc:  # the verdict itself is what is compared
            return str(exc)
    return ""


def test_the_document_alone_gives_the_fingerprint_the_rebuild_reads_back(good: Path) -> None:
    document = parse_document(members(good)["portfolio.json"])
    # tags against a second framework, attachments, a gap in the refs, non-ASCII text
    assert any(item.other_tags for item in document.items)
    assert rebuilt_fingerprint(document) == document.fingerprint


def _edit(
    change: Callable[[dict[str, Any]], None],
) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    def apply(content: dict[str, bytes]) -> dict[str, bytes]:
        document = json.loads(content["portfolio.json"])
        change(document)
        return {**content, "portfolio.json": json.dumps(document).encode()}

    return apply


def _first_tagged(document: dict[str, Any], field: str) -> dict[str, Any]:
    return next(i for i in document["items"] if len(i[field]) > 1)


def _other_on_own(document: dict[str, Any]) -> None:
    item = _first_tagged(document, "ksbs")
    own = document["portfolio"]["framework"]
    code = item["ksbs"][0]["code"]
    item["other_tags"].append(
        {
            "framework": own["key"],
            "version": own["version"],
            "kind": "competency",
            "code": code,
            "justification": "said twice, differently",
        }
    )


# (name, change, accepted: True when the rebuild reads back the same content)
VARIANTS: list[tuple[str, Callable[[dict[str, Any]], None], bool]] = [
    ("items reversed", lambda d: d["items"].reverse(), True),
    ("ksbs reversed", lambda d: _first_tagged(d, "ksbs")["ksbs"].reverse(), True),
    ("duties reversed", lambda d: _first_tagged(d, "duties")["duties"].reverse(), True),
    ("title changed", lambda d: d["items"][0].update(title="Another title"), False),
    ("name changed", lambda d: d["portfolio"].update(apprentice_name="Mallory"), False),
    (
        "justification changed",
        lambda d: _first_tagged(d, "ksbs")["ksbs"][0].update(justification="not what was signed"),
        False,
    ),
    (
        "unknown code",
        lambda d: d["items"][0]["ksbs"].append({"code": "K99", "justification": ""}),
        False,
    ),
    ("tag on its own framework twice", _other_on_own, False),
    (
        "attachment renamed",
        lambda d: next(i for i in d["items"] if i["attachments"])["attachments"][0].update(
            name="other.png"
        ),
        False,
    ),
]


@pytest.mark.parametrize(
    ("change", "accepted"), [(v[1], v[2]) for v in VARIANTS], ids=[v[0] for v in VARIANTS]
)
def test_verify_answers_as_the_rebuild_does(
    good: Path,
    key: SigningKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[dict[str, Any]], None],
    accepted: bool,
) -> None:
    bad = rewrite(good, tmp_path / "variant.portfolio", _edit(change), sign_with=key)
    expected = _rebuild_verdict(bad)
    assert (expected == "") == accepted, expected
    code, out, err = run(capsys, "verify", str(bad))
    if accepted:
        assert (code, err) == (0, ""), err
        assert "OK: the signature and all" in out
    else:
        assert (code, out) == (1, "")
        assert err == f"portfolio: {expected}\n"
    target = tmp_path / "imported.sqlite3"
    imported = run(capsys, "--file", str(target), "import", "package", str(bad))
    assert imported[0] == code
    if not accepted:
        assert imported[2] == err
        assert tree(tmp_path) == {"variant.portfolio"}


def test_a_plain_package_is_judged_without_a_rebuild(
    tmp_path: Path,
    key: SigningKey,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = build_portfolio(tmp_path / "p.sqlite3")
    try:  # the assessor's copy: no programme records, no sign-off
        export_package(db, tmp_path / "assessor.portfolio", key=key)
    finally:
        db.close()

    def no_rebuild(reader: PackageReader) -> None:
        raise PackageError("rebuilt")

    monkeypatch.setattr(package_module, "check_by_rebuilding", no_rebuild)
    code, out, err = run(capsys, "verify", str(tmp_path / "assessor.portfolio"))
    assert (code, err) == (0, "")
    assert "OK: the signature and all" in out
    # a changed document that keeps the old fingerprint is still refused: by the rebuild
    bad = rewrite(
        tmp_path / "assessor.portfolio",
        tmp_path / "changed.portfolio",
        _edit(lambda d: d["items"][0].update(title="Another title")),
        sign_with=key,
    )
    code, _, err = run(capsys, "verify", str(bad))
    assert (code, err) == (1, "portfolio: rebuilt\n")  # the rebuild was asked to decide
