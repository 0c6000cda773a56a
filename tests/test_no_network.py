"""The app never opens a network connection: an audit hook watches every socket call.

A fresh interpreter installs the hook before importing anything of ours, then
creates a portfolio, adds and searches evidence with attachments, checks, backs
up and restores it, exports the PDF and the signed package, verifies and
imports the package, scans and imports a git repository whose remote is on the
internet, imports Markdown notes: every step a user takes, through the same CLI. Any
attempt to resolve a name, connect, bind or send makes the step fail and is
recorded; the test demands there were none.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json, socket, sys

NETWORK_EVENTS = {
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
    "socket.getnameinfo", "socket.bind", "socket.sendto", "socket.sendmsg",
    "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect",
}
seen = []

def hook(event, args):
    if event in NETWORK_EVENTS or (
        event == "socket.__new__" and len(args) > 1 and args[1] in (socket.AF_INET, socket.AF_INET6)
    ):
        seen.append([event, repr(args)[:200]])
        raise PermissionError(f"network access attempted: {event}")

sys.addaudithook(hook)

import io, contextlib
from pathlib import Path
from app.cli import main

work = Path(sys.argv[1])
steps = []

def cli(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    steps.append([" ".join(str(a) for a in args[2:4]), code, err.getvalue()])

from PIL import Image
Image.new("RGB", (40, 30), "teal").save(work / "shot.png")
(work / "notes.md").write_text("# Notes\n\nDeployed with **Helm**; see <https://example.com>.\n")
pf = work / "p.sqlite3"
cli("--file", pf, "init", "--name", "Ada Lovelace", "--uln", "1234567899")
cli("--file", pf, "item", "add", "--title", "Pipeline https://example.com", "--ksb", "K1,S14",
    "--duty", "5", "--attach", work / "shot.png", "--body-file", work / "notes.md",
    "--status", "ready")
cli("--file", pf, "item", "list", "--search", "helm")
cli("--file", pf, "coverage", "--json")
cli("--file", pf, "check", "--full")
cli("--file", pf, "backup", work / "b.sqlite3")
cli("--file", pf, "restore", work / "b.sqlite3")
cli("--file", pf, "export", "pdf", work / "out.pdf")
cli("--file", pf, "export", "package", work / "out.portfolio")
cli("verify", work / "out.portfolio")
cli("--file", work / "imported.sqlite3", "import", "package", work / "out.portfolio")
# evidence from git: a repository whose remote is on the internet is still only read locally
from tests.git_helpers import RepoBuilder
repo = RepoBuilder(work / "repo")
first = repo.commit({".github/workflows/ci.yml": b"on: push\n"}, "Add CI")
repo.branch("master", first)
config = repo.repo.get_config()
config.set((b"remote", b"origin"), b"url", b"https://example.com/team/app.git")
config.write_to_path()
repo.close()
cli("--file", pf, "git", "identity", "add", "ada@example.org")
cli("--file", pf, "git", "scan", work / "repo", "--json")
cli("--file", pf, "git", "import", work / "repo", "D-" + first[:12])
(work / "notes").mkdir()
(work / "notes" / "a.md").write_text("---\ntitle: Bulk\nksb: [K1]\n---\nBody\n")
cli("--file", pf, "item", "import", work / "notes")
network = list(seen)
try:  # the hook itself must be live, or the test proves nothing
    socket.getaddrinfo("localhost", 80)
    hook_live = False
except PermissionError:
    hook_live = True
print(json.dumps({"steps": steps, "network": network, "hook_live": hook_live}))
"""


def test_no_step_a_user_takes_opens_a_socket(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["hook_live"]
    assert report["network"] == []
    failed = [step for step in report["steps"] if step[1] != 0]
    assert failed == []
    assert len(report["steps"]) == 15
    assert (tmp_path / "out.pdf").stat().st_size > 0
    assert (tmp_path / "imported.sqlite3").exists()
