"""Skills scans and the progress tracker.

A scan rates competencies on the DDaT scale (0 new to me, 1 awareness,
2 working, 3 practitioner, 4 expert). The first scan is the initial
assessment; the tracker compares each competency's first rating with its
latest, beside the evidence count, and compares the latest DDaT skill ratings
with a chosen DDaT role level. Where an employer confirmed a scan with a
different (agreed) rating, the agreed rating is the one that counts.

The tracker and role comparison are pure functions over plain values; storage
follows them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date as Date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.errors import InvalidInputError, NotFoundError
from app.models.db import utc_now
from app.models.orm import Competency
from app.models.progress_orm import (
    ProgressSettings,
    SkillsConfirmation,
    SkillsRating,
    SkillsScan,
)
from app.schema.base import checked, checked_as
from app.schema.portfolio import ScanRecord, TypedName
from app.services import frameworks, portfolio, queries
from app.services.competency_codes import DDAT_KEY, display_code, resolve_codes
from app.services.csv_cells import read_csv, restore, write_csv
from app.services.otj import to_date
from app.services.views import FrameworkView

SCALE: tuple[tuple[int, str], ...] = (
    (0, "new to me"),
    (1, "awareness"),
    (2, "working"),
    (3, "practitioner"),
    (4, "expert"),
)
LEVEL_RATING = {name: value for value, name in SCALE if value > 0}
DEFAULT_ROLE_LEVEL = "L3"  # DDaT "DevOps engineer", the occupation the standard leads to
CSV_COLUMNS = ("code", "name", "rating", "note", "agreed")


def rating_name(value: int) -> str:
    return dict(SCALE)[value]


# --- plain values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    code: str  # as shown: K1, or DDAT-DEVOPS:DS3 for another framework
    framework: str
    rating: int
    note: str = ""
    agreed: int | None = None  # the employer's rating, where it differs

    @property
    def bare_code(self) -> str:
        return self.code.rpartition(":")[2]

    @property
    def effective(self) -> int:
        return self.rating if self.agreed is None else self.agreed


@dataclass(frozen=True)
class Confirmation:
    name: str
    role: str
    date: Date


@dataclass(frozen=True)
class Scan:
    id: int
    date: Date
    note: str
    ratings: tuple[Rating, ...]
    confirmations: tuple[Confirmation, ...] = ()
    initial: bool = False  # the first scan: the initial assessment

    def rating_for(self, code: str) -> Rating | None:
        return next((r for r in self.ratings if r.code == code), None)


@dataclass(frozen=True)
class TrackedCompetency:
    code: str  # as shown
    framework: str
    label: str  # the short name where the framework has one, else the text


@dataclass(frozen=True)
class TrackerRow:
    code: str
    framework: str
    label: str
    first: int | None  # effective rating in the first scan that rated it
    current: int | None  # ... and in the latest
    evidence: int  # ready items tagged with it
    drafts: int

    @property
    def change(self) -> int | None:
        if self.first is None or self.current is None:
            return None
        return self.current - self.first


@dataclass(frozen=True)
class ScanPoint:
    date: Date
    mean: float | None  # mean effective rating of the scan
    rated: int


@dataclass(frozen=True)
class Tracker:
    rows: tuple[TrackerRow, ...]
    history: tuple[ScanPoint, ...]  # one point per scan, oldest first

    @property
    def overall_first(self) -> float | None:
        return _mean([r.first for r in self.rows if r.first is not None])

    @property
    def overall_current(self) -> float | None:
        return _mean([r.current for r in self.rows if r.current is not None])

    @property
    def improved(self) -> int:
        return sum(1 for r in self.rows if (r.change or 0) > 0)


@dataclass(frozen=True)
class RoleRow:
    code: str
    name: str
    required_level: str  # awareness | working | practitioner | expert
    current: int | None

    @property
    def required(self) -> int:
        return LEVEL_RATING[self.required_level]

    @property
    def gap(self) -> int:
        return max(0, self.required - (self.current or 0))

    @property
    def met(self) -> bool:
        return self.current is not None and self.current >= self.required


@dataclass(frozen=True)
class RoleComparison:
    level: str  # group code: L1, L2, L3, L4T, ...
    title: str
    rows: tuple[RoleRow, ...]

    @property
    def met(self) -> int:
        return sum(1 for r in self.rows if r.met)

    @property
    def gaps(self) -> tuple[RoleRow, ...]:
        return tuple(r for r in self.rows if not r.met)


@dataclass(frozen=True)
class RatingInput:
    code: str
    rating: int
    note: str = ""
    agreed: int | None = None


# --- the tracker (pure) -------------------------------------------------------------------------


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


def build_tracker(
    scans: Sequence[Scan],
    competencies: Sequence[TrackedCompetency],
    evidence: Mapping[str, tuple[int, int]],
) -> Tracker:
    """First and latest rating of each competency (scans oldest first), beside its evidence."""
    ordered = sorted(scans, key=lambda s: (s.date, s.id))
    rows = []
    for c in competencies:
        ratings = [r.effective for s in ordered if (r := s.rating_for(c.code)) is not None]
        count, drafts = evidence.get(c.code, (0, 0))
        rows.append(
            TrackerRow(
                code=c.code,
                framework=c.framework,
                label=c.label,
                first=ratings[0] if ratings else None,
                current=ratings[-1] if ratings else None,
                evidence=count,
                drafts=drafts,
            )
        )
    history = tuple(
        ScanPoint(
            date=s.date,
            mean=_mean([r.effective for r in s.ratings]),
            rated=len(s.ratings),
        )
        for s in ordered
    )
    return Tracker(rows=tuple(rows), history=history)


def compare_with_level(
    ddat: FrameworkView, level: str, current: Mapping[str, int | None]
) -> RoleComparison:
    """Latest DDaT skill ratings (by bare code) against one role level's required levels."""
    group = next((g for g in ddat.groups if g.code == level.strip().upper()), None)
    if group is None:
        levels = ", ".join(f"{g.code} ({g.name})" for g in ddat.groups)
        raise InvalidInputError(f"There is no DDaT role level {level}; choose one of: {levels}.")
    order = {c.code: i for i, c in enumerate(ddat.competencies)}
    rows = []
    for link in sorted(group.links, key=lambda link: order.get(link.competency, 0)):
        if link.level not in LEVEL_RATING:
            continue
        skill = ddat.competency(link.competency)
        rows.append(
            RoleRow(
                code=link.competency,
                name=(skill.name or skill.text) if skill else link.competency,
                required_level=link.level,
                current=current.get(link.competency),
            )
        )
    return RoleComparison(level=group.code, title=group.name or group.text, rows=tuple(rows))


