"""Git repositories built in tests and benchmarks with dulwich (no git executable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dulwich.objects import Blob, Commit, Tag, Tree
from dulwich.repo import Repo

ME = "Ada Lovelace <ada@example.org>"
OTHER = "Charles Babbage <charles@example.org>"
DAY = 86_400
T0 = 1_767_261_600  # 2026-01-01 10:00 UTC


@dataclass
class RepoBuilder:
    """Commits built from whole file maps; ``pack=True`` keeps objects for one pack at the end."""

    path: Path
    pack: bool = False
    bare: bool = False
    repo: Repo = field(init=False)
    pending: list[object] = field(default_factory=list)
    trees: dict[str, dict[str, bytes]] = field(default_factory=dict)  # commit → files

    def __post_init__(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.repo = Repo.init_bare(str(self.path)) if self.bare else Repo.init(str(self.path))

    def _add(self, obj: object) -> None:
        if self.pack:
            self.pending.append(obj)
        else:
            self.repo.object_store.add_object(obj)

    def _tree(self, files: dict[str, bytes], modes: dict[str, int] | None = None) -> str:
        nested: dict[str, object] = {}
        for path, data in files.items():
            parts = path.split("/")
            node = nested
            for part in parts[:-1]:
                node = node.setdefault(part, {})  # type: ignore[assignment]
            node[parts[-1]] = (data, (modes or {}).get(path, 0o100644))
        return self._write_tree(nested)

    def _write_tree(self, node: dict[str, object]) -> str:
        tree = Tree()
        for name, value in node.items():
            if isinstance(value, dict):
                tree.add(name.encode(), 0o040000, self._write_tree(value).encode())
            else:
                data, mode = value  # type: ignore[misc]
                if mode == 0o160000:  # a submodule: the data is the commit id
                    tree.add(name.encode(), mode, data)
                    continue
                blob = Blob.from_string(data)
                self._add(blob)
                tree.add(name.encode(), mode, blob.id)
        self._add(tree)
        return tree.id.decode()

    def commit(
        self,
        files: dict[str, bytes],
        message: str | bytes,
        *,
        author: str = ME,
        when: int = T0,
        parents: list[str] | None = None,
        encoding: bytes | None = None,
        modes: dict[str, int] | None = None,
    ) -> str:
        c = Commit()
        c.tree = self._tree(files, modes).encode()
        c.parents = [p.encode() for p in (parents or [])]
        c.author = c.committer = author.encode()
        c.author_time = c.commit_time = when
        c.author_timezone = c.commit_timezone = 0
        if encoding:
            c.encoding = encoding
        c.message = message if isinstance(message, bytes) else message.encode()
        self._add(c)
        sha = c.id.decode()
        self.trees[sha] = dict(files)
        return sha

    def change(
        self, parent: str, changes: dict[str, bytes | None], message: str | bytes, **kw: object
    ) -> str:
        files = dict(self.trees[parent])
        for path, data in changes.items():
            if data is None:
                files.pop(path, None)
            else:
                files[path] = data
        return self.commit(files, message, parents=[parent], **kw)  # type: ignore[arg-type]

    def branch(self, name: str, sha: str) -> None:
        self.repo.refs[f"refs/heads/{name}".encode()] = sha.encode()

    def tag(
        self, name: str, sha: str, message: str = "", *, tagger: str = ME, when: int = T0
    ) -> None:
        if not message:
            self.repo.refs[f"refs/tags/{name}".encode()] = sha.encode()
            return
        tag = Tag()
        tag.name = name.encode()
        tag.object = (Commit, sha.encode())
        tag.tagger = tagger.encode()
        tag.tag_time = when
        tag.tag_timezone = 0
        tag.message = message.encode()
        self._add(tag)
        self.repo.refs[f"refs/tags/{name}".encode()] = tag.id

    def close(self) -> None:
        if self.pending:
            self.repo.object_store.add_objects([(o, None) for o in self.pending])
            self.pending.clear()
        self.repo.close()
