#!/usr/bin/env bash
# Refresh the hash-pinned lock files the release builds install from.
#   requirements-runtime.lock  what the app needs (from pyproject.toml): what gets bundled
#   requirements-build.lock    PyInstaller and the SBOM tool, constrained to the same versions
# Uses uv (a maintainer tool, not needed to build) because it resolves one "universal" lock
# with environment markers, so the same file installs on Linux, Windows and macOS.
# usage: packaging/lock.sh            (needs `uv` on PATH: pip install uv)
set -euo pipefail
cd "$(dirname "$0")/.."
common=(--universal --python-version 3.11 --generate-hashes --no-header --annotation-style line)
uv pip compile "${common[@]}" pyproject.toml -o packaging/requirements-runtime.lock
uv pip compile "${common[@]}" packaging/requirements-build.in -o packaging/requirements-build.lock
