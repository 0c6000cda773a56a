"""Reading a local git repository with dulwich: commits, trees, blobs, refs. Never the network.

dulwich (pure Python, with optional compiled helpers) ships inside the frozen build,
so no ``git`` executable is needed. Looking objects up one by one through dulwich
costs about 60 µs each, too slow for 50,000 commits in a few seconds, so
``Objects`` reads whole (undeltified) objects straight from the pack files: it
maps each pack's ``.idx`` once, finds an object's offset there and inflates just
that object. Anything else — loose objects, deltas, alternates, an index format
it does not know — goes through dulwich as usual.
"""

from __future__ import annotations

import codecs
import mmap
import struct
import zlib
from binascii import unhexlify
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import InvalidInputError

COMMIT, TREE, BLOB, TAG = 1, 2, 3, 4
TYPE_NAMES = {b"commit": COMMIT, b"tree": TREE, b"blob": BLOB, b"tag": TAG}
TREE_CACHE = 20_000  # parsed folders kept while scanning
GITLINK_MODE = 0o160000  # a submodule's commit in a tree
TREE_MODE = 0o040000


class DamagedObjectError(InvalidInputError):
    """An object that cannot be read or parsed; the message names it."""


@dataclass(frozen=True)
class Signature:
    name: str
    email: str
    time: int  # seconds since the epoch
    offset: int  # the author's UTC offset in minutes


class CommitInfo:
    """A commit; its author, committer and message are parsed only when asked for (a scan
    reads every commit but looks closely only at the apprentice's)."""

    __slots__ = ("_author", "_committer", "_message", "_raw", "parents", "sha", "tree")

    def __init__(
        self, sha: str, tree: str, parents: tuple[str, ...], raw: dict[bytes, bytes]
    ) -> None:
        self.sha = sha
        self.tree = tree
        self.parents = parents
        self._raw = raw  # author, committer, encoding, message: as stored
        self._author: Signature | None = None
        self._committer: Signature | None = None
        self._message: tuple[str, str] | None = None

    def author_email(self) -> bytes:
        """The author's email in lower case, without parsing the rest."""
        line = self._raw[b"author"]
        return line[line.rfind(b"<") + 1 : line.rfind(b">")].strip().lower()

    def author_name(self) -> bytes:
        line = self._raw[b"author"]
        return line[: line.rfind(b"<")].strip().lower()

    @property
    def author(self) -> Signature:
        if self._author is None:
            self._author = _signature(self._raw[b"author"])
        return self._author

    @property
    def committer(self) -> Signature:
        if self._committer is None:
            line = self._raw.get(b"committer")
            self._committer = self.author if line is None else _signature(line)
        return self._committer

    def _decoded(self) -> tuple[str, str]:
        if self._message is None:
            encoding = self._raw.get(b"encoding")
            self._message = decode_message(
                self._raw[b"message"], encoding.decode("ascii", "replace") if encoding else None
            )
        return self._message

    @property
    def message(self) -> str:
        return self._decoded()[0]

    @property
    def message_note(self) -> str:
        """Set when the message was not UTF-8."""
        return self._decoded()[1]


@dataclass(frozen=True)
class TagInfo:
    name: str
    target: str  # the commit
    tagger: Signature | None
    message: str


def _signature(line: bytes) -> Signature:
    """``Name <email> 1700000000 +0100``."""
    close = line.rfind(b">")
    open_ = line.rfind(b"<", 0, close)
    name = line[:open_].strip().decode("utf-8", "replace")
    email = line[open_ + 1 : close].strip().decode("utf-8", "replace")
    rest = line[close + 1 :].split()
    seconds, offset = 0, 0
    try:
        seconds = int(rest[0])
        tz = rest[1]
        sign = -1 if tz.startswith(b"-") else 1
        digits = tz.lstrip(b"+-")
        offset = sign * (int(digits[:-2] or b"0") * 60 + int(digits[-2:] or b"0"))
    except (IndexError, ValueError):
        pass
    return Signature(name=name, email=email, time=seconds, offset=offset)


