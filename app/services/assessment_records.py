"""The assessment records in ``portfolio.json`` (``app.schema.assessment_records``): built
from a portfolio for its package, and written back when a package becomes a portfolio,
so imported plans, the project workspace and discussion notes survive the round trip."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInputError
from app.models.assessment_orm import AssessmentPlanRow
from app.models.db import utc_now
from app.models.discussion_orm import DiscussionNote
from app.models.project_orm import ProjectNote, ProjectRecord, ProjectWeek
from app.schema import assessment_records as rec
from app.schema.assessment_plan import decode_plan
from app.schema.base import SchemaError
from app.services.records import to_record, to_row


def build_assessment(session: Session) -> rec.AssessmentRecord | None:
    """The portfolio's assessment records; None when it has none (nothing is written)."""
    plans = tuple(
        row.document
        for row in session.scalars(select(AssessmentPlanRow).order_by(AssessmentPlanRow.key))
    )
    row = session.get(ProjectRecord, 1)
    weeks = session.scalars(select(ProjectWeek).order_by(ProjectWeek.week)).all()
    notes = session.scalars(select(ProjectNote).order_by(ProjectNote.code)).all()
    project = None
    if row is not None or weeks or notes:
        project = rec.ProjectRecord(
            title=row.title if row else "",
            scope=row.scope if row else "",
            updated=row.updated if row else "",
            weeks=tuple(to_record(rec.WeekRecord, w) for w in weeks),
            notes=tuple(to_record(rec.NoteRecord, n) for n in notes),
        )
    discussion = tuple(
        to_record(rec.DiscussionRecord, d)
        for d in session.scalars(select(DiscussionNote).order_by(DiscussionNote.theme))
    )
    found = rec.AssessmentRecord(plans=plans, project=project, discussion=discussion)
    return None if found.empty else found


def restore_assessment(session: Session, record: rec.AssessmentRecord | None) -> None:
    """Write the records into a new portfolio (inside the caller's transaction)."""
    if record is None:
        return
    for n, text in enumerate(record.plans):
        try:
            plan = decode_plan(text.encode("utf-8"), "an assessment plan in the package")
        except SchemaError as exc:
            raise InvalidInputError(
                f"portfolio.json's assessment.plans[{n}] cannot be used: {exc}."
            ) from exc
        session.add(
            AssessmentPlanRow(
                key=plan.key,
                framework_key=plan.framework,
                framework_version=plan.framework_version,
                document=text,
                imported=utc_now(),
            )
        )
    project = record.project
    if project is not None:
        session.add(to_row(ProjectRecord, project, id=1))
        session.add_all(to_row(ProjectWeek, w) for w in project.weeks)
        session.add_all(to_row(ProjectNote, note) for note in project.notes)
    session.add_all(to_row(DiscussionNote, d) for d in record.discussion)
    session.flush()
