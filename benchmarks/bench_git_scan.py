"""Git scan speed: ``portfolio git scan`` of a synthetic 50,000-commit repository.

Target (issue 16): <= 3 s. The repository is written once with dulwich (one pack,
as a clone has): a team of eight over about four years, pull requests of 2-6
commits merged with their title and description, direct commits between them,
200 files in 20 folders (pipelines, Terraform, Kubernetes, tests, ADRs, …), a tag
every 500 commits. The apprentice is one of the eight. Timed: the scan service in
this process (reading every commit, grouping, a tree diff and line counts for each
of the apprentice's candidates) and the whole CLI command with its start-up.
Run: .venv/bin/python benchmarks/bench_git_scan.py [--commits 50000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dulwich.objects import Blob, Commit, Tag, Tree
from dulwich.repo import Repo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.services.git_scan import Identity, scan_repository

FOLDERS = [
    ".github/workflows", "infra/network", "infra/compute", "k8s/base", "k8s/overlays",
    "src/api", "src/core", "src/web", "tests/unit", "tests/integration", "docs/adr", "docs",
    "monitoring/alerts", "monitoring/dashboards", "scripts", "helm/app", "ansible/roles",
    "security", "db/migrations", "config",
]  # fmt: skip
SUFFIX = {".github/workflows": ".yml", "infra": ".tf", "k8s": ".yaml", "src": ".py",
          "tests": ".py", "docs": ".md", "monitoring": ".yml", "scripts": ".sh",
          "helm": ".yaml", "ansible": ".yml", "security": ".yml", "db": ".sql",
          "config": ".toml"}  # fmt: skip
AUTHORS = [f"Dev {n} <dev{n}@example.org>" for n in range(7)] + ["Ada Lovelace <ada@example.org>"]
WORDS = [
    "fix",
    "add",
    "update",
    "refactor",
    "pipeline",
    "terraform",
    "alert",
    "deploy",
    "tests",
    "docs",
    "api",
    "rollback",
]


def suffix(folder: str) -> str:
    return SUFFIX.get(folder, SUFFIX.get(folder.split("/")[0], ".txt"))


class Writer:
    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.repo = Repo.init(str(path))
        self.objects: list[object] = []
        # folder → {file name → blob id}; trees rebuilt only for the folders a commit touches
        self.files: dict[str, dict[bytes, bytes]] = {}
        self.folder_trees: dict[str, bytes] = {}
        for folder in FOLDERS:
            names = {}
            for n in range(10):
                blob = Blob.from_string(b"".join(b"line %d\n" % k for k in range(12)))
                self.objects.append(blob)
                names[f"file{n}{suffix(folder)}".encode()] = blob.id
            self.files[folder] = names
        self.root = self._root(set(FOLDERS))

    def _folder_tree(self, folder: str) -> bytes:
        tree = Tree()
        for name, sha in self.files[folder].items():
            tree.add(name, 0o100644, sha)
        self.objects.append(tree)
        return tree.id

    def _root(self, touched: set[str]) -> bytes:
        for folder in touched:
            self.folder_trees[folder] = self._folder_tree(folder)
        # nested folders: group by first part
        tops: dict[str, dict[str, bytes]] = {}
        for folder, sha in self.folder_trees.items():
            top, _, rest = folder.partition("/")
            tops.setdefault(top, {})[rest] = sha
        root = Tree()
        for top, subs in tops.items():
            if list(subs) == [""]:
                root.add(top.encode(), 0o040000, subs[""])
                continue
            mid: dict[str, dict[str, bytes]] = {}
            for rest, sha in subs.items():
                head, _, tail = rest.partition("/")
                mid.setdefault(head, {})[tail] = sha
            top_tree = Tree()
            for head, leaves in mid.items():
                if list(leaves) == [""]:
                    top_tree.add(head.encode(), 0o040000, leaves[""])
                else:
                    leaf_tree = Tree()
                    for tail, sha in leaves.items():
                        leaf_tree.add(tail.encode(), 0o040000, sha)
                    self.objects.append(leaf_tree)
                    top_tree.add(head.encode(), 0o040000, leaf_tree.id)
            self.objects.append(top_tree)
            root.add(top.encode(), 0o040000, top_tree.id)
        self.objects.append(root)
        return root.id

    def commit(self, rnd: random.Random, parents: list[bytes], author: str, when: int,
               message: str, change: bool = True) -> bytes:  # fmt: skip
        if change:
            touched = set(rnd.sample(FOLDERS, rnd.choice((1, 1, 2))))
            for folder in touched:
                name = rnd.choice(list(self.files[folder]))
                lines = [b"line %d\n" % k for k in range(12)]
                lines[rnd.randrange(12)] = b"changed %d\n" % when
                blob = Blob.from_string(b"".join(lines) + b"extra %d\n" % when)
                self.objects.append(blob)
                self.files[folder][name] = blob.id
            self.root = self._root(touched)
        c = Commit()
        c.tree = self.root
        c.parents = parents
        c.author = c.committer = author.encode()
        c.author_time = c.commit_time = when
        c.author_timezone = c.commit_timezone = 0
        c.message = message.encode()
        self.objects.append(c)
        return c.id

    def finish(self, main: bytes, tags: list[tuple[str, bytes, int]]) -> None:
        for name, sha, when in tags:
            tag = Tag()
            tag.name = name.encode()
            tag.object = (Commit, sha)
            tag.tagger = AUTHORS[0].encode()
            tag.tag_time = when
            tag.tag_timezone = 0
            tag.message = f"Release {name}\n".encode()
            self.objects.append(tag)
            self.repo.refs[f"refs/tags/{name}".encode()] = tag.id
        self.repo.object_store.add_objects([(o, None) for o in self.objects])
        self.repo.refs[b"refs/heads/main"] = main
        self.repo.refs.set_symbolic_ref(b"HEAD", b"refs/heads/main")
        self.repo.close()


def build(path: Path, total: int) -> None:
    rnd = random.Random(50_000)
    writer = Writer(path)
    when = 1_640_995_200  # 2022-01-01
    main = writer.commit(rnd, [], AUTHORS[0], when, "Initial commit", change=False)
    count, pr, tags = 1, 0, []
    while count < total:
        when += rnd.randrange(600, 4000)
        author = rnd.choice(AUTHORS)
        if rnd.random() < 0.75 and total - count > 7:
            pr += 1
            tip = main
            for _ in range(rnd.randrange(2, 7)):
                when += rnd.randrange(60, 1800)
                words = " ".join(rnd.sample(WORDS, 3))
                tip = writer.commit(rnd, [tip], author, when, f"{words.capitalize()}\n")
                count += 1
            when += rnd.randrange(60, 3600)
            message = (
                f"Merge pull request #{pr} from team/feature-{pr}\n\n"
                f"{' '.join(rnd.sample(WORDS, 4)).capitalize()}\n\nWhy and how, in a sentence.\n"
            )
            main = writer.commit(rnd, [main, tip], AUTHORS[0], when, message, change=False)
        else:
            main = writer.commit(rnd, [main], author, when, f"{rnd.choice(WORDS)} things\n")
        count += 1
        if count // 500 > len(tags):
            tags.append((f"v1.{len(tags)}", main, when))
    writer.finish(main, tags)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the repository here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo = args.keep or Path(tmp) / "repo"
        if not (repo / ".git").is_dir():
            started = time.perf_counter()
            build(repo, args.commits)
            print(
                f"built a {args.commits}-commit repository in {time.perf_counter() - started:.1f} s"
            )
        me = [Identity("ada@example.org")]
        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        result = scan_repository(repo, me)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"git scan (service): {result.commits} commits, {result.mine} by the apprentice, "
            f"{len(result.candidates)} candidates in {elapsed:.2f} s wall, {cpu:.2f} s CPU "
            f"(target <= 3 s; load average {load:.1f} on {os.cpu_count()} cores)"
        )
        with tempfile.TemporaryDirectory() as data:
            env = {"PORTFOLIO_DATA_DIR": data, "PORTFOLIO_CONFIG_DIR": data, "PATH": ""}
            portfolio = Path(data) / "p.sqlite3"
            cli = [sys.executable, "-m", "app", "--file", str(portfolio)]
            subprocess.run(
                [*cli, "init", "--name", "Ada"], check=True, env=env, capture_output=True
            )
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [*cli, "git", "scan", str(repo), "--author", "ada@example.org", "--json"],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return 1
            found = len(json.loads(done.stdout)["candidates"])
            print(
                f"portfolio git scan --json (whole command): {found} candidates in "
                f"{elapsed:.2f} s wall, {used:.2f} s CPU"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
