# OneThread: `make run` starts the product, `make test` checks it.
# Everything runs from the project's own virtualenv in .venv, built from
# pyproject.toml with the versions pinned in constraints.txt.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR := .data
TEST_DATA_DIR := $(DATA_DIR)/test

# Stop the embedded PostgreSQL of the data folder given as argument (a no-op when none
# runs there, or when DATABASE_URL points at another server). The test one is left
# running while another process, e.g. a second test session, still uses it.
STOP_DB := $(PY) -c 'import os, sys; from pathlib import Path; \
	from core.embedded_db import stop; \
	os.environ.get("DATABASE_URL") or stop(Path(sys.argv[1]).resolve())'
STOP_TEST_DB := $(PY) -c 'import os, sys, conftest; \
	os.environ.get("DATABASE_URL") or conftest.embedded_db_stop_unless_in_use(sys.argv[1])'

.PHONY: run test bench lint audit heldout clean-data locale

# The reply catalogues, compiled from their .po files (replies/compile.py) when one changed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

locale: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po replies/compile.py $(VENV)/.installed
	$(PY) -m replies.compile

$(VENV)/.installed: pyproject.toml constraints.txt
	@python=$$(command -v python3.11 || true); \
	if [ -z "$$python" ] && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
		python=$$(command -v python3); \
	fi; \
	if [ -z "$$python" ]; then echo "OneThread needs Python 3.11 (python3.11, or python3 at 3.11)." >&2; exit 1; fi; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -c constraints.txt -e '.[dev]'
	@touch $@

run: $(VENV)/.installed $(MO_FILES)
	$(PY) manage.py run

test: $(VENV)/.installed $(MO_FILES)
	@# The inbox's browser test drives Debian's Chromium (Playwright's own download is not
	@# used); as root, install it when missing. Without it that one test is skipped.
	@if [ "$$(id -u)" = 0 ]; then \
		command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium); \
	fi
	ONETHREAD_DATA_DIR=$(TEST_DATA_DIR) $(PY) -m pytest -p no:cacheprovider
	@if [ -d tests/scenarios ]; then \
		status=0; \
		echo "ONETHREAD_DATA_DIR=$(TEST_DATA_DIR) $(PY) manage.py run_scenarios tests/scenarios"; \
		ONETHREAD_DATA_DIR=$(TEST_DATA_DIR) $(PY) manage.py run_scenarios tests/scenarios || status=$$?; \
		$(STOP_TEST_DB) $(TEST_DATA_DIR); \
		exit $$status; \
	fi

# Conversations written apart from the code that the bot does not yet get right (see
# tests/heldout/README.md); not part of `make test`.
heldout: $(VENV)/.installed $(MO_FILES)
	ONETHREAD_DATA_DIR=$(TEST_DATA_DIR) $(PY) manage.py run_scenarios tests/heldout

bench: $(VENV)/.installed $(MO_FILES)
	$(PY) manage.py bench

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# Known vulnerabilities in the pinned dependencies (pip-audit, see core/audit.py). Without
# a reachable advisory service it says so and succeeds: CI must not fail for lack of a
# network. A known vulnerability is listed and fails the target.
audit: $(VENV)/.installed
	$(PY) -m core.audit

clean-data:
	@if [ -x $(PY) ] && [ -d $(DATA_DIR) ]; then \
		for pidfile in $$(find $(DATA_DIR) -maxdepth 3 -path '*/postgres/postmaster.pid'); do \
			$(STOP_DB) $$(dirname $$(dirname $$pidfile)); \
		done; \
	fi
	rm -rf $(DATA_DIR)