# --- input --------------------------------------------------------------------------------------


def parse_rating(value: str | int, what: str = "rating") -> int:
    """``0``–``4`` or the scale's words (``working``, ``new to me``)."""
    if isinstance(value, int):
        number = value
    else:
        text = value.strip().lower()
        words = {name: number for number, name in SCALE} | {"new": 0}
        if text in words:
            return words[text]
        if not text.isdigit():
            raise InvalidInputError(
                f"The {what} '{value}' is not on the scale 0 new to me, 1 awareness, "
                "2 working, 3 practitioner, 4 expert."
            )
        number = int(text)
    if not 0 <= number <= 4:
        raise InvalidInputError(
            f"The {what} {number} is not on the scale; use 0 (new to me) to 4 (expert)."
        )
    return number


def parse_ratings_csv(text: str) -> list[RatingInput]:
    """Columns ``code,rating[,note][,agreed]`` (others ignored); blank ratings are skipped."""
    header, rows = read_csv(text, "The ratings file")
    if "code" not in header or "rating" not in header:
        raise InvalidInputError(
            "The ratings file needs a first line naming its columns, with at least code and "
            "rating; 'portfolio scan template FILE.csv' writes one to fill in."
        )
    ratings: list[RatingInput] = []
    seen: set[str] = set()
    for line, cells in rows:
        values = {name: cell.strip() for name, cell in zip(header, cells, strict=False)}
        if not values.get("code") and not values.get("rating"):
            continue
        try:
            if not values.get("code"):
                raise InvalidInputError("the code is empty.")
            if not values.get("rating"):
                continue  # not rated this time
            code = values["code"].upper()
            if code in seen:
                raise InvalidInputError(f"{values['code']} is rated twice.")
            seen.add(code)
            agreed = values.get("agreed", "")
            ratings.append(
                RatingInput(
                    code=values["code"],
                    rating=parse_rating(values["rating"]),
                    note=check_note(restore(values.get("note", ""))),
                    agreed=parse_rating(agreed, "agreed rating") if agreed else None,
                )
            )
        except InvalidInputError as exc:
            raise InvalidInputError(f"Row {line} of the ratings file: {exc}") from exc
    if not ratings:
        raise InvalidInputError("The ratings file rates nothing; give a rating from 0 to 4.")
    return ratings


def check_note(note: str) -> str:
    return checked(ScanRecord, "note", note, "A note")


def check_name(name: str, what: str) -> str:
    return checked_as(TypedName, name.strip(), f"The {what}")


# --- storage ------------------------------------------------------------------------------------


def scan_competencies(session: Session) -> list[TrackedCompetency]:
    """What a scan rates: the portfolio framework's competencies, then the DDaT skills."""
    own = frameworks.portfolio_framework(session)
    result = [
        TrackedCompetency(code=c.code, framework=own.key, label=c.name or c.text)
        for c in own.competencies
    ]
    if own.key != DDAT_KEY:
        ddat = frameworks.find_framework(session, DDAT_KEY)
        result += [
            TrackedCompetency(
                code=display_code(c.code, ddat.key, False),
                framework=ddat.key,
                label=c.name or c.text,
            )
            for c in ddat.competencies
        ]
    return result


