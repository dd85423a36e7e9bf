# Two commands do everything: `make report` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The project kernel "techflows" the notebooks name (techflows.run.lab: autoreload in JupyterLab).
KERNEL := $(VENV)/share/jupyter/kernels/techflows/kernel.json
# Notebooks enter git without outputs, execution counts or run metadata (cell ids are kept).
STRIP := --keep-id --extra-keys 'metadata.language_info metadata.papermill cell.metadata.papermill'

.PHONY: report test lint lab bench clean git-filter

$(STAMP): pyproject.toml constraints.txt  ## install at the pinned versions CI tests
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

report: $(STAMP) $(KERNEL) git-filter  ## run every notebook and write outputs/index.html (ARGS="--source csv ..." to customise)
	$(BIN)/techflows report $(ARGS)

test: $(STAMP) git-filter lint  ## lint, then the test suite (offline; real-data tests skip without ../shared)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check lib tests bench notebooks
	$(BIN)/ruff format --check lib tests bench notebooks

$(KERNEL): $(STAMP)
	$(BIN)/python -m techflows.run.lab

lab: $(STAMP) $(KERNEL) git-filter  ## JupyterLab at the repository root, on notebooks/, with the project kernel
	$(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/notebooks $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# nbstripout as git's clean filter for *.ipynb (.gitattributes). A linked worktree shares its
# repository's config: there the main checkout's `make` installs it for every worktree.
git-filter: $(STAMP)
	@if ! git rev-parse --git-dir >/dev/null 2>&1; then \
	  true; \
	elif [ "$$(git rev-parse --git-dir)" = "$$(git rev-parse --git-common-dir)" ]; then \
	  git config filter.nbstripout.clean "'$(abspath $(BIN))/python' -m nbstripout $(STRIP)" && \
	  git config filter.nbstripout.smudge cat && \
	  git config diff.ipynb.textconv "'$(abspath $(BIN))/python' -m nbstripout -t $(STRIP)"; \
	else \
	  echo "git filter: a linked worktree; run make in the main checkout to install nbstripout"; \
	fi

bench: $(STAMP) $(KERNEL)  ## time the data layer, each notebook, incremental reruns and sweeps (BENCH_ARGS="--dates 4" for a short sweep)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/batch.py $(BENCH_ARGS)

clean:  ## remove reports and the live cache; the environment and the dated archive stay (rm -rf .venv; techflows archive prune)
	rm -rf $(filter-out outputs/archive/,$(wildcard outputs/*/)) outputs/index.html \
		outputs/runs.json outputs/*.pdf outputs/*.zip data/cache
