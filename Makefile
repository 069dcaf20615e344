# Entry points. `make run` and `make test` do all the set-up on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Front-end files fetched from their registry, pinned by SHA-256 (espri_ia/vendor.py).
VENDORED := vendor/plotly/.sha256

# Development server: debug on, SQLite file, emails printed on the console.
RUN_ENV := DJANGO_DEBUG=1
# Tests: production-like settings (debug off) with plain HTTP for the test client.
TEST_ENV := DJANGO_SECRET_KEY=tests-only-not-a-secret DJANGO_ALLOWED_HOSTS=testserver,localhost,127.0.0.1 DJANGO_HTTPS=0

.PHONY: install run test e2e lint fmt messages bench clean

install: $(INSTALLED) $(VENDORED)

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

$(VENDORED): espri_ia/vendor.py | $(INSTALLED)
	$(BIN)/python -m espri_ia.vendor

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --verbosity 0
	$(RUN_ENV) $(BIN)/python manage.py seed --demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops it)."
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

# Browser tests (tests/e2e): needs /usr/bin/chromium, Java and `npm ci` (axe-core, vnu-jar).
e2e: install node_modules/.package-lock.json
	$(TEST_ENV) $(BIN)/python -m pytest -m e2e tests/e2e $(PYTEST_ARGS)

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext; the compiled .mo files are committed so users need none.
messages: $(INSTALLED)
	$(RUN_ENV) $(BIN)/python manage.py makemessages --locale fr --locale en --add-location file --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'node_modules/*'
	$(BIN)/python locale/fill_english.py
	$(RUN_ENV) $(BIN)/python manage.py compilemessages --ignore '.venv/*'

bench: install
	$(BIN)/python bench/sqlite_concurrent_writes.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/gpu_reports.py
	$(BIN)/python bench/events_pages.py
	$(BIN)/python bench/catalogue_list.py
	$(BIN)/python bench/survey_submit.py
	$(BIN)/python bench/results.py
	$(BIN)/python bench/results_parts.py
	$(BIN)/python bench/peer_survey.py
	$(BIN)/python bench/lighthouse.py

clean:
	rm -rf $(VENV) vendor staticfiles .pytest_cache .ruff_cache
