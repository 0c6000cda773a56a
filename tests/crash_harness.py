"""Kill -9 a CLI writer loop at random moments and check that nothing confirmed is lost.

A *writer* runs ``portfolio item add`` (through ``app.cli.main``, the same code as
the console script) in a loop against one portfolio, each item with a
reflection and an attachment whose content follows from its title, and now and
then ``portfolio backup``. Its standard output (the new refs, the backup paths)
goes line by line to a log file, so what it printed before it was killed is
what it had confirmed to its user.

Two ways to start a writer:
- ``fork``: a *zygote* process imports the app once and forks one writer per
  trial, so a trial costs milliseconds rather than an interpreter start;
- ``exec``: a fresh ``python -m tests.crash_harness writer ...`` per trial.

After each kill the portfolio must pass ``check`` (quick check, foreign keys,
attachment hashes, search index) and hold every confirmed item, whole.
Used by ``tests/test_crash.py`` and ``benchmarks/bench_crash.py``.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import select
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from app.services import queries

ROOT = Path(__file__).resolve().parents[1]
KSBS = ("K1", "K5", "S14", "B2", "S3")
REF = re.compile(r"^E\d{3,}$")
TITLE = re.compile(r"^crash (\d+)-(\d+)$")


# --- what an item holds, derived from its title ------------------------------------------------


def expected_body(trial: int, n: int) -> str:
    rng = random.Random(f"body {trial} {n}")
    words = " ".join(rng.choice(["pipeline", "Łódź", "<b>", "AT&T", "🚀"]) for _ in range(40))
    return f"# Reflection {trial}-{n}\n\n{words}\n"


def expected_attachment(trial: int, n: int) -> bytes:
    rng = random.Random(f"attachment {trial} {n}")
    return rng.randbytes(rng.choice([0, 10, 5_000, 60_000, 250_000]))


# --- the writer ---------------------------------------------------------------------------------


def writer(path: str, trial: int, scratch: str, log: str, *, announce: bool = False) -> None:
    """Add items (and now and then back up) until killed; print what is confirmed.
    ``announce``: say "writing" on standard output once the imports are done (an exec'd
    writer; a forked one shares the zygote's standard output, its answers to the harness)."""
    from app.cli import main

    if announce:
        print("writing", flush=True)
    out = open(log, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - lives until killed
    sys.stdout = out
    sys.stderr = out
    folder = Path(scratch)
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1_000_000):
        body = folder / f"{trial}-{n}.md"
        body.write_text(expected_body(trial, n), encoding="utf-8")
        attachment = folder / f"evidence {trial}-{n}.bin"
        attachment.write_bytes(expected_attachment(trial, n))
        code = main(
            [
                "--file", path, "item", "add",
                "--title", f"crash {trial}-{n}",
                "--body-file", str(body),
                "--attach", str(attachment),
                "--ksb", KSBS[n % len(KSBS)],
                "--duty", str(1 + n % 13),
                "--status", "ready",
            ]
        )  # fmt: skip
        if code != 0:
            print(f"ERROR item add exited {code}")
        if n % 3 == 2:
            code = main(["--file", path, "backup"])
            if code != 0:
                print(f"ERROR backup exited {code}")
        body.unlink()
        attachment.unlink()


def zygote() -> None:
    """Import the app once, then fork a writer per request on standard input."""
    # Warm the imports every child shares.
    import app.cli
    import app.cli.core
    import app.cli.safety

    del app

    for line in sys.stdin:
        command, *args = line.split("\t")
        args = [a.rstrip("\n") for a in args]
        if command == "fork":
            pid = os.fork()
            if pid == 0:
                try:
                    devnull = os.open(os.devnull, os.O_RDWR)
                    os.dup2(devnull, 0)
                    writer(args[0], int(args[1]), args[2], args[3])
                finally:
                    os._exit(0)
            print(pid, flush=True)
        elif command == "wait":
            _, status = os.waitpid(int(args[0]), 0)
            print(status, flush=True)


# --- driving trials -----------------------------------------------------------------------------


@dataclass
class CrashStats:
    trials: int = 0
    kills: int = 0
    confirmed: int = 0  # items whose ref a writer printed before it was killed
    found: int = 0  # items in the portfolio after the last trial
    backups_confirmed: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"trials {self.trials}, kills {self.kills}, items confirmed {self.confirmed}, "
            f"found {self.found}, confirmed backups {self.backups_confirmed} (all checked), "
            f"problems {len(self.problems)}"
        )


