"""Open the app on a portfolio with one of the assessment-fit views showing, for screenshots.

    .venv/bin/python tools/show_assessment.py FILE --view plan|export|reviews

With the screenshot tool:
    ../shared/tools/snap out.png --size 1366x768 -- \
        .venv/bin/python tools/show_assessment.py demo.sqlite3 --view plan
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

VIEWS = ("plan", "export", "reviews", "themes", "gateway", "item", "project", "discussion")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--view", choices=VIEWS, required=True)
    parser.add_argument(
        "--grab",
        type=Path,
        metavar="OUT.png",
        help="save the dialog (or window) as drawn by Qt, then quit: for dialogs that a "
        "virtual screen without a window manager leaves unpainted",
    )
    args = parser.parse_args()

    from PySide6.QtCore import QTimer

    from app.settings import Settings
    from app.ui.main import create_application
    from app.ui.windows import WindowManager

    app = create_application()
    manager = WindowManager(Settings())
    window: Any = manager.open_path(args.file)
    if window is None:
        return 1

    def arrange() -> None:
        if not hasattr(window, "readiness_page"):  # extensions install after the first paint
            QTimer.singleShot(100, arrange)
            return
        if args.view == "plan":
            window.progress_pages.otj.edit_plan()
        elif args.view == "export":
            from app.ui.export import show_export_dialog

            show_export_dialog(window)
        elif args.view == "themes":
            window.pages.setCurrentWidget(window.assessment_page)
        elif args.view == "project":
            window.pages.setCurrentWidget(window.project_page)
        elif args.view == "discussion":
            window.pages.setCurrentWidget(window.discussion_page)
            window.discussion_page.list.setCurrentRow(2)
        elif args.view == "gateway":
            window.pages.setCurrentWidget(window.readiness_page)
        elif args.view == "item":
            window.evidence_page.select_item(window.document.item_by_ref("E001").id)
        elif args.view == "reviews":
            window.pages.setCurrentWidget(window.progress_pages.reviews)

    def grab() -> None:
        from PySide6.QtWidgets import QApplication, QDialog

        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog)]
        shown = [d for d in dialogs if d.isVisible()]
        (shown[0] if shown else window).grab().save(str(args.grab))
        app.quit()

    QTimer.singleShot(50, arrange)
    if args.grab:
        QTimer.singleShot(8000, grab)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
