"""Edit ▸ Preferences: the user-facing settings, with IT's locked ones shown but not editable.

The dialog edits a copy of the ``Settings`` it is given; the window manager saves
what ``chosen()`` returns (``save_settings`` leaves managed keys out in any case).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.config import user_data_dir
from app.schema.settings import PAGE_SIZES, bounds
from app.settings import Settings, managed_notice


class PreferencesDialog(QDialog):
    """View and change the settings; ``chosen()`` is the result once accepted."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle(self.tr("Preferences"))

        self.notice = QLabel(managed_notice(settings), self)
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setAccessibleName(self.tr("Managed settings"))
        self.notice.setVisible(bool(settings.managed))

        self.portfolio_folder = QLineEdit(settings.portfolio_folder, self)
        self.portfolio_folder.setPlaceholderText(str(user_data_dir()))
        self.portfolio_folder.setAccessibleName(self.tr("Folder for new portfolios"))
        self.backup_folder = QLineEdit(settings.backup_folder, self)
        self.backup_folder.setPlaceholderText(str(user_data_dir() / "backups"))
        self.backup_folder.setAccessibleName(self.tr("Backup folder"))
        self.choose_portfolio_folder = self._chooser(self.portfolio_folder)
        self.choose_backup_folder = self._chooser(self.backup_folder)

        self.keep_recent = self._spin(settings, "backup_keep_recent")
        self.keep_recent.setAccessibleName(self.tr("Recent backups kept"))
        self.keep_daily_days = self._spin(settings, "backup_keep_daily_days")
        self.keep_daily_days.setAccessibleName(self.tr("Days of daily backups kept"))
        self.keep_daily_days.setSuffix(self.tr(" days"))
        self.interval = self._spin(settings, "backup_interval_minutes")
        self.interval.setAccessibleName(self.tr("Minutes between automatic backups"))
        self.interval.setSuffix(self.tr(" min"))
        self.target = self._spin(settings, "heatmap_target")
        self.target.setAccessibleName(self.tr("Default coverage target (items per KSB)"))
        self.page_size = QComboBox(self)
        self.page_size.setAccessibleName(self.tr("PDF page size"))
        for size in PAGE_SIZES:
            self.page_size.addItem(size, size)
        self.page_size.setCurrentIndex(max(0, self.page_size.findData(settings.export_page_size)))

        # setting name -> the widgets that edit it
        self.editors: dict[str, tuple[QWidget, ...]] = {
            "portfolio_folder": (self.portfolio_folder, self.choose_portfolio_folder),
            "backup_folder": (self.backup_folder, self.choose_backup_folder),
            "backup_keep_recent": (self.keep_recent,),
            "backup_keep_daily_days": (self.keep_daily_days,),
            "backup_interval_minutes": (self.interval,),
            "heatmap_target": (self.target,),
            "export_page_size": (self.page_size,),
        }
        self.managed_notes: dict[str, QLabel] = {}
        managed_text = self.tr("Managed by your organisation")
        for name, widgets in self.editors.items():
            if settings.is_managed(name):
                for widget in widgets:
                    widget.setEnabled(False)
                    widget.setToolTip(managed_text)
                note = QLabel(managed_text, self)
                note.setEnabled(False)  # drawn greyed, like the field it explains
                self.managed_notes[name] = note

        form = QFormLayout()
        self._add_row(form, self.tr("&Folder for new portfolios"), "portfolio_folder")
        self._add_row(form, self.tr("&Backup folder"), "backup_folder")
        self._add_row(form, self.tr("&Recent backups kept"), "backup_keep_recent")
        self._add_row(form, self.tr("&Daily backups kept for"), "backup_keep_daily_days")
        self._add_row(form, self.tr("Back up &every"), "backup_interval_minutes")
        self._add_row(form, self.tr("Default coverage &target"), "heatmap_target")
        self._add_row(form, self.tr("PDF &page size"), "export_page_size")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.notice)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _spin(self, settings: Settings, name: str) -> QSpinBox:
        """A spin box for the whole-number setting ``name``, within its declared limits."""
        spin = QSpinBox(self)
        spin.setRange(*bounds(name))
        spin.setValue(getattr(settings, name))
        return spin

    def _chooser(self, field: QLineEdit) -> QPushButton:
        button = QPushButton(self.tr("Choose…"), self)
        button.setAccessibleName(self.tr("Choose: {what}").format(what=field.accessibleName()))
        button.clicked.connect(lambda _checked=False: self._choose_folder(field))
        return button

    def _add_row(self, form: QFormLayout, text: str, name: str) -> None:
        label = QLabel(text, self)
        label.setBuddy(self.editors[name][0])  # so the label's &-key reaches the field
        form.addRow(label, self._row(name))

    def _row(self, name: str) -> QHBoxLayout:
        """The setting's widgets on one line, then "Managed by your organisation" if locked."""
        row = QHBoxLayout()
        first, *rest = self.editors[name]
        row.addWidget(first, 1)
        for widget in rest:
            row.addWidget(widget)
        note = self.managed_notes.get(name)
        if note is not None:
            row.addWidget(note)
        return row

    def _choose_folder(self, field: QLineEdit) -> None:
        start = field.text() or field.placeholderText()
        folder = QFileDialog.getExistingDirectory(self, field.accessibleName(), start)
        if folder:
            field.setText(str(Path(folder)))

    def chosen(self) -> Settings:
        """The settings as shown (managed ones exactly as they were)."""
        values: dict[str, Any] = {
            "portfolio_folder": self.portfolio_folder.text().strip(),
            "backup_folder": self.backup_folder.text().strip(),
            "backup_keep_recent": self.keep_recent.value(),
            "backup_keep_daily_days": self.keep_daily_days.value(),
            "backup_interval_minutes": self.interval.value(),
            "heatmap_target": self.target.value(),
            "export_page_size": self.page_size.currentData(),
        }
        changes = {k: v for k, v in values.items() if not self._settings.is_managed(k)}
        return replace(self._settings, **changes)
