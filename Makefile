VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint setup system-packages-run system-packages-test compile-messages bench messages clean

# Production packages for `make run`; tests and tools (pytest, Playwright, ruff) only for `make test`.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

system-packages-run:
	scripts/system-packages.sh run

system-packages-test:
	scripts/system-packages.sh test

# Compiled catalogues are build output (.gitignore); the .po files are the source.
compile-messages: $(VENV)/.installed
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv -v0

# Development settings are chosen here, explicitly: manage.py, Celery and WSGI default to production.
DEV := DJANGO_SETTINGS_MODULE=config.settings.dev

setup: system-packages-run $(VENV)/.installed compile-messages
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py dev_bootstrap

run: setup
	$(DEV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

# The whole suite on SQLite, then again on a throwaway PostgreSQL server that scripts/with_postgres.py starts
# (and deletes) around the run; the real-worker tests get databases of their own on it. The second pass leaves out
# the browser tests (-m "not browser"): they check pages, scripts and layout in Chromium, which the database does not
# change, and running them twice would take CI near its time limit.
# Each pass runs in two pytest-xdist processes (PYTEST_PARALLEL): the real-worker and browser tests mostly wait on
# Celery, Redis and Chromium, so a second process fills the idle CPU. Each process has its own test database
# (pytest-django adds gw0/gw1 to the name) and every port, folder and database a test starts is its own.
# A single test still runs alone and without xdist: .venv/bin/pytest tests/x.py.
PYTEST_PARALLEL := -n 2 --dist loadgroup
test: system-packages-test $(VENV)/.dev-installed compile-messages lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest $(PYTEST_PARALLEL)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) scripts/with_postgres.py $(VENV)/bin/pytest $(PYTEST_PARALLEL) -m "not browser"

# Only the PostgreSQL pass; pytest arguments in ARGS, e.g. make test-postgres ARGS="-x tests/campaign"
# (ARGS="-n 0 ..." runs it in one process).
.PHONY: test-postgres
test-postgres: system-packages-test $(VENV)/.dev-installed compile-messages
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) scripts/with_postgres.py $(VENV)/bin/pytest $(PYTEST_PARALLEL) $(ARGS)

# One letter end to end through gunicorn, a Celery worker and beat on the production settings, PostgreSQL and
# Redis, with a local stand-in for the ESP (scripts/smoke.py). CI runs it after `make test`.
.PHONY: smoke
smoke: system-packages-test $(VENV)/.dev-installed compile-messages
	$(PY) scripts/with_postgres.py $(PY) scripts/smoke.py

# Mutation testing with mutmut (not in CI): the outbox, letter rendering, organiser scope and phone parsing, each
# mutant tried against the fast tests [tool.mutmut] in pyproject.toml selects. Then `$(VENV)/bin/mutmut results` lists
# what survived and `$(VENV)/bin/mutmut show NAME` shows a mutant; `make mutate` again retries only what changed.
# One child at a time: config/settings/test.py names the SQLite test database by the pid at settings import, and every
# mutant's run is forked from mutmut's one process, so parallel children would share (and wreck) one database file.
# --reuse-db keeps that database between the forks; TMPDIR puts it, and the tests' temporary files, in mutants/.
.PHONY: mutate
# Per module and overall: killed mutants (a timeout counts as killed) of all mutants, "no tests" included.
MUTATION_SCORE := { m = $$1; sub(/^ +/, "", m); sub(/\.x(_|ǁ).*/, "", m); total[m]++; all++; \
	if ($$2 == "killed" || $$2 == "timeout") { killed[m]++; dead++ } } \
	END { for (m in total) printf "%-28s %4d / %-4d killed (%.1f%%)\n", m, killed[m], total[m], 100 * killed[m] / total[m]; \
	printf "%-28s %4d / %-4d killed (%.1f%%)\n", "(all)", dead, all, 100 * dead / all }

$(VENV)/.mutate-installed: $(VENV)/.dev-installed requirements-mutate.txt
	$(PIP) install --quiet -r requirements-mutate.txt
	touch $@

mutate: $(VENV)/.mutate-installed compile-messages
	mkdir -p mutants/tmp
	DJANGO_SETTINGS_MODULE=config.settings.test TMPDIR=$(CURDIR)/mutants/tmp nice -n 10 $(VENV)/bin/mutmut run --max-children 1
	$(VENV)/bin/mutmut results
	$(VENV)/bin/mutmut results --all true | awk -F': ' '$(MUTATION_SCORE)' | sort

# bench/outbox.py needs redis-server, one of the test packages; bench/load.py also PostgreSQL, wrk and nginx.
bench: system-packages-test $(VENV)/.installed
	$(PY) bench/pdf_batch.py
	$(PY) bench/import.py
	$(PY) bench/outbox.py
	command -v wrk >/dev/null && test -x /usr/sbin/nginx || \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y --no-install-recommends wrk nginx
	$(PY) bench/load.py

messages: $(VENV)/.installed
	$(DEV) $(PY) manage.py makemessages --all --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles
