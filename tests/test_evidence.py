"""Evidence items through the services, on a real portfolio file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from app.errors import InvalidInputError, NotFoundError
from app.models.db import Database, open_portfolio
from app.services import attachments, evidence, queries
from app.services.evidence import ItemFilter, TagInput


def add(db: Database, **fields: object) -> evidence.ItemView:
    fields.setdefault("title", "Built a CI pipeline")
    with db.transaction() as s:
        return evidence.add_item(s, **fields)  # type: ignore[arg-type]


def test_refs_count_up_and_are_never_reused(db: Database) -> None:
    assert add(db).ref == "E001"
    assert add(db).ref == "E002"
    with db.transaction() as s:
        evidence.delete_item(s, "E002")
    assert add(db).ref == "E003"


def test_item_round_trips_with_tags_and_justifications(db: Database) -> None:
    item = add(
        db,
        date="2026-03-02",
        status="ready",
        body="## What I did\n\n* wrote `Jenkinsfile`\n",
        ksbs=[TagInput("K1", "merged hourly"), "s14"],
        duties=["5", TagInput("D1", "scripted it")],
    )
    with db.reader() as s:
        shown = queries.get_item(s, item.ref)
    assert shown.ksbs == ("K1", "S14")
    assert shown.duties == ("D1", "D5")
    assert shown.justifications["K1"] == "merged hourly"
    assert shown.justifications["D1"] == "scripted it"
    assert shown.body == "## What I did\n\n* wrote `Jenkinsfile`\n"
    assert shown.date == "2026-03-02"


def test_hostile_text_is_stored_exactly_as_typed(db: Database, hostile: str) -> None:
    title = hostile if hostile.strip() else "blank"
    item = add(db, title=title[:500], body=hostile, ksbs=[TagInput("K7", hostile)])
    with db.reader() as s:
        shown = queries.get_item(s, item.ref)
    assert shown.title == title[:500]
    assert shown.body == hostile
    assert shown.justifications["K7"] == hostile


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "title is empty"),
        ({"date": "2026-02-30"}, "does not exist"),
        ({"date": "02/03/2026"}, "YYYY-MM-DD"),
        ({"ksbs": ["K99"]}, "no competency K99"),
        ({"duties": ["14"]}, "no duty D14"),
        ({"status": "done"}, "not one of"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    db: Database, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        add(db, **fields)
    with db.reader() as s:
        assert queries.list_items(s) == []
    assert add(db).ref == "E001"  # the failed add did not use up a reference


def test_missing_attachment_refuses_the_whole_item(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="does not exist"), db.transaction() as s:
        evidence.add_item_from_paths(s, title="x", attach=[tmp_path / "nope.png"])
    with db.reader() as s:
        assert queries.list_items(s) == []


def test_attachments_are_content_addressed_and_deduplicated(db: Database, tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    log.write_bytes(b"BUILD SUCCESSFUL\n")
    with db.transaction() as s:
        first = evidence.add_item_from_paths(s, title="a", attach=[log])
        second = evidence.add_item_from_paths(s, title="b", attach=[log])
    assert first.attachments[0].sha256 == second.attachments[0].sha256
    assert first.attachments[0].size == 17
    assert first.attachments[0].media_type == "text/plain"
    with db.reader() as s:
        _view, data = queries.read_attachment(s, first.attachments[0].id)
        assert data == b"BUILD SUCCESSFUL\n"
        assert s.execute(text("SELECT count(*) FROM blobs")).scalar() == 1
    with db.transaction() as s:
        evidence.delete_item(s, "E001")
    with db.reader() as s:  # still used by E002
        assert s.execute(text("SELECT count(*) FROM blobs")).scalar() == 1
    with db.transaction() as s:
        attachments.remove(s, second.attachments[0].id)
    with db.reader() as s:  # nothing refers to it any more
        assert s.execute(text("SELECT count(*) FROM blobs")).scalar() == 0


def test_tag_untag_and_update(db: Database) -> None:
    add(db, ksbs=["K1"])
    with db.transaction() as s:
        evidence.tag(s, "E001", "K7", "terraform modules")
        evidence.tag(s, "E001", "D3")
        evidence.tag(s, "E001", "K7", "terraform modules, reviewed")
        evidence.untag(s, "E001", "K1")
        evidence.update_item(s, "E001", title="Terraform", status="ready", date="2026-01-05")
    with db.reader() as s:
        item = queries.get_item(s, "e001")
    assert item.ksbs == ("K7",)
    assert item.duties == ("D3",)
    assert item.justifications["K7"] == "terraform modules, reviewed"
    assert (item.title, item.status, item.date) == ("Terraform", "ready", "2026-01-05")


def test_tags_against_another_framework_are_kept_apart(db: Database) -> None:
    item = add(db, ksbs=["K1", "DDAT-DEVOPS:DS2"])
    assert item.ksbs == ("K1",)
    assert [(t.framework, t.code) for t in item.other_tags] == [("DDAT-DEVOPS", "DS2")]


def test_unknown_ref(db: Database) -> None:
    with pytest.raises(NotFoundError, match="E404"), db.reader() as s:
        queries.get_item(s, "E404")


def test_filters_and_full_text_search(db: Database) -> None:
    add(db, title="Terraform state locking", body="Used DynamoDB", ksbs=["K7"], duties=["2"])
    add(
        db,
        title="Incident review",
        body="Post-mortem of the Łódź outage",
        ksbs=["B1"],
        status="ready",
    )
    add(db, title="Pipeline", ksbs=[TagInput("K1", "blue-green deployments")])
    with db.reader() as s:

        def refs(**kw: object) -> list[str]:
            return [i.ref for i in queries.list_items(s, ItemFilter(**kw))]  # type: ignore[arg-type]

        assert refs(ksb="K7") == ["E001"]
        assert refs(duty="2") == ["E001"]
        assert refs(status="ready") == ["E002"]
        assert refs(search="terra") == ["E001"]  # prefix search
        assert refs(search="łodz") == ["E002"]  # accents and case folded
        assert refs(search="blue-green") == ["E003"]  # justifications are searched
        assert refs(search='" OR 1=1 --') == []  # user text is never FTS syntax
        assert refs(search="") == ["E001", "E002", "E003"]
        assert refs(refs=("E003", "E001")) == ["E001", "E003"]


def test_search_index_follows_edits_and_deletes(db: Database) -> None:
    add(db, title="Kubernetes upgrade")
    with db.transaction() as s:
        evidence.update_item(s, "E001", title="Helm chart")
    with db.reader() as s:
        assert queries.list_items(s, ItemFilter(search="kubernetes")) == []
        assert [i.ref for i in queries.list_items(s, ItemFilter(search="helm"))] == ["E001"]
    with db.transaction() as s:
        evidence.delete_item(s, "E001")
    with db.reader() as s:
        assert queries.list_items(s, ItemFilter(search="helm")) == []


def test_reopened_file_keeps_everything(db: Database, portfolio_path: Path) -> None:
    add(db, title="Kept", ksbs=["K2"], body="body")
    db.close()
    again = open_portfolio(portfolio_path)
    with again.reader() as s:
        item = queries.get_item(s, "E001")
    again.close()
    assert (item.title, item.ksbs, item.body) == ("Kept", ("K2",), "body")
