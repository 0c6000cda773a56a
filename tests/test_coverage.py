"""Coverage counts and heatmap cells against hand-computed expectations."""

from __future__ import annotations

import pytest

from app.errors import InvalidInputError
from app.models.db import Database
from app.services import coverage, evidence, queries


def add(db: Database, status: str, ksbs: list[str], duties: list[str]) -> None:
    with db.transaction() as s:
        evidence.add_item(s, title="t", status=status, ksbs=ksbs, duties=duties)


def test_counts_cells_and_gaps(db: Database) -> None:
    add(db, "ready", ["K1", "K4"], ["1"])  # E001: D1 links K4 but not K1
    add(db, "ready", ["K4"], ["1", "2"])  # E002
    add(db, "draft", ["K1"], ["1"])  # E003: a draft, counted apart
    with db.reader() as s:
        report = queries.compute_coverage(s, target=2)
    by_code = {c.code: c for c in report.competencies}
    assert (by_code["K1"].count, by_code["K1"].drafts, by_code["K1"].met) == (1, 1, False)
    assert (by_code["K4"].count, by_code["K4"].met, by_code["K4"].items) == (
        2,
        True,
        ("E001", "E002"),
    )
    assert report.cell("D1", "K4") is not None and report.cell("D1", "K4").count == 2  # type: ignore[union-attr]
    assert report.cell("D1", "K1") is None  # not linked by the standard: not applicable
    assert report.summary.competencies == 51
    assert report.summary.linked_cells == 236
    assert report.summary.met == 1
    assert {g.code for g in report.gaps()} == {c.code for c in report.competencies} - {"K4"}


def test_json_shape_is_the_documented_one(db: Database) -> None:
    add(db, "ready", ["K4"], ["1"])
    with db.reader() as s:
        data = coverage.coverage_json(queries.compute_coverage(s))
    assert data["framework"] == "ST0825" and data["target"] == 1
    k4 = next(c for c in data["competencies"] if c["code"] == "K4")  # type: ignore[union-attr]
    assert k4 == {
        "code": "K4",
        "kind": "knowledge",
        "count": 1,
        "drafts": 0,
        "met": True,
        "items": ["E001"],
    }
    assert {"group": "D1", "competency": "K4", "count": 1} in data["cells"]  # type: ignore[operator]
    assert data["summary"] == {
        "competencies": 51,
        "met": 1,
        "linked_cells": 236,
        "covered_cells": 1,
    }


def test_other_framework_view(db: Database) -> None:
    add(db, "ready", ["DDAT-DEVOPS:DS1"], ["DDAT-DEVOPS:L1"])
    with db.reader() as s:
        report = queries.compute_coverage(s, "DDAT-DEVOPS")
    assert report.framework == "DDAT-DEVOPS"
    assert report.summary.met == 1
    assert report.cell("L1", "DS1").count == 1  # type: ignore[union-attr]


def test_bad_target(db: Database) -> None:
    with pytest.raises(InvalidInputError, match="target"), db.reader() as s:
        queries.compute_coverage(s, target=0)


def _naive(db: Database) -> tuple[dict[str, tuple[int, int]], dict[tuple[str, str], int]]:
    """Coverage computed the slow, obvious way from the items themselves."""
    with db.reader() as s:
        items = queries.list_items(s)
        report = queries.compute_coverage(s)
    counts: dict[str, tuple[int, int]] = {c.code: (0, 0) for c in report.competencies}
    linked = {(c.group, c.competency) for c in report.cells}
    cells = dict.fromkeys(linked, 0)
    for item in items:
        for k in item.ksbs:
            ready, drafts = counts[k]
            counts[k] = (ready + 1, drafts) if item.status == "ready" else (ready, drafts + 1)
            if item.status == "ready":
                for d in item.duties:
                    if (d, k) in cells:
                        cells[(d, k)] += 1
    return counts, cells


def test_counts_follow_every_kind_of_change(db: Database) -> None:
    import random

    rng = random.Random(7)
    with db.reader() as s:
        view = evidence.queries.get_framework(s)
    codes = [c.code for c in view.competencies]
    duties = [g.code for g in view.groups]
    for step in range(120):
        with db.transaction() as s:
            refs = [i.ref for i in queries.list_items(s)]
            action = rng.choice(["add", "add", "tag", "untag", "status", "delete", "duty"])
            if action == "add" or not refs:
                evidence.add_item(
                    s,
                    title=f"item {step}",
                    status=rng.choice(["draft", "ready"]),
                    ksbs=rng.sample(codes, 3),
                    duties=rng.sample(duties, 2),
                )
            elif action == "tag":
                evidence.tag(s, rng.choice(refs), rng.choice(codes + duties))
            elif action == "untag":
                item = queries.get_item(s, rng.choice(refs))
                tags = [*item.ksbs, *item.duties]
                if tags:
                    evidence.untag(s, item.ref, rng.choice(tags))
            elif action == "status":
                evidence.update_item(s, rng.choice(refs), status=rng.choice(["draft", "ready"]))
            elif action == "duty":
                evidence.tag(s, rng.choice(refs), rng.choice(duties))
            else:
                evidence.delete_item(s, rng.choice(refs))
    counts, cells = _naive(db)
    with db.reader() as s:
        report = queries.compute_coverage(s)
    assert {c.code: (c.count, c.drafts) for c in report.competencies} == counts
    assert {(c.group, c.competency): c.count for c in report.cells} == cells
    assert sum(cells.values()) > 0
    for c in report.competencies:
        assert list(c.items) == sorted(c.items, key=lambda r: int(r[1:]))
