"""Every page and dialog of the desktop app as PNG files, at the sizes people use it.

    .venv/bin/python tools/screenshots.py OUT_DIR [--file PORTFOLIO] [--config NAME ...]
        [--only WORD]

One folder per configuration under OUT_DIR:

    laptop   1366×768, light
    small    1024×700, light
    scaled   1366×768 at 150 % (QT_SCALE_FACTOR=1.5: the app sees a 911×512 screen)
    dark     1366×768, dark appearance

Each configuration runs in its own process on Qt's offscreen platform with one
virtual screen of that size, so the window takes the size the app itself chooses
there (as on a real screen, less a title bar); pages are grabbed from the window,
dialogs from themselves (as ``widget.grab()`` draws them: no window-manager frame).
Without ``--file`` it builds the demo portfolio (tools/make_demo.py) with a year of
programme records (skills scans, off-the-job log, reviews, project, discussion
notes); the portfolio given is copied, never changed. Settings, keys and the
standards library live in a temporary folder, not the user's.

With ``--docs FOLDER`` the curated set (``CURATED``: each main page at 1366×768, the
evidence page at 1024×700, at 150 % and dark, review mode, tagging and the scan grid)
is also written there as 256-colour PNGs; ``--curate-only`` does that from images
already in OUT_DIR.

Names: ``page-<tab>.png``, ``editor-<tab>.png`` (the evidence editor's tabs),
``dialog-<name>.png``, ``message-<name>.png`` (Tools ▸ Check, Back Up Now, Upgrade
Standard's answers), ``review-<tab>.png`` (a signed package opened for review)
and ``signer.png`` (the signer's view of a sign-off request). ``--only`` keeps the
shots whose name contains WORD.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Config:
    name: str
    width: int
    height: int
    scale: float = 1.0
    appearance: str = "light"


CONFIGS = {
    c.name: c
    for c in (
        Config("laptop", 1366, 768),
        Config("small", 1024, 700),
        Config("scaled", 1366, 768, scale=1.5),
        Config("dark", 1366, 768, appearance="dark"),
    )
}


# --- the portfolio shown ------------------------------------------------------------------------


ACTIONS = (
    "Book the AWS exam",
    "Write up the incident review",
    "Draft the project scope",
    "Plan the CKA",
)


def add_programme_records(path: Path, today: date) -> None:
    """A year of programme records around the demo's items (dates up to ``today``)."""
    sys.path.insert(0, str(ROOT))
    from app.models.db import open_portfolio
    from app.services import discussion, otj, project, reviews, skills_scan
    from app.services.skills_scan import RatingInput

    start = date(2025, 9, 8)
    activities = ("taught-session", "e-learning", "mentoring", "self-study", "shadowing")
    topics = (
        "AWS Solutions Architect course, module {n}",
        "Terraform workshop with the platform team",
        "Pairing with my mentor on the deployment pipeline",
        "Reading: Site Reliability Engineering, chapter {n}",
        "Shadowing the on-call engineer",
    )
    db = open_portfolio(path)
    try:
        with db.transaction() as session:
            otj.save_plan(session, otj.Plan(start, date(2027, 3, 8), 37 * 60 + 30))
            day, n = start + timedelta(days=2), 0
            while day <= today:
                if not date(2026, 7, 27) <= day <= date(2026, 8, 14):  # a summer holiday
                    otj.add_entry(
                        session,
                        otj.make_input(
                            date=day,
                            minutes=(300, 360, 330, 240, 420)[n % 5],
                            activity=activities[n % len(activities)],
                            description=topics[n % len(topics)].format(n=n // 5 + 1),
                            competencies=(["K1", "S14"], ["K7"], [], ["K11"], ["B1"])[n % 5],
                        ),
                    )
                day += timedelta(days=7)
                n += 1
            first = [RatingInput(f"K{i}", i % 2) for i in range(1, 26)]
            first += [RatingInput(f"S{i}", (i + 1) % 2) for i in range(1, 23)]
            first += [RatingInput(f"B{i}", 1) for i in range(1, 5)]
            first += [
                RatingInput(f"DS{i}", (0, 1, 1, 2, 0, 1, 0, 1, 0, 0)[i - 1]) for i in range(1, 11)
            ]
            skills_scan.add_scan(
                session, date=start, ratings=first, note="Starting point, agreed with my manager"
            )
            middle = [RatingInput(r.code, min(4, r.rating + 1)) for r in first]
            skills_scan.add_scan(session, date=date(2026, 3, 2), ratings=middle)
            latest = [
                RatingInput(r.code, min(4, r.rating + (i % 3 == 0)), note="")
                for i, r in enumerate(middle)
            ]
            skills_scan.add_scan(
                session,
                date=date(2026, 9, 7),
                ratings=latest,
                confirmed_by="Priya Natarajan",
                confirmer_role="Line manager",
            )
            people = [
                reviews.Participant("apprentice", "Jordan Okafor"),
                reviews.Participant("employer", "Priya Natarajan"),
                reviews.Participant("provider", "Pennine Digital Skills"),
            ]
            notes = (
                "Settled in well; the Dev Containers work saved the team real time.",
                "Terraform modules reviewed by the platform team; AWS course on track.",
                "Strong incident review. Next: observability and the SLO dashboards.",
                "Ready to scope the work-based project with the team lead.",
            )
            for i, note in enumerate(notes):
                when = start + timedelta(weeks=12 * (i + 1))
                if when > today:
                    break
                reviews.add_review(
                    session,
                    date=when,
                    participants=people,
                    notes=note,
                    actions=[
                        reviews.Action(
                            ACTIONS[i],
                            "Jordan",
                            when + timedelta(weeks=6),
                            done=i < 2,
                        )
                    ],
                )
            project.save_scope(
                session,
                title="Zero-downtime deployments for the parcel-tracker service",
                scope=(
                    "Move the parcel-tracker service from weekly maintenance-window releases "
                    "to blue-green deployments on Kubernetes, with automated rollback on "
                    "failed health checks and an SLO dashboard the on-call engineer can "
                    "trust. Out of scope: the legacy billing batch jobs."
                ),
            )
            for week, (plan, log) in enumerate(
                [
                    ("Agree the scope and the success measures", "Scope agreed with Priya"),
                    ("Blue-green with two Deployments", "Working in staging"),
                    ("Automated rollback on health checks", ""),
                ],
                start=1,
            ):
                project.save_week(
                    session, week, plan=plan, log=log, minutes=(600, 540, 0)[week - 1]
                )
            themes = discussion.preparation(session)
            if themes:
                discussion.save_notes(
                    session,
                    themes[0].code,
                    situation="Releases needed a Sunday maintenance window.",
                    task="Make releases safe in working hours.",
                    action="Built blue-green deployments with automated rollback.",
                    result="Twelve releases in a month, none rolled back by hand.",
                )
    finally:
        db.close()


def build_demo(folder: Path) -> Path:
    path = folder / "demo.sqlite3"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_demo.py"), "--force", str(path)],
        check=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
    )
    add_programme_records(path, date.today())
    return path


