"""The professional discussion prep sheet: one page per theme, with its criteria, the
evidence items linked to its KSBs, and the apprentice's situation / task / action /
result notes. A theme's page is shrunk to fit rather than spill onto a second page.
Laid out by the EPA PDF builder (``build_pdf(story=...)``): same fonts, header, footer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, KeepInFrame, PageBreak, Spacer

from app.errors import InvalidInputError
from app.export.context import ExportContext, PdfOptions, PdfResult
from app.export.flowables import Anchor
from app.export.paragraphs import Para
from app.export.pdf import StoryFn, export_story_pdf
from app.export.pdf_progress import text
from app.export.styles import BODY, LABEL, MUTED_SMALL, SECTION, SMALL
from app.services import assessment_plans
from app.services.discussion import ThemePrep, preparation
from app.services.snapshot import take_snapshot

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.models.db import Database
    from app.services.views import PortfolioSnapshot

NOTE_LIMIT = 3000  # characters of each note printed: the page must hold the theme


def export_discussion_sheet(
    db: Database,
    out: Path,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> PdfResult:

    def read(session: Session) -> tuple[PortfolioSnapshot, StoryFn]:
        themes = preparation(session)
        if not themes:
            raise InvalidInputError(
                "This portfolio's standard has no professional discussion in an assessment "
                "plan; see 'portfolio plan list'."
            )
        # the sheet lists items; it does not lay them out
        snapshot = replace(take_snapshot(session), items=())
        return snapshot, partial(sheet_story, themes=themes)

    return export_story_pdf(db, out, read, PdfOptions(), progress, cancelled, force=force)


def sheet_story(ctx: ExportContext, themes: list[ThemePrep]) -> list[Flowable]:
    story: list[Flowable] = []
    for index, theme in enumerate(themes):
        if index:
            story.append(PageBreak())
        story.append(Anchor(f"theme-{index}", ctx.state, f"{theme.code} {theme.name}"))
        story.append(
            KeepInFrame(ctx.frame_width, ctx.frame_height - 4, _theme_page(theme), mode="shrink")
        )
    return story


def _theme_page(theme: ThemePrep) -> list[Flowable]:
    out: list[Flowable] = [
        Para(f"Professional discussion: {text(theme.code)} {text(theme.name)}", SECTION),
        Para(f"KSBs: {text(' '.join(theme.ksbs))}", MUTED_SMALL),
        Para("Criteria", LABEL),
    ]
    for c in theme.criteria:
        grade = "Pass" if c.grade == "pass" else "Distinction"
        out.append(Para(f"<b>{text(c.code)} {grade}:</b> {text(c.text)}", SMALL))
    out.append(Para("Evidence to draw on", LABEL))
    if theme.items:
        for item in theme.items:
            out.append(
                Para(
                    f"<b>{text(item.ref)}</b> {text(item.title)} ({text(', '.join(item.ksbs))})",
                    SMALL,
                )
            )
    else:
        out.append(Para("<i>No ready item is tagged with this theme's KSBs yet.</i>", SMALL))
    for name, value in (
        ("Situation", theme.notes.situation),
        ("Task", theme.notes.task),
        ("Action", theme.notes.action),
        ("Result", theme.notes.result),
    ):
        out.append(Para(name, LABEL))
        out.append(Para(text(value, NOTE_LIMIT) or "<i>–</i>", BODY))
    out.append(Spacer(1, 6))
    out.append(Para(text(assessment_plans.PREVAIL), MUTED_SMALL))
    return out
