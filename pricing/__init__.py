"""Pinned cloud price tables and the one function that turns tokens into dollars.

The table lives in ``prices.toml`` beside this module (USD per 1M tokens: input, cached input,
output). Its SHA-256 is taken over the exact file bytes so a result row can name the table it was
priced with, and costs stay recomputable from tokens at analysis time.

Model ids are matched exactly after lower-casing; a dated snapshot (``gpt-5.5-2026-04-23``,
``claude-sonnet-4-6-20260115``) resolves to its base entry. Nothing else is guessed: the reference
router dropped trailing ``-segments`` until something matched, which priced a hypothetical
``gpt-5.5-mini`` as ``gpt-5.5``. An unknown model has no price (``None``), never a silent $0.

There is no process-wide "current table": whoever prices something says which table
(``load_prices(path)``; no path is the pinned one). The plugin keeps the ``--arena-pricing`` choice
in its settings and state and hands the path to the router (``RouterConfig.prices_path``).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["Price", "PriceTable", "load_prices"]

_SNAPSHOT = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{8})$")
_PREFIX = re.compile(r"^(?:openai|anthropic)/")


@dataclass(frozen=True)
class Price:
    """USD per 1M tokens."""

    input: float
    cached_input: float
    output: float


@dataclass(frozen=True)
class PriceTable:
    """A loaded price table; ``sha256`` identifies the exact file bytes it came from."""

    prices: dict[str, Price]
    sha256: str
    source: str
    fetched: str
    path: str

    def resolve(self, model: str) -> str | None:
        """The table key a model id is priced under, or None when it is not in the table."""
        key = _PREFIX.sub("", model.strip().lower())
        if key in self.prices:
            return key
        base = _SNAPSHOT.sub("", key)
        return base if base in self.prices else None

    def cost_usd(self, model: str, prompt: int, completion: int, cached: int = 0) -> float | None:
        """Dollars for one call: (prompt - cached) x input + cached x cached_input + completion x output.

        ``prompt`` includes the cached tokens (OpenAI's convention). Returns None for a model
        the table does not know, so callers can flag the row instead of pricing it at $0.
        """
        key = self.resolve(model)
        if key is None:
            return None
        price = self.prices[key]
        cached = min(max(cached, 0), max(prompt, 0))
        uncached = max(prompt, 0) - cached
        total = uncached * price.input + cached * price.cached_input + max(completion, 0) * price.output
        return total / 1_000_000


def _price(key: str, entry: Any) -> Price:
    try:
        return Price(float(entry["input"]), float(entry["cached_input"]), float(entry["output"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"price table entry models.{key!r} needs numeric input, cached_input and output: {exc}"
        ) from exc


def load_prices(path: str | Path | None = None) -> PriceTable:
    """Load a price table: the TOML file at ``path``, else the packaged, pinned ``prices.toml``.

    Raises OSError when the file cannot be read, ``tomllib.TOMLDecodeError`` / ``UnicodeDecodeError``
    when it is not TOML text, ValueError when an entry is malformed.
    """
    if path is None:
        return _load_pinned()
    raw = Path(path).read_bytes()
    return _parse(raw, str(path))


def _load_pinned() -> PriceTable:
    ref = resources.files(__name__).joinpath("prices.toml")
    return _parse(ref.read_bytes(), str(ref))


def _parse(raw: bytes, where: str) -> PriceTable:
    data = tomllib.loads(raw.decode("utf-8"))
    models = data.get("models")
    if not isinstance(models, dict) or not models:
        raise ValueError(f'price table {where} has no [models."<id>"] entries')
    meta = data.get("meta", {})
    return PriceTable(
        prices={str(k).lower(): _price(str(k), v) for k, v in models.items()},
        sha256=hashlib.sha256(raw).hexdigest(),
        source=str(meta.get("source", "")),
        fetched=str(meta.get("fetched", "")),
        path=where,
    )
