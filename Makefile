# sharegraph: the two Quickstart commands are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out

.PHONY: setup demo test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# The main job on the bundled seed: import it into a registry database (SQLite, docs/registry-file.md),
# answer a question, write the HTML report.
demo: setup
	@mkdir -p $(OUT)
	$(VENV)/bin/sharegraph import data/seed_policy.txt -o $(OUT)/registry.db
	$(VENV)/bin/sharegraph who-receives 身份证号 --registry $(OUT)/registry.db
	$(VENV)/bin/sharegraph export --format html --registry $(OUT)/registry.db -o $(OUT)/report.html
	@echo "report written to $(OUT)/report.html"

# The whole test suite (Neo4j and browser tests included when Java/Maven and Chromium are present).
test: setup
	$(PY) scripts/run_tests.py

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
