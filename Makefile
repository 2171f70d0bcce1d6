# GovHall — two commands: `make demo` and `make test`. `make install` is the shared install step.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
VENDOR := src/govhall/web/static/vendor
BROWSER_PACKAGES := chromium fonts-noto-cjk

.PHONY: install install-test demo test lint typecheck pytest browser clean mutation

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

typecheck: install-test
	$(BIN)/mypy src

PYTEST_ARGS ?=

pytest: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

# Mutation testing of the rules (docs/testing.md): slow, so not part of `make test` or CI.
MUTANTS ?= govhall.core.ids* govhall.core.crypto* govhall.cases.transitions* govhall.supervision.rules* \
	govhall.cases.services.x__submitted_with_key* govhall.cases.services.x__idempotent*
mutation: install-test
	$(BIN)/mutmut run $(MUTANTS)
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) node_modules $(VENDOR) *.sqlite3
