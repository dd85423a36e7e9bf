# Two commands do everything: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: report test lint lab bench clean

$(STAMP): pyproject.toml constraints.txt  ## install at the pinned versions CI tests
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

report: $(STAMP)  ## run every notebook and write outputs/index.html (ARGS="--source csv ..." to customise)
	$(BIN)/techflows report $(ARGS)

test: $(STAMP) lint  ## lint, then the test suite (offline; real-data tests skip without ../shared)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check lib tests bench notebooks
	$(BIN)/ruff format --check lib tests bench notebooks

lab: $(STAMP)  ## JupyterLab on the notebooks, with this environment as the kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP)  ## time the data layer, each notebook, incremental reruns and sweeps (BENCH_ARGS="--dates 4" for a short sweep)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/batch.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) outputs/*/ outputs/index.html outputs/runs.json data/cache
