"""pytest-hybridarena: benchmarks as pytest tests — which coding work can stay on a local model and
which needs the cloud."""

from __future__ import annotations

from pytest_hybridarena.results.cells import Cell
from pytest_hybridarena.results.rows import SCHEMA_VERSION, Row
from pytest_hybridarena.run.tasks import TaskError, TaskSpec, load_task

__all__ = ["SCHEMA_VERSION", "Cell", "Row", "TaskError", "TaskSpec", "load_task"]
