"""Setting the off-the-job plan, with the funding rules explained as the figures change."""

from __future__ import annotations

from datetime import timedelta
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import PortfolioError
from app.services import funding_rules, otj
from app.services.otj import format_minutes
from app.ui.errors import show_error
from app.ui.progress.scan_dialog import date_edit, to_date
from app.ui.progress.store import ProgressStore
from app.ui.window_layout import fit_dialog


def hours_minutes(parent: QWidget, minutes: int, max_hours: int) -> tuple[QSpinBox, QSpinBox]:
    hours = QSpinBox(parent)
    hours.setRange(0, max_hours)
    hours.setSuffix(" h")
    hours.setValue(minutes // 60)
    mins = QSpinBox(parent)
    mins.setRange(0, 59)
    mins.setSuffix(" min")
    mins.setValue(minutes % 60)
    return hours, mins


def pair(parent: QWidget, *widgets: QWidget) -> QWidget:
    box = QWidget(parent)
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return box


class PlanDialog(QDialog):
    def __init__(self, store: ProgressStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle(self.tr("Off-the-job training plan"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        fit_dialog(self, 680, 640)
        today = store.today()
        plan = store.plan() or otj.Plan(
            today,
            today + timedelta(weeks=78),
            37 * 60 + 30,
            otj.RULE_2025 if today >= otj.RULE_2025_START else otj.RULE_2022,
        )

        self.start = date_edit(self, plan.start)
        self.gateway = date_edit(self, plan.gateway)
        self.contract_h, self.contract_m = hours_minutes(self, plan.contracted_minutes, 168)
        self.rule_2022 = QRadioButton(
            self.tr("2022/23 rules: 6 hours a week, pro rata below 30 contracted hours"), self
        )
        self.rule_2025 = QRadioButton(
            self.tr("Starts from 1 August 2025: the fixed minimum set for my standard"), self
        )
        group = QButtonGroup(self)
        group.addButton(self.rule_2022)
        group.addButton(self.rule_2025)
        (self.rule_2025 if plan.rule == otj.RULE_2025 else self.rule_2022).setChecked(True)
        self.fixed_h, self.fixed_m = hours_minutes(self, plan.fixed_minutes or 0, 5000)
        self.statutory = QCheckBox(self.tr("Statutory leave: 5.6 weeks a year"), self)
        self.statutory.setChecked(plan.leave_weeks is None)
        self.leave = QDoubleSpinBox(self)
        self.leave.setRange(0, 100)
        self.leave.setDecimals(1)
        self.leave.setSingleStep(0.2)
        self.leave.setSuffix(self.tr(" weeks"))
        self.leave.setValue(plan.leave_weeks if plan.leave_weeks is not None else 5.6)
        self.rpl_h, self.rpl_m = hours_minutes(self, plan.rpl_minutes, 5000)
        self.rpl_h.setAccessibleName(self.tr("Recognised prior learning, hours"))
        self.minimum_source = QLineEdit(plan.minimum_source, self)
        self.minimum_source.setObjectName("minimumSource")
        self.minimum_source.setPlaceholderText(
            self.tr("Where the minimum is published, e.g. DfE funding rules 2025-26, Annex C")
        )
        self.minimum_date = date_edit(self, plan.minimum_date or today)
        self.review_months = QSpinBox(self)
        self.review_months.setObjectName("reviewMonths")
        self.review_months.setRange(0, funding_rules.MAX_AGREED_MONTHS)
        self.review_months.setSpecialValueText(self.tr("every 3 calendar months (rule 92)"))
        self.review_months.setSuffix(self.tr(" months, agreed"))
        self.review_months.setValue(plan.review_months or 0)
        self.review_reason = QLineEdit(plan.review_reason, self)
        self.review_reason.setObjectName("reviewReason")
        self.review_reason.setPlaceholderText(
            self.tr("The delivery reason agreed with the employer (rule 92.1)")
        )

        form = QFormLayout()
        form.addRow(self.tr("Start date"), self.start)
        self.gateway_label = QLabel(self.tr("Planned end / gateway date"), self)
        form.addRow(self.gateway_label, self.gateway)
        form.addRow(
            self.tr("Contracted hours a week"), pair(self, self.contract_h, self.contract_m)
        )
        form.addRow(self.tr("Rule"), self.rule_2022)
        form.addRow("", self.rule_2025)
        form.addRow(self.tr("Minimum for the standard"), pair(self, self.fixed_h, self.fixed_m))
        form.addRow(self.tr("Minimum published in"), self.minimum_source)
        form.addRow(self.tr("Minimum read on"), self.minimum_date)
        form.addRow(self.tr("Recognised prior learning"), pair(self, self.rpl_h, self.rpl_m))
        form.addRow(self.tr("Progress reviews"), self.review_months)
        form.addRow(self.tr("Reason for that frequency"), self.review_reason)
        form.addRow(self.tr("Leave in the plan"), pair(self, self.statutory, self.leave))

        rules = QLabel(
            self.tr(
                "The 2022/23 apprenticeship funding rules set off-the-job training at a minimum "
                "of 6 hours a week for apprentices working 30 or more hours a week, and pro rata "
                "below that (6 × contracted hours ÷ 30), over the planned duration excluding "
                "statutory leave. For apprenticeships starting on or after 1 August 2025 the "
                "rules changed to a fixed minimum number of off-the-job hours set for each "
                "standard, reduced for recognised prior learning and never below 187 hours: "
                "enter that number and where it is published (your training provider can tell "
                "you). Hours logged after the gateway date do not count. The Department for "
                "Education's own documents prevail over this summary."
            ),
            self,
        )
        rules.setWordWrap(True)
        rules.setTextFormat(Qt.TextFormat.PlainText)
        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        # the hours in bold, what they rest on (the rules, their source, the terms) plain
        # below: six bold lines read as a wall
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setAccessibleName(self.tr("Required hours"))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        # the form and the rules scroll above the buttons where the screen is short (a
        # laptop at 150 %) instead of being squeezed until the fields are cut in half
        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(form)
        body_layout.addWidget(rules)
        body_layout.addWidget(self.explanation)
        body_layout.addStretch(1)
        scroller = QScrollArea(self)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroller, 1)
        layout.addWidget(buttons)

        for signal in (self.start.dateChanged, self.gateway.dateChanged):
            signal.connect(self.explain)
        for spin in (
            self.contract_h,
            self.contract_m,
            self.fixed_h,
            self.fixed_m,
            self.rpl_h,
            self.rpl_m,
            self.review_months,
        ):
            spin.valueChanged.connect(self.explain)
        self.review_reason.textChanged.connect(self.explain)
        self.leave.valueChanged.connect(self.explain)
        self.statutory.toggled.connect(self.explain)
        self.rule_2022.toggled.connect(self.explain)
        self.explain()

    def plan(self) -> otj.Plan:
        rule = otj.RULE_2025 if self.rule_2025.isChecked() else otj.RULE_2022
        fixed = self.fixed_h.value() * 60 + self.fixed_m.value()
        current = rule == otj.RULE_2025
        source = self.minimum_source.text().strip()
        return otj.Plan(
            start=to_date(self.start),
            gateway=to_date(self.gateway),
            contracted_minutes=self.contract_h.value() * 60 + self.contract_m.value(),
            rule=rule,
            fixed_minutes=fixed if current else None,
            leave_weeks=None if self.statutory.isChecked() else self.leave.value(),
            rpl_minutes=self.rpl_h.value() * 60 + self.rpl_m.value() if current else 0,
            minimum_source=source if current else "",
            minimum_date=to_date(self.minimum_date) if current and source else None,
            review_months=(self.review_months.value() or None) if current else None,
            review_reason=self.review_reason.text() if current else "",
        )

    def explain(self) -> None:
        fixed_rule = self.rule_2025.isChecked()
        for widget in (
            self.fixed_h,
            self.fixed_m,
            self.rpl_h,
            self.rpl_m,
            self.minimum_source,
            self.minimum_date,
            self.review_months,
        ):
            widget.setEnabled(fixed_rule)
        self.review_reason.setEnabled(fixed_rule and self.review_months.value() > 0)
        self.statutory.setEnabled(not fixed_rule)
        self.leave.setEnabled(not fixed_rule and not self.statutory.isChecked())
        plan = self.plan()
        self.gateway_label.setText(
            self.tr("Planned end / gateway to completion date")
            if plan.rule == otj.RULE_2025
            else self.tr("Planned end / gateway date")
        )
        try:
            plan = otj.check_plan(plan)
        except PortfolioError as exc:
            self.explanation.setText(f"<b>{escape(str(exc), quote=False)}</b>")
            return
        lines = []
        if plan.rule == otj.RULE_2022:
            weeks = otj.plan_weeks(plan)
            leave = otj.leave_weeks(plan)
            weekly = round(otj.weekly_minimum_minutes(plan.contracted_minutes))
            lines.append(
                self.tr(
                    "Your plan: {weeks:.1f} weeks less {leave:.1f} weeks' leave = {training:.1f} "
                    "weeks × {weekly} a week = {total} of off-the-job training."
                ).format(
                    weeks=weeks,
                    leave=leave,
                    training=otj.training_weeks(plan),
                    weekly=format_minutes(weekly),
                    total=format_minutes(otj.required_minutes(plan)),
                )
            )
            if plan.start >= otj.RULE_2025_START:
                lines.append(
                    self.tr(
                        "This plan starts on or after 1 August 2025, when the fixed minimum for "
                        "each standard replaced the weekly baseline."
                    )
                )
        else:
            total = format_minutes(otj.required_minutes(plan))
            if otj.floor_applies(plan):
                line = self.tr(
                    "Your plan: {total} of off-the-job training: the minimum less prior "
                    "learning falls below 187 hours, so 187 hours apply."
                )
            elif plan.rpl_minutes:
                line = self.tr(
                    "Your plan: {total} of off-the-job training, the minimum for the standard "
                    "less {rpl} of recognised prior learning."
                )
            else:
                line = self.tr(
                    "Your plan: {total} of off-the-job training, the minimum for the standard."
                )
            lines.append(line.format(total=total, rpl=format_minutes(plan.rpl_minutes)))
            if plan.start < otj.RULE_2025_START:
                lines.append(
                    self.tr(
                        "This plan starts before 1 August 2025, when the 2022/23 rules "
                        "(6 hours a week, pro rata) applied."
                    )
                )
        rules = funding_rules.ruleset(plan.rule)
        lines.append(self.tr("Source: {source}.").format(source=rules.otj_source))
        terms = rules.terms
        lines.append(
            self.tr("Terms under these rules: {a}, {o}, {g}.").format(
                a=terms.assessment, o=terms.organisation, g=terms.gateway
            )
        )
        lines.append(
            funding_rules.review_rule_text(plan.rule, plan.review_months, plan.review_reason)
        )
        head, *rest = [escape(line, quote=False).replace("\n", "<br>") for line in lines]
        self.explanation.setText(f"<b>{head}</b>" + "".join(f"<br>{r}" for r in rest))

    def save(self) -> None:
        try:
            self.store.save_plan(self.plan())
        except PortfolioError as exc:
            show_error(self, exc)
            return
        self.accept()
