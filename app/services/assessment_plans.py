"""Assessment plans beside frameworks: the bundled ones, those imported into a portfolio,
the plan a portfolio follows, and coverage by method and theme.

A bundled plan lives in ``resources/assessment_plans/KEY.json``; ``import_plan`` keeps
an imported one in the portfolio (a plan with a bundled plan's key replaces it there).
A portfolio follows the plan written for its framework and version; a standard
without a plan works as before (``plan_for_portfolio`` returns None). The format is
``app.schema.assessment_plan``; the assessment organisation's own documents prevail.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import resource_path
from app.errors import InvalidInputError, NotFoundError
from app.models.assessment_orm import AssessmentPlanRow
from app.models.db import utc_now
from app.schema.assessment_plan import (
    AssessmentPlan,
    Criterion,
    Method,
    Theme,
    check_against,
    decode_plan,
)
from app.schema.assessment_records import MAX_PLAN as MAX_PLAN_BYTES
from app.schema.base import SchemaError
from app.services import frameworks, queries
from app.services.views import CompetencyCoverage, CoverageReport

PREVAIL = (
    "The assessment organisation's own documents prevail over this plan: check every "
    "criterion against them."
)


@dataclass(frozen=True)
class PlanSummary:
    key: str
    framework: str
    framework_version: str
    title: str
    bundled: bool
    methods: int
    themes: int
    criteria: int


# --- reading ------------------------------------------------------------------------------------


@cache
def _bundled_texts() -> tuple[bytes, ...]:
    folder = resource_path("assessment_plans")
    return tuple(path.read_bytes() for path in sorted(Path(folder).glob("*.json")))


def bundled_plans() -> list[AssessmentPlan]:
    return [decode_plan(data, "a bundled assessment plan") for data in _bundled_texts()]


def _stored(session: Session) -> list[AssessmentPlan]:
    rows = session.scalars(select(AssessmentPlanRow).order_by(AssessmentPlanRow.key)).all()
    return [decode_plan(row.document.encode("utf-8"), f"the plan {row.key}") for row in rows]


def all_plans(session: Session) -> list[tuple[AssessmentPlan, bool]]:
    """(plan, bundled) for every plan; an imported plan replaces a bundled one of its key."""
    stored = {p.key: p for p in _stored(session)}
    out = [(p, True) for p in bundled_plans() if p.key not in stored]
    out += [(p, False) for p in stored.values()]
    return sorted(out, key=lambda pair: pair[0].key)


def summarise(plan: AssessmentPlan, bundled: bool) -> PlanSummary:
    themes = plan.themes()
    return PlanSummary(
        key=plan.key,
        framework=plan.framework,
        framework_version=plan.framework_version,
        title=plan.title,
        bundled=bundled,
        methods=len(plan.methods),
        themes=len(themes),
        criteria=sum(len(t.criteria) for _, t in themes),
    )


def list_plans(session: Session) -> list[PlanSummary]:
    return [summarise(p, bundled) for p, bundled in all_plans(session)]


def get_plan(session: Session, key: str) -> AssessmentPlan:
    for plan, _bundled in all_plans(session):
        if plan.key.lower() == key.strip().lower():
            return plan
    raise NotFoundError(f"There is no assessment plan {key}; see 'portfolio plan list'.")


def plan_for_portfolio(session: Session) -> AssessmentPlan | None:
    """The plan written for the portfolio's framework and version, if there is one."""
    framework = frameworks.portfolio_framework(session)
    for plan, _bundled in all_plans(session):
        if (plan.framework, plan.framework_version) == (framework.key, framework.version):
            return plan
    return None


# --- importing ----------------------------------------------------------------------------------


def import_plan(session: Session, data: bytes) -> PlanSummary:
    """Check a plan file against its standard and keep it in the portfolio (all or nothing)."""
    if len(data) > MAX_PLAN_BYTES:
        raise InvalidInputError(
            f"The plan file is {len(data):,} bytes; an assessment plan is under {MAX_PLAN_BYTES:,}."
        )
    try:
        plan = decode_plan(data)
    except SchemaError as exc:
        raise InvalidInputError(f"The plan file cannot be used: {exc}.") from exc
    try:
        framework = frameworks.find_framework(session, plan.framework, plan.framework_version)
    except NotFoundError as exc:
        raise InvalidInputError(
            f"The plan is for {plan.framework} v{plan.framework_version}, which this portfolio "
            "does not have; import that standard first with 'portfolio frameworks import'."
        ) from exc
    if framework.version != plan.framework_version:
        raise InvalidInputError(
            f"The plan is for {plan.framework} v{plan.framework_version}, which this portfolio "
            "does not have; import that standard first with 'portfolio frameworks import'."
        )
    try:
        check_against(plan, {c.code for c in framework.competencies})
    except SchemaError as exc:
        raise InvalidInputError(f"The plan file cannot be used: {exc}.") from exc
    row = session.scalar(select(AssessmentPlanRow).where(AssessmentPlanRow.key == plan.key))
    if row is None:
        row = AssessmentPlanRow(key=plan.key)
        session.add(row)
    row.framework_key = plan.framework
    row.framework_version = plan.framework_version
    row.document = data.decode("utf-8")
    row.imported = utc_now()
    session.flush()
    return summarise(plan, bundled=False)


# --- coverage by theme --------------------------------------------------------------------------


@dataclass(frozen=True)
class KsbEvidence:
    code: str
    count: int  # ready items
    drafts: int
    met: bool
    items: tuple[str, ...]


