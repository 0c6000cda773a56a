"""Packaging: what IT teams get — the frozen layout, lock files, scripts, signatures, policy.

The fast tests check the pieces here; the slow one (PORTFOLIO_BUILD_TEST=1) builds the Linux
bundle from a clean clone of HEAD and smoke-tests it, as packaging/build-linux.sh does.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from app.cli import build_parser, main
from app.config import resource_path
from app.settings import Settings, describe_settings, load_settings, managed_notice

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"

needs_release_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("bash", "openssl", "sha256sum", "tar")),
    reason="needs bash, openssl, sha256sum and tar",
)


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# ---- the frozen layout ------------------------------------------------------------------


def test_resources_come_from_the_bundle_when_frozen(tmp_path: Path, monkeypatch) -> None:
    bundled = tmp_path / "resources" / "frameworks" / "ST0825.json"
    bundled.parent.mkdir(parents=True)
    bundled.write_text("{}")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("frameworks", "ST0825.json") == bundled
    assert resource_path("frameworks", "ST0825.json").is_file()


def test_resources_come_from_the_checkout_when_not_frozen(monkeypatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resource_path("frameworks", "ST0825.json") == ROOT / "resources/frameworks/ST0825.json"
    assert resource_path("icons", "portfolio.svg").is_file()


def test_spec_is_one_folder_without_upx_and_bundles_resources_and_migrations() -> None:
    spec = text(PACKAGING / "portfolio.spec")
    assert "COLLECT(" in spec and "exclude_binaries=True" in spec  # one folder, not one file
    assert "upx=True" not in spec and spec.count("upx=False") >= 2
    assert 'data_tree(ROOT / "resources", "resources"' in spec
    assert '"app/models/migrations", ("*.py", "*.mako")' in spec
    assert '"translations/"' in spec and '"qml/"' in spec  # unused Qt parts dropped
    # The app never connects anywhere: no TLS, in Python or in Qt.
    assert '"ssl"' in spec and '"plugins/tls/"' in spec
    assert 'collect_submodules("app")' in spec  # command modules are imported by name


def test_the_spec_excludes_no_module_the_app_imports() -> None:
    # A module left out of the bundle that the app imports crashes the frozen app at that
    # import, often only when the user reaches the screen that needs it (QtNetwork, for the
    # single-instance socket, once did). Every import in app/, top level or inside a function.
    spec = text(PACKAGING / "portfolio.spec")
    block = re.search(r"EXCLUDED_MODULES = \[(.*?)\]", spec, re.DOTALL)
    assert block is not None
    excluded = set(re.findall(r'"([\w.]+)"', block.group(1)))
    assert "PySide6.QtQml" in excluded  # the list was read
    imported: dict[str, Path] = {}
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                imported.setdefault(name, path)
    clashes = {
        name: str(where.relative_to(ROOT))
        for name, where in imported.items()
        if any(name == gone or name.startswith(f"{gone}.") for gone in excluded)
    }
    assert clashes == {}


def test_migrations_are_plain_files_the_spec_copies() -> None:
    # Alembic loads env.py and the versions from files, so they must exist as .py sources.
    migrations = ROOT / "app" / "models" / "migrations"
    assert (migrations / "env.py").is_file()
    assert sorted(migrations.glob("versions/0001_*.py"))


# ---- pinned, hashed build inputs ------------------------------------------------------------


def lock_entries(path: Path) -> dict[str, list[str]]:
    """name -> its --hash lines, from a pip-compile/uv style lock file."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in text(path).splitlines():
        if match := re.match(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", line):
            current = match.group(1).lower()
            entries[current] = []
        elif current and (hashed := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            entries[current].append(hashed.group(1))
        elif line and not line.startswith((" ", "#")):
            raise AssertionError(f"{path.name}: unpinned line {line!r}")
    return entries


def test_lock_files_pin_every_package_with_hashes() -> None:
    runtime = lock_entries(PACKAGING / "requirements-runtime.lock")
    build = lock_entries(PACKAGING / "requirements-build.lock")
    for name, hashes in {**runtime, **build}.items():
        assert hashes, f"{name} has no hash"
    assert "pyside6-essentials" in runtime and "pyside6" not in runtime  # Essentials only
    assert {"pyinstaller", "cyclonedx-bom"} <= set(build)
    pyproject = text(ROOT / "pyproject.toml")
    deps = re.search(r"dependencies = \[(.*?)\]", pyproject, re.S)
    assert deps
    for dep in re.findall(r'"([A-Za-z0-9_.-]+)', deps.group(1)):
        assert dep.lower() in runtime, f"{dep} from pyproject.toml is not in the runtime lock"


def test_build_script_is_reproducible_and_checks_what_it_ships() -> None:
    script = text(PACKAGING / "build-linux.sh")
    for needle in (
        "SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)",
        "PYTHONHASHSEED=0",
        "--require-hashes",
        "--sort=name",
        "--owner=0 --group=0 --numeric-owner",
        "gzip -9 -n",
        "packaging/smoke-test.sh",
        "cyclonedx-py",
        "SHA256SUMS",
        "packaging/verify.sh",
        "NOT SIGNED FOR RELEASE",
    ):
        assert needle in script, needle


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck is not installed")
def test_shell_scripts_pass_shellcheck() -> None:
    scripts = [*PACKAGING.glob("*.sh"), *PACKAGING.glob("*/*.sh")]
    result = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


# ---- installers and the release workflow ---------------------------------------------------


def test_workflow_pins_actions_by_commit_and_takes_secrets_from_the_store() -> None:
    workflow = text(WORKFLOW)
    uses = re.findall(r"uses:\s*(\S+)", workflow)
    assert uses
    for use in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use), f"not pinned by SHA: {use}"
    assert "secrets.PORTFOLIO_SIGNING_KEY" in workflow
    assert "persist-credentials: false" in workflow
    assert not re.search(r"(?i)-----BEGIN [A-Z ]*PRIVATE KEY", workflow)


def test_windows_installer_is_per_user_signed_and_verified() -> None:
    build = text(PACKAGING / "windows" / "build.ps1")
    assert re.search(r'"sign", "/fd", "sha256".*"/tr", \$timestamp, "/td", "sha256"', build, re.S)
    assert '"verify", "/pa"' in build
    assert "/VERYSILENT" in build and "/SUPPRESSMSGBOXES" in build and "/NORESTART" in build
    iss = text(PACKAGING / "windows" / "portfolio.iss")
    assert "PrivilegesRequired=lowest" in iss
    assert 'Subkey: "Software\\Classes\\.portfolio"' in iss
    assert "ChangesAssociations=yes" in iss


def test_macos_app_is_hardened_notarized_and_stapled() -> None:
    script = text(PACKAGING / "macos" / "build.sh")
    assert "notarytool submit" in script and "--wait" in script
    assert "stapler staple" in script and "stapler validate" in script
    spec = text(PACKAGING / "portfolio.spec")
    assert '"public.filename-extension": ["portfolio"]' in spec


def test_linux_desktop_entry_opens_portfolio_packages() -> None:
    desktop = text(PACKAGING / "linux" / "apprentice-portfolio.desktop")
    mime = text(PACKAGING / "linux" / "apprentice-portfolio-mime.xml")
    assert "Exec=portfolio open %f" in desktop
    assert "MimeType=application/x-apprentice-portfolio;" in desktop
    assert 'type="application/x-apprentice-portfolio"' in mime and '"*.portfolio"' in mime
    if shutil.which("desktop-file-validate"):
        path = PACKAGING / "linux" / "apprentice-portfolio.desktop"
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True)
        assert result.returncode == 0, result.stdout


