# Every target that needs tools creates .venv itself, and rebuilds it when
# pyproject.toml changes, so a fresh clone needs nothing but Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.ready
BASE_URL ?=
DEST ?=

.DEFAULT_GOAL := help
.PHONY: help demo test lint typecheck check-generated generate pytest mock contract bench vendor dist clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(READY): pyproject.toml wrapper/tradovate_liquidate/_version.py
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed: make PYTHON=python3.11 ...")'
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e . --group dev  # PEP 735 groups: pip 25.1+
	touch $@

demo: $(READY) ## liquidate positions on the embedded fake Tradovate
	@$(BIN)/python tools/demo.py

test: lint typecheck check-generated pytest ## everything CI runs: lint, types, generated/ drift, tests

lint: $(READY) ## ruff on the hand-written code
	$(BIN)/ruff check wrapper tests tools
	$(BIN)/ruff format --check wrapper tests tools

typecheck: $(READY) ## mypy --strict on wrapper/
	$(BIN)/mypy

check-generated: $(READY) ## fail when generated/ (or the sync client) differs from its source
	$(BIN)/python tools/generate.py --check
	$(BIN)/python tools/unasync.py --check

generate: $(READY) ## rewrite generated/ from the spec, and _client.py from _async_client.py
	$(BIN)/python tools/generate.py
	$(BIN)/python tools/unasync.py

pytest: $(READY) ## the test suite
	$(BIN)/pytest -q

mock: $(READY) ## serve the fake Tradovate on loopback until Ctrl-C (PORT=8000)
	$(BIN)/python -m tradovate_liquidate.testing --host 127.0.0.1 --port $(or $(PORT),8000)

contract: $(READY) ## schemathesis CLI against BASE_URL (default: a fake it starts); reports in reports/
	BASE_URL='$(BASE_URL)' $(BIN)/python tools/contract.py

bench: $(READY) ## benchmarks side by side (not part of make test); writes reports/bench.json
	PYTHONPATH=tools $(BIN)/python -m bench $(ONLY)

vendor: ## copy the client into your project: make vendor DEST=theirapp/_vendor
	@test -n "$(DEST)" || { echo "usage: make vendor DEST=path/to/their_package/_vendor"; exit 2; }
	$(PYTHON) tools/vendor.py '$(DEST)'

dist: $(READY) ## build the wheel and the sdist into dist/
	rm -rf dist
	$(BIN)/python -m build --outdir dist .

clean: ## remove the virtualenv and reports
	rm -rf $(VENV) reports build dist
