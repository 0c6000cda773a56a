"""The coverage colour scale (shared with the app) and the heatmap page of the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from app.export.pdf import build_pdf
from app.services.coverage_scale import (
    LIGHT_TEXT,
    MIN_CONTRAST,
    NOT_APPLICABLE,
    SCALE,
    colour_for,
    contrast_ratio,
    legend,
    level_for,
    relative_luminance,
)
from tests.pdf_reading import page_texts
from tests.snapshot_factory import default_portfolio


@pytest.mark.parametrize("target", [1, 2, 3, 5])
def test_every_cell_number_is_readable_on_its_colour(target: int) -> None:
    for count in range(0, 6 * target + 2):
        fill, text = colour_for(count, target)
        assert contrast_ratio(fill, text) >= MIN_CONTRAST, (count, target, fill, text)


def test_the_scale_runs_from_pale_to_dark() -> None:
    lightness = [relative_luminance(colour) for colour in SCALE]
    assert lightness == sorted(lightness, reverse=True)
    assert colour_for(0, 1)[0] == SCALE[0]
    assert colour_for(99, 1) == (SCALE[-1], LIGHT_TEXT)


def test_more_evidence_never_looks_like_less() -> None:
    for target in (1, 2, 4):
        levels = [level_for(count, target) for count in range(0, 30)]
        assert levels == sorted(levels)
        assert level_for(target - 1, target) < level_for(target, target)  # meeting the target shows


def test_not_applicable_cells_look_unlike_any_step() -> None:
    assert NOT_APPLICABLE.fill not in SCALE
    assert NOT_APPLICABLE.label == ""


def test_legend_labels_cover_every_count() -> None:
    assert [label for label, _, _ in legend(1)] == ["0", "1", "2", "3", "4+"]
    assert [label for label, _, _ in legend(2)] == ["0", "1", "2–3", "4–5", "6–7", "8+"]


def test_coverage_page_draws_the_heatmap_as_vectors_with_numbers(tmp_path: Path) -> None:
    snapshot, blobs = default_portfolio()
    out = tmp_path / "p.pdf"
    build_pdf(snapshot, blobs, out)
    reader = PdfReader(out)
    texts = page_texts(reader)
    number = next(n for n, t in enumerate(texts) if "Coverage summary 6 of 11" in t)
    page = texts[number]
    assert "6 of 11 competencies have at least 1 evidence item marked ready" in page
    assert "7 of 14 links between duties and competencies have evidence" in page
    assert "D1 D2 D3 D4" in page  # column headings
    # K1 is linked to D1 and D2; E001 (D2, K1) is ready, E004 (D1, D3, K1) is ready
    assert "K1 1 1" in page
    # K5 is only linked to D3, and only the draft E003 claims it: a gap showing 0
    assert "K5 0" in page
    assert "Evidence items per cell: 0 1 2 3 4+" in page
    assert "not linked to the duty by the standard" in page
    xobjects = reader.pages[number]["/Resources"].get("/XObject") or {}
    assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    totals = " ".join(texts[number : number + 2])
    # the assessor's copy: total, met, below, none (a competency only a draft claims has
    # no evidence there; the review copy shows "Drafts only" apart)
    assert "Knowledge 5 3 0 2" in totals and "Drafts only" not in totals
    assert "5 competencies have fewer than 1 ready item" in totals
    assert "D3: K5" in totals  # a linked cell with no ready evidence


def test_a_framework_with_named_skills_and_role_levels(tmp_path: Path) -> None:
    from dataclasses import replace

    from tests.snapshot_factory import framework, make_item, make_snapshot

    fw = framework()
    named = replace(
        fw,
        group_label="Role level",
        competencies=tuple(
            replace(c, name=f"Skill {c.code}", text="" if c.code == "K2" else c.text)
            for c in fw.competencies
        ),
    )
    out = tmp_path / "p.pdf"
    build_pdf(make_snapshot([make_item(1)], fw=named), default_portfolio()[1], out)
    text = " ".join(page_texts(PdfReader(out)))
    assert "Role levels and competencies." in text
    assert "K1 Skill K1" in text  # heatmap row label carries the skill's name
    assert "K2 Skill K2" in text  # a gap with no text still says what it is
    assert "Role levels claimed" in text
