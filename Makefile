# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPROC  ?= 2

.PHONY: run test lab bench lint format install local clean walkthrough

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip >/dev/null
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## the virtual env with the package and its dev tools

local: $(STAMP)  ## fetch DynamoDB Local into the per-user cache (once)
	$(BIN)/workbench local install

run: local  ## the main job: every notebook against one DynamoDB Local, into build/
	$(BIN)/python -m workbench.walkthrough

test: local  ## lint, unit tests (moto), integration tests (DynamoDB Local, PostgreSQL), CLI, nbval
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(NPROC) --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check workbench tests bench

format: $(STAMP)
	$(BIN)/ruff format workbench tests bench
	$(BIN)/ruff check --fix .

clean:
	rm -rf build .pytest_cache
