# Rumah Kemasan. `make run` sets everything up and serves on http://127.0.0.1:8000 ;
# `make test` runs the whole suite (SQLite, then PostgreSQL).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-$(shell cat requirements.txt | sha256sum | cut -c1-12)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)

.PHONY: run test install install-dev bench mutate screenshots worker beat messages clean

# `make run` needs only the app's requirements; tests and benchmarks add the pinned dev tools.
$(RUN_STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	rm -f $(VENV)/.run-* && touch $(RUN_STAMP)

$(DEV_STAMP): $(RUN_STAMP) requirements-dev.txt
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt -r requirements-dev.txt
	rm -f $(VENV)/.dev-* && touch $(DEV_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py seed_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:8000

test: install-dev
	PY=$(PY) scripts/test.sh

# With CELERY_BROKER_URL set (redis://127.0.0.1:6379/0), run the worker and, in one place only, beat.
worker: install
	$(VENV)/bin/celery -A rumah_kemasan worker --loglevel=INFO  # all queues; production: one worker per queue (Procfile)

beat: install
	$(VENV)/bin/celery -A rumah_kemasan beat --loglevel=INFO

# Update the catalogues after changing strings (needs gettext's msgfmt), then translate and compile.
messages: install-dev
	DJANGO_DEBUG=true $(PY) manage.py makemessages -l id -l en --no-location --ignore=.venv --ignore=staticfiles
	DJANGO_DEBUG=true $(PY) scripts/compile_messages.py

clean:
	rm -rf $(VENV) db.sqlite3 .test-db.sqlite3 media staticfiles

# Refresh docs/screenshots from the browser tests (Debian's chromium must be installed).
screenshots: install-dev
	RK_SAVE_SCREENSHOTS=1 $(PY) -m pytest tests/browser -q

# Page timings at 1,000 and 100,000 bookings on SQLite and PostgreSQL; writes docs/benchmarks.md.
bench: install-dev
	$(PY) benchmarks/run.py

# Mutation testing of the domain modules on SQLite (scripts/mutate.py; slow: about an hour on 2 cores).
# Writes the `mutation` section of docs/benchmarks.md. One module: make mutate MODULES=bookings/queue.py
mutate: install-dev
	$(PY) scripts/mutate.py $(MODULES)
