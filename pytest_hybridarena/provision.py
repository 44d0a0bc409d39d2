"""``python -m pytest_hybridarena provision``: make a host ready to run xdist workers over ssh.

    python -m pytest_hybridarena provision HOST --python /opt/arena/.venv/bin/python \\
        --dest /srv/arena/tree [--ssh-config FILE] [--wheel dist/pytest_hybridarena-*.whl] \\
        [--tree .] [--include bench_tasks --include conftest.py ...] [--check]

Over plain ``ssh`` (no rsync), in this order:

1. **Same version.** The host's ``--python`` must import pytest-hybridarena, pytest-xdist and
   execnet, with the same pytest-hybridarena version as here. When it does not and ``--wheel`` is
   given, the wheel is streamed over ssh and ``pip install``-ed into that python (its
   dependencies from the host's own package index), then checked again.
2. **Same task tree.** The ``--include`` paths under ``--tree`` (default: ``bench_tasks`` plus the
   ``conftest.py``, ``pyproject.toml``, ``pytest.ini``, ``roles.toml`` that exist) travel as one
   tar.gz on ssh's stdin into ``--dest`` (unpacked beside it, then swapped in).
3. **Checked.** The host computes the tree's digest with its own pytest-hybridarena and it must
   equal the local one. ``--check`` does steps 1 and 3 only (nothing is sent or installed).

Exit status 0 when the host is ready, 1 with the reason otherwise. Then point a worker at it with
``--tx ssh=HOST//python=PY//chdir=DEST`` (docs/scaling.md).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import shlex
import subprocess
import sys
import tarfile
from collections.abc import Iterator, Sequence
from importlib import metadata
from pathlib import Path

__all__ = ["add_arguments", "run", "tree_digest"]

DEFAULT_INCLUDES = ("bench_tasks", "conftest.py", "pyproject.toml", "pytest.ini", "roles.toml")
SKIPPED_PARTS = ("__pycache__", ".pytest_cache")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("host", nargs="?", help="the ssh destination (an alias of --ssh-config, user@host)")
    parser.add_argument("--python", help="the python on the host that runs the workers (a venv's)")
    parser.add_argument("--dest", help="the folder on the host for the task tree (the workers' chdir)")
    parser.add_argument("--ssh-config", type=Path, help="ssh -F FILE")
    parser.add_argument("--wheel", type=Path, help="install this wheel when the host's version differs")
    parser.add_argument("--tree", type=Path, default=Path("."), help="where the --include paths are")
    parser.add_argument(
        "--include",
        action="append",
        help="a path under --tree to ship (repeatable; default: " + ", ".join(DEFAULT_INCLUDES) + ")",
    )
    parser.add_argument("--check", action="store_true", help="only check version and tree; send nothing")
    parser.add_argument("--digest-of", type=Path, help=argparse.SUPPRESS)  # the host side of step 3


def _files(tree: Path, includes: Sequence[str]) -> Iterator[tuple[str, Path]]:
    """(relative name, path) of every regular file to ship, sorted, caches left out."""
    found: list[tuple[str, Path]] = []
    for name in includes:
        top = tree / name
        candidates = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in candidates:
            rel = path.relative_to(tree).as_posix()
            if any(part in SKIPPED_PARTS for part in rel.split("/")) or rel.endswith(".pyc"):
                continue
            found.append((rel, path))
    yield from sorted(found)


def tree_digest(tree: Path, includes: Sequence[str]) -> str:
    """SHA-256 over the shipped files' names and bytes (the same on both sides)."""
    digest = hashlib.sha256()
    for rel, path in _files(tree, includes):
        digest.update(rel.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tarball(tree: Path, includes: Sequence[str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for rel, path in _files(tree, includes):
            tar.add(path, arcname=rel, recursive=False)
    return buffer.getvalue()


def _ssh(
    args: argparse.Namespace, command: str, data: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    ssh = ["ssh", *(["-F", str(args.ssh_config)] if args.ssh_config else []), args.host, command]
    return subprocess.run(ssh, input=data, capture_output=True, timeout=600, check=False)


VERSION_PROBE = (
    "import importlib.metadata as m, execnet, xdist, pytest_hybridarena.shell.plugin; "
    "print(m.version('pytest-hybridarena'))"
)


def _remote_version(args: argparse.Namespace) -> tuple[str | None, str]:
    done = _ssh(args, f"{shlex.quote(args.python)} -c {shlex.quote(VERSION_PROBE)}")
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        return None, lines[-1] if lines else f"exit status {done.returncode}"
    return done.stdout.decode().strip(), ""


def _install(args: argparse.Namespace) -> str | None:
    wheel: Path = args.wheel
    if not wheel.is_file():
        return f"--wheel {wheel}: no such file"
    name = shlex.quote(wheel.name)
    command = (
        f"tmp=$(mktemp -d) && cat > $tmp/{name} && {shlex.quote(args.python)} -m pip install --quiet "
        f"$tmp/{name}; rc=$?; rm -rf $tmp; exit $rc"
    )
    done = _ssh(args, command, wheel.read_bytes())
    return (
        None if done.returncode == 0 else f"pip install on {args.host} failed: {done.stderr.decode()[-1500:]}"
    )


def _ship(args: argparse.Namespace, includes: Sequence[str]) -> str | None:
    dest = shlex.quote(str(args.dest).rstrip("/"))
    command = (
        f"set -e; rm -rf {dest}.new; mkdir -p {dest}.new; tar -xzf - -C {dest}.new; "
        f"rm -rf {dest}; mv {dest}.new {dest}"
    )
    done = _ssh(args, command, tarball(args.tree, includes))
    return (
        None if done.returncode == 0 else f"unpacking on {args.host} failed: {done.stderr.decode()[-1500:]}"
    )


def run(args: argparse.Namespace) -> int:
    includes = args.include or [n for n in DEFAULT_INCLUDES if (args.tree / n).exists()]
    if args.digest_of is not None:  # we are the host: print our copy's digest
        print(tree_digest(args.digest_of, includes))
        return 0
    if not (args.host and args.python and args.dest):
        print("provision: give HOST, --python and --dest", file=sys.stderr)
        return 2
    if not (args.tree / "bench_tasks").is_dir() and not args.include:
        print(
            f"provision: {args.tree}/bench_tasks is not a folder (give --tree or --include)", file=sys.stderr
        )
        return 2
    local = metadata.version("pytest-hybridarena")
    remote, why = _remote_version(args)
    if remote != local and args.wheel is not None and not args.check:
        problem = _install(args)
        if problem:
            print(f"provision: {problem}", file=sys.stderr)
            return 1
        remote, why = _remote_version(args)
    if remote != local:
        found = f"version {remote}" if remote else f"not importable ({why})"
        print(
            f"provision: {args.host}: {args.python} has pytest-hybridarena {found}, here {local}; "
            "install the same version there (--wheel dist/<wheel>), with pytest-xdist",
            file=sys.stderr,
        )
        return 1
    if not args.check:
        problem = _ship(args, includes)
        if problem:
            print(f"provision: {problem}", file=sys.stderr)
            return 1
    want = tree_digest(args.tree, includes)
    probe = " ".join(
        [shlex.quote(args.python), "-m", "pytest_hybridarena", "provision"]
        + ["--digest-of", shlex.quote(str(args.dest))]
        + [f"--include={shlex.quote(n)}" for n in includes]
    )
    done = _ssh(args, probe)
    have = done.stdout.decode().strip() if done.returncode == 0 else None
    if have != want:
        print(
            f"provision: {args.host}:{args.dest} does not hold this task tree "
            f"(digest {have or 'unreadable'}, here {want})",
            file=sys.stderr,
        )
        return 1
    print(f"provision: {args.host} ready: pytest-hybridarena {local}, tree {want[:12]} in {args.dest}")
    return 0
