# Two commands: `make run` (the example review, end to end) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CORES ?= 2
SNAKEMAKE := $(BIN)/snakemake --workflow-profile workflow/profiles/default --cores $(CORES)

.PHONY: run test lint dry-run clean

run: $(VENV)/.installed
	$(SNAKEMAKE)
	@echo
	@$(BIN)/litreview summary results/prisma/counts.json

test: $(VENV)/.installed
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/snakemake --lint --cores 1

dry-run: $(VENV)/.installed
	$(SNAKEMAKE) --dry-run

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

clean:
	rm -rf results .snakemake
