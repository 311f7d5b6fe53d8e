# Every target installs what it needs first. Plain commands for people without make: see README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two install stamps: the runtime (what the lessons need: make lab), then the dev extra (test, lint and
# maintainer tools: make test). make lab after make test installs nothing; make test after make lab adds dev.
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev
# The in-browser edition's own downloads (make site): the Pyodide runtime (npm, lite/package-lock.json) and the
# pure-Python wheels its kernel loads from the site (lite/requirements.txt), so scripts/build_lite.py runs offline.
INSTALLED_LITE := $(VENV)/.installed-lite
LITE_WHEELS := $(VENV)/lite-wheels
# uv (from PyPI, installed into .venv) installs the same packages from the same pyproject.toml as pip, about
# twice as fast on a cold cache. INSTALLER=pip (make lab INSTALLER=pip) uses pip alone, like README's commands.
INSTALLER ?= uv
ifeq ($(INSTALLER),pip)
INSTALLER_SETUP := $(BIN)/python -m pip install --quiet --upgrade pip
INSTALL := $(BIN)/python -m pip install --quiet
else
INSTALLER_SETUP := $(BIN)/python -m uv --version >/dev/null 2>&1 || $(BIN)/python -m pip install --quiet uv
INSTALL := $(BIN)/python -m uv pip install --quiet --python $(BIN)/python --compile-bytecode
endif
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)  # Jupyter refuses root (containers) without it
LESSON ?= notebooks/00-setup.ipynb  # the lesson make lab opens; the French edition's: notebooks/fr/00-setup.ipynb

ENGINE_VENV := .venv-engine
ENGINE := $(ENGINE_VENV)/.installed
RECORD_INTO ?= recordings
# make site SITE_ARGS="--repository URL": the launch buttons open URL (the Pages workflow passes its own).
SITE_ARGS ?=
LINKS_ARGS ?=
BASE ?= HEAD  # make check BASE=origin/main: the tests for everything this branch changed
.PHONY: lab test check test-engine record-engine lint bench notebooks site links record record-local local-model cassettes clean

lab: $(INSTALLED)  ## JupyterLab on the first lesson, offline (replay) unless GITHUB_MODELS_MODE says otherwise
	GITHUB_MODELS_MODE=$${GITHUB_MODELS_MODE:-replay} $(BIN)/jupyter lab --ServerApp.root_dir=. $(LAB_ARGS) $(LESSON)

test: lint $(INSTALLED_LITE)  ## everything CI runs: lint, unit tests, nbval on every notebook, static checks
	$(BIN)/python -m pytest

check: lint $(INSTALLED_LITE)  ## the inner loop after an edit: lint, then the tests for what differs from BASE (default HEAD)
	$(BIN)/python scripts/changed_tests.py --run $(BASE)

test-engine: $(INSTALLED_DEV) $(ENGINE)  ## lessons 01, 02, 03 and 06 live against a real engine (llama.cpp, SmolLM2-135M)
	ENGINE_PYTHON=$(ENGINE_VENV)/bin/python $(BIN)/python -m pytest --engine -n 0 tests/test_engine.py

record-engine: $(INSTALLED_DEV) $(ENGINE)  ## record the lessons from the real engine into $(RECORD_INTO)-engine/
	ENGINE_PYTHON=$(ENGINE_VENV)/bin/python $(BIN)/python scripts/engine.py record $(RECORD_INTO)-engine

lint: $(INSTALLED_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(INSTALLED_LITE)  ## replay server, nbval and cold install timings beside floors measured in the same run
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

notebooks: $(INSTALLED_DEV)  ## regenerate navigation, re-run every lesson in replay mode and save its outputs
	$(BIN)/python scripts/navigation.py
	$(BIN)/python scripts/run_notebooks.py

site: $(INSTALLED_LITE)  ## the lessons as a website in build/site/ (index.html), from their stored outputs, offline
	$(BIN)/python scripts/build_site.py $(SITE_ARGS)

links: $(INSTALLED_LITE)  ## check the site's external links and report the dead ones (build/linkcheck/report.md)
	$(BIN)/python scripts/check_links.py $(LINKS_ARGS)

record: $(INSTALLED_DEV)  ## re-record every lesson live (GITHUB_TOKEN, GITHUB_MODELS_ENDPOINT) into $(RECORD_INTO)/
	$(BIN)/python scripts/run_notebooks.py --record $(RECORD_INTO)

local-model: $(INSTALLED)  ## pull the Ollama build of the lessons' model once, for local mode (phi3:mini, about 2.2 GB)
	$(BIN)/python -m helpers.pull

record-local: $(INSTALLED_DEV)  ## record every lesson from a Phi-3 under Ollama (local mode) into $(RECORD_INTO)/
	$(BIN)/python scripts/run_notebooks.py --record-local $(RECORD_INTO)

cassettes: $(INSTALLED_DEV)  ## rewrite the synthetic cassettes (dev: its tokenizers)
	$(BIN)/python scripts/synthesize.py

$(INSTALLED): pyproject.toml js/package-lock.json  # the runtime only: no test or lint tools
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "Python 3.10 or newer is needed; run make PYTHON=python3.12 (or another 3.10+ interpreter)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(INSTALLER_SETUP)
	$(INSTALL) -e .
	$(BIN)/python -c 'import matplotlib.pyplot'  # builds the font cache now, not in a lesson's output
	if command -v npm >/dev/null; then npm ci --prefix js --no-audit --no-fund; fi
	touch $@

$(INSTALLED_DEV): $(INSTALLED)  # adds the dev extra; the runtime is already there
	$(INSTALLER_SETUP)
	$(INSTALL) -e '.[dev]'
	touch $@

# Pure wheels only (--platform any --implementation py --abi none): pip would otherwise pick a wheel built for this
# machine (charset-normalizer's). --no-deps: lite/requirements.txt lists every package the kernel loads locally.
$(INSTALLED_LITE): $(INSTALLED_DEV) lite/package-lock.json lite/requirements.txt
	npm ci --prefix lite --no-audit --no-fund
	$(BIN)/python -m pip download --quiet --no-deps --only-binary=:all: --platform any --implementation py \
		--abi none --python-version 3.14 -r lite/requirements.txt -d $(LITE_WHEELS)
	touch $@

# The engine builds llama.cpp from source (pip keeps the wheel it builds: later installs take seconds). The
# multimodal library is left out: no lesson sends it images.
$(ENGINE): scripts/engine-requirements.txt
	test -x $(ENGINE_VENV)/bin/python || $(PYTHON) -m venv $(ENGINE_VENV)
	CMAKE_ARGS="-DLLAVA_BUILD=OFF" CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc 2>/dev/null || echo 2) \
		$(ENGINE_VENV)/bin/python -m pip install --quiet -r scripts/engine-requirements.txt
	touch $@

clean:  ## remove the virtual environments
	rm -rf $(VENV) $(ENGINE_VENV)
