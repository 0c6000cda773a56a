"""Development, CI and the release install the same hash-pinned versions.

`make test` installs packaging/requirements-dev.lock; the release bundles
packaging/requirements-runtime.lock. These checks fail when someone adds a dependency to
pyproject.toml without running packaging/lock.sh, or edits one lock by hand.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


def _pins(lock: Path) -> dict[str, tuple[str, frozenset[str]]]:
    """name -> (version, hashes) of a `uv pip compile --generate-hashes` lock file."""
    pins: dict[str, tuple[str, frozenset[str]]] = {}
    name = ""
    for line in lock.read_text(encoding="utf-8").splitlines():
        head = re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)", line)
        if head:
            name = canonicalize_name(head.group(1))
            pins[name] = (head.group(2), frozenset())
            continue
        digest = re.search(r"--hash=sha256:([0-9a-f]{64})", line)
        if digest and name:
            version, hashes = pins[name]
            pins[name] = (version, hashes | {digest.group(1)})
    return pins


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_pin_carries_hashes() -> None:
    for lock in ("requirements-runtime.lock", "requirements-dev.lock", "requirements-build.lock"):
        pins = _pins(PACKAGING / lock)
        assert pins, lock
        unhashed = sorted(name for name, (_, hashes) in pins.items() if not hashes)
        assert unhashed == [], f"{lock}: pins without hashes: {unhashed}"


def test_development_installs_the_versions_the_release_bundles() -> None:
    runtime = _pins(PACKAGING / "requirements-runtime.lock")
    dev = _pins(PACKAGING / "requirements-dev.lock")
    build = _pins(PACKAGING / "requirements-build.lock")
    for other, label in ((dev, "requirements-dev.lock"), (build, "requirements-build.lock")):
        differ = {
            name: (version, other[name][0])
            for name, (version, _) in runtime.items()
            if name in other and other[name][0] != version
        }
        assert differ == {}, f"{label} pins other versions than the runtime lock: {differ}"
    missing = sorted(set(runtime) - set(dev))
    assert missing == [], f"requirements-dev.lock lacks runtime packages: {missing}"


def test_every_dependency_of_pyproject_is_locked_within_its_range() -> None:
    project = _pyproject()["project"]
    runtime = _pins(PACKAGING / "requirements-runtime.lock")
    dev = _pins(PACKAGING / "requirements-dev.lock")
    wanted = [(Requirement(text), runtime) for text in project["dependencies"]]
    wanted += [(Requirement(text), dev) for text in project["optional-dependencies"]["dev"]]
    problems = []
    for requirement, pins in wanted:
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement.name} is not locked (run packaging/lock.sh)")
        elif not requirement.specifier.contains(pins[name][0], prereleases=True):
            problems.append(f"{name}=={pins[name][0]} is outside {requirement}")
    assert problems == []


def test_make_reinstalls_when_a_lock_or_pyproject_changes() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    stamp_rule = re.search(r"^\$\(STAMP\):(.*)$", makefile, re.MULTILINE)
    assert stamp_rule is not None
    assert "pyproject.toml" in stamp_rule.group(1)
    assert "$(LOCKS)" in stamp_rule.group(1)
    assert "--require-hashes -r packaging/requirements-dev.lock" in makefile
    assert "--no-deps" in makefile
