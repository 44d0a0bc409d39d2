"""Per-process run state kept in ``config.stash``: run id and folder, resolved settings, and the
agents and sandbox built once per process (per xdist worker)."""

from __future__ import annotations

import functools
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pytest_hybridarena.agents.base import Agent
from pytest_hybridarena.pricing import PriceTable, load_prices
from pytest_hybridarena.results.rows import config_sha
from pytest_hybridarena.router.settings import RouterConfig
from pytest_hybridarena.router.specs import parse_spec
from pytest_hybridarena.run.breaker import BackendBreaker
from pytest_hybridarena.run.resume import ResumeIndex
from pytest_hybridarena.run.sandbox import Sandbox, make_sandbox
from pytest_hybridarena.run.tasks import task_sha
from pytest_hybridarena.shell import extensions
from pytest_hybridarena.shell.settings import ArenaSettings

__all__ = ["ArenaState", "make_agent", "new_run_id", "pricing_sha", "state_key"]


def new_run_id() -> str:
    """Sortable and unique: ``20261123-104512-3f9a``."""
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def pricing_sha(path: str | Path | None = None) -> str | None:
    """SHA-256 of a price table: the pinned one shipped in ``pytest_hybridarena.pricing``, or the
    file at ``path`` (``--arena-pricing``); None if it cannot be read."""
    try:
        return load_prices(path).sha256
    except (OSError, ModuleNotFoundError, ValueError):
        return None


def make_agent(config: pytest.Config, spec: str) -> Agent:
    """Build an agent through the hooks (``extensions.make_agent``); UsageError for unknown names."""
    return extensions.make_agent(config, spec)


@dataclass
class ArenaState:
    config: pytest.Config
    settings: ArenaSettings
    run_id: str
    run_dir: Path
    plugin_version: str
    _agents: dict[str, Agent] = field(default_factory=dict)
    _sandbox: Sandbox | None = None
    _sandbox_ok: tuple[bool, str] | None = None
    _resume: ResumeIndex | None = None
    _task_shas: dict[Path, str] = field(default_factory=dict)
    breaker: BackendBreaker = field(default_factory=BackendBreaker)

    @functools.cached_property
    def prices_path(self) -> Path | None:
        """``--arena-pricing``'s table, made absolute (None: the pinned table)."""
        return Path(self.settings.pricing).resolve() if self.settings.pricing else None

    @functools.cached_property
    def prices(self) -> PriceTable:
        """The price table of this run, loaded once per process (settings checked it loads)."""
        return load_prices(self.prices_path)

    @functools.cached_property
    def pricing_sha(self) -> str | None:
        return pricing_sha(self.prices_path)

    def router_config(self, local: str | None = None) -> RouterConfig:
        """Router settings for this process; decisions go to one log file per worker (and per pinned
        local model: ``local`` replaces ``--arena-local`` for the cells of ``always-local@model=``)."""
        worker = self.worker or "main"
        name = worker if local is None else f"{worker}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', local)}"
        # ${VARS} in a backend spec expand on each worker: with xdist gateways on several hosts,
        # every host reaches its own model server (docs/scaling.md).
        return RouterConfig(
            local=os.path.expandvars(local or self.settings.local),
            cloud=os.path.expandvars(self.settings.cloud),
            mid=os.path.expandvars(self.settings.mid) if self.settings.mid else None,
            decisions_path=self.run_dir / "decisions" / f"{name}.jsonl",
            run_id=self.run_id,
            record_dir=Path(self.settings.record) if self.settings.record else None,
            replay_dir=Path(self.settings.replay) if self.settings.replay else None,
            replay_fallback=self.settings.replay_fallback,
            prices_path=self.prices_path,
            # The backends and strategies the hooks added (docs/extending.md), built in the router.
            backends=extensions.extensions(self.config).backends,
            strategies=extensions.extensions(self.config).strategies,
            **self.settings.router_options(),  # per-tier guards and call limits
        )

    @property
    def worker(self) -> str | None:
        """This process's xdist worker id (``gw0``…), None outside xdist. Read from the config, not
        from ``PYTEST_XDIST_WORKER``, which a pytest started *by* a worker inherits."""
        workerinput: dict[str, Any] = getattr(self.config, "workerinput", {})
        worker = workerinput.get("workerid")
        return str(worker) if worker else None

    @property
    def resume_index(self) -> ResumeIndex | None:
        """Rows of the run being resumed, loaded once per process (None without --arena-resume)."""
        if self.settings.resume is None:
            return None
        if self._resume is None:
            self._resume = ResumeIndex.load(
                Path(self.settings.resume), retry_errors=self.settings.retry == "errors"
            )
        return self._resume

    @functools.cached_property
    def config_sha(self) -> str:
        return config_sha(self.settings.result_relevant())

    def task_sha(self, folder: Path) -> str:
        """The task folder's hash, computed once per process (every cell of a task needs it)."""
        if folder not in self._task_shas:
            self._task_shas[folder] = task_sha(folder)
        return self._task_shas[folder]

    @functools.cached_property
    def decisions_ref(self) -> str:
        """This process's decision log, relative to the run folder (rows point into it)."""
        return self.decisions_ref_for(None)

    def decisions_ref_for(self, local: str | None) -> str:
        path = self.router_config(local).decisions_path or self.run_dir
        return os.path.relpath(path, self.run_dir)

    def pinned_local(self, strategy: str) -> str | None:
        """The backend spec a cell's local side is pinned to (``always-local@model=<label>``): the
        roles file's full spec for a label it knows (it may carry a URL), else the value itself."""
        name, params = parse_spec(strategy)
        label = params.get("model") if name == "always-local" else None
        if label is None:
            return None
        known = self.settings.roles.by_label(label) if self.settings.roles is not None else None
        return known.spec if known is not None else label

    def agent(self, spec: str) -> Agent:
        if spec not in self._agents:
            self._agents[spec] = make_agent(self.config, spec)
        return self._agents[spec]

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            self._sandbox = make_sandbox(
                self.settings.sandbox, factories=extensions.extensions(self.config).sandboxes
            )
        return self._sandbox

    def sandbox_available(self) -> tuple[bool, str]:
        if self._sandbox_ok is None:
            self._sandbox_ok = self.sandbox.available()
        return self._sandbox_ok


state_key = pytest.StashKey[ArenaState]()
