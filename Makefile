# Selfpath: `make run` serves the tool with the demo LMS; `make test` runs the linters, every
# test and the coverage gate;
# `make bench` measures speed against a bare Flask "hello" (not part of `make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEPS := $(VENV)/.deps-installed
SQLITE_URL := sqlite:///$(CURDIR)/instance/selfpath.db
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# Each test run has its own Redis database, so that the two runs of `make test` can go at once.
SQLITE_TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PG_TEST_REDIS_URL ?= redis://127.0.0.1:6379/14
export PYTHONDONTWRITEBYTECODE := 1
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: run test test-sqlite test-postgres services lint migrate seed clean translations extract-messages
.PHONY: bench profile-launch profile-page prod-check load bench-grades chromium

$(DEPS): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
chromium:
	@test -x /usr/bin/chromium || { command -v apt-get > /dev/null \
		|| { echo "Install Chromium at /usr/bin/chromium for the browser tests" >&2; exit 1; }; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error
	touch $@

translations: $(DEPS)
	$(BIN)/pybabel compile -d service/translations > /dev/null

extract-messages: $(DEPS)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _ -o service/translations/messages.pot .
	$(BIN)/pybabel update -i service/translations/messages.pot -d service/translations --no-fuzzy-matching

migrate: $(DEPS)
	mkdir -p instance
	DATABASE_URL=$${DATABASE_URL:-$(SQLITE_URL)} $(BIN)/alembic upgrade head

seed: migrate translations
	DATABASE_URL=$${DATABASE_URL:-$(SQLITE_URL)} DEMO_LMS=1 $(BIN)/flask --app wsgi:app demo seed
	DATABASE_URL=$${DATABASE_URL:-$(SQLITE_URL)} DEMO_LMS=1 $(BIN)/flask --app wsgi:app library seed

# The web server and one grade-sync worker; Ctrl-C (or either one ending) stops both. The web
# server runs as in production, without docstrings (config/web_server.py).
run: seed
	export DATABASE_URL=$${DATABASE_URL:-$(SQLITE_URL)} DEMO_LMS=1; \
	$(BIN)/flask --app wsgi:app worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	WEB_THREADS=$${WEB_THREADS:-4} PYTHONOPTIMIZE=2 $(BIN)/gunicorn -c config/gunicorn.py wsgi:app

# The SQLite and PostgreSQL runs go side by side (one core each); either failing fails the build,
# and each prints its output whole when it ends.
test: lint
	$(MAKE) -j2 --output-sync=target test-sqlite test-postgres

services:
	./scripts/ensure-services

# Coverage is measured on this run (it has the browser tests) in this process only: the
# gunicorn and worker processes that some tests start are not measured. The gate is
# fail_under in pyproject.toml for the whole, and 95 % for the domain (paths/).
test-sqlite: translations chromium $(AXE) services
	TEST_DATABASE_URL=sqlite TEST_REDIS_URL=$(SQLITE_TEST_REDIS_URL) $(BIN)/coverage run -m pytest -q
	$(BIN)/coverage report
	$(BIN)/coverage report --include='paths/*' --fail-under=95

# The browser tests run once, in the SQLite run: they test pages and cookies, not SQL.
test-postgres: translations services
	TEST_DATABASE_URL=$(PG_TEST_URL) TEST_REDIS_URL=$(PG_TEST_REDIS_URL) $(BIN)/python -m pytest -q -m "not browser"

# The benchmark empties and reuses its own PostgreSQL database (BENCH_PG_URL, whose name
# must contain "bench") and Redis database (BENCH_REDIS_URL); BENCH_SECONDS sets each run.
bench: $(DEPS)
	./scripts/ensure-services
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# Two production-mode instances on one PostgreSQL and one Redis (docs/deploy.md), checked
# end to end; `make load` drives 500 learners through them. Same databases as `make bench`.
prod-check: $(DEPS)
	./scripts/ensure-services
	$(BIN)/python -m bench.prod_check

load: $(DEPS)
	./scripts/ensure-services
	$(BIN)/python -m bench.load_test $(LOAD_ARGS)

profile-launch: $(DEPS)
	$(BIN)/python -m bench.profile_launch $(or $(LAUNCHES),300)

# PAGE: learner-page, step-completion, checkpoint or dashboard
profile-page: $(DEPS)
	$(BIN)/python -m bench.profile_pages $(or $(PAGE),learner-page) $(or $(REQUESTS),200)

bench-grades: $(DEPS)
	$(BIN)/python bench/grades.py

lint: $(DEPS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy paths lti service config

.PHONY: bench-learning
bench-learning: $(DEPS)
	$(BIN)/python -m bench.learning

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .coverage htmlcov tests/browser/node_modules
