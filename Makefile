# Two commands do all the set-up on a machine with Python 3.11+:
#   make run   - virtualenv, install, migrate, demo data, then web + Celery worker + beat
#                (on PORT, 8000 by default: make run PORT=8080)
#   make test  - the whole test suite
#   make bench - the load benchmark at 1,000,000 tickets on PostgreSQL (bench/README.md)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Local runs are development runs unless the environment says otherwise.
export DEBUG ?= 1
export PORT
# Links in messages are built on SITE_URL. honcho hands the worker and beat PORT+100 and
# PORT+200, so the web server's address is fixed here, once, for all three processes.
export SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test install lint audit messages clean bench

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo --base-url http://127.0.0.1:$(PORT)
	@echo ""
	@echo "  Starting the web server on http://127.0.0.1:$(PORT)/ (entry points and logins above),"
	@echo "  a Celery worker and Celery beat; Ctrl-C stops all of them. Another port: make run PORT=8080."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile --app-root $(CURDIR) start

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Known vulnerabilities in the pinned requirements (pip-audit against PyPI's data or OSV). Fails on
# any, and also when no vulnerability source is reachable: an audit that checked nothing is no pass.
audit: install
	$(BIN)/python .ci/audit

# The load benchmark, in one command: seeds the volume into a PostgreSQL database whose name contains
# "bench" when it holds less, measures four pages in-process, serves the product with gunicorn on
# 127.0.0.1 and loads it with locust, hello-world included, and writes bench/LOAD_RESULTS.md and the
# summaries in the READMEs. Options: make bench BENCH_ARGS="--scenarios hello,ticket --no-write".
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/aftersales_bench_1m)
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=0 $(BIN)/python bench/load_bench.py --redis-url $(BENCH_REDIS_URL) $(BENCH_ARGS)

messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

clean:
	rm -rf var staticfiles
