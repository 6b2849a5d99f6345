# The two commands of the README, `make demo` and `make test`, set everything up themselves,
# idempotently, on a fresh Debian machine: the virtual environment, Python packages and
# the Debian packages each target needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)
DEBIAN_BENCH := nginx-light wget
# Debian packages the audit itself uses (browser for mobile checks, dictionaries for the
# spelling fallback; PostgreSQL and redis-server for the history and fleet tests, started by
# the tests on free ports). Each family adds what it needs here.
DEBIAN_PACKAGES := chromium postgresql redis-server libnss3-tools fonts-liberation fonts-dejavu-core hunspell-nl hunspell-en-us hunspell-en-gb libenchant-2-2
# Set-up scripts of collectors that need more than a Debian package (e.g. LanguageTool
# from Maven Central); each is idempotent and run on every `make setup`.
SETUP_SCRIPTS := scripts/setup-languagetool.sh scripts/setup-sarif-schema.sh

.PHONY: setup system demo test lint bench dist clean

setup: $(STAMP) system

system:
	@scripts/setup-system.sh $(DEBIAN_PACKAGES)
	@for script in $(SETUP_SCRIPTS); do $$script || exit 1; done

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

demo: setup
	$(PY) examples/run_demo.py --out demo-output

test: setup
	$(PY) -m pytest -q

# ruff (style, complexity), import-linter (the layering contract in .importlinter: collect ->
# store -> checks -> reporters, nothing imports the CLI), mypy on auditor/ and checks/.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

bench: setup
	scripts/setup-system.sh $(DEBIAN_BENCH)
	bash bench/run.sh

# A wheel of this checkout in dist/ (the package is not on PyPI): what contrib/README.md installs.
dist: setup
	rm -rf dist
	$(PY) -m pip wheel -q --no-deps --no-build-isolation -w dist .

clean:
	rm -rf demo-output .pytest_cache .ruff_cache dist
