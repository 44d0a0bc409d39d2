"""The router's shared state, stored on the app under one typed key (``keys.STATE``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytest_hybridarena.pricing import PriceTable

from .backends.base import Backend
from .decisions import DecisionLog
from .services import RouterServices
from .sessions import SessionRegistry
from .settings import RouterConfig
from .wire.shapes import Side

__all__ = ["RouterState"]


@dataclass
class RouterState:
    config: RouterConfig
    backends: dict[Side, Backend]
    services: RouterServices
    log: DecisionLog
    prices: PriceTable
    cells: SessionRegistry = field(default_factory=SessionRegistry)
    default_cell_id: str | None = None
    #: The request changes in force per tier (``TierGuards.to_dict()``), reported with every cell.
    guards: dict[str, Any] = field(default_factory=dict)
    #: Helper backends (classifier/embedder) that are not one of the sides.
    extra_backends: list[Backend] = field(default_factory=list)
    #: Sides whose tokens are priced from the price table; the others cost $0 (the local side,
    #: and a mid tier that runs on the user's own hardware).
    priced_sides: frozenset[Side] = frozenset({"cloud"})

    @property
    def has_mid(self) -> bool:
        return "mid" in self.backends