def decode_message(raw: bytes, encoding: str | None) -> tuple[str, str]:
    """The message as text and a note when it was not UTF-8 (never fails)."""
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    if encoding:
        try:
            codecs.lookup(encoding)
            return raw.decode(encoding, "replace"), ""
        except LookupError:
            pass
    return raw.decode("cp1252", "replace"), "message not UTF-8; read as Windows-1252"


def _headers(raw: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """A commit's or tag's header lines (continuations joined) and its message."""
    head, _, message = raw.partition(b"\n\n")
    headers: list[tuple[bytes, bytes]] = []
    for line in head.split(b"\n"):
        if line.startswith(b" ") and headers:
            key, value = headers[-1]
            headers[-1] = (key, value + b"\n" + line[1:])
            continue
        key, _, value = line.partition(b" ")
        headers.append((key, value))
    return headers, message


def parse_commit(sha: str, raw: bytes) -> CommitInfo:
    head, _, message = raw.partition(b"\n\n")
    tree, parents = "", []
    fields: dict[bytes, bytes] = {b"message": message}
    for line in head.split(b"\n"):
        if line.startswith(b"parent "):
            parents.append(line[7:].decode("ascii", "replace"))
        elif line.startswith(b"tree "):
            tree = line[5:].decode("ascii", "replace")
        elif line.startswith((b"author ", b"committer ", b"encoding ")):
            key, _, value = line.partition(b" ")
            fields.setdefault(key, value)
    if len(tree) != 40 or b"author" not in fields or b">" not in fields[b"author"]:
        raise DamagedObjectError(f"The commit {sha[:12]} is damaged (no tree or author).")
    return CommitInfo(sha, tree, tuple(parents), fields)


def parse_tree(data: bytes) -> list[tuple[str, int, str]]:
    """``<octal mode> <name>\\0<20-byte sha>`` repeated; ValueError when malformed."""
    entries: list[tuple[str, int, str]] = []
    pos, end = 0, len(data)
    while pos < end:
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        if nul + 21 > end:
            raise ValueError("truncated tree entry")
        mode = int(data[pos:space], 8)
        name = data[space + 1 : nul].decode("utf-8", "replace")
        entries.append((name, mode, data[nul + 1 : nul + 21].hex()))
        pos = nul + 21
    return entries


class _Pack:
    """One pack: its index read once (sha → offset) and its data mapped for reading."""

    def __init__(self, idx: Path, pack: Path) -> None:
        with open(idx, "rb") as f:
            index = f.read()
        if index[:8] != b"\xfftOc\x00\x00\x00\x02":
            raise ValueError("not a version 2 pack index")
        count = struct.unpack_from(">I", index, 8 + 255 * 4)[0]
        names = 8 + 256 * 4
        offsets_at = names + count * 20 + count * 4
        large = offsets_at + count * 4
        offsets = list(struct.unpack_from(f">{count}I", index, offsets_at))
        for n, value in enumerate(offsets):
            if value & 0x80000000:  # packs over 2 GB: the offset is in the large table
                offsets[n] = struct.unpack_from(">Q", index, large + 8 * (value & 0x7FFFFFFF))[0]
        keys = [index[p : p + 20] for p in range(names, names + count * 20, 20)]
        self.offsets: dict[bytes, int] = dict(zip(keys, offsets, strict=True))
        self._file = open(pack, "rb")  # noqa: SIM115 - closed in close()
        self._data = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)

    def _header(self, offset: int) -> tuple[int, int, int]:
        """(type, inflated size, where the compressed bytes start)."""
        data = self._data
        byte = data[offset]
        kind, size, shift, pos = (byte >> 4) & 7, byte & 15, 4, offset + 1
        while byte & 0x80:
            byte = data[pos]
            size |= (byte & 0x7F) << shift
            shift += 7
            pos += 1
        return kind, size, pos

    def read(self, offset: int) -> tuple[int, int, bytes | None]:
        """(type, size, bytes) of the object at ``offset``; bytes None for a delta."""
        kind, size, pos = self._header(offset)
        if kind not in (COMMIT, TREE, BLOB, TAG):
            return kind, size, None
        # deflate never grows data by more than 5 bytes per 16 kB block plus a few bytes
        window = self._data[pos : pos + size + size // 1000 + 64]
        out = zlib.decompressobj().decompress(window, size + 1)
        if len(out) != size:
            raise zlib.error("size mismatch")
        return kind, size, out

    def size(self, offset: int) -> tuple[int, int]:
        """(type, size) without inflating anything."""
        kind, size, _pos = self._header(offset)
        return kind, size

    def close(self) -> None:
        self._data.close()
        self._file.close()


class Objects:
    """Raw objects of one repository by hex sha, fast from packs, else through dulwich."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self._trees: dict[str, list[tuple[str, int, str]]] = {}
        self._packs: list[_Pack] = []
        pack_dir = Path(getattr(store, "path", "")) / "pack"
        if pack_dir.is_dir():
            for idx in sorted(pack_dir.glob("pack-*.idx")):
                pack = idx.with_suffix(".pack")
                if not pack.is_file():
                    continue
                try:
                    self._packs.append(_Pack(idx, pack))
                except (OSError, ValueError, struct.error):
                    continue  # dulwich reads it, slower

    def _find(self, sha: str) -> tuple[_Pack, int] | None:
        key = unhexlify(sha)
        for pack in self._packs:
            offset = pack.offsets.get(key)
            if offset is not None:
                return pack, offset
        return None

    def raw(self, sha: str) -> tuple[int, bytes]:
        """(type, bytes) of ``sha``; DamagedObjectError when missing or unreadable."""
        try:
            found = self._find(sha)
            if found is not None:
                kind, _size, data = found[0].read(found[1])
                if data is not None:
                    return kind, data
            kind, data = self._store.get_raw(sha.encode("ascii"))
            return int(kind), bytes(data)
        except KeyError as exc:
            raise DamagedObjectError(
                f"The object {sha[:12]} is missing from the repository."
            ) from exc
        except (zlib.error, ValueError, struct.error, IndexError, OSError) as exc:
            raise DamagedObjectError(
                f"The object {sha[:12]} is damaged and cannot be read."
            ) from exc
        except Exception as exc:  # dulwich raises its own kinds for damaged packs
            if type(exc).__module__.startswith("dulwich"):
                raise DamagedObjectError(
                    f"The object {sha[:12]} is damaged and cannot be read."
                ) from exc
            raise

    def size(self, sha: str) -> int | None:
        """The size of a blob when it can be known without inflating it, else None."""
        found = self._find(sha)
        if found is None:
            return None
        kind, size = found[0].size(found[1])
        return size if kind in (COMMIT, TREE, BLOB, TAG) else None

    def commit(self, sha: str) -> CommitInfo:
        kind, data = self.raw(sha)
        if kind != COMMIT:
            raise DamagedObjectError(f"The object {sha[:12]} should be a commit and is not.")
        return parse_commit(sha, data)

    def tree(self, sha: str) -> list[tuple[str, int, str]]:
        """(name, mode, sha) of each entry of a tree; recent ones are kept (consecutive
        commits share most of their folders)."""
        cached = self._trees.get(sha)
        if cached is not None:
            return cached
        entries = self._read_tree(sha)
        if len(self._trees) >= TREE_CACHE:
            self._trees.clear()
        self._trees[sha] = entries
        return entries

    def _read_tree(self, sha: str) -> list[tuple[str, int, str]]:
        kind, data = self.raw(sha)
        if kind != TREE:
            raise DamagedObjectError(f"The object {sha[:12]} should be a folder (tree) and is not.")
        try:
            return parse_tree(data)
        except (ValueError, IndexError) as exc:
            raise DamagedObjectError(f"The folder (tree) {sha[:12]} is damaged.") from exc

    def peel_tag(self, sha: str, name: str) -> TagInfo | None:
        """A tag ref's commit, tagger and message (lightweight tags: no tagger, no message)."""
        seen = 0
        tagger: Signature | None = None
        message = ""
        while seen < 10:
            kind, data = self.raw(sha)
            if kind == COMMIT:
                return TagInfo(name=name, target=sha, tagger=tagger, message=message)
            if kind != TAG:
                return None  # a tag of a tree or blob: not a release of commits
            headers, body = _headers(data)
            fields = dict(headers)
            if tagger is None:
                tagger = _signature(fields[b"tagger"]) if b"tagger" in fields else None
                text, _note = decode_message(body.split(b"-----BEGIN PGP SIGNATURE-----")[0], None)
                message = text.strip()
            sha = fields.get(b"object", b"").decode("ascii", "replace")
            seen += 1
        return None

    def close(self) -> None:
        for pack in self._packs:
            pack.close()
        self._packs.clear()


@dataclass
class Repository:
    """An open local repository: its objects, refs, name and remote URL (as text)."""

    path: Path
    name: str
    remote_url: str
    objects: Objects
    head_branch: str | None
    branches: dict[str, str]  # name → tip sha: local first, then remote-tracking
    tags: dict[str, str]  # name → ref's object sha
    _repo: Any

    def close(self) -> None:
        self.objects.close()
        self._repo.close()


def open_repository(path: Path) -> Repository:
    """Open a working copy or a bare repository; refuse what cannot be scanned, in a sentence."""
    from dulwich.errors import NotGitRepository
    from dulwich.repo import Repo

    path = Path(path).expanduser()
    if not path.exists():
        raise InvalidInputError(f"{path} does not exist.")
    if not path.is_dir():
        raise InvalidInputError(f"{path} is not a folder, so it cannot be a git repository.")
    try:
        repo = Repo(str(path))
    except NotGitRepository as exc:
        raise InvalidInputError(
            f"{path} is not a git repository (no .git folder, and not a bare repository)."
        ) from exc
    except (OSError, ValueError, KeyError) as exc:
        raise InvalidInputError(f"{path} is a damaged git repository ({exc}).") from exc
    try:
        if repo.get_shallow():
            raise InvalidInputError(
                f"{path} is a shallow clone: its history is cut short, so its work cannot be "
                "attributed; fetch the whole history (git fetch --unshallow) and scan again."
            )
        refs = repo.refs.as_dict()
        head_branch: str | None = None
        try:
            head = repo.refs.read_ref(b"HEAD")  # type: ignore[arg-type]
            if head and head.startswith(b"ref: refs/heads/"):
                head_branch = head[len(b"ref: refs/heads/") :].decode("utf-8", "replace")
        except (OSError, KeyError):
            pass
        branches: dict[str, str] = {}
        remotes: dict[str, str] = {}
        tags: dict[str, str] = {}
        for ref, value in refs.items():
            if len(value) != 40:
                continue
            name = ref.decode("utf-8", "replace")
            sha = value.decode("ascii", "replace")
            if name.startswith("refs/heads/"):
                branches[name[len("refs/heads/") :]] = sha
            elif name.startswith("refs/remotes/") and not name.endswith("/HEAD"):
                remotes[name[len("refs/remotes/") :]] = sha
            elif name.startswith("refs/tags/"):
                tags[name[len("refs/tags/") :]] = sha
        ordered: dict[str, str] = {}
        for first in (head_branch, "main", "master"):
            if first and first in branches:
                ordered[first] = branches[first]
        ordered.update(branches)
        ordered.update(remotes)
        config = repo.get_config()
        remote_url = ""
        for section in (b"origin", b"upstream"):
            try:
                remote_url = config.get((b"remote", section), b"url").decode("utf-8", "replace")
                break
            except KeyError:
                continue
        root = Path(repo.path).resolve()
        name = root.name.removesuffix(".git") or root.name
        return Repository(
            path=root,
            name=name,
            remote_url=remote_url,
            objects=Objects(repo.object_store),
            head_branch=head_branch,
            branches=ordered,
            tags=tags,
            _repo=repo,
        )
    except BaseException:
        repo.close()
        raise


def walk_commits(objects: Objects, tips: list[str]) -> Iterator[CommitInfo]:
    """Every commit reachable from ``tips``, each once (in no particular order)."""
    seen: set[str] = set()
    stack = list(tips)
    while stack:
        sha = stack.pop()
        if sha in seen:
            continue
        seen.add(sha)
        commit = objects.commit(sha)
        yield commit
        stack.extend(commit.parents)
