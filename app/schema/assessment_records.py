"""The apprenticeship-assessment records in ``portfolio.json``: imported assessment plans,
the work-based project (scope, weeks, mapping notes) and the professional discussion's
STAR notes. One optional ``assessment`` object on the document (``omit_defaults``: a
portfolio without any of it writes the same bytes as before, and older files decode)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from app.schema.base import CODE_PATTERN, MAX_WEEK_MINUTES, Record, pattern, text, whole

MAX_TEXT = 200_000
MAX_WEEKS = 52
MAX_PLAN = 2_000_000  # an imported assessment plan, in bytes of its file (and so characters)
Code = Annotated[str, pattern(CODE_PATTERN, "is not a code (letters, digits, . _ -)", 40)]
Text = Annotated[str, text(MAX_TEXT)]
Stamp = Annotated[str, text(40)]


class WeekRecord(Record):
    week: Annotated[int, whole(1, MAX_WEEKS)]
    plan: Text = ""
    log: Text = ""
    minutes: Annotated[int, whole(0, MAX_WEEK_MINUTES)] = 0
    updated: Stamp = ""


class NoteRecord(Record):
    code: Code
    note: Text
    updated: Stamp = ""


class ProjectRecord(Record):
    title: Annotated[str, text(300)] = ""
    scope: Text = ""
    updated: Stamp = ""
    weeks: Annotated[tuple[WeekRecord, ...], Meta(max_length=MAX_WEEKS)] = ()
    notes: Annotated[tuple[NoteRecord, ...], Meta(max_length=2000)] = ()


class DiscussionRecord(Record):
    theme: Code
    situation: Text = ""
    task: Text = ""
    action: Text = ""
    result: Text = ""
    updated: Stamp = ""


class AssessmentRecord(Record):
    # imported assessment plans, each the exact JSON text it was imported from
    plans: Annotated[tuple[Annotated[str, text(MAX_PLAN)], ...], Meta(max_length=50)] = ()
    project: ProjectRecord | None = None
    discussion: Annotated[tuple[DiscussionRecord, ...], Meta(max_length=200)] = ()

    @property
    def empty(self) -> bool:
        return not (self.plans or self.project or self.discussion)
