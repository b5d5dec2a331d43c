# rwc — two commands: `make demo` and `make test`.
# Everything installs into $(VENV); a stamp file makes the second run skip the install.

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# Prefer python3.11 (the project's floor); fall back to whatever python3 is.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)

# The editable install maps only the top-level packages that exist when it runs, so the stamp's name
# lists them: when screens/, widgets/ or themes/ appears, the name changes and the install runs again.
TOP_LEVEL_PACKAGES := $(wildcard console screens widgets themes)
STAMP := $(subst $(eval) ,-,$(strip $(TOP_LEVEL_PACKAGES)))
INSTALLED := $(VENV)/.installed-test-$(STAMP)

PYTEST_ARGS ?=
# Test processes in parallel (pytest-xdist); CI machines have 2 cores and most UI tests wait on I/O.
PYTEST_WORKERS ?= 3
RWC_ARGS ?=

.PHONY: all install demo test lint fmt bench clean help

all: test

help:
	@echo "make demo    run rwc against the built-in simulator (no cluster needed)"
	@echo "make test    ruff check, mypy, then pytest (PYTEST_ARGS='-k name' to narrow)"
	@echo "make lint    ruff check only"
	@echo "make fmt     ruff format and ruff check --fix"
	@echo "make bench   run the benchmarks (start-up, scale, idle; a few minutes)"
	@echo "make clean   remove the venv, caches and build output"

$(PY):
	@test -n "$(PYTHON)" || { echo "error: python3.11 or python3 not found on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(INSTALLED): pyproject.toml | $(PY)
	@rm -f $(VENV)/.installed-*
	$(PIP) install -q -e '.[test]'
	@touch $@

install: $(INSTALLED)

demo: $(INSTALLED)
	$(VENV)/bin/rwc --demo $(RWC_ARGS)

test: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: $(INSTALLED)
	$(VENV)/bin/ruff check .

fmt: $(INSTALLED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(INSTALLED)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache snapshot_report.html
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
