# Umbrella Brussels — every task a newcomer needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
UV      := $(VENV)/bin/uv
PORT    ?= 8000
MANAGE  := $(PY) manage.py
# PostgreSQL used by `make test` for its second run when one answers.
TEST_DATABASE_URL ?= postgres://127.0.0.1:5432/test
DEMO_PASSWORD ?=

.PHONY: help setup run serve demo test test-sqlite test-postgres fuzz lint bench messages lock clean

help: ## Show this help.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(PY):
	@py=""; for c in python3.13 python3.12 python3.11 python3; do \
	  if command -v $$c >/dev/null && $$c -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then py=$$c; break; fi; \
	done; \
	if [ -z "$$py" ]; then echo "Python 3.11 or newer is needed." >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$py"; $$py -m venv $(VENV)

$(VENV)/.synced: requirements.lock | $(PY)
	@$(PY) -m pip install --quiet --disable-pip-version-check "$$(grep -E '^uv==' requirements.lock | cut -d' ' -f1)"
	$(UV) pip sync --quiet --python $(PY) requirements.lock
	@touch $@

node_modules/.synced: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.synced node_modules/.synced ## Install locked dependencies, then manage.py deploy: migrate, each seed once (Brussels data, directory, report routing, recommendations and rules, the course), translations, VAPID keys (idempotent).
	@mkdir -p var
	$(MANAGE) deploy
	$(MANAGE) check

demo: setup ## Create or reset the demo accounts (password printed below).
	$(MANAGE) demo $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")

serve: ## Serve the web app and its worker on http://127.0.0.1:$(PORT) (foreground).
	PORT=$(PORT) $(MANAGE) serve

run: setup demo ## From a fresh clone: set up, create demo content and serve.
	@$(MAKE) --no-print-directory serve

test: setup ## Run the whole test suite on PostgreSQL (the production engine) and on SQLite, side by side when PostgreSQL answers.
	@if $(PG_ANSWERS) "$${DATABASE_URL:-$(TEST_DATABASE_URL)}"; then \
	  sqlite_log=$$(mktemp); \
	  $(MAKE) --no-print-directory test-sqlite PYTEST_MARKS='-m "not fuzz"' >"$$sqlite_log" 2>&1 & sqlite=$$!; \
	  $(MAKE) --no-print-directory test-postgres PYTEST_MARKS='-m "not own_database"'; pg=$$?; \
	  wait $$sqlite; sqlite_status=$$?; \
	  echo "== the SQLite pass, run beside the PostgreSQL pass:"; cat "$$sqlite_log"; rm -f "$$sqlite_log"; \
	  [ $$pg -eq 0 ] && [ $$sqlite_status -eq 0 ]; \
	else \
	  $(MAKE) --no-print-directory test-postgres && $(MAKE) --no-print-directory test-sqlite; \
	fi

# The two passes share nothing but the machine: each its own database, its
# own Redis prefix (pub/sub channels are server-wide), ports picked free.
# Tests marked own_database never touch the suite's database (they start real
# processes on a SQLite file of their own), so they run once, in the SQLite
# pass; the fuzzing runs once, on PostgreSQL, when it answers. Alone, each
# target runs everything.
PG_ANSWERS = $(PY) -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" 2>/dev/null
PYTEST_MARKS ?=

test-sqlite:
	@echo "== test suite on SQLite $(PYTEST_MARKS)"
	env -u DATABASE_URL -u REDIS_URL REDIS_PREFIX=umbrella-test-sqlite $(PY) -m pytest $(PYTEST_MARKS) $(PYTEST_ARGS)

test-postgres:
	@url="$${DATABASE_URL:-$(TEST_DATABASE_URL)}"; \
	if $(PG_ANSWERS) "$$url"; then \
	  echo "== test suite on PostgreSQL ($$url) $(PYTEST_MARKS)"; \
	  DATABASE_URL="$$url" REDIS_PREFIX=umbrella-test-postgres $(PY) -m pytest $(PYTEST_MARKS) $(PYTEST_ARGS); \
	elif [ -n "$$CI" ]; then \
	  echo "PostgreSQL does not answer at $$url, and CI must test on it." >&2; exit 1; \
	else \
	  echo "== PostgreSQL does not answer at $$url: its run is skipped (CI runs it)."; \
	fi

fuzz: setup ## Fuzz every operation of /api/v1/openapi.json with schemathesis (part of `make test`).
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -m fuzz $(PYTEST_ARGS)

lint: $(VENV)/.synced node_modules/.synced ## Check style, imports, security and i18n rules (ruff), types (mypy), the scripts (eslint) and the migrations.
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	npx --no-install eslint .
	$(MANAGE) makemigrations --check --dry-run

BENCH_DATABASE_URL ?= postgres://127.0.0.1:5432/umbrella_bench

bench: setup ## Run the benchmarks in bench/ (SQLite, then PostgreSQL + Redis when they answer).
	@status=0; for b in bench/*.py; do echo "== $$b"; $(PY) $$b || status=1; done; \
	if $(PY) -c "import sys, psycopg; psycopg.connect(sys.argv[1].rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" "$(BENCH_DATABASE_URL)" 2>/dev/null; then \
	  echo "== bench/alarm_latency.py --postgres-redis"; \
	  DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/alarm_latency.py --postgres-redis || status=1; \
	  echo "== bench/deadline_latency.py --database-url $(BENCH_DATABASE_URL)"; \
	  $(PY) bench/deadline_latency.py --database-url "$(BENCH_DATABASE_URL)" || status=1; \
	else echo "(PostgreSQL does not answer: its runs are skipped)"; fi; exit $$status

messages: $(VENV)/.synced ## Extract translatable strings into locale/*/LC_MESSAGES/django.po.
	$(MANAGE) makemessages --all --no-location --ignore=.venv --ignore=node_modules --ignore=var
	$(MANAGE) makemessages --all --no-location -d djangojs --ignore=.venv --ignore=node_modules --ignore=var

lock: ## Re-lock Python dependencies after editing pyproject.toml.
	$(UV) pip compile pyproject.toml --group dev --generate-hashes --no-emit-index-url \
	  --python-version 3.11 --universal --quiet -o requirements.lock

clean: ## Remove the virtual environment, node_modules and local data.
	rm -rf $(VENV) node_modules var
