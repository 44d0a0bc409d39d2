"""``python -m pytest_hybridarena pricing refresh``: rebuild the price table from LiteLLM's cost map.

LiteLLM ships its cost map inside the package (``model_prices_and_context_window_backup.json``,
USD per token). This reads that file from the installed distribution, never the network
(``LITELLM_LOCAL_MODEL_COST_MAP=True`` is set in case anything imports litellm), rebuilds the
entries our table already has (per 1M tokens: input, cached input, output), prints the difference
and, with ``--write``, rewrites ``prices.toml`` with the new date and source. Models LiteLLM does not
list keep their pinned prices; nothing is added. LiteLLM is not a dependency of this project.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import sys
import tomllib
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["add_arguments", "find_cost_map", "rebuild", "render_diff", "render_toml", "run"]

_FIELDS = (
    ("input", "input_cost_per_token"),
    ("cached_input", "cache_read_input_token_cost"),
    ("output", "output_cost_per_token"),
)
_PREFIXES = ("", "openai/", "anthropic/")


def find_cost_map() -> tuple[Path, str] | None:
    """(path of LiteLLM's bundled cost map, litellm version), or None when LiteLLM is not installed."""
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    try:
        dist = importlib.metadata.distribution("litellm")
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or []:
        if file.name in (
            "model_prices_and_context_window_backup.json",
            "model_prices_and_context_window.json",
        ):
            return Path(str(dist.locate_file(file))), dist.version
    return None


def rebuild(
    current: dict[str, dict[str, float]], cost_map: dict[str, Any]
) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Our entries re-priced from ``cost_map`` (per-token USD → per-1M), and the models it lacks.

    A model is looked up as ``<id>``, ``openai/<id>`` and ``anthropic/<id>``; a missing cached-input
    price keeps the pinned one.
    """
    new: dict[str, dict[str, float]] = {}
    missing = []
    for model, old in current.items():
        entry = next(
            (cost_map[p + model] for p in _PREFIXES if isinstance(cost_map.get(p + model), dict)), None
        )
        if (
            entry is None
            or entry.get("input_cost_per_token") is None
            or entry.get("output_cost_per_token") is None
        ):
            new[model] = dict(old)
            missing.append(model)
            continue
        new[model] = {
            ours: round(float(entry[theirs]) * 1_000_000, 6) if entry.get(theirs) is not None else old[ours]
            for ours, theirs in _FIELDS
        }
    return new, missing


def render_diff(
    current: dict[str, dict[str, float]], new: dict[str, dict[str, float]], missing: list[str]
) -> str:
    lines = []
    for model in current:
        changes = [
            f"{f} {current[model][f]:g} → {new[model][f]:g}"
            for f, _ in _FIELDS
            if current[model][f] != new[model][f]
        ]
        if model in missing:
            lines.append(f"  {model}: not in LiteLLM's map; kept")
        elif changes:
            lines.append(f"~ {model}: " + ", ".join(changes))
        else:
            lines.append(f"  {model}: unchanged")
    return "\n".join(lines)


def render_toml(header: str, meta: dict[str, Any], models: dict[str, dict[str, float]]) -> str:
    """The table file: the original comment header, ``[meta]``, then one ``[models."<id>"]`` each."""
    out = [header.rstrip("\n"), "", "[meta]"] if header.strip() else ["[meta]"]
    out += [f"{k} = {json.dumps(v)}" for k, v in meta.items()]
    for model, fields in models.items():
        out += ["", f"[models.{json.dumps(model)}]"]
        out += [
            f"{f} = {fields[f]:.6g}" if fields[f] != int(fields[f]) else f"{f} = {fields[f]:.2f}"
            for f, _ in _FIELDS
        ]
    return "\n".join(out) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action", choices=["refresh"], help="rebuild the table from LiteLLM's bundled cost map"
    )
    parser.add_argument(
        "--write", action="store_true", help="write the new table (default: only print the diff)"
    )
    parser.add_argument("--table", type=Path, help="the table to refresh (default: the packaged prices.toml)")
    parser.add_argument(
        "--cost-map", type=Path, help="a cost-map JSON to use instead of LiteLLM's bundled one"
    )


def run(args: argparse.Namespace) -> int:
    """0 when the table is current or was written, 1 when it differs and was not written, 2 when no
    cost map is available."""
    if args.cost_map is not None:
        source_path, source = args.cost_map, f"{args.cost_map.name}"
    else:
        found = find_cost_map()
        if found is None:
            print(
                "pricing refresh: LiteLLM is not installed, so there is no cost map to refresh from; "
                "`pip install litellm` (it is not a dependency of this project) or pass --cost-map FILE",
                file=sys.stderr,
            )
            return 2
        source_path, version = found
        source = f"litellm {version} bundled cost map ({source_path.name})"
    table = args.table or Path(str(resources.files("pytest_hybridarena.pricing").joinpath("prices.toml")))
    raw = table.read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    current = {str(k): {f: float(v[f]) for f, _ in _FIELDS} for k, v in data["models"].items()}
    new, missing = rebuild(current, json.loads(source_path.read_text(encoding="utf-8")))
    print(f"pricing refresh: {table} vs {source}")
    print(render_diff(current, new, missing))
    if new == current:
        print("the table is current")
        return 0
    if not args.write:
        print("not written (pass --write to update the table)")
        return 1
    meta = dict(data.get("meta", {}))
    old_source = meta.get("source", "")
    meta["source"] = source + (f"; kept from {old_source}: {', '.join(missing)}" if missing else "")
    meta["fetched"] = datetime.now(UTC).date().isoformat()
    header = ""
    for line in raw.splitlines():  # the leading comment block
        if line.strip() and not line.startswith("#"):
            break
        header += line + "\n"
    table.write_text(render_toml(header, meta, new), encoding="utf-8")
    print(f"wrote {table}")
    return 0
