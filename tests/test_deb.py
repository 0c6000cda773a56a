"""The Debian package for Linux fleets (packaging/linux/build-deb.sh), checked without
PyInstaller: built from a stand-in bundle staged as build-linux.sh stages the real one
(the real menu entry, MIME type and icons; a script in place of the frozen program)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "packaging" / "linux"
NAME = "apprentice-portfolio"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb"),
]


def run(*args: str | Path, **kwargs: object) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    stage = tmp_path_factory.mktemp("stage")
    program = stage / "portfolio"
    program.write_text('#!/bin/sh\necho "portfolio 0.1.0"\n')
    program.chmod(0o755)
    frameworks = stage / "_internal" / "resources" / "frameworks"
    frameworks.mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "frameworks" / "ST0825.json", frameworks)
    share = stage / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(LINUX / f"{NAME}.desktop", share / "applications")
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy(LINUX / f"{NAME}-mime.xml", share / "mime" / "packages" / f"{NAME}.xml")
    for size in (16, 48, 256):
        icons = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        icons.mkdir(parents=True)
        shutil.copy(ROOT / "resources" / "icons" / f"portfolio-{size}.png", icons / f"{NAME}.png")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "DEB_ARCH": "amd64"}
    out = tmp_path_factory.mktemp("out")
    path = run("bash", LINUX / "build-deb.sh", stage, "0.1.0", out, env=env).strip()
    return Path(path)


def test_the_package_is_named_and_described_for_apt(deb: Path) -> None:
    assert deb.name == f"{NAME}_0.1.0_amd64.deb"
    fields = dict(
        line.split(": ", 1)
        for line in run("dpkg-deb", "-f", deb).splitlines()
        if ": " in line and not line.startswith(" ")
    )
    assert fields["Package"] == NAME
    assert fields["Version"] == "0.1.0"
    assert fields["Architecture"] == "amd64"
    assert fields["Section"] == "education" and fields["Priority"] == "optional"
    depends = fields["Depends"]
    for library in ("libc6 (>= 2.35)", "libegl1", "libfontconfig1", "libxkbcommon0"):
        assert library in depends
    assert "libglib2.0-0t64 | libglib2.0-0" in depends  # Debian 12 and Ubuntu 24.04 names
    assert int(fields["Installed-Size"]) > 0


def test_no_maintainer_scripts_so_installing_asks_nothing(deb: Path, tmp_path: Path) -> None:
    run("dpkg-deb", "-e", deb, tmp_path / "control")
    assert sorted(p.name for p in (tmp_path / "control").iterdir()) == ["control", "md5sums"]


def test_files_go_where_debian_puts_them_owned_by_root(deb: Path) -> None:
    listing = run("dpkg-deb", "-c", deb).splitlines()
    entries = {line.split()[5].removeprefix("./"): line for line in listing}
    expected = [
        f"usr/lib/{NAME}/portfolio",
        f"usr/lib/{NAME}/_internal/resources/frameworks/ST0825.json",
        f"usr/share/applications/{NAME}.desktop",
        f"usr/share/mime/packages/{NAME}.xml",
        f"usr/share/icons/hicolor/48x48/apps/{NAME}.png",
        "usr/share/man/man1/portfolio.1.gz",
        f"usr/share/doc/{NAME}/copyright",
        f"usr/share/doc/{NAME}/changelog.gz",
    ]
    for path in expected:
        assert path in entries, path
    assert f"-> ../lib/{NAME}/portfolio" in entries["usr/bin/portfolio"]
    assert entries[f"usr/lib/{NAME}/portfolio"].startswith("-rwxr-xr-x root/root")
    assert entries[f"usr/share/applications/{NAME}.desktop"].startswith("-rw-r--r-- root/root")
    assert all(" root/root " in line for line in listing)
    # nothing in /opt or /usr/local (Debian's), nothing in /etc: the policy file is IT's
    assert not [p for p in entries if p.startswith(("opt/", "usr/local/", "etc/"))]


def test_the_menu_entry_opens_portfolio_files(deb: Path, tmp_path: Path) -> None:
    run("dpkg-deb", "-x", deb, tmp_path)
    desktop = (tmp_path / f"usr/share/applications/{NAME}.desktop").read_text()
    assert "Exec=portfolio open %f" in desktop  # /usr/bin/portfolio, on every PATH
    assert "MimeType=application/x-apprentice-portfolio;" in desktop
    mime = (tmp_path / f"usr/share/mime/packages/{NAME}.xml").read_text()
    assert 'type="application/x-apprentice-portfolio"' in mime and "*.portfolio" in mime


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs dpkg")
def test_install_and_purge_in_a_private_root_leave_nothing(deb: Path) -> None:
    out = subprocess.run(
        ["bash", str(LINUX / "deb-roundtrip.sh"), str(deb), "--no-smoke"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "purged, nothing left" in out.stderr


@pytest.mark.skipif(shutil.which("lintian") is None, reason="needs lintian")
def test_lintian_finds_no_errors_or_warnings(deb: Path) -> None:
    out = subprocess.run(
        ["lintian", "--no-cfg", "--fail-on", "error,warning", str(deb)],
        capture_output=True,
        text=True,
    )
    tags = [line for line in out.stdout.splitlines() if line[:2] in ("E:", "W:")]
    assert tags == []
    assert out.returncode == 0, out.stdout + out.stderr
