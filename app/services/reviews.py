"""Progress reviews: who met, what was said, the OTJ hours reviewed, actions, what is due.

When the next review is due follows the funding rules the plan records
(``app.services.funding_rules``): 12 weeks after the last one for starts before
1 August 2025; by the end of the third calendar month after the last review's
month for later starts, or an agreed other frequency. The first is counted from
the plan's start; a review not held by then is overdue. Without a plan the
12-week schedule applies. The schedule rules are pure functions; storage follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import InvalidInputError, NotFoundError
from app.models.db import utc_now
from app.models.progress_orm import ProgressReview, ReviewAction, ReviewParticipant
from app.schema.base import checked
from app.schema.portfolio import (
    MAX_REVIEW_MINUTES,
    ActionRecord,
    ParticipantRecord,
    ReviewRecord,
)
from app.services import funding_rules, otj, portfolio
from app.services.skills_scan import check_name

REVIEW_INTERVAL = timedelta(weeks=funding_rules.REVIEW_WEEKS_2022)


# --- plain values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    role: str  # apprentice | employer | provider | other
    name: str


@dataclass(frozen=True)
class Action:
    text: str
    owner: str = ""
    due: Date | None = None
    done: bool = False
    id: int = 0


@dataclass(frozen=True)
class Review:
    id: int
    date: Date
    participants: tuple[Participant, ...]
    notes: str
    otj_minutes: int | None  # the OTJ hours reviewed, in minutes
    actions: tuple[Action, ...]
    rule: str | None = None  # the plan's funding rules (None: no plan, 12 weeks)
    agreed_months: int | None = None  # an agreed other frequency (2025/26 rule 92.1)

    @property
    def next_due(self) -> Date:
        return next_due(self.date, self.rule, self.agreed_months)


@dataclass(frozen=True)
class ReviewStatus:
    as_of: Date
    last: Date | None
    due: Date | None  # None: no review yet and no plan start to count from
    open_actions: int
    late_actions: int  # open actions past their due date
    rule_text: str = ""  # how often reviews are due, and the rule's source

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.as_of > self.due

    @property
    def days_left(self) -> int | None:
        """Days until the next review is due; negative when overdue."""
        return None if self.due is None else (self.due - self.as_of).days


# --- the schedule (pure) ------------------------------------------------------------------------


def next_due(last_review: Date, rule: str | None = None, agreed_months: int | None = None) -> Date:
    """The date the review after ``last_review`` is due by, under ``rule``."""
    return funding_rules.next_review_due(last_review, rule, agreed_months)


def review_status(
    reviews: Sequence[Review],
    plan_start: Date | None,
    as_of: Date,
    rule: str | None = None,
    agreed_months: int | None = None,
    reason: str = "",
) -> ReviewStatus:
    """When the next review is due and whether it is overdue, as on ``as_of``."""
    last = max((r.date for r in reviews), default=None)
    if last is not None:
        due: Date | None = next_due(last, rule, agreed_months)
    elif plan_start is not None:
        due = next_due(plan_start, rule, agreed_months)
    else:
        due = None
    actions = [a for r in reviews for a in r.actions if not a.done]
    return ReviewStatus(
        as_of=as_of,
        last=last,
        due=due,
        open_actions=len(actions),
        late_actions=sum(1 for a in actions if a.due is not None and a.due < as_of),
        rule_text=funding_rules.review_rule_text(rule, agreed_months, reason),
    )


# --- input --------------------------------------------------------------------------------------


def check_role(role: str) -> str:
    return checked(ParticipantRecord, "role", role.strip().lower(), "The role")


def parse_action(text: str) -> Action:
    """``TEXT[|OWNER[|YYYY-MM-DD]]``: the last fields are the owner and the due date."""
    parts = [p.strip() for p in text.split("|")]
    due: Date | None = None
    owner = ""
    if len(parts) >= 3:
        owner, due_text = parts[-2], parts[-1]
        due = otj.to_date(due_text) if due_text else None
        parts = parts[:-2]
    elif len(parts) == 2:
        owner = parts[-1]
        parts = parts[:-1]
    return make_action("|".join(parts), owner, due)


def make_action(text: str, owner: str = "", due: Date | str | None = None) -> Action:
    return Action(
        text=checked(ActionRecord, "text", text.strip(), "An action"),
        owner=checked(ActionRecord, "owner", owner.strip(), "The owner"),
        due=None if due is None or due == "" else otj.to_date(due),
    )


# --- storage ------------------------------------------------------------------------------------


def add_review(
    session: Session,
    *,
    date: str | Date | None,
    participants: Sequence[Participant],
    notes: str = "",
    otj_minutes: int | None = None,
    actions: Sequence[Action] = (),
) -> Review:
    """Record a review. Without ``otj_minutes``, the countable hours logged up to its date."""
    review_date, people, otj_minutes = _checked(session, date, participants, notes, otj_minutes)
    now = utc_now()
    row = ProgressReview(
        date=review_date.isoformat(),
        notes=notes,
        otj_minutes_reviewed=otj_minutes,
        created=now,
        updated=now,
    )
    _fill(row, people, actions)
    session.add(row)
    portfolio.touch(session)
    session.flush()
    return get_review(session, row.id)


def update_review(
    session: Session,
    review_id: int,
    *,
    date: str | Date | None,
    participants: Sequence[Participant],
    notes: str = "",
    otj_minutes: int | None = None,
    actions: Sequence[Action] = (),
) -> Review:
    """Change a recorded review: the same checks as ``add_review``; it keeps its id."""
    row = _find(session, review_id)
    review_date, people, otj_minutes = _checked(session, date, participants, notes, otj_minutes)
    row.date = review_date.isoformat()
    row.notes = notes
    row.otj_minutes_reviewed = otj_minutes
    row.updated = utc_now()
    _fill(row, people, actions)
    portfolio.touch(session)
    session.flush()
    return get_review(session, row.id)


def _fill(row: ProgressReview, people: Sequence[Participant], actions: Sequence[Action]) -> None:
    row.participants = [
        ReviewParticipant(role=p.role, name=p.name, position=i) for i, p in enumerate(people)
    ]
    row.actions = [
        ReviewAction(
            text=a.text,
            owner=a.owner,
            due_date=a.due.isoformat() if a.due else None,
            done=a.done,
            position=i,
        )
        for i, a in enumerate(actions)
    ]


def _checked(
    session: Session,
    date: str | Date | None,
    participants: Sequence[Participant],
    notes: str,
    otj_minutes: int | None,
) -> tuple[Date, list[Participant], int]:
    """A review's date, participants and OTJ minutes, checked (one sentence if not)."""
    review_date = otj.to_date(date)
    if not participants:
        raise InvalidInputError(
            "Say who took part in the review (the apprentice, employer and provider)."
        )
    people = [
        Participant(check_role(p.role), check_name(p.name, f"{p.role}'s name"))
        for p in participants
    ]
    checked(ReviewRecord, "notes", notes, "The notes")
    if otj_minutes is None:
        plan = otj.get_plan(session)
        otj_minutes = sum(
            e.minutes
            for e in otj.list_entries(session)
            if e.date <= review_date and otj.countable(plan, e.date)
        )
    elif not 0 <= otj_minutes <= MAX_REVIEW_MINUTES:
        raise InvalidInputError(
            f"The off-the-job hours reviewed must be from 0 to {MAX_REVIEW_MINUTES // 60}."
        )
    return review_date, people, otj_minutes


