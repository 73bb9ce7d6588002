# Laporin — two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test setup model migrate lint format actions bench clean

$(INSTALLED): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

setup: $(INSTALLED)

# The Telegram Bot API emulator (npm telegram-test-api) for the end-to-end tests.
TG_EMULATOR := tests/support/telegram_api/node_modules/.package-lock.json
$(TG_EMULATOR): tests/support/telegram_api/package-lock.json
	npm ci --prefix tests/support/telegram_api --no-audit --no-fund

# htmx and Leaflet for the staff workspace, from the npm registry (workspace/assets).
ASSETS := workspace/assets/node_modules/.package-lock.json
$(ASSETS): workspace/assets/package-lock.json
	npm ci --prefix workspace/assets --no-audit --no-fund

# Debian's Chromium for the workspace's browser tests (Playwright drives it; it
# cannot download a browser of its own here).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
$(CHROMIUM):
	$(SUDO) apt-get update -q
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver

# Trains the NLU model only when its data or config.yml changed.
model: setup
	$(PY) -m nlu train --if-needed

migrate: setup
	$(PY) -m bot migrate

run: model migrate $(ASSETS)
	$(PY) -m bot run

# Both cores (pytest-xdist): each worker has its own SQLite files and PostgreSQL
# database. PYTEST_ARGS= runs it serially.
PYTEST_ARGS ?= -n 2
test: model $(TG_EMULATOR) $(ASSETS) $(CHROMIUM) lint
	$(PY) -m pytest $(PYTEST_ARGS)

# Style, types and the layers (import-linter contracts in pyproject.toml).
lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(PY) -m mypy

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The same actions over HTTP for a Rasa server: POST /webhook on port 5055.
actions: setup
	$(PY) -m rasa_sdk --actions actions

clean:
	rm -rf $(VENV) nlu/models .pytest_cache .mypy_cache .ruff_cache tests/support/telegram_api/node_modules workspace/assets/node_modules

# Speed and memory, written to docs/benchmarks.md with the machine and date.
bench: model $(ASSETS)
	$(PY) -m bench.run
