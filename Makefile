# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test lint format bench clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) artifacts bench-report .pytest_cache .ruff_cache .hypothesis

# The README's screenshots: every page opened by the browser harness, copied to docs/.
screenshots: $(VENV)/.dev-installed
	$(BIN)/python -m pytest tests/browser/test_frame.py -k deep -q -p no:cacheprovider
	for f in artifacts/screenshots/deep-*.png; do cp "$$f" "docs/$$(basename "$$f" | sed 's/^deep-//')"; done