def set_action_done(session: Session, action_id: int, done: bool = True) -> Action:
    row = session.get(ReviewAction, action_id)
    if row is None:
        raise NotFoundError(f"There is no review action {action_id}.")
    row.done = done
    portfolio.touch(session)
    session.flush()
    return _action(row)


def delete_review(session: Session, review_id: int) -> None:
    session.delete(_find(session, review_id))
    portfolio.touch(session)
    session.flush()


def _find(session: Session, review_id: int) -> ProgressReview:
    row = session.get(ProgressReview, review_id)
    if row is None:
        raise NotFoundError(
            f"There is no progress review {review_id}; see 'portfolio review list'."
        )
    return row


def _action(a: ReviewAction) -> Action:
    return Action(
        id=a.id,
        text=a.text,
        owner=a.owner,
        due=Date.fromisoformat(a.due_date) if a.due_date else None,
        done=a.done,
    )


def get_review(session: Session, review_id: int) -> Review:
    _find(session, review_id)
    return next(r for r in list_reviews(session) if r.id == review_id)


def list_reviews(session: Session) -> list[Review]:
    """Every review, oldest first."""
    rows = session.scalars(
        select(ProgressReview)
        .order_by(ProgressReview.date, ProgressReview.id)
        .options(selectinload(ProgressReview.participants), selectinload(ProgressReview.actions))
    ).all()
    plan = otj.get_plan(session)
    return [
        Review(
            id=r.id,
            date=Date.fromisoformat(r.date),
            participants=tuple(Participant(p.role, p.name) for p in r.participants),
            notes=r.notes,
            otj_minutes=r.otj_minutes_reviewed,
            actions=tuple(_action(a) for a in r.actions),
            rule=plan.rule if plan else None,
            agreed_months=plan.review_months if plan else None,
        )
        for r in rows
    ]


def status(session: Session, as_of: Date | None = None) -> ReviewStatus:
    return plan_review_status(otj.get_plan(session), list_reviews(session), as_of or Date.today())


def plan_review_status(plan: otj.Plan | None, held: Sequence[Review], as_of: Date) -> ReviewStatus:
    """``review_status`` under the rules ``plan`` records."""
    if plan is None:
        return review_status(held, None, as_of)
    return review_status(held, plan.start, as_of, plan.rule, plan.review_months, plan.review_reason)


def review_json(r: Review) -> dict[str, object]:
    return {
        "id": r.id,
        "date": r.date.isoformat(),
        "participants": [{"role": p.role, "name": p.name} for p in r.participants],
        "notes": r.notes,
        "otj_minutes": r.otj_minutes,
        "actions": [
            {
                "id": a.id,
                "text": a.text,
                "owner": a.owner,
                "due": a.due.isoformat() if a.due else None,
                "done": a.done,
            }
            for a in r.actions
        ],
        "next_due": r.next_due.isoformat(),
    }


def status_json(s: ReviewStatus) -> dict[str, object]:
    return {
        "last": s.last.isoformat() if s.last else None,
        "next_due": s.due.isoformat() if s.due else None,
        "overdue": s.overdue,
        "days_left": s.days_left,
        "open_actions": s.open_actions,
        "late_actions": s.late_actions,
        "rule": s.rule_text,
    }
