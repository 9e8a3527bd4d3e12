# The README's two commands are `make run` and `make test`; both set up .venv first if it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint typecheck unit bench clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

# The official Node.js clients' tests (tests/fc/test_node_clients.py) run tests/node with its locked packages.
# Without npm the Makefile installs nothing and those tests skip, saying why (CI has node and npm).
NPM := $(shell command -v npm 2>/dev/null)
NODE_STAMP := tests/node/node_modules/.installed
ifneq ($(NPM),)
NODE_DEPS := $(NODE_STAMP)
endif

$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json
	cd tests/node && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

setup: $(STAMP) $(NODE_DEPS)

run: $(STAMP)
	$(BIN)/vodfc up

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/vodfc generate --check

# mypy finds vodfc.emulator through links named like the installed package (see pyproject.toml).
TYPECHECK_TREE := build/typecheck/vodfc

typecheck: $(STAMP)
	mkdir -p $(TYPECHECK_TREE)
	ln -sfn ../../../vodfc/__init__.py $(TYPECHECK_TREE)/__init__.py
	ln -sfn ../../../emulator $(TYPECHECK_TREE)/emulator
	ln -sfn ../../../shared $(TYPECHECK_TREE)/shared
	$(BIN)/mypy

unit: $(STAMP) $(NODE_DEPS)
	$(BIN)/pytest -n 2 -q

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/node/node_modules
