# Trial Office: `make run` serves the demo, `make test` runs the suite (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
# Extra pytest arguments, e.g. make test ARGS='-m "not browser"'
ARGS ?=

.PHONY: help run test install install-test clean clean-data

help:
	@echo "make run         install, migrate, load the demo, serve on http://$(HOST):$(PORT) with a worker"
	@echo "make test        install test dependencies and run the suite (SQLite, then PostgreSQL)"
	@echo "make clean       remove the virtual environment, caches and test artifacts"
	@echo "make clean-data  remove the local instance folder (database, files, secret key)"

$(PY):
	scripts/make-venv.sh $(VENV)

# Reinstalled only when pyproject.toml changes (entry points and dependencies live there).
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: $(VENV)/.installed
	$(VENV)/bin/trialoffice db upgrade
	$(VENV)/bin/trialoffice demo
	scripts/run-with-worker.sh $(VENV)/bin $(HOST) $(PORT)

test: $(VENV)/.installed-test
	VENV_PYTHON=$(PY) scripts/run-tests.sh $(ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache tests/artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

clean-data:
	rm -rf instance
