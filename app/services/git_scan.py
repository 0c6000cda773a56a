"""Scan a local git repository for the apprentice's work: candidate pieces of evidence.

The apprentice's commits (by the identities stored in the portfolio) are grouped:

- a **merge** and the commits of the branch it brought in (title and body from the
  merge message, where the pull request's text usually is);
- a **tag** (a release): the commits since the previous tag;
- otherwise a **day**'s commits on one branch.

Each commit belongs to at most one merge or day candidate: walking each branch's
first-parent line from its root, a merge claims what it brings in that nothing
before it had. A candidate shows its dates, messages, files changed by kind
(``resources/git/file_kinds.json``), lines added and removed, and KSB hints from
rules kept as data per framework (``resources/git/hints/KEY.json``), each with its
reason. Nothing here writes anything; ``git_import`` turns chosen candidates into
draft items. The network is never used.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from datetime import date as Date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from app.config import resource_path
from app.errors import InvalidInputError, PortfolioError
from app.services.git_read import (
    GITLINK_MODE,
    TREE_MODE,
    CommitInfo,
    DamagedObjectError,
    Objects,
    Repository,
    Signature,
    TagInfo,
    open_repository,
)
from app.services.views import SourceHint as Hint  # code, reasons ("changed ci.yml → K1")

CandidateKind = Literal["merge", "tag", "day"]
MAX_TEXT_BYTES = 1024 * 1024  # larger files are not read for line counts
MAX_BYTES_PER_CANDIDATE = 32 * 1024 * 1024
MAX_FILES_PER_CANDIDATE = 2_000
MAX_COUNTED_FILES = 100  # past this (a release of many files) lines are not counted
Progress = Callable[[str, int, int], None]


class ScanCancelled(PortfolioError):
    """The user stopped the scan."""


@dataclass(frozen=True)
class Identity:
    email: str
    name: str = ""


@dataclass(frozen=True)
class CommitRef:
    sha: str
    date: str  # the author's own calendar date
    summary: str
    author: str  # "Name <email>"
    mine: bool


@dataclass(frozen=True)
class FileChange:
    path: str
    kind: str
    status: Literal["added", "modified", "deleted", "renamed", "submodule"]
    added: int
    removed: int
    old_path: str = ""
    counted: bool = True  # False: binary, huge or unreadable, so no line counts


@dataclass(frozen=True)
class Candidate:
    id: str
    kind: CandidateKind
    key: str  # the merge commit, the tagged commit, or the day's first commit
    title: str
    body: str
    branch: str
    tag: str
    first_date: str
    last_date: str
    author: str  # the apprentice's identity as it appears in these commits
    commits: tuple[CommitRef, ...]
    files: tuple[FileChange, ...]
    added: int
    removed: int
    hints: tuple[Hint, ...]
    notes: tuple[str, ...]

    @property
    def commit_ids(self) -> tuple[str, ...]:
        """The commits this candidate records as its provenance: its key (the merge, the
        tagged commit or the day's first commit) first, then the apprentice's others."""
        return (self.key, *(c.sha for c in self.commits if c.mine and c.sha != self.key))

    def files_by_kind(self) -> dict[str, list[FileChange]]:
        grouped: dict[str, list[FileChange]] = {}
        for change in self.files:
            grouped.setdefault(change.kind, []).append(change)
        return grouped


@dataclass(frozen=True)
class ScanResult:
    repository: str
    remote_url: str
    path: str
    commits: int  # reachable commits looked at
    mine: int  # of those, the apprentice's
    candidates: tuple[Candidate, ...]
    already_imported: int  # candidates left out because their commits are imported
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Imported:
    """What earlier imports took: commit ids, and tagged commits imported as releases."""

    commits: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()


# --- file kinds and hint rules (data in resources/git) -------------------------------------------


def _pattern(pattern: str) -> tuple[bool, re.Pattern[str]]:
    """(matches the whole path, regex); a pattern without '/' matches the file name."""
    if "/" not in pattern:
        return False, re.compile(fnmatch.translate(pattern))
    variants = [pattern]
    if pattern.startswith("**/"):
        variants.append(pattern[3:])
    return True, re.compile("|".join(f"(?:{fnmatch.translate(v)})" for v in variants))


class _Patterns:
    def __init__(self, patterns: Iterable[str]) -> None:
        compiled = [_pattern(p) for p in patterns]
        names = [r.pattern for whole, r in compiled if not whole]
        paths = [r.pattern for whole, r in compiled if whole]
        self._name = re.compile("|".join(f"(?:{p})" for p in names)) if names else None
        self._path = re.compile("|".join(f"(?:{p})" for p in paths)) if paths else None

    def match(self, path: str) -> bool:
        name = path.rsplit("/", 1)[-1]
        return bool(
            (self._name is not None and self._name.match(name))
            or (self._path is not None and self._path.match(path))
        )


@dataclass(frozen=True)
class FileKinds:
    kinds: tuple[tuple[str, str, _Patterns], ...]  # (kind, label, patterns)
    _known: dict[str, str] = field(default_factory=dict, compare=False)

    def classify(self, path: str) -> str:
        kind = self._known.get(path)
        if kind is None:
            kind = next((k for k, _label, p in self.kinds if p.match(path)), "other")
            if len(self._known) < 100_000:
                self._known[path] = kind
        return kind

    def label(self, kind: str) -> str:
        for name, label, _patterns in self.kinds:
            if name == kind:
                return label
        return {"other": "Other files", "submodule": "Submodules"}.get(kind, kind)


@cache
def file_kinds() -> FileKinds:
    data = json.loads(resource_path("git", "file_kinds.json").read_text(encoding="utf-8"))
    return FileKinds(
        tuple((k["kind"], k["label"], _Patterns(k["patterns"])) for k in data["kinds"])
    )


@dataclass(frozen=True)
class _Rule:
    codes: tuple[str, ...]
    kind: str = ""
    paths: _Patterns | None = None
    words: tuple[str, ...] = ()  # lower case
    candidate: str = ""


@dataclass(frozen=True)
class HintRules:
    framework: str
    rules: tuple[_Rule, ...]
    words: re.Pattern[str] | None = None  # every rule's words, as whole words

    def said(self, text: str) -> set[str]:
        """The rules' words and phrases that ``text`` contains, in lower case."""
        if self.words is None:
            return set()
        return {m.group(1).lower() for m in self.words.finditer(text)}

    def hints(
        self, kind: CandidateKind, files: Sequence[FileChange], messages: Sequence[str]
    ) -> tuple[Hint, ...]:
        """Hints in rule order, each code once, with up to three reasons."""
        reasons: dict[str, list[str]] = {}

        def add(codes: Sequence[str], reason: str) -> None:
            for code in codes:
                found = reasons.setdefault(code, [])
                if len(found) < 3 and f"{reason} → {code}" not in found:
                    found.append(f"{reason} → {code}")

        said = self.said("\n".join(messages))
        for rule in self.rules:
            if rule.kind:
                hit = next((f for f in files if f.kind == rule.kind), None)
                if hit is not None:
                    add(rule.codes, f"changed {hit.path}")
            elif rule.paths is not None:
                hit = next((f for f in files if rule.paths.match(f.path)), None)
                if hit is not None:
                    add(rule.codes, f"changed {hit.path}")
            elif rule.candidate:
                if rule.candidate == kind:
                    what = {"merge": "merged a branch", "tag": "tagged a release"}
                    add(rule.codes, what.get(kind, "a day's commits"))
            else:
                word = next((w for w in rule.words if w in said), None)
                if word is not None:
                    add(rule.codes, f"message says '{word}'")
        return tuple(Hint(code, tuple(found)) for code, found in reasons.items())


def hint_rules_path(framework_key: str) -> Path:
    return resource_path("git", "hints", f"{framework_key}.json")


@cache
def hint_rules(framework_key: str) -> HintRules:
    """The rules for a framework; none (an empty set) where none are shipped."""
    path = hint_rules_path(framework_key)
    if not path.is_file():
        return HintRules(framework_key, ())
    data = json.loads(path.read_text(encoding="utf-8"))
    rules: list[_Rule] = []
    for rule in data["rules"]:
        when = rule["when"]
        codes = tuple(rule["ksbs"])
        if "kind" in when:
            rules.append(_Rule(codes, kind=when["kind"]))
        elif "path" in when:
            rules.append(_Rule(codes, paths=_Patterns(when["path"])))
        elif "candidate" in when:
            rules.append(_Rule(codes, candidate=when["candidate"]))
        else:
            rules.append(_Rule(codes, words=tuple(w.lower() for w in when["words"])))
    words = sorted({w for r in rules for w in r.words}, key=len, reverse=True)
    regex = (
        re.compile(rf"(?<![\w-])({'|'.join(map(re.escape, words))})(?![\w-])", re.IGNORECASE)
        if words
        else None
    )
    return HintRules(data["framework"], tuple(rules), regex)


# --- differences between trees -------------------------------------------------------------------


@dataclass
class _Budget:
    """What one candidate may read for line counts, so a huge diff cannot stall the scan."""

    bytes_left: int = MAX_BYTES_PER_CANDIDATE
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if text not in self.notes and len(self.notes) < 20:
            self.notes.append(text)


def _tree_changes(
    objects: Objects, old: str | None, new: str | None, prefix: str = ""
) -> list[tuple[str, int, str | None, str | None]]:
    """(path, mode, old blob, new blob) for every file that differs between two trees."""
    old_entries = {n: (m, s) for n, m, s in objects.tree(old)} if old else {}
    new_entries = {n: (m, s) for n, m, s in objects.tree(new)} if new else {}
    changes: list[tuple[str, int, str | None, str | None]] = []
    for name in sorted(old_entries.keys() | new_entries.keys()):
        before = old_entries.get(name)
        after = new_entries.get(name)
        if before == after:
            continue
        path = f"{prefix}{name}"
        before_tree = before is not None and before[0] == TREE_MODE
        after_tree = after is not None and after[0] == TREE_MODE
        if before_tree or after_tree:
            changes.extend(
                _tree_changes(
                    objects,
                    before[1] if before_tree and before else None,
                    after[1] if after_tree and after else None,
                    f"{path}/",
                )
            )
            if before is not None and not before_tree:
                changes.append((path, before[0], before[1], None))
            if after is not None and not after_tree:
                changes.append((path, after[0], None, after[1]))
            continue
        mode = (after or before or (0, ""))[0]
        changes.append((path, mode, before[1] if before else None, after[1] if after else None))
    return changes


def _lines(objects: Objects, sha: str, budget: _Budget, path: str) -> list[bytes] | None:
    size = objects.size(sha)
    if size is not None and size > MAX_TEXT_BYTES:
        budget.note(f"{path} is over 1 MB: lines not counted")
        return None
    if budget.bytes_left <= 0:
        return None
    _kind, data = objects.raw(sha)
    budget.bytes_left -= len(data)
    if len(data) > MAX_TEXT_BYTES:
        budget.note(f"{path} is over 1 MB: lines not counted")
        return None
    if b"\0" in data[:8000]:
        return None  # binary
    return data.splitlines()


def _count(
    objects: Objects, old: str | None, new: str | None, budget: _Budget, path: str
) -> tuple[int, int, bool]:
    """(added, removed, counted): lines that appear more often after than before, and
    fewer (a multiset difference, close to git's numstat; moved lines count as neither)."""
    before = _lines(objects, old, budget, path) if old else []
    after = _lines(objects, new, budget, path) if new else []
    if before is None or after is None:
        return 0, 0, False
    start, end_b, end_a = 0, len(before), len(after)
    while start < end_b and start < end_a and before[start] == after[start]:
        start += 1
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    before, after = before[start:end_b], after[start:end_a]
    if not before or not after:
        return len(after), len(before), True
    old_counts, new_counts = Counter(before), Counter(after)
    added = sum((new_counts - old_counts).values())
    removed = sum((old_counts - new_counts).values())
    return added, removed, True


def diff(
    objects: Objects, old_tree: str | None, new_tree: str, budget: _Budget
) -> list[FileChange]:
    """The files changed from ``old_tree`` (None: nothing) to ``new_tree``, renames paired."""
    kinds = file_kinds()
    raw = _tree_changes(objects, old_tree, new_tree)
    deleted = {o: p for p, _m, o, n in raw if n is None and o is not None}
    renamed_from: dict[str, str] = {}
    for path, _mode, old, new in raw:
        if old is None and new is not None and new in deleted:
            renamed_from[path] = deleted.pop(new)
    gone_by_rename = set(renamed_from.values())
    count_lines = len(raw) <= MAX_COUNTED_FILES
    if not count_lines:
        budget.note(f"{len(raw)} files changed: lines not counted past {MAX_COUNTED_FILES} files")
    changes: list[FileChange] = []
    for path, mode, old, new in raw:
        if len(changes) >= MAX_FILES_PER_CANDIDATE:
            budget.note(f"more than {MAX_FILES_PER_CANDIDATE} files changed: the rest not listed")
            break
        if new is None and path in gone_by_rename:
            continue
        if mode == GITLINK_MODE:
            budget.note(f"submodule {path} changed: its own commits are not scanned")
            changes.append(FileChange(path, "submodule", "submodule", 0, 0, counted=False))
            continue
        kind = kinds.classify(path)
        if path in renamed_from:
            changes.append(FileChange(path, kind, "renamed", 0, 0, old_path=renamed_from[path]))
            continue
        added, removed, counted = (
            _count(objects, old, new, budget, path) if count_lines else (0, 0, False)
        )
        status: Literal["added", "modified", "deleted"] = (
            "added" if old is None else "deleted" if new is None else "modified"
        )
        changes.append(FileChange(path, kind, status, added, removed, counted=counted))
    return changes


# --- grouping commits into candidates ----------------------------------------------------------


def _local_date(sig: Signature) -> Date:
    zone = timezone(timedelta(minutes=sig.offset)) if abs(sig.offset) < 24 * 60 else UTC
    return datetime.fromtimestamp(sig.time, zone).date()


def _who(sig: Signature) -> str:
    return f"{sig.name} <{sig.email}>"


def _summary(message: str) -> str:
    for line in message.splitlines():
        if line.strip():
            return line.strip()[:200]
    return "(no message)"


_MERGE_LINE = re.compile(
    r"^(Merge pull request #\d+ from \S+|Merge branch '[^']*'( of \S+)?( into \S+)?"
    r"|Merge remote-tracking branch '[^']*'( into \S+)?|Merged in \S+ \(pull request #\d+\))\s*$"
)
_AZURE = re.compile(r"^Merged PR (\d+): (.+)$")


def merge_title_body(message: str) -> tuple[str, str]:
    """The pull request's title and description from a merge message (GitHub, GitLab,
    Bitbucket, Azure DevOps wording); the first line when it is a plain merge."""
    lines = message.strip().splitlines()
    if not lines:
        return "(no message)", ""
    first = lines[0].strip()
    rest = [line.rstrip() for line in lines[1:]]
    azure = _AZURE.match(first)
    if azure:
        return azure.group(2).strip(), "\n".join(rest).strip()
    if _MERGE_LINE.match(first):
        body = "\n".join(rest).strip()
        body = re.sub(r"\n*See merge request \S+\s*$", "", body).strip()
        if body:
            title, _, more = body.partition("\n")
            return title.strip()[:500], more.strip()
    return first[:500], "\n".join(rest).strip()


def _candidate_id(kind: CandidateKind, key: str) -> str:
    return f"{kind[0].upper()}-{key[:12]}"


class _Scan:
    def __init__(
        self,
        repo: Repository,
        identities: Sequence[Identity],
        framework_key: str,
        since: Date | None,
        imported: Imported,
        progress: Progress | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.repo = repo
        self.objects = repo.objects
        self.emails = {i.email.strip().lower() for i in identities if i.email.strip()}
        self.names = {i.name.strip().lower() for i in identities if i.name.strip()}
        self._emails = {e.encode("utf-8") for e in self.emails}
        self._names = {n.encode("utf-8") for n in self.names}
        self.since = since
        self.imported = imported
        self.rules = hint_rules(framework_key)
        self.progress = progress
        self.cancelled = cancelled
        self.commits: dict[str, CommitInfo] = {}
        self.notes: list[str] = []
        self.tag_infos: list[TagInfo] = []
        self.tags_skipped = 0
        self._mine: dict[str, bool] = {}

    def _check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ScanCancelled("The scan was cancelled; nothing was imported.")

    def is_mine(self, commit: CommitInfo) -> bool:
        mine = self._mine.get(commit.sha)
        if mine is None:
            mine = commit.author_email() in self._emails or (
                bool(self._names) and commit.author_name() in self._names
            )
            self._mine[commit.sha] = mine
        return mine

    def counts_for(self, commit: CommitInfo) -> bool:
        """Mine, in the chosen period, and not yet imported."""
        return (
            self.is_mine(commit)
            and (self.since is None or _local_date(commit.author) >= self.since)
            and commit.sha not in self.imported.commits
        )

    def load(self) -> None:
        tips = list(dict.fromkeys(self.repo.branches.values()))
        for name, sha in sorted(self.repo.tags.items()):
            try:
                info = self.objects.peel_tag(sha, name)
            except DamagedObjectError as exc:
                self.notes.append(f"tag {name} skipped: {exc}")
                continue
            if info is not None:
                self.tag_infos.append(info)
                tips.append(info.target)
        stack = list(tips)
        commits = self.commits
        while stack:
            sha = stack.pop()
            if sha in commits:
                continue
            commit = self.objects.commit(sha)
            commits[sha] = commit
            stack.extend(commit.parents)
            if len(commits) % 2000 == 0:
                self._check()
                if self.progress is not None:
                    self.progress("Reading commits", len(commits), 0)

    def assign(self) -> tuple[dict[str, tuple[str, str | None]], list[tuple[str, str]]]:
        """owner[sha] = (branch, merge that brought it in or None); merges in order."""
        owner: dict[str, tuple[str, str | None]] = {}
        merges: list[tuple[str, str]] = []  # (merge sha, branch)
        commits = self.commits
        for branch, tip in self.repo.branches.items():
            chain: list[str] = []
            sha: str | None = tip
            while sha is not None and sha not in owner and sha in commits:
                chain.append(sha)
                parents = commits[sha].parents
                sha = parents[0] if parents else None
            for sha in reversed(chain):
                owner[sha] = (branch, None)
                extra = commits[sha].parents[1:]
                if not extra:
                    continue
                merges.append((sha, branch))
                stack = [p for p in extra if p not in owner]
                while stack:
                    inner = stack.pop()
                    if inner in owner or inner not in commits:
                        continue
                    owner[inner] = (branch, sha)
                    stack.extend(p for p in commits[inner].parents if p not in owner)
        return owner, merges

    def ref(self, commit: CommitInfo) -> CommitRef:
        return CommitRef(
            sha=commit.sha,
            date=_local_date(commit.author).isoformat(),
            summary=_summary(commit.message),
            author=_who(commit.author),
            mine=self.is_mine(commit),
        )

    def build(
        self,
        kind: CandidateKind,
        key: str,
        branch: str,
        tag: str,
        title: str,
        body: str,
        listed: list[CommitInfo],
        diffs: list[tuple[str | None, str]],
        when: list[Signature],
    ) -> Candidate:
        budget = _Budget()
        merged: dict[str, FileChange] = {}
        for old_tree, new_tree in diffs:
            try:
                changes = diff(self.objects, old_tree, new_tree, budget)
            except DamagedObjectError as exc:
                budget.note(f"files not listed: {exc}")
                continue
            for change in changes:
                before = merged.get(change.path)
                if before is None:
                    merged[change.path] = change
                else:
                    merged[change.path] = FileChange(
                        change.path,
                        change.kind,
                        before.status if before.status == "added" else change.status,
                        before.added + change.added,
                        before.removed + change.removed,
                        before.old_path or change.old_path,
                        before.counted and change.counted,
                    )
        files = tuple(sorted(merged.values(), key=lambda f: (f.kind, f.path)))
        for commit in listed:
            if commit.message_note:
                budget.note(f"{commit.sha[:7]}: {commit.message_note}")
        dates = sorted(_local_date(s) for s in when)
        mine = [c for c in listed if self.is_mine(c)]
        author = _who(mine[0].author) if mine else ""
        messages = [title, body, *(c.message for c in listed)]
        return Candidate(
            id=_candidate_id(kind, key),
            kind=kind,
            key=key,
            title=title.strip() or "(no message)",
            body=body,
            branch=branch,
            tag=tag,
            first_date=dates[0].isoformat(),
            last_date=dates[-1].isoformat(),
            author=author,
            commits=tuple(self.ref(c) for c in listed),
            files=files,
            added=sum(f.added for f in files),
            removed=sum(f.removed for f in files),
            hints=self.rules.hints(kind, files, messages),
            notes=tuple(budget.notes),
        )

    def candidates(self) -> tuple[list[Candidate], int]:
        owner, merges = self.assign()
        commits = self.commits
        by_merge: dict[str, list[CommitInfo]] = {}
        days: dict[tuple[str, Date], list[CommitInfo]] = {}
        for sha, (branch, merge) in owner.items():
            commit = commits[sha]
            if merge is not None:
                by_merge.setdefault(merge, []).append(commit)
            elif len(commit.parents) < 2 and self.counts_for(commit):
                days.setdefault((branch, _local_date(commit.author)), []).append(commit)
        found: list[Candidate] = []
        skipped = 0
        for n, (sha, branch) in enumerate(merges):
            if n % 100 == 0:
                self._check()
                if self.progress is not None:
                    self.progress("Grouping work", n, len(merges))
            merge_commit = commits[sha]
            inner = by_merge.get(sha, [])
            if sha in self.imported.commits:
                if any(self.is_mine(c) for c in (merge_commit, *inner)):
                    skipped += 1
                continue
            mine = [c for c in inner if self.counts_for(c) and len(c.parents) < 2]
            mine.sort(key=lambda c: c.author.time)  # only the apprentice's are parsed
            merged_by_me = self.counts_for(merge_commit)
            if not mine and not merged_by_me:
                continue
            title, body = merge_title_body(merge_commit.message)
            found.append(
                self.build(
                    "merge",
                    sha,
                    branch,
                    "",
                    title,
                    body,
                    [merge_commit, *mine],
                    [
                        (
                            commits[merge_commit.parents[0]].tree
                            if merge_commit.parents[0] in commits
                            else None,
                            merge_commit.tree,
                        )
                    ],
                    [*(c.author for c in mine), merge_commit.author],
                )
            )
        for (branch, _day), group in days.items():
            self._check()
            group.sort(key=lambda c: c.author.time)
            diffs = [
                (
                    commits[c.parents[0]].tree if c.parents and c.parents[0] in commits else None,
                    c.tree,
                )
                for c in group
            ]
            first = group[0]
            more = len(group) - 1
            title = _summary(first.message)
            body = "\n\n".join(c.message.strip() for c in group[1:]) if more else ""
            body = (_body_of(first.message) + ("\n\n" + body if body else "")).strip()
            found.append(
                self.build(
                    "day",
                    first.sha,
                    branch,
                    "",
                    title,
                    body,
                    group,
                    diffs,
                    [c.author for c in group],
                )
            )
        found.extend(self.tag_candidates())
        skipped += self.tags_skipped
        found.sort(key=lambda c: (c.last_date, c.id), reverse=True)
        return found, skipped

    def tag_candidates(self) -> list[Candidate]:
        infos = sorted(
            (t for t in self.tag_infos if t.target in self.commits),
            key=lambda t: (self.commits[t.target].committer.time, t.name),
        )
        covered: set[str] = set()
        previous: str | None = None
        found: list[Candidate] = []
        seen_targets: set[str] = set()
        for info in infos:
            if info.target in seen_targets:
                continue  # a second name for the same release
            seen_targets.add(info.target)
            released: list[CommitInfo] = []
            stack = [info.target]
            while stack:
                sha = stack.pop()
                if sha in covered or sha not in self.commits:
                    continue
                covered.add(sha)
                commit = self.commits[sha]
                released.append(commit)
                stack.extend(commit.parents)
            base = previous
            previous = info.target
            tagged_by_me = info.tagger is not None and (
                info.tagger.email.lower() in self.emails
                or (bool(info.tagger.name) and info.tagger.name.lower() in self.names)
            )
            mine = [c for c in released if self.counts_for(c) and len(c.parents) < 2]
            if not mine and not tagged_by_me:
                continue
            if info.target in self.imported.tags:
                self.tags_skipped += 1
                continue
            when = info.tagger or self.commits[info.target].committer
            if self.since is not None and _local_date(when) < self.since:
                continue
            mine.sort(key=lambda c: c.author.time)
            title = _summary(info.message) if info.message else f"Release {info.name}"
            body = _body_of(info.message) if info.message else ""
            target = self.commits[info.target]
            base_tree = self.commits[base].tree if base else None
            found.append(
                self.build(
                    "tag",
                    info.target,
                    self.repo.head_branch or "",
                    info.name,
                    title,
                    body,
                    mine[-200:],
                    [(base_tree, target.tree)],
                    [when],
                )
            )
        return found


def _body_of(message: str) -> str:
    lines = message.strip().splitlines()
    return "\n".join(lines[1:]).strip()


def scan_repository(
    path: Path,
    identities: Sequence[Identity],
    *,
    framework_key: str = "ST0825",
    since: Date | None = None,
    imported: Imported = Imported(),
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ScanResult:
    """Candidates in ``path`` by ``identities``, newest first. Reads only; one sentence on
    a repository it cannot scan (not one, shallow, damaged) or when nobody matches."""
    if not identities:
        raise InvalidInputError(
            "No git identity is set: add the email address you commit with, e.g. "
            "'portfolio git identity add you@example.com' (or give --author)."
        )
    repo = open_repository(path)
    try:
        scan = _Scan(repo, identities, framework_key, since, imported, progress, cancelled)
        if not repo.branches:
            raise InvalidInputError(f"{repo.path} has no branches, so no commits to scan.")
        scan.load()
        mine = sum(1 for c in scan.commits.values() if scan.is_mine(c))
        if mine == 0:
            authors = Counter(c.author.email.lower() for c in scan.commits.values())
            top = ", ".join(email for email, _ in authors.most_common(3))
            who = ", ".join(sorted(scan.emails | scan.names))
            raise InvalidInputError(
                f"None of the {len(scan.commits)} commits in {repo.name} is by {who}; "
                f"its most frequent authors are {top}."
            )
        found, skipped = scan.candidates()
        return ScanResult(
            repository=repo.name,
            remote_url=repo.remote_url,
            path=str(repo.path),
            commits=len(scan.commits),
            mine=mine,
            candidates=tuple(found),
            already_imported=skipped,
            notes=tuple(scan.notes),
        )
    finally:
        repo.close()


# --- JSON ----------------------------------------------------------------------------------------


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    kinds = file_kinds()
    return {
        "id": candidate.id,
        "kind": candidate.kind,
        "title": candidate.title,
        "body": candidate.body,
        "branch": candidate.branch,
        "tag": candidate.tag,
        "first_date": candidate.first_date,
        "last_date": candidate.last_date,
        "author": candidate.author,
        "commits": [
            {"sha": c.sha, "date": c.date, "summary": c.summary, "author": c.author, "mine": c.mine}
            for c in candidate.commits
        ],
        "files": {
            kind: {
                "label": kinds.label(kind),
                "files": [
                    {
                        "path": f.path,
                        "status": f.status,
                        "added": f.added,
                        "removed": f.removed,
                        **({"old_path": f.old_path} if f.old_path else {}),
                        **({} if f.counted else {"counted": False}),
                    }
                    for f in changes
                ],
            }
            for kind, changes in candidate.files_by_kind().items()
        },
        "added": candidate.added,
        "removed": candidate.removed,
        "hints": [{"code": h.code, "reasons": list(h.reasons)} for h in candidate.hints],
        "notes": list(candidate.notes),
    }


def scan_json(result: ScanResult) -> dict[str, Any]:
    return {
        "repository": result.repository,
        "remote_url": result.remote_url,
        "path": result.path,
        "commits": result.commits,
        "mine": result.mine,
        "already_imported": result.already_imported,
        "notes": list(result.notes),
        "candidates": [candidate_json(c) for c in result.candidates],
    }