def _resolve_ratings(session: Session, ratings: Sequence[RatingInput]) -> list[tuple[int, str]]:
    resolved = resolve_codes(session, [r.code for r in ratings])
    seen: dict[int, str] = {}
    for (ident, code), given in zip(resolved, ratings, strict=True):
        if ident in seen:
            raise InvalidInputError(f"{code} is rated twice (as {seen[ident]} and {given.code}).")
        seen[ident] = given.code
    return resolved


def add_scan(
    session: Session,
    *,
    date: str | Date | None,
    ratings: Sequence[RatingInput],
    note: str = "",
    confirmed_by: str | None = None,
    confirmer_role: str = "",
    confirmed_on: str | Date | None = None,
) -> Scan:
    """Store one scan; with ``confirmed_by`` it is recorded as confirmed by that person."""
    scan_date = to_date(date)
    if not ratings:
        raise InvalidInputError("A skills scan needs at least one rating.")
    for r in ratings:
        parse_rating(r.rating)
        if r.agreed is not None:
            parse_rating(r.agreed, "agreed rating")
        check_note(r.note)
    check_note(note)
    resolved = _resolve_ratings(session, ratings)
    confirmation = None
    if confirmed_by is not None:
        confirmation = SkillsConfirmation(
            name=check_name(confirmed_by, "name of the person confirming"),
            role=confirmer_role.strip(),
            date=to_date(confirmed_on or scan_date).isoformat(),
        )
    elif any(r.agreed is not None for r in ratings):
        raise InvalidInputError(
            "Agreed ratings need the name of the employer or manager who agreed them "
            "(--confirmed-by)."
        )
    now = utc_now()
    scan = SkillsScan(date=scan_date.isoformat(), note=note, created=now, updated=now)
    for (ident, _), r in zip(resolved, ratings, strict=True):
        scan.ratings.append(
            SkillsRating(
                competency_id=ident,
                rating=r.rating,
                note=r.note,
                agreed_rating=None if r.agreed == r.rating else r.agreed,
            )
        )
    if confirmation is not None:
        scan.confirmations.append(confirmation)
    session.add(scan)
    portfolio.touch(session)
    session.flush()
    return get_scan(session, scan.id)


def confirm_scan(
    session: Session,
    scan_id: int,
    *,
    name: str,
    role: str = "",
    date: str | Date | None = None,
    agreed: Mapping[str, int] | None = None,
) -> Scan:
    """Record the employer's confirmation, with agreed ratings where they differ."""
    scan = _find(session, scan_id)
    confirmation = SkillsConfirmation(
        name=check_name(name, "name of the person confirming"),
        role=role.strip(),
        date=to_date(date).isoformat(),
    )
    if agreed:
        codes = list(agreed)
        by_id = {r.competency_id: r for r in scan.ratings}
        for (ident, code), given in zip(resolve_codes(session, codes), codes, strict=True):
            value = parse_rating(agreed[given], "agreed rating")
            if ident not in by_id:
                raise InvalidInputError(f"Scan {scan_id} does not rate {code}.")
            row = by_id[ident]
            row.agreed_rating = None if value == row.rating else value
    scan.confirmations.append(confirmation)
    scan.updated = utc_now()
    portfolio.touch(session)
    session.flush()
    return get_scan(session, scan.id)


def delete_scan(session: Session, scan_id: int) -> None:
    session.delete(_find(session, scan_id))
    portfolio.touch(session)
    session.flush()


def _find(session: Session, scan_id: int) -> SkillsScan:
    scan = session.get(SkillsScan, scan_id)
    if scan is None:
        raise NotFoundError(f"There is no skills scan {scan_id}; see 'portfolio scan list'.")
    return scan


def get_scan(session: Session, scan_id: int) -> Scan:
    _find(session, scan_id)
    return next(s for s in list_scans(session) if s.id == scan_id)


