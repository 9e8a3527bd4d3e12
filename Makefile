# The README's two commands are `make run` and `make test`; both set up .venv first if it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint typecheck unit bench soak memory clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

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

unit: $(STAMP)
	$(BIN)/pytest -n 2 -q

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# kill -9 durability and mixed load, about two minutes (CI runs `--short`); memory over 200k signed calls.
soak: $(STAMP)
	$(BIN)/python -m benchmarks.soak

memory: $(STAMP)
	$(BIN)/python -m benchmarks.memory --strict

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
