# Two commands set everything up on a fresh machine: `make run` and `make test`.
# Both create the virtual env, install the package and fetch DynamoDB Local first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPROC  ?= 2
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: run test lab bench notebooks lint format install local clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip >/dev/null
	$(BIN)/python -m pip install -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## the virtual env with the package and its dev tools

local: $(STAMP)  ## fetch DynamoDB Local into the per-user cache (once)
	$(BIN)/workbench local install

run: local  ## the main job: every notebook against one DynamoDB Local, into build/
	$(BIN)/python -m workbench.notebooks

test: local  ## lint, unit + integration + CLI tests, and nbval over the stored notebook outputs
	$(BIN)/ruff check .
	$(BIN)/python tools/build_notebooks.py --check
	$(BIN)/python -m pytest -n $(NPROC) --dist loadfile --nbval --nbval-current-env tests notebooks

lab: local  ## JupyterLab on the notebooks, with the project's kernel and DynamoDB Local running
	$(BIN)/python -m ipykernel install --sys-prefix --name cruddur-workbench \
		--display-name "Python (cruddur-workbench)"
	$(BIN)/workbench local start
	$(BIN)/jupyter lab --notebook-dir=notebooks --no-browser --ip=127.0.0.1 $(ROOT_FLAG)

bench: local  ## the ratio benchmarks; prints a table and writes build/bench.json
	$(BIN)/python -m bench

notebooks: local  ## rebuild notebooks/*.ipynb (and their stored outputs) from notebooks/src
	$(BIN)/python tools/build_notebooks.py

lint: $(STAMP)
	$(BIN)/ruff check .

format: $(STAMP)
	$(BIN)/ruff format workbench tests bench tools
	$(BIN)/ruff check --fix .

clean:
	rm -rf build .pytest_cache
