# The same targets for a person, CI and hooks. `make help` lists them.
PYTHON ?= python3
YEAR ?= 2019/20
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install report test test-fast lint lab screenshots bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 12

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit("essex-report needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (essex-report)" >/dev/null
	touch $(STAMP)

install: $(STAMP) ## create .venv, install the pinned dependencies, register the kernel

report: $(STAMP) ## build the report for YEAR (default 2019/20) into report/
	$(BIN)/essex-report build --year $(YEAR)

test: $(STAMP) ## ruff and mypy, then the whole test suite
	$(BIN)/ruff check essex_report tests benchmarks notebooks
	$(BIN)/mypy
	$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	exit $$status

test-fast: $(STAMP) ## ruff and mypy, then every test that builds no report (under a minute)
	$(BIN)/ruff check essex_report tests benchmarks notebooks
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not e2e"; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test-fast: pytest collected no tests" >&2; fi; \
	exit $$status

lab: $(STAMP) ## open the chapter notebooks in JupyterLab (LAB_ARGS=--no-browser on a server)
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS) notebooks/

screenshots: $(STAMP) ## build every year, then PNGs of each HTML (1280, 375 px) and PDF page in report/screenshots/
	$(BIN)/essex-report build --all
	$(BIN)/python -m essex_report.review.screenshots report report/screenshots

lint: $(STAMP) ## ruff (checks and format) and mypy
	$(BIN)/ruff check essex_report tests benchmarks notebooks
	$(BIN)/ruff format --check essex_report tests
	$(BIN)/mypy

bench: $(STAMP) ## time builds side by side (naive loop, floor, cold, warm, one value changed, --all)
	$(BIN)/python benchmarks/bench.py

clean: ## remove built reports and what builds reuse (keeps .venv)
	rm -rf report/[0-9]*-[0-9]* report/index.html report/.locks report/.build-* report/.old-* \
		report/failed report/.essex-report report/screenshots report/.cache \
		styles/brand.typ styles/brand.css styles/fonts index.html
