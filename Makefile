# The two commands of the README: `make serve` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WORKERS ?= 2

.PHONY: serve test setup lint format lock messages bench system-deps test-data clean

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements-dev.lock $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
	touch $@

## Prepare the database (migrations, reference data, shipped content) without serving.
setup: $(VENV)/.installed
	$(PY) manage.py setup
	$(PY) manage.py collectstatic --noinput --verbosity 0

## Serve the platform on http://127.0.0.1:$(PORT) (PORT=8001 make serve for another port).
## The job worker (ADR 0150: sheets rebuilt ahead of visitors, vectors, alerts, reminders) runs
## beside gunicorn; Ctrl-C (or the end of gunicorn) stops both.
serve: setup
	@echo "Alliances : http://127.0.0.1:$(PORT)/"
	@$(PY) manage.py run_huey --quiet & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(VENV)/bin/gunicorn alliances.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips 127.0.0.1

## Everything the tests need (Chromium, poppler), then lint and all tests, on SQLite and PostgreSQL.
test: $(VENV)/.dev-installed system-deps test-data lint
	scripts/test-both.sh

system-deps:
	scripts/install-system-deps.sh

## Reference files that only the tests use (the IATI schema), kept under var/.
test-data: $(VENV)/.dev-installed
	scripts/fetch-iati-schemas.sh

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Re-pin dependencies after editing requirements*.in.
lock:
	$(PYTHON) -m venv /tmp/alliances-lock && /tmp/alliances-lock/bin/pip install --quiet pip-tools
	/tmp/alliances-lock/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock requirements.in
	/tmp/alliances-lock/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.lock requirements-dev.in

## Extract and compile the translation catalogues (French source, English translation).
messages: $(VENV)/.dev-installed
	scripts/messages.sh

## Run the benchmarks and rewrite bench/RESULTS.md.
bench: $(VENV)/.dev-installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
