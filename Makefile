# Every target installs what it needs first. Plain commands for people without make: see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)  # Jupyter refuses root (containers) without it

RECORD_INTO ?= recordings
.PHONY: lab test lint bench notebooks record cassettes clean

lab: $(INSTALLED)  ## JupyterLab on the first lesson, offline (replay) unless GITHUB_MODELS_MODE says otherwise
	GITHUB_MODELS_MODE=$${GITHUB_MODELS_MODE:-replay} $(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_ARGS) notebooks/00-setup.ipynb

test: lint  ## everything CI runs: lint, unit tests, nbval on every notebook, static checks
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(INSTALLED)  ## replay server and nbval timings beside floors measured in the same run
	$(BIN)/python benchmarks/bench.py

notebooks: $(INSTALLED)  ## regenerate navigation, re-run every lesson in replay mode and save its outputs
	$(BIN)/python scripts/navigation.py
	$(BIN)/python scripts/run_notebooks.py

record: $(INSTALLED)  ## re-record every lesson live (GITHUB_TOKEN, GITHUB_MODELS_ENDPOINT) into $(RECORD_INTO)/
	$(BIN)/python scripts/run_notebooks.py --record $(RECORD_INTO)

cassettes: $(INSTALLED)  ## rewrite the synthetic cassettes
	$(BIN)/python scripts/synthesize.py

$(INSTALLED): pyproject.toml js/package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "Python 3.10 or newer is needed; run make PYTHON=python3.12 (or another 3.10+ interpreter)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c 'import matplotlib.pyplot'  # builds the font cache now, not in a lesson's output
	if command -v npm >/dev/null; then npm ci --prefix js --no-audit --no-fund; fi
	touch $@

clean:  ## remove the virtual environment
	rm -rf $(VENV)
