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
	@$(VENV)/bin/portfolio

## Install (first time) and run the whole test suite, with the linters.
test: $(STAMP) lint pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The PDF tests run twice: with the fast paths of app/export/reportlab_private.py, and with
# stock reportlab (what an untested reportlab version gets).
PDF_TESTS := tests/test_pdf*.py tests/test_export_pdf_cli.py tests/test_progress_pdf.py \
	tests/test_export_profiles.py

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest
	QT_QPA_PLATFORM=offscreen PORTFOLIO_STOCK_REPORTLAB=1 $(PY) -m pytest -q $(PDF_TESTS)

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

## Try the newest versions pyproject.toml allows, in a separate venv, and report what breaks.
deps-latest:
	bash packaging/deps-latest.sh

clean:
	rm -rf $(VENV) .venv-latest build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
