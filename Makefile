# Two commands do all the set-up on a machine with Python 3.11+:
#   make run   - virtualenv, install, migrate, demo data, then web + Celery worker + beat
#   make test  - the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Local runs are development runs unless the environment says otherwise.
export DEBUG ?= 1
export PORT

.PHONY: run test install lint audit messages clean

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
	@echo "  Starting the web server, a Celery worker and Celery beat; Ctrl-C stops all of them."
	@echo ""
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile --app-root $(CURDIR) start

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Known vulnerabilities in the pinned requirements (pip-audit against PyPI's data or OSV). Fails on
# any, and also when no vulnerability source is reachable: an audit that checked nothing is no pass.
audit: install
	$(BIN)/python .ci/audit

messages: install
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'bench/*' --ignore 'tests/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

clean:
	rm -rf var staticfiles
