# The two commands of the README, `make demo` and `make test`, set everything up themselves,
# idempotently, on a fresh Debian machine: the virtual environment, Python packages and
# the Debian packages each target needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-8)
DEBIAN_BENCH := nginx-light wget

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

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

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	scripts/setup-system.sh $(DEBIAN_BENCH)
	bash bench/run.sh

clean:
	rm -rf demo-output .pytest_cache .ruff_cache
