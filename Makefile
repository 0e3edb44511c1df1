# The two set-up commands: `make run` (the tracker with demo data on http://127.0.0.1:8000) and `make test`.
# Only Python 3.11+ and make are assumed; everything else goes into .venv.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The development server runs with DEBUG on, which gives it a development SECRET_KEY.
DEV_ENV := DEBUG=$${DEBUG:-1}

.PHONY: run web test install install-dev migrate demo check clean

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.python-ok requirements.txt
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(PY) manage.py load_demo
	$(DEV_ENV) $(PY) manage.py create_demo_editor

# Web, Celery worker and beat together (Procfile.dev); Ctrl-C stops all three.
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/admin/ with a Celery worker and beat (Ctrl-C stops them)"
	$(DEV_ENV) HOST=$(HOST) PORT=$(PORT) PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho -f Procfile.dev start

# The web process alone, without the worker and beat.
web: demo
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite. Uses DATABASE_URL when set (CI: PostgreSQL), else SQLite in memory.
test: install-dev
	$(PY) manage.py check --settings=factcheck.settings_test
	$(PY) -m pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

check: install-dev
	$(PY) manage.py check --settings=factcheck.settings_test
	$(PY) manage.py makemigrations --check --dry-run --settings=factcheck.settings_test

clean:
	rm -rf $(VENV) var/ db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles/
