# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test test-serial install lint format messages vendor clean

$(BIN)/.installed: requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(BIN)/.installed node_modules/.installed

## Run the product with demo data on SQLite, Celery tasks run eagerly: http://127.0.0.1:8000
demo: $(BIN)/.installed
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py load_demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Run the whole test suite (PostgreSQL when DATABASE_URL is set, SQLite otherwise).
## The browser tests (mostly waiting on Chromium) run beside the rest, on their own
## database (DATABASE_URL + "_browser"); their output follows the rest's.
test: install
	@browser_log=$$(mktemp); \
	DATABASE_URL=$${DATABASE_URL:+$${DATABASE_URL}_browser} \
	  $(BIN)/python -m pytest $(PYTEST_ARGS) tests/browser > $$browser_log 2>&1 & browser=$$!; \
	$(BIN)/python -m pytest $(PYTEST_ARGS) --ignore=tests/browser; rest=$$?; \
	wait $$browser; browser_status=$$?; \
	printf '\n=== browser tests (tests/browser) ===\n'; cat $$browser_log; rm -f $$browser_log; \
	test $$rest -eq 0 && test $$browser_status -eq 0

## The same one after the other, in one process (for a single log or a debugger)
test-serial: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Re-extract UI strings and compile translations (needs gettext)
messages: $(BIN)/.installed
	DEBUG=true $(BIN)/python manage.py makemessages -l sv -l da -l nb -l en --no-obsolete --ignore ".venv/*" --ignore "node_modules/*" --ignore "staticfiles/*"
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore ".venv/*"

## Refresh the vendored htmx from node_modules
vendor: node_modules/.installed
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
