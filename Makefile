# Two commands set everything up on a fresh machine: `make run` and `make test`.
# Both create the virtual env and install the package first, with the exact versions (and
# hashes) of requirements.lock; nothing else is fetched. `make lock` refreshes the lock.
# `make run ENDPOINT=URL` runs the notebooks against your own DynamoDB (e.g. DynamoDB Local).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NPROC  ?= 2
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

ENDPOINT ?=

.PHONY: run test lab app bench notebooks lint format install lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	@echo "installing the workbench and its tools into $(VENV) from requirements.lock (quietly; a minute or two the first time)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		-r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation \
		-e .
	@$(BIN)/python -m pip check --disable-pip-version-check >/dev/null || \
		echo "warning: requirements.lock does not satisfy pyproject.toml: run make lock"
	touch $(STAMP)

install: $(STAMP)  ## the virtual env with the package and its dev tools

run: $(STAMP)  ## the main job: every notebook against one local server (or ENDPOINT), into build/
	$(BIN)/python -m workbench.desk.notebooks $(if $(ENDPOINT),--endpoint $(ENDPOINT))

test: $(STAMP)  ## lint, unit + integration + CLI tests, and nbval over the stored notebook outputs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/build_notebooks.py --check
	$(BIN)/python -m pytest -n $(NPROC) --dist loadfile --nbval --nbval-current-env tests notebooks

lab: $(STAMP)  ## JupyterLab on the notebooks, with the project's kernel and the local server running
	$(BIN)/python -m ipykernel install --sys-prefix --name cruddur-workbench \
		--display-name "Python (cruddur-workbench)"
	$(BIN)/workbench local start
	$(BIN)/jupyter lab --notebook-dir=notebooks --no-browser --ip=127.0.0.1 $(ROOT_FLAG) \
		--ContentsManager.hide_globs="['__pycache__','*.pyc','.DS_Store','*~','src','conftest.py']"

app: $(STAMP)  ## the Cruddur messages app at http://127.0.0.1:4567/ (sign-in printed; Ctrl-C stops)
	$(BIN)/workbench app serve $(if $(PORT),--port $(PORT))

bench: $(STAMP)  ## the ratio benchmarks; prints a table and writes build/bench.json
	$(BIN)/python -m bench

notebooks: $(STAMP)  ## rebuild notebooks/*.ipynb (and their stored outputs) from notebooks/src
	$(BIN)/python tools/build_notebooks.py

lint: $(STAMP)  ## ruff check and ruff format --check, as make test runs them
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)  ## fix what make lint finds
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: $(STAMP)  ## resolve pyproject.toml's ranges again into requirements.lock and environment.yml
	$(BIN)/python tools/lock.py

clean:
	rm -rf build .pytest_cache
