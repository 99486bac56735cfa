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

# Demo mode: the demo accounts (DESIGN section 7) sign in with RECTIFY_DEMO_PASSWORD. Off elsewhere.
run bench: export RECTIFY_DEMO_MODE ?= 1

# Chromium, a CJK font and LibreOffice, from Debian's packages, for the browser and document tests.
system-deps:
	scripts/system-deps.sh

run: install
	$(BIN)/rectify migrate --noinput
	$(BIN)/rectify demo --once
	$(BIN)/rectify serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two test processes, each given whole test files (--dist loadfile): a file's module fixtures (the test world,
# the demo district, the permission matrix) are built on one process, not on both.
test: install system-deps lint
	$(BIN)/rectify makemigrations --check --dry-run
	$(BIN)/pytest -n 2 --dist loadfile

# `make bench` runs every bench/bench_*.py; `make bench ONLY=load` (or ONLY="pages exchange") runs those alone.
ONLY ?=
bench: install
	$(BIN)/python bench/run.py $(ONLY)

clean:
	rm -rf $(VENV) var build *.egg-info
