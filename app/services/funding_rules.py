"""Which apprenticeship funding rules a plan follows, and what each rule says (pure).

The Department for Education's rules changed for apprentices starting from 1 August
2025. A plan records the rules that apply from its start date; this module holds,
for each set of rules, the progress-review schedule, whether the 4-week gap check
exists, the words it uses, and the source (document and rule number) of every rule,
so each explanation the app gives can name it. The DfE's own documents prevail.

Sources, as collected in the project's research notes:

- 2022/23 rules: off-the-job training at least 6 hours a week at 30 or more
  contracted hours, pro rata below; some activity at least every 4 weeks (P36.2);
  progress reviews at least every 12 weeks (P59-P60).
- 2025/26 rules: progress reviews at least every 3 calendar months (rule 92; the
  rule's example: a review on 1 August 2025 makes the next due on or before 30
  November 2025) or an alternative frequency with an evidenced reason agreed with the
  employer (rule 92.1); a published minimum of off-the-job hours for each standard
  (Annex C), reduced for recognised prior learning, with at least 187 hours for
  funding; new terms: "apprenticeship assessment", "assessment organisation",
  "gateway to completion".
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date as Date
from datetime import timedelta

from app.schema.portfolio import MAX_AGREED_MONTHS as MAX_AGREED_MONTHS
from app.schema.portfolio import RULE_2022, RULE_2025

CURRENT_RULES_START = Date(2025, 8, 1)
REVIEW_WEEKS_2022 = 12
REVIEW_MONTHS_2025 = 3
OTJ_FLOOR_MINUTES = 187 * 60  # 2025/26: no apprenticeship is funded with fewer OTJ hours

RULES_2022_DOC = "Apprenticeship funding rules 2022 to 2023 (DfE)"
RULES_2025_DOC = "Apprenticeship funding rules 2025 to 2026 (DfE)"


@dataclass(frozen=True)
class Terms:
    """The words for the assessment and its people under one set of rules."""

    assessment: str
    organisation: str
    gateway: str


OLD_TERMS = Terms("end-point assessment", "end-point assessment organisation", "gateway")
CURRENT_TERMS = Terms(
    "apprenticeship assessment", "assessment organisation", "gateway to completion"
)


@dataclass(frozen=True)
class RuleSet:
    key: str
    label: str
    terms: Terms
    gap_check: bool  # "some off-the-job activity at least every 4 weeks"
    otj_source: str
    review_source: str
    gap_source: str


RULESETS: dict[str, RuleSet] = {
    RULE_2022: RuleSet(
        key=RULE_2022,
        label="2022/23 funding rules (starts before 1 August 2025)",
        terms=OLD_TERMS,
        gap_check=True,
        otj_source=f"{RULES_2022_DOC}, off-the-job training: at least 6 hours a week at 30 or "
        "more contracted hours, pro rata below (rule number not verified)",
        review_source=f"{RULES_2022_DOC}, rules P59-P60: a progress review at least every 12 weeks",
        gap_source=f"{RULES_2022_DOC}, rule P36.2: some off-the-job training at least every "
        "4 weeks",
    ),
    RULE_2025: RuleSet(
        key=RULE_2025,
        label="2025/26 funding rules (starts from 1 August 2025)",
        terms=CURRENT_TERMS,
        gap_check=False,
        otj_source=f"{RULES_2025_DOC}: the published minimum off-the-job hours for the "
        "standard (Annex C), reduced for recognised prior learning, never below 187 hours "
        "(rule number not verified)",
        review_source=f"{RULES_2025_DOC}, rule 92: a progress review at least every 3 "
        "calendar months; rule 92.1: another frequency agreed with the employer, with its "
        "reason",
        gap_source=f"{RULES_2025_DOC}: no 4-week gap rule found (not verified)",
    ),
}


def rules_for_start(start: Date) -> str:
    """The rules that apply to an apprenticeship starting on ``start``."""
    return RULE_2025 if start >= CURRENT_RULES_START else RULE_2022


def ruleset(key: str | None) -> RuleSet:
    """The rules by key; no plan (None) keeps the 2022/23 schedule the app always used."""
    return RULESETS.get(key or RULE_2022, RULESETS[RULE_2022])


def end_of_month_after(day: Date, months: int) -> Date:
    """The last day of the ``months``-th calendar month after ``day``'s month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    return Date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def next_review_due(last: Date, rule: str | None, agreed_months: int | None = None) -> Date:
    """When the review after one held (or the plan started) on ``last`` is due.

    2022/23: 12 weeks later (P59). 2025/26: by the end of the third calendar month after
    the review's month (rule 92: 1 August 2025 → 30 November 2025), or after the agreed
    number of months (rule 92.1).
    """
    if rule == RULE_2025:
        return end_of_month_after(last, agreed_months or REVIEW_MONTHS_2025)
    return last + timedelta(weeks=REVIEW_WEEKS_2022)


def review_rule_text(rule: str | None, agreed_months: int | None, reason: str = "") -> str:
    """One sentence: how often reviews are due and where that comes from."""
    if rule == RULE_2025 and agreed_months:
        every = "month" if agreed_months == 1 else f"{agreed_months} calendar months"
        why = f" (reason: {reason})" if reason else ""
        return (
            f"A progress review at least every {every}, as agreed with the employer{why}; "
            f"source: {RULES_2025_DOC}, rule 92.1."
        )
    if rule == RULE_2025:
        return (
            "A progress review at least every 3 calendar months, by the end of the third "
            f"month after the last review's month; source: {RULES_2025_DOC}, rule 92."
        )
    return f"A progress review at least every 12 weeks; source: {RULES_2022_DOC}, rules P59-P60."


def otj_required_2025(minimum_minutes: int, rpl_minutes: int) -> int:
    """The published minimum less recognised prior learning, never below 187 hours."""
    return max(OTJ_FLOOR_MINUTES, minimum_minutes - rpl_minutes)