class Crasher:
    """Runs trials against one portfolio, which every trial keeps adding to."""

    def __init__(self, work: Path, *, seed: int = 0, max_delay_s: float = 1.0) -> None:
        self.work = work
        self.path = work / "crash.sqlite3"
        self.rng = random.Random(seed)
        self.max_delay_s = max_delay_s
        self.stats = CrashStats()
        self.confirmed: set[str] = set()  # refs a writer printed before it was killed
        self._whole: set[str] = set()  # items already found exactly as the writer made them
        self._zygote: subprocess.Popen[str] | None = None

    def __enter__(self) -> Crasher:
        from app.services.portfolio import create_portfolio

        create_portfolio(self.path, name="Crash Test").close()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._zygote is not None:
            assert self._zygote.stdin is not None
            self._zygote.stdin.close()
            self._zygote.wait(timeout=30)

    def _zygote_process(self) -> subprocess.Popen[str]:
        if self._zygote is None:
            self._zygote = subprocess.Popen(
                [sys.executable, "-m", "tests.crash_harness", "zygote"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        return self._zygote

    def _ask(self, *words: object) -> str:
        zygote = self._zygote_process()
        assert zygote.stdin is not None and zygote.stdout is not None
        zygote.stdin.write("\t".join(str(w) for w in words) + "\n")
        zygote.stdin.flush()
        return zygote.stdout.readline().strip()

    def trial(self, *, mode: str = "fork") -> None:
        """One writer, killed with SIGKILL after a random delay, then everything checked."""
        number = self.stats.trials
        log = self.work / f"trial-{number}.log"
        scratch = self.work / "scratch"
        delay = self.rng.uniform(0.0, self.max_delay_s)
        if mode == "fork":
            pid = int(self._ask("fork", self.path, number, scratch, log))
            _run_for(pid, delay)
            os.kill(pid, signal.SIGKILL)
            status = int(self._ask("wait", pid))
            killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        else:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.crash_harness", "writer",
                 str(self.path), str(number), str(scratch), str(log)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
            )  # fmt: skip
            assert process.stdout is not None
            process.stdout.readline()  # its imports done: it is writing now (or it ended)
            _run_for(process.pid, delay)
            process.kill()
            killed = process.wait() == -signal.SIGKILL
        self.stats.trials += 1
        self.stats.kills += int(killed)
        self._read_log(number, log)
        self._check(full=number % 10 == 9)

    def _read_log(self, trial: int, log: Path) -> None:
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        refs = [line for line in lines if REF.match(line)]
        errors = [line for line in lines if line.startswith(("ERROR", "portfolio:"))]
        self.stats.problems += [f"trial {trial}: {line}" for line in errors]
        for line in lines:
            if line.endswith(".sqlite3") and "backups" in line:
                self._check_backup(trial, Path(line))
        self.confirmed.update(refs)
        self.stats.confirmed = len(self.confirmed)

    def _check_backup(self, trial: int, backup: Path) -> None:
        from app.errors import PortfolioError
        from app.models.backup import quick_verify

        self.stats.backups_confirmed += 1
        try:
            quick_verify(backup)
        except PortfolioError as exc:
            self.stats.problems.append(f"trial {trial}: confirmed backup {backup} is bad: {exc}")

    def _check(self, *, full: bool) -> None:
        """The file passes ``check``; every confirmed item is there; every item there is
        whole (title, reflection, tags and attachment bytes as the writer made them)."""
        from app.models.db import open_portfolio
        from app.services import integrity

        after = f"after trial {self.stats.trials - 1}"
        result = integrity.check_portfolio(self.path, full=full)
        self.stats.problems += [f"{after}: {p}" for p in result.problems]
        db = open_portfolio(self.path)
        try:
            with db.reader() as session:
                ids = queries.item_ids(session)
                refs = {s.ref: s.id for s in queries.summaries(session, ids)}
                self.stats.found = len(refs)
                missing = sorted(self.confirmed - set(refs))
                self.stats.problems += [f"{after}: confirmed {ref} is missing" for ref in missing]
                new = [refs[ref] for ref in sorted(set(refs) - self._whole)]
                for item in queries.items_by_id(session, new):
                    one = item.attachments[0].id if len(item.attachments) == 1 else None
                    data = None if one is None else queries.read_attachment(session, one)[1]
                    problem = _not_whole(item, data)
                    if problem:
                        self.stats.problems.append(f"{after}: {item.ref} {problem}")
                    else:
                        self._whole.add(item.ref)
        finally:
            db.close()


def _not_whole(item: object, stored: bytes | None) -> str | None:
    """What is wrong with an item the writer added, or None if it is exactly as made."""
    from app.services.views import ItemView

    assert isinstance(item, ItemView)
    match = TITLE.match(item.title)
    if match is None:
        return f"has a title the writer never wrote: {item.title!r}"
    trial, n = int(match.group(1)), int(match.group(2))
    if item.body != expected_body(trial, n):
        return "has a different reflection"
    if item.ksbs != (KSBS[n % len(KSBS)],) or item.duties != (f"D{1 + n % 13}",):
        return f"has different tags ({item.ksbs}, {item.duties})"
    data = expected_attachment(trial, n)
    if stored is None:
        return "lost its attachment"
    if stored != data or item.attachments[0].sha256 != hashlib.sha256(data).hexdigest():
        return "has different attachment bytes"
    return None


def _run_for(pid: int, seconds: float) -> None:
    """Let the writer ``pid`` run for ``seconds`` (the random moment of the kill), or
    until it ends by itself, whichever comes first: a wait on its process, not a sleep."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:  # already gone
        return
    try:
        select.select([handle], [], [], seconds)
    finally:
        os.close(handle)


def run_trials(work: Path, trials: int, *, exec_trials: int = 0, seed: int = 0) -> CrashStats:
    with Crasher(work, seed=seed) as crasher:
        for number in range(trials):
            crasher.trial(mode="exec" if number < exec_trials else "fork")
        return crasher.stats


if __name__ == "__main__":
    if sys.argv[1] == "zygote":
        zygote()
    else:
        writer(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], announce=True)