# --- one configuration, in its own process ------------------------------------------------------


def run_config(config: Config, portfolio: Path, out: Path, only: str | None) -> int:
    """Shoot ``config`` in a child process (its screen and scale are fixed at start)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"shots-{config.name}-") as tmp:
        work = Path(tmp)
        copy = work / "portfolio" / portfolio.name
        copy.parent.mkdir()
        shutil.copyfile(portfolio, copy)
        screen = work / "screen.json"
        screen.write_text(
            json.dumps(
                {
                    "screens": [
                        {
                            "name": config.name,
                            "x": 0,
                            "y": 0,
                            "width": config.width,
                            "height": config.height,
                            "logicalDpi": 96,
                            "dpr": 1,
                        }
                    ]
                }
            )
        )
        env = dict(
            os.environ,
            PYTHONPATH=str(ROOT),
            QT_QPA_PLATFORM=f"offscreen:configfile={screen}",
            PORTFOLIO_APPEARANCE=config.appearance,
            PORTFOLIO_CONFIG_DIR=str(work / "config"),
            PORTFOLIO_DATA_DIR=str(work / "data"),
            HOME=str(work / "home"),
        )
        env.pop("QT_SCALE_FACTOR", None)
        if config.scale != 1.0:
            env["QT_SCALE_FACTOR"] = str(config.scale)
        request = work / "Priya.request"
        package = work / "Jordan.portfolio"
        cli = [sys.executable, "-m", "app", "--file", str(copy)]
        quiet = {"env": env, "cwd": ROOT, "capture_output": True, "text": True}
        made = subprocess.run(
            [
                *cli,
                "signoff",
                "request",
                "E001",
                "--name",
                "Priya Natarajan",
                "--role",
                "Line manager",
                "--out",
                str(request),
            ],
            **quiet,  # type: ignore[call-overload]
        )
        if made.returncode != 0:
            print(f"screenshots: no sign-off request: {made.stderr.strip()}", file=sys.stderr)
        made = subprocess.run(
            [*cli, "export", "package", str(package)],
            **quiet,  # type: ignore[call-overload]
        )
        if made.returncode != 0:
            print(f"screenshots: no package: {made.stderr.strip()}", file=sys.stderr)
        # a second portfolio on a standard with a newer version installed, for the
        # Upgrade Standard dialog (the two versions the tests use)
        upgrade = work / "portfolio" / "upgrade.sqlite3"
        versions = ROOT / "tests" / "data" / "ST0990-versions.json"
        steps = [
            ["frameworks", "import", str(versions)],
            ["init", "--framework", "ST0990", "--version", "1.0", "--name", "Sam Patel"],
            ["item", "add", "--title", "Release checklist", "--ksb", "K3,K4"],
        ]
        for step in steps if versions.exists() else []:
            made = subprocess.run(
                [sys.executable, "-m", "app", "--file", str(upgrade), *step],
                **quiet,  # type: ignore[call-overload]
            )
            if made.returncode != 0:
                print(f"screenshots: no upgrade example: {made.stderr.strip()}", file=sys.stderr)
                break
        args = [sys.executable, str(Path(__file__).resolve()), "--worker", str(out), str(copy)]
        args += ["--request", str(request), "--package", str(package)]
        if upgrade.exists():
            args += ["--upgrade", str(upgrade)]
        if only:
            args += ["--only", only]
        return subprocess.run(args, env=env, cwd=ROOT).returncode


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.replace("&", "").casefold()).strip("-")


class Shooter:
    """Drives the app in this process and saves what it shows."""

    def __init__(self, out: Path, only: str | None) -> None:
        from PySide6.QtWidgets import QApplication

        from app.ui.main import create_application

        self.app: QApplication = create_application()
        self.out = out
        self.only = only
        self.saved: list[str] = []
        self.failed: list[str] = []

    def wanted(self, name: str) -> bool:
        return self.only is None or self.only in name

    def settle(self, window: Any = None, *, at_least_ms: int = 300) -> None:
        """Let the app finish what it started (pages read in the background)."""
        from PySide6.QtCore import QEventLoop, QTimer

        start = time.monotonic()
        deadline = start + 15
        quiet = 0
        while time.monotonic() < deadline:
            loop = QEventLoop()
            QTimer.singleShot(50, loop.quit)
            loop.exec()
            tasks = getattr(window, "_tasks", []) if window is not None else []
            busy = any(not t.is_finished() for t in tasks)
            quiet = 0 if busy else quiet + 1
            if quiet >= 4 and (time.monotonic() - start) * 1000 >= at_least_ms:
                return

    def save(self, widget: Any, name: str) -> None:
        path = self.out / f"{name}.png"
        if widget.grab().save(str(path)):
            self.saved.append(name)
        else:
            self.failed.append(f"{name}: could not save {path}")

    def top_levels(self) -> set[Any]:
        from PySide6.QtWidgets import QApplication

        return {w for w in QApplication.topLevelWidgets() if w.isVisible()}

    def shoot_dialog(self, window: Any, name: str, opener: Callable[[], object]) -> None:
        """Open a dialog with ``opener``, save it, close it."""
        if not self.wanted(name):
            return
        before = self.top_levels()
        try:
            kept = opener()  # a dialog without a parent lives only while referenced
        except Exception as exc:  # one dialog that cannot open must not stop the rest
            self.failed.append(f"{name}: {type(exc).__name__}: {exc}")
            return
        self.settle(window)
        opened = [w for w in self.top_levels() - before if w is not window]
        if not opened:
            self.failed.append(f"{name}: nothing opened")
            return
        for index, widget in enumerate(sorted(opened, key=lambda w: w.width() * w.height())):
            self.save(widget, name if index == len(opened) - 1 else f"{name}-{index + 1}")
        for widget in opened:
            if hasattr(widget, "reject"):
                widget.reject()
            widget.close()
        del kept
        self.settle(window, at_least_ms=0)

    def shoot_pages(self, window: Any, prefix: str) -> None:
        for index in range(window.pages.count()):
            name = f"{prefix}-{slug(window.pages.tabText(index))}"
            if not self.wanted(name):
                continue
            window.pages.setCurrentIndex(index)
            self.settle(window)
            self.save(window, name)


def run_worker(
    out: Path,
    portfolio: Path,
    request: Path | None,
    package: Path | None,
    only: str | None,
    upgrade: Path | None = None,
) -> int:
    shooter = Shooter(out, only)
    from PySide6.QtWidgets import QMessageBox

    from app import __version__
    from app.settings import Settings
    from app.ui.windows import WindowManager

    manager = WindowManager(Settings())
    installed: list[object] = []
    manager.extensions_installed.connect(installed.append)
    window: Any = manager.open_path(portfolio)
    if window is None:
        print("screenshots: the portfolio did not open", file=sys.stderr)
        return 1
    deadline = time.monotonic() + 60
    while not installed and time.monotonic() < deadline:
        shooter.settle(window, at_least_ms=0)
    shooter.settle(window, at_least_ms=1000)

    # pages, and the evidence editor's tabs on an item
    page = window.evidence_page
    page.select_item(window.document.item_by_ref("E003").id)
    shooter.shoot_pages(window, "page")
    window.pages.setCurrentWidget(page)
    for index in range(page.editor.tabs.count()):
        if not page.editor.tabs.isTabVisible(index):
            continue  # e.g. Source, shown only for work imported from git
        name = f"editor-{slug(page.editor.tabs.tabText(index))}"
        if shooter.wanted(name):
            page.editor.tabs.setCurrentIndex(index)
            shooter.settle(window)
            shooter.save(window, name)
    page.editor.tabs.setCurrentIndex(0)

    # dialogs
    from pathlib import Path as P

    def about() -> None:
        from app.ui.about import about_text

        box = QMessageBox(window)
        box.setWindowTitle(window.tr("About Apprentice Portfolio"))
        box.setText(about_text(window, __version__))
        box.setIconPixmap(window.windowIcon().pixmap(64, 64))
        box.open()

    def new_portfolio(first_run: bool) -> None:
        from app.ui.wizard import NewPortfolioDialog

        target = P.home() / "Documents" / "Apprentice Portfolio" / "portfolio.sqlite3"
        NewPortfolioDialog(target, first_run=first_run, parent=window).open()

    def export_pdf() -> None:
        from app.ui.export import show_export_dialog

        show_export_dialog(window)

    def export_package() -> None:
        from app.ui.package_export import show_package_dialog

        show_package_dialog(window)

    def exported() -> None:
        from app.services.signing import load_or_create_key
        from app.ui.exported import show_exported

        fingerprint = None
        try:
            fingerprint = load_or_create_key().fingerprint
        except Exception:  # the dialog shows without one
            fingerprint = None
        out = P.home() / "Documents" / "Jordan Okafor.portfolio"
        show_exported(
            window,
            out,
            window.tr("Exported {path}.").format(path=out),
            fingerprint=fingerprint,
        )

    def progress(attr: str) -> Any:
        return getattr(window.progress_pages, attr)

    def confirm_scan() -> None:
        from app.ui.progress.scan_dialog import ConfirmDialog

        store = progress("store")
        scans = store.snapshot().scans
        ConfirmDialog(store, scans[0].id, window).open()

    def review() -> None:
        from app.ui.progress.review_dialog import ReviewDialog

        ReviewDialog(progress("store"), window).open()

    def git_import() -> None:
        from app.ui.git_import import show_import_dialog

        show_import_dialog(window)

    def git_identities() -> None:
        from app.ui.git_import import IdentitiesDialog

        IdentitiesDialog(window).open()

    def request_signoff() -> None:
        from app.ui.signoff import RequestDialog

        RequestDialog(window, "E001").open()

    dialogs: list[tuple[str, Callable[[], object]]] = [
        ("preferences", lambda: manager.show_preferences(window)),
        ("shortcuts", window.show_shortcuts),
        ("about", about),
        ("details", window.show_details),
        ("new-portfolio-first-run", lambda: new_portfolio(True)),
        ("new-portfolio", lambda: new_portfolio(False)),
        ("export-pdf", export_pdf),
        ("export-package", export_package),
        ("export-finished", exported),
        ("skills-scan", lambda: progress("skills").new_scan()),
        ("confirm-scan", confirm_scan),
        ("record-review", review),
        ("otj-plan", lambda: progress("otj").edit_plan()),
        ("git-import", git_import),
        ("git-identities", git_identities),
        ("request-signoff", request_signoff),
    ]
    for name, opener in dialogs:
        shooter.shoot_dialog(window, f"dialog-{name}", opener)

    # message boxes the app shows with QMessageBox's static calls (which would wait for a
    # click): shown with open() instead, so they can be grabbed like the dialogs
    def non_blocking(icon: QMessageBox.Icon) -> Callable[..., object]:
        def show(parent: Any, title: str, text: str, *_args: object, **_kw: object) -> object:
            box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
            box.open()
            return QMessageBox.StandardButton.Ok

        return show

    for static, icon in (
        ("information", QMessageBox.Icon.Information),
        ("warning", QMessageBox.Icon.Warning),
        ("critical", QMessageBox.Icon.Critical),
    ):
        setattr(QMessageBox, static, staticmethod(non_blocking(icon)))
    from app.ui.backup import back_up_now, check_now
    from app.ui.standard_upgrade import open_upgrade

    messages: list[tuple[str, Callable[[], object]]] = [
        ("check", lambda: check_now(window, manager.settings)),
        ("back-up", lambda: back_up_now(window, manager.settings)),
        ("upgrade-standard", lambda: open_upgrade(window)),
    ]
    for name, opener in messages:
        shooter.shoot_dialog(window, f"message-{name}", opener)

    if request is not None and request.exists() and shooter.wanted("signer"):
        from app.ui.signoff.signer import open_signer_view

        shooter.shoot_dialog(window, "signer", lambda: open_signer_view(request))

    if upgrade is not None and upgrade.exists() and shooter.wanted("dialog-upgrade-standard"):
        other: Any = manager.open_path(upgrade)
        if other is None:
            shooter.failed.append("dialog-upgrade-standard: the example did not open")
        else:
            shooter.settle(other, at_least_ms=500)
            shooter.shoot_dialog(other, "dialog-upgrade-standard", lambda: open_upgrade(other))
            other.close()

    if (
        package is not None
        and package.exists()
        and any(shooter.wanted(f"review-{x}") for x in ("", "evidence", "coverage", "assessment"))
    ):
        from app.ui.review import open_package

        review_window: Any = open_package(manager, package)
        if review_window is None:
            shooter.failed.append("review: the package did not open")
        else:
            review_installed: list[object] = []
            manager.extensions_installed.connect(
                lambda w: review_installed.append(w) if w is review_window else None
            )
            deadline = time.monotonic() + 60
            while review_window not in installed + review_installed:
                if time.monotonic() > deadline:
                    break
                shooter.settle(review_window, at_least_ms=0)
            shooter.settle(review_window, at_least_ms=1000)
            shooter.shoot_pages(review_window, "review")
            review_window.close()

    window.close()
    for line in shooter.failed:
        print(f"screenshots: {line}", file=sys.stderr)
    print(f"{out}: {len(shooter.saved)} images")
    return 1 if shooter.failed else 0


# the set kept in docs/screenshots (the README shows it): each main page at 1366x768,
# the evidence page at 1024x700, at 150 % and dark, review mode, tagging and the scan grid.
# (The Coverage and Off-the-job pages' own images, app-heatmap.png and progress-otj.png,
# are curated with the heatmap and OTJ work, in chosen states.)
CURATED = {
    "app-main.png": "laptop/page-evidence.png",
    "progress-tracker.png": "laptop/page-progress.png",
    "progress-reviews.png": "laptop/page-reviews.png",
    "assessment-themes.png": "laptop/page-themes.png",
    "assessment-project.png": "laptop/page-project.png",
    "assessment-discussion.png": "laptop/page-discussion.png",
    "assessment-gateway.png": "laptop/page-gateway.png",
    "app-review-mode.png": "laptop/review-evidence.png",
    "app-editor.png": "laptop/editor-tags.png",
    "app-scan-dialog.png": "laptop/dialog-skills-scan.png",
    "app-main-1024.png": "small/page-evidence.png",
    "app-main-150.png": "scaled/page-evidence.png",
    "app-main-dark.png": "dark/page-evidence.png",
}


def curate(shots: Path, docs: Path) -> list[str]:
    """Copy the curated set from ``shots`` into ``docs`` as 256-colour PNGs (a quarter
    of the size, no visible change for screenshots); the names of any missing."""
    from PIL import Image

    docs.mkdir(parents=True, exist_ok=True)
    missing = []
    for name, source in CURATED.items():
        if not (shots / source).exists():
            missing.append(source)
            continue
        with Image.open(shots / source) as image:
            small = image.convert("RGB").quantize(
                colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
            )
            small.save(docs / name, optimize=True)
    return missing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder for the images")
    parser.add_argument("file", type=Path, nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--file", dest="portfolio", type=Path, help="the portfolio to show")
    parser.add_argument("--config", action="append", choices=sorted(CONFIGS))
    parser.add_argument("--only", metavar="WORD", help="only the shots whose name has WORD")
    parser.add_argument(
        "--docs",
        type=Path,
        metavar="FOLDER",
        help="also write the curated set (see CURATED) there, e.g. docs/screenshots",
    )
    parser.add_argument(
        "--curate-only", action="store_true", help="only curate the images already in OUT_DIR"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--request", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--package", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--upgrade", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return run_worker(args.out, args.file, args.request, args.package, args.only, args.upgrade)
    status = 0
    if not args.curate_only:
        with tempfile.TemporaryDirectory(prefix="shots-") as tmp:
            portfolio = args.portfolio or build_demo(Path(tmp))
            for name in args.config or list(CONFIGS):
                status |= run_config(CONFIGS[name], portfolio, args.out / name, args.only)
    if args.docs is not None:
        for source in curate(args.out, args.docs):
            print(f"screenshots: {source} is missing: not curated", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
