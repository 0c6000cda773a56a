#!/usr/bin/env bash
# `make deps-latest`: install the NEWEST versions pyproject.toml allows into a separate venv
# (.venv-latest; the locked .venv is left alone), run the linters and the test suite there, and
# report which packages moved past the lock and what broke. Exit status 0 when everything
# passes: then `packaging/lock.sh --upgrade` can move the locks forward.
# Extra arguments go to pytest (e.g. `bash packaging/deps-latest.sh tests/test_pdf_export.py`).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
python=${PYTHON:-python3}
venv=${LATEST_VENV:-.venv-latest}
report=$venv/report.txt

rm -rf -- "$venv"
"$python" -m venv "$venv" || exit 1
"$venv/bin/python" -m pip install --quiet --upgrade pip setuptools wheel || exit 1
if ! "$venv/bin/python" -m pip install --quiet --upgrade --upgrade-strategy eager -e ".[dev]"; then
  echo "deps-latest: the newest allowed versions do not install together (see above)" >&2
  exit 1
fi

# Which pins the newest versions differ from (name==version of the dev lock vs installed).
"$venv/bin/python" - packaging/requirements-dev.lock >"$report" <<'PY'
import re
import sys
from importlib import metadata

def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()

locked = {}
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"^([A-Za-z0-9._-]+)==([^ ;\\]+)", line)
    if m:
        locked[norm(m.group(1))] = m.group(2)
moved = []
for dist in metadata.distributions():
    name = norm(dist.metadata["Name"])
    if name in locked and locked[name] != dist.version:
        moved.append(f"  {name}: locked {locked[name]} -> newest {dist.version}")
print("Packages newer than the lock:" if moved else "Every package is at its locked version.")
print("\n".join(sorted(moved)))
PY

status=0
step() {
  local label=$1
  shift
  if "$@" >"$venv/$label.log" 2>&1; then
    echo "PASS  $label" >>"$report"
  else
    status=1
    echo "FAIL  $label (log: $venv/$label.log)" >>"$report"
    tail -n 25 "$venv/$label.log" | sed 's/^/      /' >>"$report"
  fi
}
step ruff "$venv/bin/ruff" check .
step ruff-format "$venv/bin/ruff" format --check .
step mypy "$venv/bin/mypy"
step pytest env QT_QPA_PLATFORM=offscreen \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
echo
echo "== make deps-latest: newest allowed versions =="
cat "$report"
exit $status