@dataclass(frozen=True)
class CriterionEvidence:
    code: str
    grade: str
    text: str
    ksbs: tuple[str, ...]  # the KSBs it rests on (the theme's when the plan names none)
    evidenced: bool  # at least one of them has evidence
    source: str
    verified: bool


@dataclass(frozen=True)
class ThemeCoverage:
    method: str  # method code
    method_name: str
    code: str
    name: str
    ksbs: tuple[KsbEvidence, ...]
    criteria: tuple[CriterionEvidence, ...]
    ksbs_source: str
    ksbs_verified: bool

    @property
    def gaps(self) -> tuple[str, ...]:
        return tuple(k.code for k in self.ksbs if not k.met)

    @property
    def met(self) -> int:
        return sum(1 for k in self.ksbs if k.met)

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(sorted({ref for k in self.ksbs for ref in k.items}))


@dataclass(frozen=True)
class ThemeReport:
    plan: AssessmentPlan
    target: int
    themes: tuple[ThemeCoverage, ...]

    @property
    def complete(self) -> int:
        return sum(1 for t in self.themes if not t.gaps)


def theme_coverage(plan: AssessmentPlan, report: CoverageReport) -> ThemeReport:
    """Each theme's KSBs with their evidence, and which criteria rest on evidenced KSBs."""
    by_code = {c.code: c for c in report.competencies}
    themes: list[ThemeCoverage] = []
    for method, theme in plan.themes():
        ksbs = tuple(_ksb(by_code, code) for code in theme.ksbs)
        met = {k.code for k in ksbs if k.met}
        themes.append(
            ThemeCoverage(
                method=method.code,
                method_name=method.name,
                code=theme.code,
                name=theme.name,
                ksbs=ksbs,
                criteria=tuple(_criterion(theme, c, met) for c in theme.criteria),
                ksbs_source=theme.ksbs_source,
                ksbs_verified=theme.ksbs_verified,
            )
        )
    return ThemeReport(plan=plan, target=report.target, themes=tuple(themes))


def _ksb(by_code: dict[str, CompetencyCoverage], code: str) -> KsbEvidence:
    found = by_code.get(code)
    if found is None:
        return KsbEvidence(code, 0, 0, False, ())
    return KsbEvidence(code, found.count, found.drafts, found.met, tuple(found.items))


def _criterion(theme: Theme, criterion: Criterion, met: set[str]) -> CriterionEvidence:
    ksbs = criterion.ksbs or theme.ksbs
    return CriterionEvidence(
        code=criterion.code,
        grade=criterion.grade,
        text=criterion.text,
        ksbs=tuple(ksbs),
        evidenced=any(k in met for k in ksbs),
        source=criterion.source,
        verified=criterion.verified,
    )


def portfolio_theme_report(session: Session, target: int = 1) -> ThemeReport | None:
    """Coverage by theme for the open portfolio (None: its standard has no plan)."""
    plan = plan_for_portfolio(session)
    if plan is None:
        return None
    return theme_coverage(plan, queries.compute_coverage(session, target=target))


# --- JSON ---------------------------------------------------------------------------------------


def summary_json(s: PlanSummary) -> dict[str, object]:
    return {
        "key": s.key,
        "framework": s.framework,
        "framework_version": s.framework_version,
        "title": s.title,
        "bundled": s.bundled,
        "methods": s.methods,
        "themes": s.themes,
        "criteria": s.criteria,
    }


def plan_json(plan: AssessmentPlan) -> dict[str, object]:
    """``plan show --json``: the plan as its file gives it, plus the notice."""
    import msgspec

    data = msgspec.to_builtins(plan)
    assert isinstance(data, dict)
    data.setdefault("notice", "")
    data["prevail"] = PREVAIL
    return data


def theme_report_json(report: ThemeReport) -> dict[str, object]:
    """``coverage --by theme --json``."""
    methods: dict[str, dict[str, object]] = {}
    for theme in report.themes:
        method = methods.setdefault(
            theme.method, {"code": theme.method, "name": theme.method_name, "themes": []}
        )
        method["themes"].append(  # type: ignore[attr-defined]
            {
                "code": theme.code,
                "name": theme.name,
                "ksbs": [
                    {
                        "code": k.code,
                        "count": k.count,
                        "drafts": k.drafts,
                        "met": k.met,
                        "items": list(k.items),
                    }
                    for k in theme.ksbs
                ],
                "met": theme.met,
                "total": len(theme.ksbs),
                "gaps": list(theme.gaps),
                "items": list(theme.items),
                "criteria": [
                    {
                        "code": c.code,
                        "grade": c.grade,
                        "text": c.text,
                        "ksbs": list(c.ksbs),
                        "evidenced": c.evidenced,
                        "source": c.source,
                        "verified": c.verified,
                    }
                    for c in theme.criteria
                ],
                "ksbs_source": theme.ksbs_source,
                "ksbs_verified": theme.ksbs_verified,
            }
        )
    return {
        "plan": report.plan.key,
        "framework": report.plan.framework,
        "version": report.plan.framework_version,
        "target": report.target,
        "methods": list(methods.values()),
        "summary": {
            "themes": len(report.themes),
            "complete": report.complete,
            "ksbs": sum(len(t.ksbs) for t in report.themes),
            "met": sum(t.met for t in report.themes),
        },
        "prevail": PREVAIL,
    }


__all__ = ["PREVAIL", "Method", "ThemeCoverage", "ThemeReport"]
