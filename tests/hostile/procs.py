"""Find host processes by a marker in their command line: code in a pid namespace cannot tell the
harness its host pid, so tests give the processes they start a unique argument and look for it."""

from __future__ import annotations

import os
import signal
import uuid


def new_marker() -> str:
    return f"hybridarena-marker-{uuid.uuid4().hex}"


def pids_with(marker: str) -> list[int]:
    """Live (not zombie) host processes whose command line contains ``marker``."""
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        state = stat[stat.rindex(b")") + 2 :].split()[0]
        if marker.encode() in cmdline and state not in (b"Z", b"X"):
            found.append(int(entry))
    return found


def kill_all_with(marker: str) -> None:
    """Clean-up after a test whose sandbox let processes live: SIGKILL them."""
    for pid in pids_with(marker):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
