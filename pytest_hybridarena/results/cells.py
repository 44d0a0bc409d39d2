"""Cells: one (task, agent, strategy, seed) combination, its id and the plan of all of them.

Collection must be identical on every xdist worker, so the plan is sorted and built from settings
only; the id builder :func:`cell_id` has its inverse :func:`parse_cell_id` right below it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "Cell",
    "cell_id",
    "marker_name",
    "parse_cell_id",
    "plan_cells",
    "spec_base",
]


@dataclass(frozen=True, order=True)
class Cell:
    """One measured combination. ``agent`` and ``strategy`` are full specs (``builtin@rounds=2``)."""

    task_class: str
    task_id: str
    agent: str
    strategy: str
    seed: int

    @property
    def task_key(self) -> str:
        return f"{self.task_class}/{self.task_id}"

    @property
    def key(self) -> str:
        """Stable identity of the cell across runs: resume, RNG seeds and rows key on it."""
        return f"{self.task_key}[{cell_id(self.agent, self.strategy, self.seed)}]"

    @property
    def item_name(self) -> str:
        return f"{self.task_id}[{cell_id(self.agent, self.strategy, self.seed)}]"

    @property
    def slug(self) -> str:
        """A file-system-safe name for the cell's artifact folder."""
        return re.sub(
            r"[^A-Za-z0-9_.=-]+",
            "_",
            f"{self.task_class}__{self.task_id}__{self.agent}-{self.strategy}-s{self.seed}",
        )

    def to_wire(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "task_class": self.task_class,
            "agent": self.agent,
            "strategy": self.strategy,
            "seed": self.seed,
        }

    @classmethod
    def from_wire(cls, data: dict[str, Any]) -> Cell:
        return cls(
            task_class=str(data["task_class"]),
            task_id=str(data["task_id"]),
            agent=str(data["agent"]),
            strategy=str(data["strategy"]),
            seed=int(data["seed"]),
        )


def cell_id(agent: str, strategy: str, seed: int) -> str:
    """The bracketed part of an item name: ``aider-cascade-s42``."""
    return f"{agent}-{strategy}-s{seed}"


def parse_cell_id(text: str, agents: Iterable[str], strategies: Iterable[str]) -> tuple[str, str, int]:
    """Inverse of :func:`cell_id`. Agent and strategy names may contain hyphens, so the known names
    decide the split; raises ``ValueError`` when no known (agent, strategy) pair fits."""
    match = re.fullmatch(r"(.+)-s(-?\d+)", text)
    if match is None:
        raise ValueError(f"not a cell id: {text!r}")
    head, seed = match.group(1), int(match.group(2))
    for agent in sorted(agents, key=len, reverse=True):
        if head.startswith(agent + "-") and head[len(agent) + 1 :] in set(strategies):
            return agent, head[len(agent) + 1 :], seed
    raise ValueError(f"cell id {text!r} matches no known agent and strategy")


def plan_cells(
    task_class: str, task_id: str, agents: Sequence[str], strategies: Sequence[str], seeds: Sequence[int]
) -> list[Cell]:
    """Every (agent, strategy, seed) for one task, sorted, so every worker collects the same items."""
    return sorted(
        Cell(task_class, task_id, agent, strategy, seed)
        for agent in set(agents)
        for strategy in set(strategies)
        for seed in set(seeds)
    )


def spec_base(spec: str) -> str:
    """The name of a spec without its parameters: ``cascade@threshold=5`` → ``cascade``."""
    return spec.partition("@")[0]


def marker_name(name: str) -> str:
    """A marker-safe identifier for ``-m`` expressions: hyphens and dots become underscores."""
    return re.sub(r"[^A-Za-z0-9_]", "_", spec_base(name))