def test_open_command_is_what_the_file_associations_run() -> None:
    args = build_parser().parse_args(["open", "from-my-apprentice.portfolio"])
    assert args.command == "open" and args.path == "from-my-apprentice.portfolio"


@pytest.mark.parametrize("size", [16, 32, 48, 64, 128, 256, 512])
def test_icons_are_real_pngs_of_their_size(size: int) -> None:
    data = (ROOT / "resources" / "icons" / f"portfolio-{size}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (size, size)


# ---- signed checksums: sign, then check as an IT team would ---------------------------------


def run_sigtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PACKAGING / "sigtool.py"), *args], capture_output=True, text=True
    )


def make_release(folder: Path, key_name: str) -> str:
    """A miniature release folder like build-linux.sh writes; returns the key fingerprint."""
    folder.mkdir()
    top = folder / "apprentice-portfolio-0.1.0-linux-x86_64"
    (top / "_internal").mkdir(parents=True)
    (top / "portfolio").write_text("#!/bin/sh\n")
    with tarfile.open(folder / f"{top.name}.tar.gz", "w:gz") as tar:
        tar.add(top, arcname=top.name)
    shutil.rmtree(top)
    (folder / f"{top.name}.cdx.json").write_text(json.dumps({"bomFormat": "CycloneDX"}))
    names = sorted(p.name for p in folder.iterdir())
    sums = subprocess.run(["sha256sum", "--", *names], cwd=folder, capture_output=True, text=True)
    (folder / "SHA256SUMS").write_text(sums.stdout)
    key = folder.parent / "key.pem"
    assert run_sigtool("keygen", str(key), str(folder / key_name)).returncode == 0
    signed = run_sigtool("sign", str(folder / "SHA256SUMS"), str(folder / "SHA256SUMS.sig"),
                         "--key-file", str(key))  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    return signed.stdout.strip()


