"""Lazy package attributes (PEP 562): a package re-exports names of its modules without importing
them until first use, so importing it for one light module (``specs``, ``settings``) does not load
aiohttp or every strategy. Stdlib only, so any package of the router can use it."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping
from typing import Any

__all__ = ["load_lazy"]


def load_lazy(package: str, table: Mapping[str, str], namespace: MutableMapping[str, Any], name: str) -> Any:
    """``name`` from the module ``table`` maps it to (relative to ``package``), cached in the
    package's ``namespace``; AttributeError for a name not in the table."""
    module = table.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, package), name)
    namespace[name] = value
    return value
