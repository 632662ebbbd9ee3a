# Two commands: `make run` (the example review, end to end) and `make test`.
# `make run` is `litreview run`, which runs any review directory: litreview run DIR.
# `make test` runs every test, on TEST_WORKERS processes; `make test-fast` all but those
# that run Snakemake (marked `workflow`). Tests sharing one run keep to one worker
# (xdist groups: --dist loadgroup). `make test-slurm` runs the example review on a SLURM
# cluster (marked `slurm`; start one with .ci/slurm-up): `make test` leaves it out.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CORES ?= 2
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup
LITREVIEW_RUN := $(BIN)/litreview run . --cores $(CORES)
# Snakemake starts a Python process for each job: let them keep the package's compiled
# bytecode (__pycache__, ignored by git) rather than compile it again in every job.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast test-slurm lint dry-run screenshot clean

run: $(VENV)/.installed
	$(LITREVIEW_RUN)

test: $(VENV)/.installed
	$(PYTEST) -m "not slurm"

test-fast: $(VENV)/.installed
	$(PYTEST) -m "not workflow"

# Skipped, saying why, when no cluster answers; LITREVIEW_REQUIRE_SLURM=1 fails instead (CI).
test-slurm: $(VENV)/.installed
	$(BIN)/pytest -m slurm tests/test_slurm.py

# The README's picture of litreview serve, taken by its browser test.
screenshot: $(VENV)/.installed
	LITREVIEW_SCREENSHOTS=docs $(BIN)/pytest -q -p no:cacheprovider tests/test_serve_browser.py -k keyboard

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/snakemake --lint --cores 1

dry-run: $(VENV)/.installed
	$(LITREVIEW_RUN) -- --dry-run

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

clean:
	rm -rf results .snakemake
