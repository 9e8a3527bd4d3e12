# The README's two commands are `make run` and `make test`; each sets up .venv for itself on first use and
# installs only what it needs (see "Installing" in docs/development.md):
#
#   make run    the project with the emulator extra               (.venv/.run)
#   make test   + the test and lint groups                        (.venv/.test)
#   make bench  + the bench group (moto, boto3)                   (.venv/.bench)
#
# pyproject.toml says what is needed (ranges); constraints.txt says which versions (every package pinned,
# indirect ones too), so CI and every developer get the same set. `make lock` rewrites it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := constraints.txt
# pip's own output is the progress report: one line per package, no -q (a first install takes ~1 min).
PIP := $(BIN)/python -m pip
INSTALL := $(PIP) install --constraint $(LOCK) --progress-bar off

.PHONY: deploy-tools setup run test lint typecheck unit bench soak memory lock clean

# A venv whose pip knows PEP 735 dependency groups (pip 25.1 or newer).
$(VENV)/.pip:
	@printf '\n==> %s\n' "creating $(VENV): a first install takes about a minute; pip shows its progress"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --progress-bar off --disable-pip-version-check "pip>=25.1"
	touch $@

$(VENV)/.run: $(VENV)/.pip pyproject.toml $(LOCK)
	@printf '\n==> %s\n' "installing vodfc with its emulator (the Aliyun SDKs, Flask, waitress, PyAV, oss2, fc2)"
	$(INSTALL) --editable ".[emulator]"
	touch $@

$(VENV)/.test: $(VENV)/.run
	@printf '\n==> %s\n' "installing the test and lint tools (pytest, hypothesis, the Tea SDK, ruff, mypy)"
	$(INSTALL) --group test --group lint
	touch $@

$(VENV)/.bench: $(VENV)/.run
	@printf '\n==> %s\n' "installing the benchmark tools (moto, boto3)"
	$(INSTALL) --group bench
	touch $@

# The official Node.js clients' tests (tests/emulator/fc/test_node_clients.py, tests/emulator/protocol/
# test_node_*.py) run tests/node with its locked packages (npm ci). Without npm nothing is installed and
# those tests skip, saying why; CI has npm.
NPM := $(shell command -v npm 2>/dev/null)
NODE_STAMP := tests/node/node_modules/.installed
ifneq ($(NPM),)
NODE_DEPS := $(NODE_STAMP)
endif

$(NODE_STAMP): tests/node/package.json tests/node/package-lock.json
	@printf '\n==> %s\n' "installing the Node.js VOD and FC clients for their tests (npm ci in tests/node)"
	cd tests/node && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# The real deployment tools (Serverless Devs 3's `s`, Funcraft's `fun`; about 250 MB of npm packages) for
# tests/emulator/project/test_real_tools.py. Only CI installs them (.ci/run); elsewhere those tests skip, saying so.
TOOLS := tests/emulator/project/tools
$(TOOLS)/node_modules/.installed: $(TOOLS)/package.json $(TOOLS)/package-lock.json
	@printf '\n==> %s\n' "installing the deployment tools s and fun (npm ci in $(TOOLS))"
	cd $(TOOLS) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

deploy-tools: $(TOOLS)/node_modules/.installed

# Everything a developer uses (the helpers' setup).
setup: $(VENV)/.test $(VENV)/.bench $(NODE_DEPS)

run: $(VENV)/.run
	$(BIN)/vodfc up

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/vodfc generate --check

# mypy finds vodfc.emulator through links named like the installed package (see pyproject.toml).
TYPECHECK_TREE := build/typecheck/vodfc

typecheck: $(VENV)/.test
	mkdir -p $(TYPECHECK_TREE)
	ln -sfn ../../../vodfc/__init__.py $(TYPECHECK_TREE)/__init__.py
	ln -sfn ../../../emulator $(TYPECHECK_TREE)/emulator
	ln -sfn ../../../shared $(TYPECHECK_TREE)/shared
	$(BIN)/mypy

unit: $(VENV)/.test $(NODE_DEPS)
	$(BIN)/pytest -n 2 -q

test: lint typecheck unit

bench: $(VENV)/.bench
	$(BIN)/python -m benchmarks

# kill -9 durability and mixed load, about two minutes (CI runs `--short`); memory over 200k signed calls.
soak: $(VENV)/.test
	$(BIN)/python -m benchmarks.soak

memory: $(VENV)/.test
	$(BIN)/python -m benchmarks.memory --strict

# Re-resolve every dependency to the newest version pyproject.toml allows, in a scratch venv, and pin
# the result (review the diff, then `make test`).
LOCK_VENV := build/lock-venv

lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --progress-bar off "pip>=25.1"
	$(LOCK_VENV)/bin/python -m pip install --progress-bar off ".[emulator]" --group test --group lint --group bench
	{ sed -n '/^#/p' $(LOCK); $(LOCK_VENV)/bin/python -m pip freeze --exclude vodfc; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf $(LOCK_VENV)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build tests/node/node_modules
