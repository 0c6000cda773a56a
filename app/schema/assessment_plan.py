"""Assessment plans: how a standard's apprenticeship assessment is organised, as data.

A plan belongs beside a framework (``framework`` and ``framework_version`` name it).
It has assessment *methods* (a work-based project, a professional discussion), each
with *themes*; a theme lists the KSBs it assesses and its pass and distinction
*criteria*. Every criterion and every theme's KSB list names its source (an id in
``sources``), and says whether that source is the assessment plan itself
(``verified``) or something inferred from secondary sources. The assessment
organisation's own documents prevail over any plan file.

``decode_plan(data)`` parses and checks one file (one sentence on failure);
``check_against(plan, codes)`` checks it against the standard's competency codes.
The README documents the format ("Assessment plans").
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from app.schema.base import (
    CODE_PATTERN,
    Record,
    SchemaError,
    decode,
    nonblank,
    one_of,
    pattern,
    text,
)

FORMAT = "apprentice-portfolio-assessment-plan/1"
GRADES = ("pass", "distinction")
MAX_TEXT = 5000
MAX_ITEMS = 200

Code = Annotated[str, pattern(CODE_PATTERN, "is not a code (letters, digits, . _ -)", 40)]
Name = Annotated[str, nonblank(300)]
Text = Annotated[str, text(MAX_TEXT)]


class Source(Record):
    id: Code
    title: Name
    url: Annotated[str, text(1000)] = ""
    publisher: Annotated[str, text(300)] = ""


class Criterion(Record):
    code: Code
    grade: Annotated[str, one_of(GRADES)]
    text: Annotated[str, nonblank(MAX_TEXT)]
    source: Code  # an id in the plan's sources
    ksbs: Annotated[tuple[Code, ...], Meta(max_length=MAX_ITEMS)] = ()  # a subset of the theme's
    verified: bool = False  # True: copied from the assessment plan itself


class Theme(Record):
    code: Code
    name: Name
    ksbs: Annotated[tuple[Code, ...], Meta(max_length=MAX_ITEMS)]
    criteria: Annotated[tuple[Criterion, ...], Meta(max_length=MAX_ITEMS)]
    ksbs_source: Code  # where the theme's KSB list comes from
    ksbs_verified: bool = False


class Method(Record):
    code: Code
    name: Name
    themes: Annotated[tuple[Theme, ...], Meta(max_length=MAX_ITEMS)]
    description: Text = ""


class AssessmentPlan(Record):
    format: Annotated[str, one_of((FORMAT,))]
    key: Code
    framework: Code
    framework_version: Annotated[str, nonblank(40)]
    title: Name
    sources: Annotated[tuple[Source, ...], Meta(max_length=MAX_ITEMS)]
    methods: Annotated[tuple[Method, ...], Meta(min_length=1, max_length=20)]
    assessment_organisation: Annotated[str, text(300)] = ""
    grades: Annotated[tuple[Annotated[str, nonblank(40)], ...], Meta(max_length=10)] = ()
    notice: Text = ""
    attribution: Text = ""

    def themes(self) -> list[tuple[Method, Theme]]:
        return [(m, t) for m in self.methods for t in m.themes]


def decode_plan(data: bytes, name: str = "the plan file") -> AssessmentPlan:
    """Parse and check a plan file; ``SchemaError`` holds one sentence part on failure."""
    plan = decode(data, AssessmentPlan, name=name)
    check(plan)
    return plan


def check(plan: AssessmentPlan) -> None:
    """What the types cannot say: unique codes, known sources, criteria in every theme."""
    sources = {s.id for s in plan.sources}
    seen: set[str] = set()
    for method in plan.methods:
        _unique(method.code, seen, "method")
        if not method.themes:
            raise SchemaError(f"the method {method.code} has no themes")
        for theme in method.themes:
            _unique(theme.code, seen, "theme")
            if not theme.criteria:
                raise SchemaError(f"the theme {theme.code} ({theme.name}) has no criteria")
            if not theme.ksbs:
                raise SchemaError(f"the theme {theme.code} ({theme.name}) assesses no KSBs")
            if theme.ksbs_source not in sources:
                raise SchemaError(
                    f"the theme {theme.code} names the source {theme.ksbs_source}, "
                    "which the plan's sources do not list"
                )
            for criterion in theme.criteria:
                _unique(criterion.code, seen, "criterion")
                if criterion.source not in sources:
                    raise SchemaError(
                        f"the criterion {criterion.code} names the source {criterion.source}, "
                        "which the plan's sources do not list"
                    )
                stray = [k for k in criterion.ksbs if k not in theme.ksbs]
                if stray:
                    raise SchemaError(
                        f"the criterion {criterion.code} names {stray[0]}, which its theme "
                        f"{theme.code} does not assess"
                    )


def check_against(plan: AssessmentPlan, codes: set[str]) -> None:
    """Every KSB the plan names must be one of the standard's competency ``codes``."""
    for _method, theme in plan.themes():
        for code in theme.ksbs:
            if code not in codes:
                raise SchemaError(
                    f"the theme {theme.code} ({theme.name}) names {code}, which "
                    f"{plan.framework} v{plan.framework_version} does not have"
                )


def _unique(code: str, seen: set[str], what: str) -> None:
    if code in seen:
        raise SchemaError(f"the {what} code {code} is used twice")
    seen.add(code)
