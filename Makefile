# ipgrants: `make run` sets everything up and serves http://127.0.0.1:8000 ; `make test` runs the suite.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
GUIDES := $(sort $(filter-out fixtures/regions.yaml fixtures/offices.yaml fixtures/portal-rubric.yaml,$(wildcard fixtures/*.yaml)))
FIXTURES := fixtures/regions.yaml fixtures/offices.yaml fixtures/portal-rubric.yaml $(GUIDES)
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs in this many processes (pytest-xdist; each has its own test database and Redis database).
TEST_PROCESSES ?= 2
# Links in mail point at the address `make run` serves (make run PORT=8300), unless PORTAL_BASE_URL is set.
PORTAL_BASE_URL ?= http://$(HOST):$(PORT)
export PORTAL_BASE_URL
# Seconds apt-get waits for another apt/dpkg (an unattended upgrade) to release its lock.
APT_LOCK_TIMEOUT ?= 300

.PHONY: run test setup deps assets pango messages fonts browser compose apt migrate load demo lint check-migrations worker clean bench

run: setup demo
	$(PYTHON) manage.py rerender_pdfs
	PORTAL_BASE_URL=$(PORTAL_BASE_URL) $(PYTHON) manage.py runserver $(HOST):$(PORT)

test: deps assets messages pango browser compose
	$(PYTHON) -m pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

setup: deps assets messages pango fonts migrate load

$(PYTHON):
	$(PY) -m venv $(VENV)

deps: $(PYTHON)
	@$(PYTHON) -c "import django, celery, weasyprint, pytest_django, xdist, playwright, time_machine, storages, boto3, moto" 2>/dev/null || \
		($(BIN)/pip install --quiet --upgrade pip && $(BIN)/pip install --quiet -e '.[test]')

assets:
	@command -v npm >/dev/null || $(MAKE) --no-print-directory apt PKGS="nodejs npm"
	@test -d node_modules/bootstrap/dist && test -d node_modules/bootstrap-icons/font && test -d node_modules/chart.js/dist || npm ci --no-audit --no-fund

# WeasyPrint renders PDFs with Pango.
pango:
	@ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || $(MAKE) --no-print-directory apt PKGS="libpango-1.0-0 libpangoft2-1.0-0"

messages: deps
	@command -v msgfmt >/dev/null || $(MAKE) --no-print-directory apt PKGS=gettext
	$(PYTHON) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# A CJK font so PDFs show Chinese (without one every character is a box). If it cannot be installed, set-up stops
# and says why; NO_CJK_FONT=1 goes on without it (PDFs made meanwhile are rendered again by `make run` once it is).
fonts:
	@fc-list :lang=zh 2>/dev/null | grep -q . || $(MAKE) --no-print-directory apt PKGS="fonts-wqy-microhei fontconfig" || { \
		echo ""; \
		echo "ERROR: no CJK font could be installed, so generated PDFs would show boxes instead of Chinese."; \
		echo "  Install one (as root: apt-get install fonts-wqy-microhei) and run make again,"; \
		echo "  or go on without it: make $(MAKECMDGOALS) NO_CJK_FONT=1"; \
		echo ""; \
		test "$(NO_CJK_FONT)" = 1; }

# Headless Chromium for the browser tests (Debian's package; never a downloaded browser).
browser: fonts
	@test -x /usr/bin/chromium || $(MAKE) --no-print-directory apt PKGS=chromium

# The suite checks docker-compose.yml with `docker-compose config` (Debian's package; no Docker engine is needed).
compose:
	@command -v docker-compose >/dev/null || $(MAKE) --no-print-directory apt PKGS=docker-compose

# Waits up to APT_LOCK_TIMEOUT seconds for a running apt/dpkg to finish instead of failing on its lock.
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_TIMEOUT)
apt:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing $(PKGS) (waiting up to $(APT_LOCK_TIMEOUT) s if another apt/dpkg holds the lock)"; \
		($(APT_GET) install -y -qq $(PKGS) >/dev/null 2>&1 || ($(APT_GET) update -qq && $(APT_GET) install -y -qq $(PKGS) >/dev/null)); \
	else echo "please install: $(PKGS)"; exit 1; fi

migrate: deps
	$(PYTHON) manage.py migrate --noinput -v 0

# The system checks ran with migrate just before: loading the guides skips them (a second of imports).
load: migrate
	$(PYTHON) manage.py loaddata --skip-checks $(FIXTURES)

demo: load
	$(PYTHON) manage.py seed_demo

# Speed at scale on the configured database (DATABASE_URL): BENCH_ARGS="--applications 1000 --rounds 5" to vary.
BENCH_ARGS ?= --applications 10000
bench: load
	$(PYTHON) manage.py benchmark $(BENCH_ARGS)

lint: deps
	$(BIN)/ruff check .

check-migrations: deps
	$(PYTHON) manage.py makemigrations --check --dry-run

worker: deps
	$(BIN)/celery -A ipgrants worker -B -l info

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
