# The README's commands, in one place: .ci/run calls `make test` too.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: venv test demo validate lint

$(VENV)/.installed-dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

venv: $(VENV)/.installed-dev

## The project's own test suite (it also checks every bundled task's invariants).
test: venv
	$(PY) -m pytest tests -p no:cacheprovider -q -n 2

## The main job: a sweep over the bundled benchmark.
demo: venv
	$(PY) -m pytest bench_tasks --arena-agents=oracle,nop --arena-seeds=42,7

## Every task's invariants: the oracle passes, nop fails.
validate: venv
	$(PY) -m pytest bench_tasks --arena-validate

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) tools/typecheck.py
