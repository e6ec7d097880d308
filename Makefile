# `make run` and `make test` work on a fresh machine with Python 3.11+: they build .venv from this project's files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format bench seed clean constraints web

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "Installing virtool-api and its pinned dependencies into $(VENV) (a minute or two the first time):"
	$(BIN)/python -m pip install --progress-bar off -e '.[dev]' -c constraints.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/virtool-api serve

# The suite runs in TEST_WORKERS pytest-xdist processes, each on databases of its own (tests/support/workers.py).
# Four by default on this project's 2-core machines and CI: its tests wait on server processes, tools and browsers
# for a good part of their time, which the extra workers fill (the whole suite on a quiet machine: 197 to 202 s on
# three, 182 to 209 s on four; docs/testing.md). Not `-n auto`: it counts the host's CPUs even where a container gets
# fewer, and each worker takes a Redis database counting down from VIRTOOL_TEST_REDIS_URL's. `TEST_WORKERS=0` runs
# in one process. `--dist loadfile` runs each module whole, in order, on one worker: modules share a server or a
# browser across their tests (module-scoped fixtures) and the web client's tests build on each other.
# `--no-loadscope-reorder` hands the modules out in the suite's order, the long ones (marked `slow`) first
# (tests/conftest.py). (`loadgroup` would be finer, but pytest-xdist 3.8's `xdist_group` does nothing on pytest
# 9.2, whose node ids it can no longer rewrite.)
TEST_WORKERS ?= 4

test: $(STAMP)
	$(BIN)/python -m pytest -q -rs -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder  # -rs: why each skipped test was skipped

# The web client's tools (esbuild, Biome), pinned in package-lock.json and installed by npm into node_modules/.
# Only building the bundle and `make lint` need them (and Node and npm); running the server does not.
NODE_STAMP := node_modules/.installed-stamp

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Rebuild virtool_api/web/static/app/client.js after changing virtool_api/web/client/ (tests/web/test_web_bundle.py
# fails while the committed bundle differs from its sources).
web: $(NODE_STAMP)
	node virtool_api/web/build.mjs

# actionlint (with shellcheck, when installed, for `run:` steps) and zizmor (offline: no GitHub API calls) keep
# the CI workflow valid, pinned and least-privileged.
lint: $(STAMP) $(NODE_STAMP)
	node_modules/.bin/biome ci
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/actionlint .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-progress .github/workflows/

format: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	node_modules/.bin/biome check --write

bench: $(STAMP)
	$(BIN)/python bench/files.py

seed: $(STAMP)
	$(BIN)/virtool-api dev seed

constraints: $(STAMP)
	$(BIN)/python -m pip install --quiet --upgrade -e '.[dev]'
	( sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable | grep -v '^virtool' ) > constraints.new
	mv constraints.new constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
