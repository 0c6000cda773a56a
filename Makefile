# The two commands a newcomer needs:  make run  and  make test
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Development and CI install the same hash-pinned versions as the release (packaging/lock.sh
# writes the locks; pyproject.toml keeps the ranges for people installing the package).
# A change to a lock or to pyproject.toml re-installs on the next make.
LOCKS := packaging/requirements-dev.lock packaging/requirements-runtime.lock

.PHONY: run test lint pytest bench deps-latest clean

$(STAMP): pyproject.toml $(LOCKS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r packaging/requirements-dev.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## Install (first time) and open the app on your default portfolio.
run: $(STAMP)
	$(VENV)/bin/portfolio

## Install (first time) and run the whole test suite, with the linters.
test: $(STAMP) lint pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

## Try the newest versions pyproject.toml allows, in a separate venv, and report what breaks.
deps-latest:
	bash packaging/deps-latest.sh

clean:
	rm -rf $(VENV) .venv-latest build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
