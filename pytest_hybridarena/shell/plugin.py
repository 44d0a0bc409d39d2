"""pytest-hybridarena's pytest plugin: wiring of options, hooks and fixtures, nothing more.

The logic lives in plain modules: tasks (the folder contract), cells (the plan and ids), runner
(one cell end to end), scoring and sandbox, rows, stats and table. See docs/ for the user's view.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_hybridarena.results.rows import now_iso
from pytest_hybridarena.shell import hookspecs
from pytest_hybridarena.shell.collect import (
    TaskFile,
    TaskPartDirectory,
    collect_directory,
    register_static_markers,
)
from pytest_hybridarena.shell.extensions import check_names, load_extensions
from pytest_hybridarena.shell.hosts import ship_resume, with_shipped_resume
from pytest_hybridarena.shell.item import ArenaItem, carry_on_report, status_of
from pytest_hybridarena.shell.reruns import (
    adopt_last_selection,
    is_cell_nodeid,
    refusal,
    selection_of,
    with_selection,
)
from pytest_hybridarena.shell.session import results_path, run_manifest, write_manifest
from pytest_hybridarena.shell.settings import ArenaSettings, add_options, resolve_settings
from pytest_hybridarena.shell.state import ArenaState, new_run_id, state_key

if TYPE_CHECKING:
    from pytest_hybridarena.router.server import RouterServer

__all__ = ["settings_key"]

settings_key = pytest.StashKey[ArenaSettings]()
_task_collect_errors_key = pytest.StashKey[list[int]]()  # [task errors, other errors]
_rerun_note_key = pytest.StashKey[str]()  # the header line of a --lf/--sw run on the last selection


def _plugin_version() -> str:
    try:
        return version("pytest-hybridarena")
    except PackageNotFoundError:
        return "unknown"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    settings = _rerun_selection(config, resolve_settings(config))
    settings = with_shipped_resume(config, settings)  # --arena-resume on another host (shell/hosts.py)
    config.stash[settings_key] = settings
    config.stash[_task_collect_errors_key] = [0, 0]
    load_extensions(config)  # the pytest_arena_add_* hooks, entry-point group included
    check_names(config, settings)
    register_static_markers(config, settings.agents, settings.strategies)

    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None and "arena_run_id" in workerinput:
        run_id, run_dir = workerinput["arena_run_id"], Path(workerinput["arena_run_dir"])
    else:
        run_id = new_run_id()
        run_dir = results_path(settings, config.rootpath, run_id).parent
    config.stash[state_key] = ArenaState(config, settings, run_id, run_dir, _plugin_version())

    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(XdistHooks(), "hybridarena-xdist")
        if workerinput is None:  # a dead remote host stays dead: go on without it (shell/hosts.py)
            from pytest_hybridarena.shell.hosts import LostHosts

            config.pluginmanager.register(LostHosts(), "hybridarena-hosts")
    if workerinput is None and not config.option.collectonly:
        from pytest_hybridarena.shell.progress import ProgressReporter  # not needed to collect
        from pytest_hybridarena.shell.terminal import ArenaReporter

        reporter = ArenaReporter(config, settings, run_id, results_path(settings, config.rootpath, run_id))
        config.pluginmanager.register(reporter, "hybridarena-reporter")
        terminal = config.pluginmanager.get_plugin("terminalreporter")
        if settings.progress != "off" and terminal is not None:
            config.pluginmanager.register(
                ProgressReporter(config, settings.progress, terminal), "hybridarena-progress"
            )


def _rerun_selection(config: pytest.Config, settings: ArenaSettings) -> ArenaSettings:
    """``--lf``/``--sw``: the last run's selection (``reruns.py``); a worker takes the controller's."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None:
        shipped = workerinput.get("arena_selection")
        return with_selection(settings, shipped) if shipped else settings
    adopted, note = adopt_last_selection(config, settings)
    if note is not None:
        config.stash[_rerun_note_key] = note
    return adopted


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse a ``--lf``/``--sw`` session that would re-run every cell (before pytest's own
    ``--lf``/``--sw`` narrowing, which keeps their cached state intact). Under xdist the workers
    collect and the controller decides (``XdistHooks``)."""
    if hasattr(config, "workerinput"):
        return
    message = refusal(config, [item.nodeid for item in items])
    if message is not None:
        raise pytest.UsageError(message)


def pytest_report_header(config: pytest.Config) -> list[str]:
    settings = config.stash[settings_key]
    state = config.stash[state_key]
    mode = " (validate: oracle must pass, nop must fail)" if settings.validate else ""
    return [
        f"hybridarena: run {state.run_id}{mode}; agents={','.join(settings.agents)} "
        f"strategies={','.join(settings.strategies)} seeds={','.join(map(str, settings.seeds))} "
        f"sandbox={settings.sandbox}",
        f"hybridarena: local={settings.local} {f'mid={settings.mid} ' if settings.mid else ''}"
        f"cloud={settings.cloud}{_stand_in_note(settings)}",
        _tiers_line(settings),
        *_roles_line(settings),
        *([config.stash[_rerun_note_key]] if _rerun_note_key in config.stash else []),
    ]


def _tiers_line(settings: ArenaSettings) -> str:
    """How every tier samples and how long its calls may take (docs/router.md#budgets)."""
    guards = "; ".join(
        f"{tier} " + " ".join(f"{k}={v}" for k, v in g.to_dict().items() if v not in (None, False))
        for tier, g in settings.tier_guards
    )
    limits = ", ".join(f"{tier} {seconds:g}s" for tier, seconds in settings.call_timeouts)
    return (
        "hybridarena: sampling as the agent sends it on every tier; guards: "
        f"{guards or 'none'}; call limits: {limits + ' and ' if limits else ''}the cell's budget (timeout_s)"
    )


def _roles_line(settings: ArenaSettings) -> list[str]:
    roles = settings.roles
    if roles is None:
        return []
    return [
        f"hybridarena: role sweep from {roles.path}: {len(roles.roles)} roles, {len(settings.strategies)} "
        "candidate models, each as the local side of always-local cells on the tasks its roles cover"
    ]


def _stand_in_note(settings: ArenaSettings) -> str:
    if settings.cloud.startswith("embedded:"):
        return " (an embedded stand-in for a frontier cloud model)"
    return ""


@pytest.fixture(scope="session")
def arena_router(request: pytest.FixtureRequest) -> Iterator[RouterServer]:
    """The session's router: one per process (per xdist worker), on its own loop and thread.

    Started on first use by a cell whose agent calls an LLM; stopped at session end.
    """
    from pytest_hybridarena.router.server import RouterServer  # aiohttp: only once a cell calls a model

    state = request.config.stash[state_key]
    server = RouterServer(state.router_config()).start()
    try:
        yield server
    finally:
        server.stop()


def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return collect_directory(path, parent)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    report = yield
    if report.failed:
        counts = collector.config.stash[_task_collect_errors_key]
        counts[0 if isinstance(collector, TaskFile | TaskPartDirectory) else 1] += 1
    return report


def pytest_collection_finish(session: pytest.Session) -> None:
    """A malformed task fails its own collection only: the other tasks still run. pytest would
    otherwise stop the whole session on any collection error."""
    task_errors, other_errors = session.config.stash[_task_collect_errors_key]
    if task_errors and not other_errors:
        session.config.option.continue_on_collection_errors = True
    _warn_weak_sandbox(session)


def _warn_weak_sandbox(session: pytest.Session) -> None:
    """Say once, on the controller, which protections this machine cannot give the sandbox."""
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    if not any(isinstance(item, ArenaItem) for item in session.items):
        return
    sandbox = config.stash[state_key].sandbox
    weaknesses: list[str] = getattr(sandbox, "weaknesses", list)()
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if weaknesses and reporter is not None:
        reporter.write_line(
            f"hybridarena: WARNING: the {sandbox.name} sandbox is weaker on this machine: "
            + "; ".join(weaknesses),
            yellow=True,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Carry the cell (every phase) and its row (the call phase) on the report."""
    report = yield
    carry_on_report(item, report)
    return report


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    """Error and timeout cells get their own status words, apart from unsolved (failed) cells."""
    return status_of(report, config.stash[settings_key].validate)


class PinnedRouters:
    """Routers whose local side is pinned to one model (cells of ``always-local@model=…``, which
    role sweeps are made of), one per model, started on first use. Embedded models are loaded once
    per process whichever router asks (``router/backends/embedded.py``)."""

    def __init__(self, state: ArenaState) -> None:
        self.state = state
        self.servers: dict[str, RouterServer] = {}

    def get(self, local: str) -> RouterServer:
        from pytest_hybridarena.router.server import RouterServer

        if local not in self.servers:
            self.servers[local] = RouterServer(self.state.router_config(local)).start()
        return self.servers[local]

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()


@pytest.fixture(scope="session")
def arena_pinned_routers(request: pytest.FixtureRequest) -> Iterator[PinnedRouters]:
    routers = PinnedRouters(request.config.stash[state_key])
    try:
        yield routers
    finally:
        routers.stop()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Write ``run.json`` (what was asked for) beside the results, on the controller only."""
    config = session.config
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    state = config.stash[state_key]
    manifest = run_manifest(
        state.settings,
        run_id=state.run_id,
        started_at=now_iso(),
        args=config.invocation_params.args,
        config_sha=state.config_sha,
        pricing_sha=state.pricing_sha,
        plugin_version=state.plugin_version,
    )
    write_manifest(state.run_dir, manifest)
    index = state.resume_index
    if index is not None:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            retry = ", re-running error and timeout cells" if index.retry_errors else ""
            reporter.write_line(
                f"hybridarena: resuming {index.path}: {len(index.rows)} finished cells{retry}"
            )
            for problem in index.problems:
                reporter.write_line(f"hybridarena: {problem}")


class XdistHooks:
    """Registered only when pytest-xdist is present: ships the run id and folder to every worker."""

    refused: str | None = None

    def pytest_configure_node(self, node: Any) -> None:
        state = node.config.stash[state_key]
        node.workerinput["arena_run_id"] = state.run_id
        node.workerinput["arena_run_dir"] = str(state.run_dir)
        ship_resume(node, state.settings.resume)
        if _rerun_note_key in node.config.stash:  # --lf/--sw took the last run's selection
            node.workerinput["arena_selection"] = selection_of(state.settings, state.run_id)

    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """The controller's ``--lf``/``--sw`` refusal: drop the cells from what gets scheduled
        (``ids`` is the list xdist schedules from), say why, and exit as a usage error."""
        message = refusal(node.config, ids)
        if message is None:
            return
        ids[:] = [nodeid for nodeid in ids if not is_cell_nodeid(nodeid)]
        if self.refused is None:
            self.refused = message
            terminal = node.config.pluginmanager.get_plugin("terminalreporter")
            if terminal is not None:
                terminal.write_line(f"ERROR: {message}", red=True)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.refused is not None:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR
