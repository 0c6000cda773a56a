"""Open the desktop app on a portfolio in a chosen state, for screenshots and demos.

    .venv/bin/python tools/show_app.py FILE [--page coverage] [--item E002]
        [--tab reflection|tags|attachments] [--cell D5,K7] [--search TEXT]
        [--framework KEY] [--appearance light|dark] [--read-only BANNER]

With the screenshot tool:
    /work/shared/tools/snap out.png -- \
        .venv/bin/python tools/show_app.py demo.sqlite3 --page coverage
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--page", default="evidence", help="evidence, coverage or any tab's title, e.g. progress"
    )
    parser.add_argument(
        "--dialog",
        choices=("scan", "review", "shortcuts", "details", "new"),
        help="open a dialog over the window",
    )
    parser.add_argument("--item", help="the evidence item to select, e.g. E002")
    parser.add_argument("--tab", choices=("reflection", "tags", "attachments", "signoff"))
    parser.add_argument("--signer-view", type=Path, help="open this .request in the signer's view")
    parser.add_argument("--cell", help="the heatmap cell to select, e.g. D5,K7")
    parser.add_argument("--target", type=int, help="the heatmap target")
    parser.add_argument(
        "--employer-only", action="store_true", help="heatmap: confirmed by employer only"
    )
    parser.add_argument("--search", help="text typed into the search box")
    parser.add_argument("--only-tagged", action="store_true", help="tag picker: only tagged")
    parser.add_argument("--framework", help="framework view, e.g. DDAT-DEVOPS")
    parser.add_argument("--appearance", choices=("system", "light", "dark"))
    parser.add_argument("--read-only", metavar="BANNER", help="open read-only with this banner")
    args = parser.parse_args()
    if args.appearance:
        os.environ["PORTFOLIO_APPEARANCE"] = args.appearance

    from PySide6.QtCore import QTimer

    from app.settings import Settings
    from app.ui.main import create_application
    from app.ui.windows import WindowManager

    app = create_application()
    if args.signer_view:
        from app.ui.signoff.signer import run_signer

        return run_signer(app, args.signer_view)
    manager = WindowManager(Settings())
    window = manager.open_path(
        args.file, read_only=args.read_only is not None, banner=args.read_only
    )
    if window is None:
        return 1

    def arrange() -> None:
        page = window.evidence_page
        if args.framework:
            window.set_framework(args.framework)
        if args.item:
            page.select_item(window.document.item_by_ref(args.item).id)
        if args.tab == "signoff":  # an extension's tab: there once the window is on screen
            panel = getattr(window, "signoff_panel", None)
            if panel is None:
                QTimer.singleShot(100, arrange)
                return
            page.editor.tabs.setCurrentWidget(panel)
        elif args.tab:
            editor = page.editor
            editor.tabs.setCurrentIndex(("reflection", "tags", "attachments").index(args.tab))
        if args.only_tagged:
            page.editor.tags.only_ticked.setChecked(True)
        if args.search:
            page.filter_bar.search.setText(args.search)
        if args.page == "coverage":
            window.pages.setCurrentWidget(window.coverage_page)
            if args.target:
                window.coverage_page.target.setValue(args.target)
            if args.employer_only:
                window.coverage_page.employer_only.setChecked(True)
            grid = window.coverage_page.grid
            data = grid.data()
            if args.cell and data is not None:
                group, code = args.cell.split(",")
                grid.set_current(
                    [g.code for g in data.rows].index(group),
                    [c.code for c in data.columns].index(code),
                )
            grid.setFocus()

    def page_by_title(title: str) -> object | None:
        for index in range(window.pages.count()):
            if window.pages.tabText(index).replace("&", "").casefold() == title.casefold():
                return window.pages.widget(index)
        return None

    def extras(attempt: int = 0) -> None:
        # other features' pages arrive once the window is painted: wait for them
        if args.page not in ("evidence", "coverage"):
            page = page_by_title(args.page)
            if page is None and attempt < 100:
                QTimer.singleShot(50, lambda: extras(attempt + 1))
                return
            if page is not None:
                window.pages.setCurrentWidget(page)  # type: ignore[arg-type]
        if args.dialog in ("scan", "review"):
            pages = getattr(window, "progress_pages", None)
            if pages is None and attempt < 100:
                QTimer.singleShot(50, lambda: extras(attempt + 1))
                return
            if args.dialog == "scan":
                pages.skills.new_scan()
            else:
                from app.ui.progress.review_dialog import ReviewDialog

                ReviewDialog(pages.store, window).open()
        elif args.dialog == "shortcuts":
            window.show_shortcuts()
        elif args.dialog == "details":
            window.show_details()
        elif args.dialog == "new":
            from app.ui.wizard import NewPortfolioDialog

            target = Path.home() / "Documents" / "Apprentice Portfolio" / "portfolio.sqlite3"
            NewPortfolioDialog(target, first_run=True, parent=window).open()

    QTimer.singleShot(50, arrange)
    QTimer.singleShot(100, extras)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
