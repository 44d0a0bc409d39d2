"""Spec strings: ``name@k=v;k2=v2`` for strategies (and agents), ``scheme:model[@url][;k=v]`` for backends.

Parameters inside one spec are separated by ``;`` because ``,`` already separates specs on the
command line (``--arena-strategies=cascade@threshold=5,cascade@threshold=15``).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["BackendSpec", "format_spec", "parse_backend_spec", "parse_spec", "runs_locally"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def _parse_params(text: str, spec: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"spec {spec!r}: parameter {item!r} must look like key=value")
        if key in params:
            raise ValueError(f"spec {spec!r}: parameter {key!r} given twice")
        params[key] = value.strip()
    return params


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """``"cascade@threshold=10;tiebreak=llm"`` -> ``("cascade", {"threshold": "10", "tiebreak": "llm"})``.

    Raises ValueError naming the spec and the rule it broke.
    """
    name, _, rest = spec.strip().partition("@")
    name = name.strip()
    if not _NAME.match(name):
        raise ValueError(
            f"spec {spec!r}: name {name!r} must start with a letter or digit and use only "
            "letters, digits, '_', '.', '-'"
        )
    return name, _parse_params(rest, spec)


def format_spec(name: str, params: dict[str, str]) -> str:
    """The inverse of :func:`parse_spec` (parameters sorted, so equal specs format equally)."""
    if not params:
        return name
    return name + "@" + ";".join(f"{k}={params[k]}" for k in sorted(params))


@dataclass(frozen=True)
class BackendSpec:
    """A parsed backend spec such as ``ollama:qwen2.5-coder:7b@http://127.0.0.1:11434``."""

    scheme: str
    model: str
    base_url: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""


def parse_backend_spec(spec: str) -> BackendSpec:
    """``scheme:model[@base-url][;key=value...]``; the model may itself contain ``:`` (Ollama tags)."""
    head, _, params_text = spec.strip().partition(";")
    scheme, sep, rest = head.partition(":")
    if not sep or not _NAME.match(scheme):
        raise ValueError(
            f"backend spec {spec!r} must look like scheme:model[@url], e.g. 'openai:gpt-5.5' or "
            "'ollama:qwen2.5-coder:7b@http://127.0.0.1:11434'"
        )
    model, _, url = rest.partition("@")
    if not model:
        raise ValueError(f"backend spec {spec!r} names no model after '{scheme}:'")
    if url and not url.startswith(("http://", "https://")):
        raise ValueError(f"backend spec {spec!r}: base URL {url!r} must start with http:// or https://")
    return BackendSpec(
        scheme=scheme.lower(),
        model=model,
        base_url=url.rstrip("/") or None,
        params=_parse_params(params_text, spec),
        text=spec.strip(),
    )


_LOCAL_SCHEMES = frozenset({"embedded", "ollama"})


def runs_locally(spec: str) -> bool:
    """True when the backend runs on the user's own hardware, so its tokens cost $0: the
    ``embedded`` and ``ollama`` schemes, or any scheme pointed at a loopback or private address
    (a vLLM or llama.cpp server on the LAN). ``replay:`` specs are judged by the backend they
    replay. Hosted APIs (no base URL, or a public one) are priced from the price table."""
    parsed = parse_backend_spec(spec)
    if parsed.scheme == "replay":
        return runs_locally(parsed.model)
    if parsed.scheme in _LOCAL_SCHEMES:
        return True
    if parsed.base_url is None:
        return False
    host = urlsplit(parsed.base_url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private