def list_scans(session: Session) -> list[Scan]:
    """Every scan, oldest first; the first is marked as the initial assessment."""
    own = frameworks.portfolio_framework(session)
    scans = session.scalars(
        select(SkillsScan)
        .order_by(SkillsScan.date, SkillsScan.id)
        .options(
            selectinload(SkillsScan.ratings)
            .selectinload(SkillsRating.competency)
            .selectinload(Competency.framework),
            selectinload(SkillsScan.confirmations),
        )
    ).all()
    result = []
    for index, scan in enumerate(scans):
        ratings = sorted(
            scan.ratings,
            key=lambda r: (
                r.competency.framework_id != own.id,
                r.competency.framework.key,
                r.competency.position,
            ),
        )
        result.append(
            Scan(
                id=scan.id,
                date=Date.fromisoformat(scan.date),
                note=scan.note,
                ratings=tuple(
                    Rating(
                        code=display_code(
                            r.competency.code,
                            r.competency.framework.key,
                            r.competency.framework_id == own.id,
                        ),
                        framework=r.competency.framework.key,
                        rating=r.rating,
                        note=r.note,
                        agreed=r.agreed_rating,
                    )
                    for r in ratings
                ),
                confirmations=tuple(
                    Confirmation(name=c.name, role=c.role, date=Date.fromisoformat(c.date))
                    for c in scan.confirmations
                ),
                initial=index == 0,
            )
        )
    return result


def evidence_counts(session: Session) -> dict[str, tuple[int, int]]:
    """(ready items, drafts) per shown code, for the portfolio framework and the DDaT role."""
    own = frameworks.portfolio_framework(session)
    counts = {c.code: (c.count, c.drafts) for c in queries.compute_coverage(session).competencies}
    if own.key != DDAT_KEY:
        for c in queries.compute_coverage(session, DDAT_KEY).competencies:
            counts[display_code(c.code, DDAT_KEY, False)] = (c.count, c.drafts)
    return counts


def tracker(session: Session) -> Tracker:
    return build_tracker(list_scans(session), scan_competencies(session), evidence_counts(session))


def role_levels(session: Session) -> list[tuple[str, str]]:
    """(code, title) of each DDaT role level, apprentice first."""
    ddat = queries.get_framework(session, DDAT_KEY)
    return [(g.code, g.name or g.text) for g in ddat.groups]


def get_role_level(session: Session) -> str:
    row = session.get(ProgressSettings, 1)
    return row.role_level if row is not None and row.role_level else DEFAULT_ROLE_LEVEL


def set_role_level(session: Session, level: str) -> str:
    code = level.strip().upper()
    known = [c for c, _ in role_levels(session)]
    if code not in known:
        raise InvalidInputError(
            f"There is no DDaT role level {level}; choose one of: {', '.join(known)}."
        )
    row = session.get(ProgressSettings, 1)
    if row is None:
        row = ProgressSettings(id=1)
        session.add(row)
    row.role_level = code
    row.updated = utc_now()
    portfolio.touch(session)
    session.flush()
    return code


def role_comparison(
    session: Session, level: str | None = None, tracked: Tracker | None = None
) -> RoleComparison:
    """Latest DDaT skill ratings against ``level`` (the portfolio's chosen level if None)."""
    ddat = queries.get_framework(session, DDAT_KEY)
    rows = (tracked or tracker(session)).rows
    current = {r.code.rpartition(":")[2]: r.current for r in rows if r.framework == DDAT_KEY}
    return compare_with_level(ddat, level or get_role_level(session), current)


def template_csv(session: Session) -> str:
    """A ratings file to fill in: every competency a scan rates, ratings blank."""
    # labels come from the standard, which anyone can write: cells are neutralised
    return write_csv(
        CSV_COLUMNS, ([c.code, c.label, "", "", ""] for c in scan_competencies(session))
    )


def scan_json(scan: Scan) -> dict[str, object]:
    return {
        "id": scan.id,
        "date": scan.date.isoformat(),
        "initial": scan.initial,
        "note": scan.note,
        "confirmed": bool(scan.confirmations),
        "confirmations": [
            {"name": c.name, "role": c.role, "date": c.date.isoformat()} for c in scan.confirmations
        ],
        "ratings": [
            {
                "code": r.code,
                "framework": r.framework,
                "rating": r.rating,
                "agreed": r.agreed,
                "note": r.note,
            }
            for r in scan.ratings
        ],
    }


def tracker_json(t: Tracker, role: RoleComparison | None) -> dict[str, object]:
    return {
        "overall": {
            "first": round(t.overall_first, 2) if t.overall_first is not None else None,
            "current": round(t.overall_current, 2) if t.overall_current is not None else None,
            "improved": t.improved,
        },
        "history": [
            {
                "date": p.date.isoformat(),
                "mean": round(p.mean, 2) if p.mean is not None else None,
                "rated": p.rated,
            }
            for p in t.history
        ],
        "competencies": [
            {
                "code": r.code,
                "framework": r.framework,
                "first": r.first,
                "current": r.current,
                "change": r.change,
                "evidence": r.evidence,
                "drafts": r.drafts,
            }
            for r in t.rows
        ],
        "role_level": None
        if role is None
        else {
            "level": role.level,
            "title": role.title,
            "met": role.met,
            "skills": [
                {
                    "code": r.code,
                    "name": r.name,
                    "required": r.required_level,
                    "current": r.current,
                    "gap": r.gap,
                    "met": r.met,
                }
                for r in role.rows
            ],
        },
    }
