# GovHall — two commands: `make demo` and `make test`. `make install` is the shared install step.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := src/govhall/web/static/vendor
BROWSER_PACKAGES := chromium fonts-noto-cjk

.PHONY: install install-test demo docs test lint typecheck pytest pytest-unit pytest-browser browser clean mutation

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"

$(VENV)/.base-installed: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-installed: requirements/test.lock $(VENV)/.base-installed
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.lock
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(VENDOR)/.stamp: node_modules/.package-lock.json
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	touch $@

install: $(VENV)/.base-installed $(VENDOR)/.stamp

install-test: install $(VENV)/.test-installed browser

# Debian's Chromium for the browser tests; installed when missing and we are root.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || [ ! -d /usr/share/fonts/opentype/noto ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium and Chinese fonts for browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null || \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null); \
	  else echo "chromium or fonts-noto-cjk is missing: install Debian's $(BROWSER_PACKAGES) to run the browser tests"; fi; \
	fi

demo: install
	$(BIN)/govhall demo --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m govhall.config.docs --check

# docs/configuration.md is generated from the settings' declarations (config() in src/govhall/config/env.py).
docs: install
	$(BIN)/python -m govhall.config.docs > docs/configuration.md

typecheck: install-test
	$(BIN)/mypy src

PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2

# the suite without the browser tests, in parallel; then the browser tests (one live server, in order)
pytest-unit: install-test
	$(BIN)/pytest -m "not e2e" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

pytest-browser: install-test
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

pytest: pytest-unit pytest-browser

test: lint typecheck pytest

# Mutation testing of the rules (docs/testing.md): slow, so not part of `make test` or CI.
MUTANTS ?= govhall.core.ids* govhall.core.crypto* govhall.cases.transitions* govhall.supervision.rules* \
	govhall.cases.services.submission.x__submitted_with_key* govhall.cases.services.submission.x__idempotent* \
	govhall.cases.services.submission.x_request_digest*
mutation: install-test
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) node_modules $(VENDOR) *.sqlite3
