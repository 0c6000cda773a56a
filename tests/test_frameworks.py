"""Frameworks: the bundled ones and IfATE imports."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from app.errors import InvalidInputError
from app.models.db import Database
from app.services import evidence, frameworks, queries
from tests.package_helpers import ST0999


def test_import_numbers_codes_by_position(db: Database) -> None:
    with db.transaction() as s:
        summary = frameworks.import_standard(s, json.dumps(ST0999))
    assert (summary.key, summary.version, summary.competencies, summary.groups) == (
        "ST0999",
        "1.1",
        4,
        2,
    )
    with db.reader() as s:
        view = queries.get_framework(s, "ST0999")
    assert [c.code for c in view.competencies] == ["K1", "K2", "S1", "B1"]
    assert view.competencies[0].text == "Widgets & <gadgets>"
    assert view.groups[0].competency_codes == ("K1", "K2", "S1")
    assert view.groups[1].competency_codes == ("K2", "B1")


def test_versions_side_by_side_and_newest_by_default(db: Database) -> None:
    older = copy.deepcopy(ST0999) | {"version": "1.0"}
    older["knowledges"] = older["knowledges"][:1]
    older["duties"] = [{"dutyID": "d", "dutyDetail": "x", "mappedKnowledge": ["k-a"]}]
    with db.transaction() as s:
        frameworks.import_standard(s, json.dumps(ST0999))
        frameworks.import_standard(s, json.dumps(older))
    with db.reader() as s:
        assert queries.get_framework(s, "ST0999").version == "1.1"
        assert len(queries.get_framework(s, "ST0999", "1.0").competencies) == 3
        keys = [(f.key, f.version) for f in queries.list_frameworks(s)]
    assert keys[:3] == [("ST0825", "1.0"), ("DDAT-DEVOPS", "2020-01-07"), ("TECIT50761", "1")]
    assert ("ST0999", "1.0") in keys and ("ST0999", "1.1") in keys


def _broken(**changes: Any) -> str:
    data = copy.deepcopy(ST0999)
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return json.dumps(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "no standard to import"),
        (_broken(referenceNumber=None), "referenceNumber"),
        (_broken(title=""), "title"),
        (_broken(knowledges=[{"knowledgeId": "k"}]), "K1 has no text"),
        (
            _broken(duties=[{"dutyID": "d", "dutyDetail": "x", "mappedKnowledge": ["zzz"]}]),
            "maps to zzz",
        ),
        (_broken(knowledges=[], skills=[], behaviours=[]), "no knowledge"),
    ],
)
def test_malformed_standards_import_nothing(db: Database, text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message), db.transaction() as s:
        frameworks.import_standard(s, text)
    with db.reader() as s:
        assert {f.key for f in queries.list_frameworks(s)} == {
            "ST0825",
            "DDAT-DEVOPS",
            "TECIT50761",
        }


def test_importing_the_same_version_twice_changes_nothing(db: Database) -> None:
    with db.transaction() as s:
        first = frameworks.import_standards(s, json.dumps(ST0999))
    with db.transaction() as s:
        again = frameworks.import_standards(s, json.dumps(ST0999))
    assert [r.added for r in first] == [True] and [r.added for r in again] == [False]


def test_other_text_under_an_installed_version_is_refused(db: Database) -> None:
    with db.transaction() as s:
        frameworks.import_standard(s, json.dumps(ST0999))
    changed = copy.deepcopy(ST0999)
    changed["skills"][0]["detail"] = "Assemble gadgets"
    with (
        pytest.raises(InvalidInputError, match="S1 reads 'Assemble widgets' there and"),
        db.transaction() as s,
    ):
        frameworks.import_standard(s, json.dumps(changed))


def test_items_can_be_tagged_against_an_imported_standard(db: Database) -> None:
    with db.transaction() as s:
        frameworks.import_standard(s, json.dumps(ST0999))
        item = evidence.add_item(s, title="w", ksbs=["ST0999:K2"], duties=["ST0999:D1"])
    assert [(t.framework, t.code) for t in item.other_tags] == [("ST0999", "D1"), ("ST0999", "K2")]


def test_ddat_levels_carry_required_levels(db: Database) -> None:
    with db.reader() as s:
        view = queries.get_framework(s, "DDAT-DEVOPS")
    apprentice = view.groups[0]
    assert apprentice.code == "L1"
    assert {link.level for link in apprentice.links} == {"awareness"}
    assert all(c.name for c in view.competencies)