def verify(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(PACKAGING / "verify.sh"), str(folder), *args], capture_output=True, text=True
    )


@needs_release_tools
def test_verify_accepts_an_intact_release_signed_by_the_pinned_key(tmp_path: Path) -> None:
    release = tmp_path / "release"
    fingerprint = make_release(release, "release-signing-key.pub.pem")
    result = verify(release, "--fingerprint", fingerprint)
    assert result.returncode == 0, result.stderr
    assert f"signed by {fingerprint}" in result.stdout


@needs_release_tools
def test_verify_refuses_another_key_a_changed_file_or_an_unlisted_one(tmp_path: Path) -> None:
    release = tmp_path / "release"
    make_release(release, "release-signing-key.pub.pem")
    assert verify(release, "--fingerprint", "0" * 64).returncode == 1

    tarball = next(release.glob("*.tar.gz"))
    original = tarball.read_bytes()
    tarball.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    changed = verify(release)
    assert changed.returncode == 1 and "does not match SHA256SUMS" in changed.stderr
    tarball.write_bytes(original)

    (release / "extra.exe").write_text("not ours")
    extra = verify(release)
    assert extra.returncode == 1 and "extra.exe is not listed" in extra.stderr


@needs_release_tools
def test_verify_refuses_a_forged_signature(tmp_path: Path) -> None:
    release = tmp_path / "release"
    make_release(release, "release-signing-key.pub.pem")
    with (release / "SHA256SUMS").open("a") as fh:
        fh.write(f"{'0' * 64}  evil.tar.gz\n")
    result = verify(release)
    assert result.returncode == 1 and "signature" in result.stderr


@needs_release_tools
def test_a_throwaway_signed_build_is_refused_unless_asked_for(tmp_path: Path) -> None:
    release = tmp_path / "release"
    make_release(release, "THROWAWAY-KEY-UNSIGNED-FOR-RELEASE.pub.pem")
    refused = verify(release)
    assert refused.returncode == 1 and "NOT SIGNED FOR RELEASE" in refused.stderr
    assert verify(release, "--allow-throwaway").returncode == 0


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl")
def test_signatures_are_plain_ed25519_that_openssl_checks(tmp_path: Path) -> None:
    key, public, data, sig = (tmp_path / n for n in ("k.pem", "k.pub.pem", "SHA256SUMS", "s"))
    data.write_text("abc  file\n")
    assert run_sigtool("keygen", str(key), str(public)).returncode == 0
    assert run_sigtool("sign", str(data), str(sig), "--key-file", str(key)).returncode == 0
    checked = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(public), "-rawin",
         "-in", str(data), "-sigfile", str(sig)],
        capture_output=True,
    )  # fmt: skip
    assert checked.returncode == 0
    assert oct(key.stat().st_mode & 0o777) == "0o600"


# ---- the SBOM lists what was bundled, not the build tools -----------------------------------


