# Inhabithon: `make run` to try it, `make test` to test it. Nothing else needed.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/inhabithon_test
PYTEST_ARGS ?= -n 2  # two workers: this machine has two cores

.PHONY: run serve bench bench-quick wrk test test-sqlite test-postgres install install-dev translations translations-extract translations-update browser lint clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install
	@if ls inhabithon/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(VENV)/bin/pybabel -q compile -d inhabithon/translations; fi

# Gather the interface's strings into the template (locations kept: they help
# translators). --ignore-dirs replaces Babel's default, which would skip templates/_macros.
PYBABEL_EXTRACT := extract -F babel.cfg --ignore-dirs='.* __pycache__' \
	-k _l -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
	--project=Inhabithon --copyright-holder='Inhabithon contributors' --sort-by-file
translations-extract: install
	$(VENV)/bin/pybabel $(PYBABEL_EXTRACT) -o inhabithon/translations/messages.pot .

# Bring every catalogue up to date with the template; then translate what is new
# (tests/test_translations.py lists what is missing).
translations-update: translations-extract
	$(VENV)/bin/pybabel update -i inhabithon/translations/messages.pot -d inhabithon/translations \
		--ignore-obsolete --no-fuzzy-matching  # guessed (fuzzy) texts were wrong more often than right

run: install translations
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) run --host 127.0.0.1 --port 5000

# Production shape: gunicorn with the checked-in config (BIND, WEB_CONCURRENCY,
# GUNICORN_THREADS; see inhabithon/gunicorn_conf.py). Needs SECRET_KEY and DATABASE_URL.
serve: install translations
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn -c python:inhabithon.gunicorn_conf app:app

# Benchmarks (bench/README in README.md): the full data set (50 challenges, 20,000 ideas,
# 200,000 comments, 2,000,000 votes, 50,000 users) on PostgreSQL when it answers, else
# SQLite; BENCH_DATABASE_URL chooses. The database named there is emptied first.
# The load comes from Debian's wrk (installed here when missing).
bench: install-dev translations wrk
	$(PY) -m bench.run --preset full --output instance/bench-last-run.md

bench-quick: install-dev translations wrk
	$(PY) -m bench.run --preset small --seconds 3 --output instance/bench-last-run.md

wrk:
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; fi; fi

# Debian's Chromium for the browser tests; never a downloaded browser build.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; fi

test: install-dev translations browser test-sqlite test-postgres

test-sqlite: install-dev translations
	$(PY) -m pytest $(PYTEST_ARGS)

# On PostgreSQL too whenever it answers; in CI it must.
test-postgres: install-dev translations
	@if $(PY) -c "import psycopg; psycopg.connect('host=127.0.0.1 port=5432 user=postgres dbname=postgres', connect_timeout=3).close()" 2>/dev/null; then \
		TEST_DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL is not reachable at 127.0.0.1:5432; CI needs it." >&2; exit 1; \
	else echo "*** PostgreSQL not reachable at 127.0.0.1:5432: ran the suite on SQLite only. ***"; fi

lint: install-dev
	$(VENV)/bin/ruff check inhabithon tests bench migrations/env.py app.py
	$(VENV)/bin/mypy inhabithon

clean:
	rm -rf $(VENV) instance .pytest_cache
