"""Hostile variants against the storage and file-safety rules; prints totals.

    .venv/bin/python benchmarks/attack_suite.py [--flips N] [--kills N] [--work DIR]

Families (each variant is one attack, judged by what a user would notice):

- foreign schema: a trigger, view, table or index planted with the sqlite3 shell, or
  one of ours replaced, against open / item add / backup / restore / check;
- links: a second writer through a symlink or a hard link while another process holds
  the file; restore through a symlink;
- special files: a FIFO, a socket, /dev/zero, /dev/null as --file, restore source or
  output (in a subprocess with a timeout: a hang counts as a crash);
- output collisions: every writer aimed at the portfolio, its -wal/-shm/-lock/-journal,
  another database, links to it, with and without --force;
- package mutations: every member removed, emptied, replaced, duplicated; and single
  bit flips spread across the whole package, each run through verify and import;
- kills: kill -9 during item add / backup (the crash harness) and during exports.

Outcomes: *refused cleanly* (exit 1, one line, nothing changed), *accepted* (fine when
the attack changed nothing that matters, e.g. a flipped bit in a zip timestamp, and the
result is exactly the original), *crashed* (a traceback, "an unexpected error", another
exit status, or a hang), *wrongly accepted* (accepted, and the result differs from what
was exported, or a refused file was opened), *data lost* (the portfolio changed or lost
an item). Target: 0 crashed, 0 wrongly accepted, 0 lost.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.cli import main as cli_main  # noqa: E402

UNEXPECTED = ("unexpected error", "Traceback")


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    hung: bool = False


@dataclass
class Totals:
    tried: int = 0
    refused: int = 0
    accepted: int = 0
    crashed: int = 0
    wrongly_accepted: int = 0
    lost: int = 0
    by_family: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def record(self, family: str, verdict: str, note: str = "") -> None:
        self.tried += 1
        self.by_family[family] += 1
        if verdict == "refused":
            self.refused += 1
        elif verdict == "accepted":
            self.accepted += 1
        elif verdict == "crashed":
            self.crashed += 1
        elif verdict == "wrong":
            self.wrongly_accepted += 1
        elif verdict == "lost":
            self.lost += 1
        if verdict in ("crashed", "wrong", "lost") and len(self.notes) < 30:
            self.notes.append(f"[{family}] {verdict}: {note}")


def run(*args: str | Path) -> Outcome:
    """The CLI in this process (fast); stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli_main([str(a) for a in args])
        except SystemExit as exc:
            code = int(exc.code or 0)
        except BaseException as exc:  # an escape is exactly a crash
            return Outcome(99, out.getvalue(), f"escaped: {exc!r}")
    return Outcome(code, out.getvalue(), err.getvalue())


