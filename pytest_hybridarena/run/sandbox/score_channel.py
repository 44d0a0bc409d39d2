"""The scoring pytest's side of the result channel: a tiny pytest plugin, loaded with
``-p hybridarena_score_channel`` into the *inner* pytest that runs the hidden acceptance suite.

This file is standalone on purpose (no ``pytest_hybridarena`` imports): the harness copies it as
``hybridarena_score_channel.py`` into a folder the scored code cannot write (read-only under bwrap,
root-owned when the sandbox drops to another uid, a read-only volume in Docker) and puts that folder
on ``PYTHONPATH``. Nothing is read back from the scoring directory afterwards: each test's outcome is
streamed to the harness *as the test finishes*, one JSON line per record, so code that runs later
(an ``atexit`` hook, a daemon) cannot rewrite what was already said. The harness reads:

- ``{"t": "collected", "ids": [...]}`` once collection is done;
- ``{"t": "collect-error", "id": ...}`` for a module that failed to import;
- ``{"t": "test", "id": ..., "o": "passed" | "failed" | "error" | "skipped"}`` once per test;
- ``{"t": "finish", "status": <pytest exit status>}`` last: anything after it is ignored.

Where the records go: the inherited pipe fd named by ``HYBRIDARENA_CHANNEL_FD`` (process sandbox),
else lines prefixed with ``HYBRIDARENA_CHANNEL_TAG`` on the real stderr (Docker: no fd crosses into a
container). Both variables are removed from ``os.environ`` at import and the fd is moved to a
close-on-exec descriptor, so processes the tests spawn neither inherit nor see them. Code running in
*this* interpreter can still find them (``sys.modules``, ``/proc/self/fd``): the limit is documented
in ``docs/sandbox.md``.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import os
import sys
import types
from typing import Any

import pytest

FD_ENV = "HYBRIDARENA_CHANNEL_FD"
TAG_ENV = "HYBRIDARENA_CHANNEL_TAG"
STUBS_ENV = "HYBRIDARENA_COUNT_STUBS"


class _Stub:
    """Stands in for any name of a module that does not exist yet (a from-scratch task's package)
    while the harness only *counts* the pristine suite's tests: attribute access, calls, iteration
    (empty) and subclassing all work, so ``from mod import thing`` at a test module's top collects."""

    def __getattr__(self, name: str) -> _Stub:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _Stub()

    def __call__(self, *args: object, **kwargs: object) -> _Stub:
        return _Stub()

    def __iter__(self) -> Any:
        return iter(())

    def __mro_entries__(self, bases: tuple[object, ...]) -> tuple[type, ...]:
        return (object,)


class _StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on ``sys.meta_path``: a module no other finder knows becomes an empty stub package."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec:
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = _Stub().__getattr__  # type: ignore[method-assign]
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        pass


if os.environ.pop(STUBS_ENV, None) == "1":
    sys.meta_path.append(_StubFinder())


def _open_sink() -> tuple[int | None, bytes]:
    raw_fd, tag = os.environ.pop(FD_ENV, None), os.environ.pop(TAG_ENV, None)
    if raw_fd is not None:
        fd = os.dup(int(raw_fd))  # dup() gives a close-on-exec (non-inheritable) descriptor
        os.close(int(raw_fd))
        return fd, b""
    if tag is not None:
        return os.dup(2), tag.encode() + b" "  # fd 2 before pytest's capture replaces it
    return None, b""


_FD, _PREFIX = _open_sink()
_outcomes: dict[str, str] = {}
_sent: set[str] = set()


def _send(record: dict[str, Any]) -> None:
    if _FD is None:
        return
    data = _PREFIX + json.dumps(record, separators=(",", ":")).encode() + b"\n"
    while data:
        data = data[os.write(_FD, data) :]


def pytest_collection_finish(session: pytest.Session) -> None:
    _send({"t": "collected", "ids": [item.nodeid for item in session.items]})


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _send({"t": "collect-error", "id": report.nodeid})


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Fold the phases into one outcome: a failed setup or teardown is an error, a failed call a
    failure, a skip (xfail included) a skip; the first bad phase wins."""
    if report.nodeid in _outcomes and _outcomes[report.nodeid] != "passed":
        return
    if report.failed:
        _outcomes[report.nodeid] = "failed" if report.when == "call" else "error"
    elif report.skipped:
        _outcomes[report.nodeid] = "skipped"
    else:
        _outcomes.setdefault(report.nodeid, "passed")


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    if nodeid not in _sent:
        _sent.add(nodeid)
        _send({"t": "test", "id": nodeid, "o": _outcomes.get(nodeid, "error")})


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _FD
    _send({"t": "finish", "status": int(exitstatus)})
    if _FD is not None:
        os.close(_FD)
        _FD = None
