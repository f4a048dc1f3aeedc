# Two commands on a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test lint format bench loadtest clean screenshots assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The app's own package is installed too (editable): Streamlit finds the chart
# component's asset folder in its pyproject.toml.
$(VENV)/.run-installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.run-installed

# The charts' plotly.js (plotly's cartesian bundle, in the repository) checked against its
# pinned SHA-256 and the installed plotly's version (softmax_lab/ui/chart_assets.py).
assets:
	$(BIN)/python -m softmax_lab.ui.chart_assets

run: $(VENV)/.run-installed assets
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Three workers on two cores: the browser tests mostly wait on a browser or a server.
# Each test file stays on one worker (its server and browser fixtures are shared).
test: lint assets
	$(BIN)/python -m pytest -n 3 --dist loadfile

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev-installed assets
	$(BIN)/python -m benchmarks

# Students per server process, without a browser (benchmarks/loadtest); e.g.
# make loadtest LOADTEST_ARGS="--levels 10,50 --replicas 2" (2 replicas need nginx).
loadtest: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks.loadtest $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) artifacts bench-report .pytest_cache .ruff_cache .hypothesis

# The README's screenshots: every page opened by the browser harness, copied to docs/.
screenshots: $(VENV)/.dev-installed assets
	$(BIN)/python -m pytest tests/browser/test_frame.py -k deep -q -p no:cacheprovider
	for f in artifacts/screenshots/deep-*.png; do cp "$$f" "docs/$$(basename "$$f" | sed 's/^deep-//')"; done
