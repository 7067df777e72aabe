# Care Pledge. `make run` to try it locally; `make test` to run the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The Nu HTML checker the tests run on rendered pages (npm vnu-jar, pinned in package-lock.json).
VNU_JAR := node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: run test install lint format bench ci frontend clean

$(STAMP): requirements/base.txt requirements/dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# uv installs the pinned requirements several times faster than pip; pip is the fallback.
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9 \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements/base.txt -r requirements/dev.txt \
	  || $(PY) -m pip install --quiet --disable-pip-version-check -r requirements/base.txt -r requirements/dev.txt
	@touch $(STAMP)

install: $(STAMP)

# --ignore-scripts: the package's install script would download a Java; the system's is used.
# Without npm (or the registry) the HTML checks are skipped; REQUIRE_BROWSER=1 makes that fail.
$(VNU_JAR): package.json package-lock.json
	@if command -v npm >/dev/null && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; then \
	  touch $(VNU_JAR); \
	else \
	  echo "The Nu HTML checker could not be installed (npm ci): HTML checks will be skipped."; \
	  case "$$REQUIRE_BROWSER" in 1|true|yes) exit 1;; esac; \
	fi

## Local site on SQLite, tasks in-process, mail written to var/mail/.
run: $(STAMP)
	@mkdir -p var/mail
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Emails the site sends are written as files to $(CURDIR)/var/mail/"
	@echo "Care Pledge is at http://127.0.0.1:8000"
	$(PY) manage.py runserver 127.0.0.1:8000

## The whole suite on PostgreSQL and Redis (DATABASE_URL, REDIS_URL; default 127.0.0.1).
test: $(STAMP) $(VNU_JAR)
	@$(PY) scripts/check_services.py
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## Measure Care Pledge at a million pledges against a bare Django baseline (PostgreSQL and
## Redis running; wrk is installed if missing). Results: docs/performance.md. BENCH_ARGS=--quick to try it.
bench: $(STAMP)
	$(PY) scripts/bench.py $(BENCH_ARGS)

## ruff, and the layers between apps (lint-imports; the contracts are in pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Refresh the vendored NHS.UK frontend and axe-core from npm.
frontend:
	scripts/refresh_frontend.sh

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles node_modules test-artifacts
