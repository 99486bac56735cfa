# Rectify 审计整改管理系统 — the two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: install system-deps run test lint bench clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(BIN)/.installed

# Chromium, a CJK font and LibreOffice, from Debian's packages, for the browser and document tests.
system-deps:
	scripts/system-deps.sh

# The demo: its accounts of DESIGN section 7 sign in with their password alone.
run: export RECTIFY_DEMO_MODE ?= 1
run: install
	$(BIN)/rectify migrate --noinput
	$(BIN)/rectify demo --once
	$(BIN)/rectify serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install system-deps lint
	$(BIN)/rectify makemigrations --check --dry-run
	$(BIN)/pytest -n 2

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var build *.egg-info