def test_sbom_keeps_bundled_packages_and_adds_the_runtime(tmp_path: Path) -> None:
    sys.path.insert(0, str(PACKAGING))
    try:
        import sbom
    finally:
        sys.path.remove(str(PACKAGING))
    bom = {
        "metadata": {"component": {"bom-ref": "root-component", "name": "apprentice-portfolio"}},
        "components": [
            {"bom-ref": "SQLAlchemy==2", "name": "SQLAlchemy", "version": "2"},
            {"bom-ref": "pytest==8", "name": "pytest", "version": "8"},
        ],
        "dependencies": [
            {"ref": "root-component", "dependsOn": ["SQLAlchemy==2", "pytest==8"]},
            {"ref": "pytest==8", "dependsOn": []},
        ],
    }
    result = sbom.cut(bom, {"modules": ["sqlalchemy"], "binaries": []}, tmp_path, "abc123")
    names = {c["name"] for c in result["components"]}
    assert "SQLAlchemy" in names and "pytest" not in names
    assert {"CPython", "pyinstaller-bootloader"} <= names
    root = next(d for d in result["dependencies"] if d["ref"] == "root-component")
    assert "pytest==8" not in root["dependsOn"] and "SQLAlchemy==2" in root["dependsOn"]
    assert {"name": "portfolio:git-commit", "value": "abc123"} in result["metadata"]["component"][
        "properties"
    ]


# ---- central settings for IT ---------------------------------------------------------------


@pytest.fixture
def policy(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "policy.json"
    monkeypatch.setenv("PORTFOLIO_POLICY_FILE", str(path))
    return path


def test_a_locked_policy_value_wins_and_is_shown_as_managed(policy: Path, capsys) -> None:
    policy.write_text(
        json.dumps(
            {
                "settings": {"backup_folder": "/srv/portfolio-backups", "backup_keep_recent": 20},
                "locked": ["backup_folder"],
            }
        )
    )
    user_file = Path(os.environ["PORTFOLIO_CONFIG_DIR"]) / "settings.json"
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.write_text(json.dumps({"backup_folder": "/home/me/bk", "heatmap_target": 2}))

    assert main(["settings", "--json"]) == 0
    shown = {s["name"]: s for s in json.loads(capsys.readouterr().out)["settings"]}
    assert shown["backup_folder"]["value"] == "/srv/portfolio-backups"
    assert shown["backup_folder"]["managed"] is True
    assert shown["backup_keep_recent"]["source"] == "policy"  # IT's default, user may change it
    assert shown["heatmap_target"]["source"] == "user"
    assert shown["export_page_size"]["source"] == "default"

    assert main(["settings"]) == 0
    table = capsys.readouterr().out
    assert re.search(r"Backup folder\s+/srv/portfolio-backups\s+managed by IT", table)


def test_the_ui_notice_names_the_managed_settings(policy: Path) -> None:
    assert managed_notice(load_settings()) == ""
    policy.write_text(json.dumps({"settings": {}, "locked": ["backup_folder", "portfolio_folder"]}))
    notice = managed_notice(load_settings())
    assert notice.startswith("Managed by your organisation:")
    assert "Backup folder" in notice and "Folder for new portfolios" in notice
    assert [s.name for s in describe_settings() if s.managed] == [
        "portfolio_folder",
        "backup_folder",
    ]


def test_a_broken_policy_file_is_ignored_not_fatal(policy: Path, capsys) -> None:
    policy.write_text("{not json")
    assert main(["settings", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert not any(s["managed"] for s in shown["settings"])
    assert load_settings() == Settings()


# ---- the real thing: build the Linux bundle from HEAD and smoke-test it ------------------------


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("PORTFOLIO_BUILD_TEST") != "1" or not sys.platform.startswith("linux"),
    reason="builds for minutes and downloads wheels: set PORTFOLIO_BUILD_TEST=1 to run it",
)
def test_linux_bundle_builds_from_a_clean_clone_and_passes_its_smoke_test(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    build = subprocess.run(
        ["bash", "packaging/build-linux.sh"], cwd=clone, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr[-4000:]
    assert "smoke: OK" in build.stderr
    dist = clone / "dist"
    assert len(list(dist.glob("apprentice-portfolio-*-linux-*.tar.gz"))) == 1
    assert len(list(dist.glob("*.cdx.json"))) == 1
    assert (dist / "SHA256SUMS.sig").is_file()
    assert verify(dist, "--allow-throwaway").returncode == 0
