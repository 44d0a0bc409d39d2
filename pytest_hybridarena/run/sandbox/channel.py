"""The harness's side of the result channel: where the inner plugin comes from, the pipe the
process sandbox reads, and how the records it sent are read back.

The plugin (``score_channel.py``, loaded as ``hybridarena_score_channel``) streams one JSON line per
finished test. The rules here make the stream *write-once*: the first record for a test id is the
one that counts, a malformed line is dropped (and counted), and everything after the ``finish``
record is ignored — so a record forged by code that runs after pytest's session ended (``atexit``, a
daemon that kept a copy of the fd) never reaches a score.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CHANNEL_MAX_BYTES",
    "FD_ENV",
    "PLUGIN_MODULE",
    "STUBS_ENV",
    "TAG_ENV",
    "ChannelReport",
    "PipeReader",
    "install_plugin",
    "read_records",
]

PLUGIN_MODULE = "hybridarena_score_channel"
FD_ENV = "HYBRIDARENA_CHANNEL_FD"
TAG_ENV = "HYBRIDARENA_CHANNEL_TAG"
#: Set to "1" for a counting run: modules that do not exist become stubs (``score_channel._Stub``).
STUBS_ENV = "HYBRIDARENA_COUNT_STUBS"
#: More than this on the channel is not an acceptance suite talking: the rest is dropped.
CHANNEL_MAX_BYTES = 8 * 1024 * 1024
_OUTCOMES = ("passed", "failed", "error", "skipped")


def install_plugin(folder: Path) -> Path:
    """Copy the inner plugin into ``folder`` (created) as ``hybridarena_score_channel.py``; put
    ``folder`` on the scoring pytest's ``PYTHONPATH`` and pass ``-p hybridarena_score_channel``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{PLUGIN_MODULE}.py"
    shutil.copyfile(Path(__file__).with_name("score_channel.py"), target)
    return target


@dataclass
class ChannelReport:
    """What the channel said, after the write-once rules. ``finished`` is False when the suite
    never reached pytest's session end (killed, crashed, ``os._exit``)."""

    collected: list[str] | None = None
    outcomes: dict[str, str] = field(default_factory=dict)
    collect_errors: list[str] = field(default_factory=list)
    finished: bool = False
    status: int | None = None
    #: Lines dropped: malformed, a second record for a test, anything after ``finish``, overflow.
    ignored: int = 0


def read_records(data: bytes) -> ChannelReport:
    """Parse the channel's bytes, one JSON record per line, under the write-once rules."""
    report = ChannelReport()
    for raw in data.splitlines():
        if report.finished:
            report.ignored += 1
            continue
        try:
            record = json.loads(raw)
            kind = record["t"]
        except (ValueError, TypeError, KeyError):
            report.ignored += 1
            continue
        if kind == "test" and isinstance(record.get("id"), str) and record.get("o") in _OUTCOMES:
            if record["id"] in report.outcomes:
                report.ignored += 1
            else:
                report.outcomes[record["id"]] = record["o"]
        elif kind == "collected" and report.collected is None and isinstance(record.get("ids"), list):
            report.collected = [str(i) for i in record["ids"]]
        elif kind == "collect-error" and isinstance(record.get("id"), str):
            report.collect_errors.append(record["id"])
        elif kind == "finish" and isinstance(record.get("status"), int):
            report.finished, report.status = True, record["status"]
        else:
            report.ignored += 1
    return report


class PipeReader:
    """Drain the read end of the channel pipe in a thread (a suite with many tests would otherwise
    block on a full pipe buffer), keeping at most :data:`CHANNEL_MAX_BYTES`."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._chunks: list[bytes] = []
        self._size = 0
        self.overflow = False
        self._thread = threading.Thread(target=self._drain, name="hybridarena-channel", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            if self._size + len(chunk) > CHANNEL_MAX_BYTES:
                self.overflow = True
                continue  # keep draining so the writer never blocks, but store nothing more
            self._chunks.append(chunk)
            self._size += len(chunk)

    def close(self, timeout_s: float = 5.0) -> bytes:
        """The bytes read so far, once every writer has gone (EOF) or ``timeout_s`` has passed."""
        self._thread.join(timeout_s)
        data = b"".join(self._chunks)
        if not self._thread.is_alive():
            os.close(self._fd)
        return data
