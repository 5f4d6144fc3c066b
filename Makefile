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

test: system-packages-test $(VENV)/.dev-installed compile-messages lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest

bench: system-packages-run $(VENV)/.installed
	$(PY) bench/pdf_batch.py

messages: $(VENV)/.installed
	$(DEV) $(PY) manage.py makemessages --all --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles
