"""Workers on other hosts: a host that is gone stays gone, and the sweep goes on without it.

When an xdist worker dies, pytest-xdist turns the cell it was running into a crash report (the
reporter writes it as an ``error`` row of kind ``worker-crash``), gives the worker's pending cells
back to the scheduler, and then opens a *replacement* gateway with the same spec. For a ``popen``
worker that always works. For an ``ssh=`` worker whose host died (powered off, network gone, sshd
killed) the replacement cannot be made: execnet raises (``HostNotFound``, ``OSError``…), the
exception leaves xdist's event loop and the whole session ends with an internal error, although
the other hosts are fine and their cells were waiting.

``LostHosts`` (registered on the controller when xdist is present) wraps that replacement step:
when it fails, the dead worker is not replaced, a line says so, and the session goes on with the
workers it still has; the pending cells already went back to them. If no worker is left, xdist
ends the session as before ("Unexpectedly no active workers available"); the rows written so far
stay in results.jsonl either way (one line per finished cell, flushed as it arrives).
"""

from __future__ import annotations

from typing import Any

__all__ = ["LostHosts"]


class LostHosts:
    def pytest_xdist_setupnodes(self, config: Any, specs: Any) -> None:
        dsession = config.pluginmanager.getplugin("dsession")
        clone = getattr(dsession, "_clone_node", None)
        if clone is None or getattr(clone, "_arena_wrapped", False):
            return  # not the xdist we know: leave it alone

        def clone_or_drop(node: Any) -> Any:
            try:
                return clone(node)
            except Exception as exc:  # execnet.HostNotFound, OSError, EOFError, ...
                spec = getattr(getattr(node, "gateway", None), "spec", None)
                where = getattr(spec, "ssh", None) or getattr(spec, "socket", None) or str(spec)
                dsession.report_line(
                    f"\nhybridarena: cannot replace worker {node.gateway.id} on {where} "
                    f"({type(exc).__name__}: {str(exc).strip()[:200]}); going on with the other workers"
                )
                return None

        clone_or_drop._arena_wrapped = True  # type: ignore[attr-defined]
        dsession._clone_node = clone_or_drop


# -- --arena-resume across hosts ------------------------------------------------------------------
# A worker decides whether its cell already finished from the rows of the run being resumed. On
# another host the controller's results.jsonl is not there (and a relative path means the worker's
# own folder), so the controller ships the file's text with the worker's input and the worker reads
# it from a private copy.

RESUME_KEY = "arena_resume_text"


def ship_resume(node: Any, resume: str | None) -> None:
    """Controller side (``pytest_configure_node``): put the resumed file's text into the worker's input."""
    if resume:
        with open(resume, encoding="utf-8") as f:
            node.workerinput[RESUME_KEY] = f.read()


def with_shipped_resume(config: Any, settings: Any) -> Any:
    """Worker side: the settings, reading ``--arena-resume`` from a private copy of the rows the
    controller shipped (unchanged when nothing was shipped)."""
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is None or workerinput.get(RESUME_KEY) is None:
        return settings
    import dataclasses
    import shutil
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="arena-resume-"))
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    copy = folder / "results.jsonl"
    copy.write_text(workerinput[RESUME_KEY], encoding="utf-8")
    return dataclasses.replace(settings, resume=str(copy))
