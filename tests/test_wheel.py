"""`pip install .` gives a working application: the wheel carries resources and migrations.

Builds the wheel from a copy of the checkout, installs it into a fresh venv outside the
checkout and drives the installed `portfolio` script there: init, item add with an image,
export pdf, export package, verify. Runs in `make test` (about 20 s).

The fresh venv gets the wheel itself with `pip install --no-deps --no-index`; its
dependencies come from this test's own environment (installed from the hashed
packaging/requirements-dev.lock) through a .pth line, so no network and no second 300 MB
install are needed. A .pth line only adds that folder to sys.path: the checkout's editable
install registered there is not activated, and the test checks that `app` and every resource
are read from the fresh venv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
BIN = "Scripts" if os.name == "nt" else "bin"
WHEEL_INPUTS = ("app", "resources", "pyproject.toml", "setup.py", "README.md")

pytestmark = pytest.mark.slow


def _pip(*args: str, cwd: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip install .` would build, made from a copy (no build/ left in the checkout)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in WHEEL_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    out = work / "dist"
    _pip(
        "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), ".", cwd=source
    )
    (built,) = out.glob("apprentice_portfolio-*.whl")
    return built


def test_the_wheel_carries_every_resource_and_migration(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    resources = [p for p in (ROOT / "resources").rglob("*") if p.is_file()]
    assert resources
    missing = [
        str(p.relative_to(ROOT))
        for p in resources
        if f"app/_resources/{p.relative_to(ROOT / 'resources').as_posix()}" not in names
    ]
    assert missing == []
    migrations = ROOT / "app" / "models" / "migrations"
    for path in [migrations / "env.py", *sorted((migrations / "versions").glob("*.py"))]:
        assert path.relative_to(ROOT).as_posix() in names


def test_the_installed_wheel_works_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / BIN / "python"
    _pip("--python", str(python), "install", "--no-deps", "--no-index", str(wheel), cwd=tmp_path)
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The locked dependencies of this test's environment, without its editable `app`.
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "zz_locked_dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")

    home = tmp_path / "home"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PORTFOLIO_DATA_DIR": str(home / "data"),
        "PORTFOLIO_CONFIG_DIR": str(home / "config"),
        "PORTFOLIO_POLICY_FILE": str(tmp_path / "no-policy.json"),
        "QT_QPA_PLATFORM": "offscreen",
        "LC_ALL": "C.UTF-8",
    }
    portfolio_file = tmp_path / "p.sqlite3"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(env_dir / BIN / "portfolio"), "--file", str(portfolio_file), *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"portfolio {' '.join(args)}: {done.stderr}"
        return done

    where = subprocess.run(
        [
            str(python),
            "-c",
            "import app, app.config as c; print(app.__file__); print(c.resource_path('fonts'))",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(env_dir) for p in where), where

    run("init", "--framework", "ST0825", "--name", "Wheel Tëster", "--uln", "1234567899")
    picture = tmp_path / "pipeline.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(picture)
    body = tmp_path / "body.md"
    body.write_text("Built a *CI* pipeline for Łódź.\n", encoding="utf-8")
    added = run(
        "item", "add", "--title", "CI pipeline", "--date", "2026-03-02", "--ksb", "K1,S14",
        "--body-file", str(body), "--attach", str(picture), "--status", "ready",
    )  # fmt: skip
    assert added.stdout.strip() == "E001"

    run("export", "pdf", str(tmp_path / "out.pdf"))
    reader = PdfReader(tmp_path / "out.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "CI pipeline" in text and "Łódź" in text
    assert any(page.images for page in reader.pages)  # the attached picture is in the PDF

    run("export", "package", str(tmp_path / "out.portfolio"))
    verified = run("verify", str(tmp_path / "out.portfolio"))
    assert "OK" in verified.stdout
    listed = json.loads(run("item", "list", "--json").stdout)
    assert [item["ref"] for item in listed] == ["E001"]