def run_process(*args: str | Path, timeout: float = 30) -> Outcome:
    """The CLI in its own process, for attacks that could hang it."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "app", *map(str, args)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(-1, "", "hung", hung=True)
    return Outcome(done.returncode, done.stdout, done.stderr)


def crashed(result: Outcome) -> bool:
    return (
        result.hung
        or result.code not in (0, 1)
        or any(word in result.err for word in UNEXPECTED)
        or (result.code == 1 and result.err.count("\n") != 1)
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "-"


def items(path: Path, *, immutable: bool = False) -> list[tuple[object, ...]]:
    """The items, read without changing anything (``immutable``: the file alone, when a
    hostile -wal was planted beside it)."""
    mode = "ro&immutable=1" if immutable else "ro"
    conn = sqlite3.connect(f"file:{path}?mode={mode}", uri=True)
    try:
        return conn.execute("SELECT ref, title, body FROM items ORDER BY id").fetchall()
    finally:
        conn.close()


# --- the fixture portfolio ------------------------------------------------------------------------


def make_portfolio(folder: Path) -> Path:
    path = folder / "portfolio.sqlite3"
    assert run("--file", path, "init", "--name", "Ada Lovelace").code == 0
    attachment = folder / "evidence.txt"
    attachment.write_text("pipeline logs\n" * 200, encoding="utf-8")
    for n in range(3):
        result = run(
            "--file", path, "item", "add", "--title", f"Item {n}", "--ksb", "K1",
            "--attach", attachment, "--status", "ready",
        )  # fmt: skip
        assert result.code == 0, result.err
    attachment.unlink()
    return path


def fresh(template: Path, folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    path = folder / template.name
    shutil.copyfile(template, path)
    return path


# --- families ----------------------------------------------------------------------------------

PLANTS = {
    "wiping trigger": "CREATE TRIGGER wipe AFTER INSERT ON items BEGIN "
    "DELETE FROM items WHERE id<>NEW.id; END",
    "our trigger replaced": "DROP TRIGGER coverage_status; CREATE TRIGGER coverage_status "
    "AFTER UPDATE OF status ON items BEGIN DELETE FROM attachments; END",
    "view over the search index": "CREATE VIEW peek AS SELECT rowid FROM items_fts",
    "table": "CREATE TABLE stash (data BLOB)",
    "index": "CREATE INDEX sneaky ON items (title)",
    "trigger on tags": "CREATE TRIGGER spy BEFORE INSERT ON item_competencies BEGIN "
    "UPDATE items SET title = 'pwned'; END",
    "temp-named trigger": "CREATE TRIGGER temp_x AFTER UPDATE ON items BEGIN "
    "DELETE FROM blobs; END",
}


def foreign_schema(template: Path, work: Path, totals: Totals) -> None:
    for name, sql in PLANTS.items():
        for command in (
            ["item", "add", "--title", "New"],
            ["item", "edit", "E001", "--title", "Changed"],
            ["item", "list"],
            ["backup"],
            ["check"],
            ["export", "pdf", "OUT"],
        ):
            folder = work / "schema"
            path = fresh(template, folder)
            conn = sqlite3.connect(path)
            conn.executescript(sql)
            conn.commit()
            conn.close()
            before, rows = digest(path), items(path)
            args = [str(folder / "out.pdf") if a == "OUT" else a for a in command]
            result = run("--file", path, *args)
            judge(totals, "foreign schema", f"{name} / {command[0]}", result, path, before, rows)
        folder = work / "schema"
        path = fresh(template, folder)
        planted = folder / "planted.sqlite3"
        shutil.copyfile(path, planted)
        conn = sqlite3.connect(planted)
        conn.executescript(sql)
        conn.commit()
        conn.close()
        before, rows = digest(path), items(path)
        result = run("--file", path, "restore", planted)
        judge(totals, "foreign schema", f"{name} / restore", result, path, before, rows)


def judge(
    totals: Totals,
    family: str,
    name: str,
    result: Outcome,
    path: Path,
    before: str,
    rows: list[tuple[object, ...]],
    *,
    must_refuse: bool = True,
) -> None:
    if crashed(result):
        totals.record(family, "crashed", f"{name}: {result.err.strip()[:160]}")
    elif path.exists() and items(path) != rows:
        totals.record(family, "lost", f"{name}: the items changed")
    elif result.code == 0 and must_refuse:
        totals.record(family, "wrong", f"{name}: accepted")
    elif result.code == 1 and digest(path) != before:
        totals.record(family, "lost", f"{name}: refused, but the file changed")
    else:
        totals.record(family, "refused" if result.code == 1 else "accepted")


HOLDER = (
    "import sys\nfrom pathlib import Path\nfrom app.models.lock import hold_for_session\n"
    "lock = hold_for_session(Path(sys.argv[1]))\nprint('holding', flush=True)\n"
    "sys.stdin.readline()\n"
)


def links(template: Path, work: Path, totals: Totals) -> None:
    for kind in ("symlink", "hard link"):
        folder = work / "links"
        path = fresh(template, folder)
        other = folder / "other"
        other.mkdir()
        link = other / "same.sqlite3"
        if kind == "symlink":
            link.symlink_to(path)
        else:
            os.link(path, link)
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        try:
            before, rows = digest(path), items(path)
            result = run_process("--file", link, "item", "add", "--title", "Second writer")
            judge(totals, "links", f"{kind} second writer", result, path, before, rows)
            result = run_process("--file", link, "item", "delete", "E001")
            judge(totals, "links", f"{kind} delete", result, path, before, rows)
        finally:
            assert holder.stdin is not None
            holder.stdin.close()
            holder.wait(timeout=60)
    # restore through a symlink must replace the real file, never the link
    folder = work / "links"
    path = fresh(template, folder)
    saved = folder / "saved.sqlite3"
    assert run("--file", path, "backup", saved).code == 0
    assert run("--file", path, "item", "add", "--title", "After the backup").code == 0
    link = folder / "link.sqlite3"
    link.symlink_to(path)
    result = run("--file", link, "restore", saved)
    ok = result.code == 0 and link.is_symlink() and len(items(path)) == 3
    totals.record("links", "accepted" if ok else "wrong", "restore through a symlink")


def special_files(template: Path, work: Path, totals: Totals) -> None:
    folder = work / "special"
    path = fresh(template, folder)
    fifo = folder / "pipe"
    os.mkfifo(fifo)
    sock_path = folder / "sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    server.close()
    before, rows = digest(path), items(path)
    for special in (fifo, sock_path, Path("/dev/zero"), Path("/dev/null")):
        for args in (
            ["--file", special, "item", "list"],
            ["--file", special, "item", "add", "--title", "x"],
            ["--file", special, "check"],
            ["--file", special, "backup"],
            ["--file", path, "restore", special],
            ["--file", path, "export", "pdf", special, "--force"],
            ["--file", path, "otj", "export", special, "--force"],
            ["--file", path, "backup", special, "--force"],
        ):
            result = run_process(*args, timeout=60)
            judge(totals, "special files", f"{special.name} {args[2]}", result, path, before, rows)


def output_collisions(template: Path, work: Path, totals: Totals) -> None:
    writers = [
        ["export", "pdf"],
        ["export", "package"],
        ["backup"],
        ["scan", "template"],
        ["otj", "export"],
    ]

    def companions(path: Path) -> list[Callable[[], Path]]:
        def companion(suffix: str) -> Callable[[], Path]:
            def make() -> Path:
                target = path.with_name(path.name + suffix)
                target.write_bytes(b"SQLite's own")
                return target

            return make

        def other_db() -> Path:
            other = path.with_name("other.db")
            with contextlib.closing(sqlite3.connect(other)) as conn:
                conn.execute("CREATE TABLE t (x)")
                conn.commit()
            return other

        def symlink() -> Path:
            link = path.with_name("innocent.pdf")
            link.symlink_to(path)
            return link

        def hard_link() -> Path:
            link = path.with_name("innocent.csv")
            os.link(path, link)
            return link

        return [
            lambda: path,
            companion("-wal"),
            companion("-shm"),
            companion("-lock"),
            companion("-journal"),
            other_db,
            symlink,
            hard_link,
        ]

    for words in writers:
        for index in range(8):
            for force in (False, True):
                folder = work / "outputs"
                path = fresh(template, folder)
                rows = items(path)
                target = companions(path)[index]()
                before_all = {p.name: digest(p) for p in folder.iterdir() if p.is_file()}
                result = run("--file", path, *words, target, *(["--force"] if force else []))
                after_all = {p.name: digest(p) for p in folder.iterdir() if p.is_file()}
                name = f"{' '.join(words)} -> #{index}{' --force' if force else ''}"
                if crashed(result):
                    totals.record("output collisions", "crashed", name)
                elif items(path, immutable=True) != rows or after_all != before_all:
                    totals.record("output collisions", "lost", f"{name}: files changed")
                elif result.code == 0:
                    totals.record("output collisions", "wrong", f"{name}: written")
                else:
                    totals.record("output collisions", "refused")


def package_mutations(template: Path, work: Path, totals: Totals, flips: int) -> None:
    folder = work / "package"
    path = fresh(template, folder)
    package = folder / "good.portfolio"
    # the review copy carries every item (the assessor's leaves drafts out), so an
    # accepted package must import exactly the original's items
    assert run("--file", path, "export", "package", package, "--for", "review").code == 0, (
        "export failed"
    )
    original = items(path)
    data = package.read_bytes()
    with zipfile.ZipFile(package) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]

    def rewrite(transform: Callable[[list[tuple[zipfile.ZipInfo, bytes]]], list]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, content in transform(list(members)):
                zf.writestr(info, content)
        return buffer.getvalue()

    variants: list[tuple[str, bytes]] = []
    for number, (info, _content) in enumerate(members):
        variants.append(
            (f"without {info.filename}", rewrite(lambda m, n=number: m[:n] + m[n + 1 :]))
        )
        variants.append(
            (
                f"{info.filename} emptied",
                rewrite(lambda m, n=number: [*m[:n], (m[n][0], b""), *m[n + 1 :]]),
            )
        )
        variants.append(
            (
                f"{info.filename} replaced",
                rewrite(lambda m, n=number: [*m[:n], (m[n][0], b"\x00" * 64), *m[n + 1 :]]),
            )
        )
        variants.append((f"{info.filename} twice", rewrite(lambda m, n=number: [*m, m[n]])))
    variants.append(("an extra member", rewrite(lambda m: [*m, (zipfile.ZipInfo("x.txt"), b"x")])))
    variants.append(("truncated by half", data[: len(data) // 2]))
    variants.append(("empty file", b""))
    rng = random.Random(12)
    for n in range(flips):
        position = (len(data) * n) // flips + rng.randrange(max(1, len(data) // flips))
        flipped = bytearray(data)
        flipped[min(position, len(data) - 1)] ^= 1 << rng.randrange(8)
        variants.append((f"bit flip at {position}", bytes(flipped)))

    for name, content in variants:
        bad = folder / "mutated.portfolio"
        bad.write_bytes(content)
        verified = run("verify", bad)
        target = folder / "imported.sqlite3"
        for leftover in folder.glob("imported.sqlite3*"):
            leftover.unlink()
        imported = run("--file", target, "import", "package", bad)
        if crashed(verified) or crashed(imported):
            worst = verified if crashed(verified) else imported
            totals.record("package", "crashed", f"{name}: {worst.err.strip()[:160]}")
        elif verified.code != imported.code:
            totals.record(
                "package", "wrong", f"{name}: verify {verified.code}, import {imported.code}"
            )
        elif imported.code == 0 and items(target) != original:
            totals.record("package", "wrong", f"{name}: imported different content")
        elif imported.code == 1 and target.exists():
            totals.record("package", "wrong", f"{name}: refused but left {target.name}")
        else:
            totals.record("package", "refused" if imported.code == 1 else "accepted")


def kills(template: Path, work: Path, totals: Totals, trials: int) -> None:
    from tests.crash_harness import Crasher

    (work / "crash").mkdir(exist_ok=True)
    # kill within 4 s: long enough for writers to confirm items on a busy machine
    with Crasher(work / "crash", seed=3, max_delay_s=4.0) as crasher:
        for _ in range(trials):
            crasher.trial(mode="fork")
        stats = crasher.stats
    for _ in range(stats.trials):
        totals.record("kills", "accepted")
    for problem in stats.problems:
        totals.record("kills", "lost", problem)
    print(f"  crash harness: {stats.line()}")
    # kill -9 in the middle of an export or a backup: the destination is whole or absent
    rng = random.Random(7)
    folder = work / "kill-exports"
    path = fresh(template, folder)
    rows = items(path)
    for trial in range(trials):
        words, out = rng.choice(
            [
                (["export", "package"], folder / "out.portfolio"),
                (["backup"], folder / "copy.sqlite3"),
                (["export", "pdf"], folder / "out.pdf"),
            ]
        )
        for old in (out, out.with_name(out.name + ".partial")):
            old.unlink(missing_ok=True)
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "--file", str(path), *words, str(out)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        time.sleep(rng.uniform(0.05, 1.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        name = f"kill during {' '.join(words)} #{trial}"
        if items(path) != rows or run("--file", path, "check").code != 0:
            totals.record("kills", "lost", f"{name}: the portfolio changed or fails check")
            continue
        if out.exists():
            whole = (
                run("verify", out).code == 0
                if out.suffix == ".portfolio"
                else out.read_bytes().startswith(b"%PDF")
                if out.suffix == ".pdf"
                else run("--file", out, "check").code == 0
            )
            totals.record("kills", "accepted" if whole else "wrong", f"{name}: partial file")
        else:
            totals.record("kills", "refused")
    # the next start sweeps what the kills left (once stale)
    stale = time.time() - 7200
    for leftover in folder.iterdir():
        if leftover.name.endswith((".part", ".partial")):
            os.utime(leftover, (stale, stale))
    run("--file", path, "item", "list")
    run("--file", path, "otj", "export", folder / "sweep.csv", "--force")
    left = [p.name for p in folder.iterdir() if p.name.endswith((".part", ".partial"))]
    totals.record("kills", "wrong" if left else "accepted", f"leftovers not swept: {left}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flips", type=int, default=200, help="bit flips across the package")
    parser.add_argument("--kills", type=int, default=12, help="kills per kill family")
    parser.add_argument("--work", type=Path, help="a folder to work in (default: temporary)")
    parser.add_argument("--only", help="run one family (e.g. kills)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore", "Duplicate name", UserWarning)  # a duplicated member
    work = args.work or Path(tempfile.mkdtemp(prefix="attack-suite-"))
    os.environ.setdefault("PORTFOLIO_DATA_DIR", str(work / "data"))
    os.environ.setdefault("PORTFOLIO_CONFIG_DIR", str(work / "config"))
    template = make_portfolio(Path(tempfile.mkdtemp(prefix="template-", dir=work)))
    totals = Totals()
    started = time.perf_counter()
    for name, family in (
        ("foreign schema", lambda: foreign_schema(template, work, totals)),
        ("links", lambda: links(template, work, totals)),
        ("special files", lambda: special_files(template, work, totals)),
        ("output collisions", lambda: output_collisions(template, work, totals)),
        ("package mutations", lambda: package_mutations(template, work, totals, args.flips)),
        ("kills", lambda: kills(template, work, totals, args.kills)),
    ):
        if args.only and args.only != name:
            continue
        before = totals.tried
        family()
        print(f"{name:<18} {totals.tried - before:>4} variants", flush=True)
    print(
        f"variants tried {totals.tried}, refused cleanly {totals.refused}, accepted harmlessly "
        f"{totals.accepted}, crashed {totals.crashed}, wrongly accepted "
        f"{totals.wrongly_accepted}, data lost {totals.lost} "
        f"({time.perf_counter() - started:.0f} s)"
    )
    for note in totals.notes:
        print("  " + note)
    return 0 if not (totals.crashed or totals.wrongly_accepted or totals.lost) else 1


if __name__ == "__main__":
    raise SystemExit(main())
