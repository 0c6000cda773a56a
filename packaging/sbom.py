"""Cut a CycloneDX SBOM of the build environment down to what PyInstaller actually bundled.

``cyclonedx-py environment`` describes every package in the build venv, PyInstaller and the
SBOM tool included. The spec writes bundle-contents.json (the top-level modules and the
binaries it collected); this keeps the Python packages those came from, and adds what no
Python package describes: the CPython runtime, the PyInstaller bootloader and the system
shared libraries copied into the bundle (with their Debian package where dpkg knows it).

Run it with the build venv's Python, so its package metadata is the one that was bundled:
  python packaging/sbom.py ENV.cdx.json bundle-contents.json BUNDLE_DIR OUT.cdx.json [--commit SHA]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata as md
import json
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT_REF = "root-component"


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def site_dirs() -> list[Path]:
    dirs = {sysconfig.get_paths()[key] for key in ("purelib", "platlib")}
    return [Path(d).resolve() for d in sorted(dirs)]


def file_owners() -> dict[str, str]:
    """Site-packages-relative path -> distribution name, from every installed RECORD."""
    owners: dict[str, str] = {}
    for dist in md.distributions():
        for file in dist.files or ():
            owners[Path(str(file)).as_posix()] = dist.metadata["Name"]
    return owners


def bundled_distributions(contents: dict[str, Any]) -> tuple[set[str], list[tuple[str, str]]]:
    """Names of the distributions the bundle drew from, and the binaries no package owns."""
    by_module = md.packages_distributions()
    owners = file_owners()
    sites = site_dirs()
    python_home = Path(sys.base_prefix).resolve()
    found: set[str] = set()
    for module in contents["modules"]:
        found.update(normalise(name) for name in by_module.get(module, ()))
    foreign: list[tuple[str, str]] = []
    for dest, src in contents["binaries"]:
        path = Path(src).resolve()
        owner = None
        for site in sites:
            if path.is_relative_to(site):
                owner = owners.get(path.relative_to(site).as_posix())
                break
        if owner:
            found.add(normalise(owner))
        elif not path.is_relative_to(python_home):
            foreign.append((dest, str(path)))
    return found, foreign


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def debian_package(path: str) -> tuple[str, str, str] | None:
    """(package, version, architecture) owning a system file, when dpkg knows it."""
    if not shutil.which("dpkg-query"):
        return None
    candidates = {path, str(Path(path).resolve())}
    # Merged-/usr systems: dpkg may have recorded either spelling of the same file.
    for known in list(candidates):
        if known.startswith("/usr/lib/"):
            candidates.add(known.removeprefix("/usr"))
        elif known.startswith("/lib/"):
            candidates.add("/usr" + known)
    for candidate in sorted(candidates):
        found = subprocess.run(
            ["dpkg-query", "-S", candidate], capture_output=True, text=True, check=False
        )
        if found.returncode == 0 and ":" in found.stdout:
            package = found.stdout.split(":", 1)[0].split(",")[0].strip()
            shown = subprocess.run(
                ["dpkg-query", "-W", "-f=${Package} ${Version} ${Architecture}", package],
                capture_output=True,
                text=True,
                check=False,
            )
            parts = shown.stdout.split()
            if shown.returncode == 0 and len(parts) == 3:
                return parts[0], parts[1], parts[2]
    return None


def system_library(dest: str, src: str, bundle: Path) -> dict[str, Any]:
    bundled = bundle / dest
    component: dict[str, Any] = {
        "bom-ref": f"file:{dest}",
        "type": "library",
        "name": Path(dest).name,
        "hashes": [
            {"alg": "SHA-256", "content": sha256(bundled if bundled.exists() else Path(src))}
        ],
        "properties": [{"name": "portfolio:bundled-path", "value": dest}],
    }
    owner = debian_package(src)
    if owner:
        package, version, arch = owner
        component["version"] = version
        purl_version = quote(version, safe="")  # Debian epochs ("1:1.2.13") need escaping
        component["purl"] = f"pkg:deb/debian/{package}@{purl_version}?arch={arch}"
        component["properties"].append({"name": "portfolio:debian-package", "value": package})
    return component


def runtime_components() -> list[dict[str, Any]]:
    python_version = platform.python_version()
    try:
        pyinstaller_version = md.version("pyinstaller")
    except md.PackageNotFoundError:  # only outside a build venv (tests)
        pyinstaller_version = "unknown"
    return [
        {
            "bom-ref": f"cpython=={python_version}",
            "type": "framework",
            "name": "CPython",
            "version": python_version,
            "purl": f"pkg:generic/cpython@{python_version}",
            "licenses": [{"license": {"id": "PSF-2.0"}}],
            "description": "The Python interpreter and standard library",
        },
        {
            "bom-ref": f"pyinstaller-bootloader=={pyinstaller_version}",
            "type": "application",
            "name": "pyinstaller-bootloader",
            "version": pyinstaller_version,
            "purl": f"pkg:pypi/pyinstaller@{pyinstaller_version}",
            "licenses": [{"expression": "GPL-2.0-or-later WITH Bootloader-exception"}],
            "description": "The PyInstaller launcher that starts the bundled interpreter",
        },
    ]


def refs(components: Iterable[dict[str, Any]]) -> set[str]:
    return {c["bom-ref"] for c in components}


def cut(
    bom: dict[str, Any], contents: dict[str, Any], bundle: Path, commit: str | None
) -> dict[str, Any]:
    found, foreign = bundled_distributions(contents)
    kept = [c for c in bom.get("components", []) if normalise(c["name"]) in found]
    added = runtime_components()
    added += [system_library(dest, src, bundle) for dest, src in foreign]
    keep_refs = refs(kept) | {ROOT_REF}
    dependencies = []
    for dep in bom.get("dependencies", []):
        if dep["ref"] not in keep_refs:
            continue
        depends = sorted(r for r in dep.get("dependsOn", []) if r in keep_refs)
        if dep["ref"] == ROOT_REF:
            depends = sorted({*depends, *refs(added)})
        dependencies.append({"ref": dep["ref"], "dependsOn": depends})
    dependencies += [{"ref": ref, "dependsOn": []} for ref in sorted(refs(added))]
    root = bom["metadata"]["component"]
    if commit:
        root.setdefault("properties", []).append({"name": "portfolio:git-commit", "value": commit})
    bom["metadata"].setdefault("properties", []).append(
        {"name": "portfolio:scope", "value": "the files inside the PyInstaller bundle"}
    )
    bom["components"] = sorted([*kept, *added], key=lambda c: (c["name"].lower(), c["bom-ref"]))
    bom["dependencies"] = sorted(dependencies, key=lambda d: d["ref"])
    return bom


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("environment_bom", type=Path)
    parser.add_argument("contents", type=Path)
    parser.add_argument("bundle", type=Path, help="the bundle's contents folder (_internal)")
    parser.add_argument("output", type=Path)
    parser.add_argument("--commit")
    args = parser.parse_args(argv)
    bom = json.loads(args.environment_bom.read_text(encoding="utf-8"))
    contents = json.loads(args.contents.read_text(encoding="utf-8"))
    result = cut(bom, contents, args.bundle, args.commit)
    text = json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(f"sbom: {len(result['components'])} components -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
