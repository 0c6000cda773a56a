#!/usr/bin/env bash
# Refresh the hash-pinned lock files that development, CI and the release builds install from.
#   requirements-runtime.lock  what the app needs (from pyproject.toml): what gets bundled
#   requirements-dev.lock      the same runtime pins, plus pyproject's "dev" extra and the build
#                              backend: what `make test`, `make run` and .ci/run install
#   requirements-build.lock    PyInstaller and the SBOM tool, constrained to the same versions
# Uses uv (a maintainer tool, not needed to build) because it resolves one "universal" lock
# with environment markers, so the same file installs on Linux, Windows and macOS.
# Existing pins are kept (uv reads the current lock as its starting point), so after adding a
# dependency to pyproject.toml the diff only adds what the new package brings.
# usage: packaging/lock.sh                  (needs `uv` on PATH: pip install uv)
#        packaging/lock.sh --upgrade        move every pin to the newest allowed version
set -euo pipefail
cd "$(dirname "$0")/.."
common=(--universal --python-version 3.11 --generate-hashes --no-header --annotation-style line
  "$@")
uv pip compile "${common[@]}" pyproject.toml -o packaging/requirements-runtime.lock
uv pip compile "${common[@]}" pyproject.toml --extra dev packaging/requirements-dev.in \
  -o packaging/requirements-dev.lock
uv pip compile "${common[@]}" packaging/requirements-build.in -o packaging/requirements-build.lock
