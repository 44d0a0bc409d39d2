"""Options, ini keys and environment variables, resolved once into a frozen :class:`ArenaSettings`.

Precedence: command line > environment (``ARENA_*``) > ini (``arena_*``) > default. Every converter is
a ``parse_*`` function raising :class:`pytest.UsageError` that names the option, the value and the
valid choices. Nothing else in the plugin reads options.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from pytest_hybridarena.router.settings import TIERS, TierGuards, tier_config

if TYPE_CHECKING:
    from pytest_hybridarena.promotion.roles import Roles

__all__ = ["OPTIONS", "ArenaSettings", "add_options", "parse_list", "parse_seeds", "resolve_settings"]

T = TypeVar("T")


@dataclass(frozen=True)
class Option:
    name: str  # the suffix: --arena-<name>, ini arena_<name>, env ARENA_<NAME>
    help: str
    default: str | None
    flag: bool = False

    @property
    def cli(self) -> str:
        return f"--arena-{self.name}"

    @property
    def dest(self) -> str:
        return f"arena_{self.name.replace('-', '_')}"

    @property
    def env(self) -> str:
        return f"ARENA_{self.name.replace('-', '_').upper()}"


OPTIONS: tuple[Option, ...] = (
    Option("agents", "Comma-separated agent specs to run, e.g. oracle,nop or builtin@rounds=2.", "oracle"),
    Option(
        "strategies",
        "Comma-separated routing strategy specs, e.g. always-cloud,cascade@threshold=10.",
        "always-local",
    ),
    Option("seeds", "Comma-separated integer seeds; each is a replicate of every cell.", "42"),
    Option(
        "sandbox",
        "Where acceptance suites run: process (default), docker, or a sandbox an extension adds "
        "(docs/extending.md).",
        "process",
    ),
    Option(
        "local",
        "Backend spec of the local model: scheme:model[@base-url][;k=v], scheme one of "
        "embedded, openai, ollama, anthropic.",
        "embedded:qwen2.5-coder-0.5b",
    ),
    Option(
        "cloud",
        "Backend spec of the cloud model (keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY or key_env=).",
        "embedded:qwen2.5-coder-1.5b",
    ),
    Option(
        "mid",
        "Backend spec of an optional middle tier between local and cloud (a larger local or a cheap "
        "hosted model), used by the turbo strategy; priced at its own list price unless it runs locally.",
        None,
    ),
    Option(
        "price-as",
        "Price the cloud side's tokens as if billed at this model's list prices (pricing/prices.toml), "
        "e.g. gpt-5.5. Default: the router's own pricing of the real cloud model; gpt-5.5 when the "
        "cloud is an embedded stand-in.",
        None,
    ),
    Option(
        "pricing",
        "A price table (TOML, the format of pricing/prices.toml) to price cloud tokens with instead of "
        "the pinned one; its SHA-256 goes on every row.",
        None,
    ),
    Option(
        "roles",
        "A roles file (roles.toml, docs/promotion.md): sweep every candidate model of every role on the "
        "tasks the role covers, one always-local cell per model (replaces --arena-strategies).",
        None,
    ),
    Option("out", "Path of the JSONL results file (default: reports/<run-id>/results.jsonl).", None),
    Option(
        "resume",
        "Reuse the rows of this results.jsonl (same cell, config and task hashes) instead of re-running "
        "those cells; new rows are appended to it unless --arena-out says otherwise.",
        None,
    ),
    Option(
        "retry",
        "With --arena-resume: 'errors' re-runs the cells whose stored row is an error or timeout, as a "
        "new attempt (the earlier row and artifacts are kept).",
        None,
    ),
    Option(
        "record", "Store every upstream model exchange, per cell, in this folder (for --arena-replay).", None
    ),
    Option(
        "replay",
        "Answer every model call from the exchanges recorded in this folder; no model runs. A call "
        "that was not recorded is an error (replay-miss).",
        None,
    ),
    Option(
        "replay-fallback",
        "With --arena-replay: send calls that were not recorded to the real model.",
        None,
        flag=True,
    ),
    Option(
        "repeat-penalty",
        "Repeat penalty per tier, TIER:X[,TIER:X] (tiers: local, mid, cloud) or X for every tier, e.g. "
        "local:1.1,cloud:1.1; embedded and ollama backends only. Default: none on any tier.",
        None,
    ),
    Option(
        "max-tokens-cap",
        "max_tokens the router sends when the agent sent none, per tier: TIER:N[,TIER:N] or N for every "
        "tier. Default: none (the agent's own limit, or the model's).",
        None,
    ),
    Option(
        "tool-nudge",
        "Tiers whose calls with tools get the tool-use policy appended to the system prompt, e.g. local "
        "(or all). Default: none.",
        None,
    ),
    Option(
        "call-timeout",
        "Per-call time limit per tier in seconds, TIER:S[,TIER:S] or S for every tier. Default: none "
        "(a call may use what is left of its cell's budget, the task's timeout_s).",
        None,
    ),
    Option("baseline", "The strategy every other strategy is compared with in the summary.", "always-cloud"),
    Option("margin", "Non-inferiority margin of the paired comparisons, in percentage points.", "5"),
    Option("summary", "What the end-of-run summary prints: none, cells or full (default; -q: cells).", None),
    Option("html", "Also write a self-contained report.html into the run folder.", None, flag=True),
    Option("fail-under", "Exit 1 when the overall pass rate, in percent, is below this floor.", None),
    Option("validate", "Check every task's invariants: the oracle passes and nop fails.", None, flag=True),
    Option(
        "progress",
        "Signs of life while cells run: auto (a live status line on a terminal, plain lines "
        "otherwise), live, plain (one line per finished cell and a heartbeat for long cells) or off.",
        "auto",
    ),
)


@dataclass(frozen=True)
class ArenaSettings:
    agents: tuple[str, ...]
    strategies: tuple[str, ...]
    seeds: tuple[int, ...]
    sandbox: str
    local: str
    cloud: str
    price_as: str | None
    out: str | None
    resume: str | None
    retry: str | None
    fail_under: float | None
    validate: bool
    record: str | None = None
    replay: str | None = None
    replay_fallback: bool = False
    #: Per-tier guards and call limits (``--arena-repeat-penalty`` ...); tiers not named have none.
    tier_guards: tuple[tuple[str, TierGuards], ...] = ()
    call_timeouts: tuple[tuple[str, float], ...] = ()
    baseline: str = "always-cloud"
    margin: float = 5.0
    summary: str = "full"
    html: bool = False
    mid: str | None = None
    pricing: str | None = None
    roles: Roles | None = None  # the parsed --arena-roles file; strategies then pin each candidate
    progress: str = "auto"

    def result_relevant(self) -> dict[str, Any]:
        """The part of the settings that changes what a cell measures (hashed into ``config_sha``).
        ``mid`` joins only when set, so runs without a mid tier keep their hashes (and resume)."""
        relevant: dict[str, Any] = {
            "sandbox": self.sandbox,
            "local": self.local,
            "cloud": self.cloud,
            "price_as": self.price_as,
        }
        if self.mid is not None:
            relevant["mid"] = self.mid
        if self.pricing is not None:
            relevant["pricing"] = self.pricing
        if self.roles is not None:
            relevant["roles"] = str(self.roles.path)
        # How every tier samples and how long its calls may take change what a cell measures.
        relevant["tiers"] = self.tiers_summary()
        return relevant

    def tiers_summary(self) -> dict[str, Any]:
        """Guards and call limits per tier, as builtins (the config hash, run.json)."""
        return {
            "guards": {tier: guards.to_dict() for tier, guards in self.tier_guards},
            "call_timeout_s": dict(self.call_timeouts),
        }

    def router_options(self) -> dict[str, Any]:
        """The ``RouterConfig`` fields for the per-tier guards and call limits."""
        return tier_config(dict(self.tier_guards), dict(self.call_timeouts))


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("hybridarena", "pytest-hybridarena benchmark cells")
    for opt in OPTIONS:
        default_text = f" Default: {opt.default}." if opt.default else ""
        if opt.flag:
            group.addoption(opt.cli, action="store_true", default=None, dest=opt.dest, help=opt.help)
            parser.addini(opt.dest, opt.help, type="bool", default=False)
        else:
            group.addoption(
                opt.cli, action="store", default=None, dest=opt.dest, help=opt.help + default_text
            )
            parser.addini(opt.dest, opt.help + default_text, default=opt.default)


def _raw(config: pytest.Config, opt: Option) -> tuple[Any, str]:
    """The winning raw value and where it came from (for error messages)."""
    value = config.getoption(opt.dest)
    if value is not None:
        return value, opt.cli
    if opt.env in os.environ:
        return os.environ[opt.env], f"environment variable {opt.env}"
    ini = config.getini(opt.dest)
    if opt.flag:
        return bool(ini), f"ini key {opt.dest}"
    if ini not in (None, ""):
        return ini, f"ini key {opt.dest}"
    return opt.default, f"default of {opt.cli}"


def parse_list(value: str, source: str) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(part.strip() for part in str(value).split(",") if part.strip()))
    if not items:
        raise pytest.UsageError(f"{source}: {value!r} names nothing; give a comma-separated list")
    return items


def parse_seeds(value: str, source: str) -> tuple[int, ...]:
    seeds: list[int] = []
    for part in parse_list(value, source):
        try:
            seeds.append(int(part))
        except ValueError:
            raise pytest.UsageError(f"{source}: seed {part!r} is not an integer (e.g. 42,7)") from None
    return tuple(sorted(set(seeds)))


def parse_choice(choices: Sequence[str]) -> Callable[[str, str], str]:
    def parse(value: str, source: str) -> str:
        if value not in choices:
            raise pytest.UsageError(f"{source}: {value!r} is not one of {', '.join(choices)}")
        return value

    return parse


def parse_percent(value: str | None, source: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).rstrip("%"))
    except ValueError:
        raise pytest.UsageError(f"{source}: {value!r} is not a number (a pass rate in %, e.g. 60)") from None
    if not 0 <= number <= 100:
        raise pytest.UsageError(f"{source}: {value!r} must be between 0 and 100 (a pass rate in %)")
    return number


def parse_backend(value: str, source: str) -> str:
    """The spec's shape only: whether its scheme exists is known once the extensions are loaded
    (``extensions.check_names``)."""
    from pytest_hybridarena.router.specs import parse_backend_spec

    try:
        parse_backend_spec(str(value))
    except ValueError as exc:
        raise pytest.UsageError(f"{source}: {exc}") from None
    return str(value)


def parse_name(value: str, source: str) -> str:
    """A plain name (a sandbox's): whether it exists is checked with the extensions loaded."""
    from pytest_hybridarena.router.specs import parse_spec

    try:
        name, params = parse_spec(str(value))
    except ValueError as exc:
        raise pytest.UsageError(f"{source}: {exc}") from None
    if params or "@" in str(value):
        raise pytest.UsageError(f"{source}: {value!r} takes no @parameters")
    return name


def parse_margin(value: str, source: str) -> float:
    try:
        margin = float(str(value).removesuffix("pts").strip())
    except ValueError:
        raise pytest.UsageError(
            f"{source}: {value!r} is not a number of percentage points (e.g. 5)"
        ) from None
    if not 0 <= margin < 100:
        raise pytest.UsageError(f"{source}: {value!r} must be between 0 and 100 percentage points")
    return margin


def _unwritable(folder: Path) -> str | None:
    """Why files cannot be created in ``folder`` (made on demand, with its parents), or None. Probes
    the nearest existing folder by creating and removing a temporary folder in it: permission bits
    say nothing for root, nor for read-only or virtual filesystems."""
    existing = folder
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a folder"
    try:
        probe = tempfile.mkdtemp(prefix=".arena-probe-", dir=existing)
    except OSError as exc:
        return f"cannot create anything in {existing} ({exc.strerror or exc})"
    os.rmdir(probe)
    return None


def parse_out(resume: str | None) -> Callable[[str | None, str], str | None]:
    """The results file: a new (or empty) file in a writable place, or the file being resumed.

    Checked before any cell runs: a row that cannot be written would be lost after its cell ran, and
    rows appended to another run's file would mix two runs.
    """

    def parse(value: str | None, source: str) -> str | None:
        if value in (None, ""):
            return None
        path = Path(str(value))
        resuming_in_place = resume is not None and path.resolve() == Path(resume).resolve()
        if path.is_dir():
            raise pytest.UsageError(
                f"{source}: {value!r} is a folder; give the path of the results file (e.g. "
                f"{os.path.join(str(value), 'results.jsonl')})"
            )
        if path.exists() and not resuming_in_place:
            if not path.is_file() or path.stat().st_size:
                raise pytest.UsageError(
                    f"{source}: {value!r} already exists; give a new file (rows of two runs must not "
                    f"mix), or continue that run with --arena-resume={value}"
                )
            try:
                path.open("ab").close()
            except OSError as exc:
                raise pytest.UsageError(f"{source}: {value!r} cannot be written ({exc.strerror})") from None
        problem = _unwritable(path.parent)
        if problem is not None:
            raise pytest.UsageError(f"{source}: {value!r} cannot be written: {problem}")
        return str(value)

    return parse


def parse_record(value: str | None, source: str) -> str | None:
    """The folder recordings are written to: an existing folder, or one that can be created."""
    if value in (None, ""):
        return None
    path = Path(str(value))
    if path.exists() and not path.is_dir():
        raise pytest.UsageError(
            f"{source}: {value!r} is a file, not a folder (recordings are written per cell into a folder)"
        )
    problem = _unwritable(path)
    if problem is not None:
        raise pytest.UsageError(f"{source}: cannot record into {value!r}: {problem}")
    return str(value)


def _as_given(value: str | None, source: str) -> str | None:
    return None if value in (None, "") else str(value)


def parse_baseline(strategies: Sequence[str]) -> Callable[[str, str], str]:
    """The strategy the others are compared with: one of this run's strategies when chosen (the
    default, always-cloud, may be absent: then there are simply no comparisons). An empty
    ``strategies`` (validation, which compares nothing) accepts any value."""
    default = next(o.default for o in OPTIONS if o.name == "baseline")

    def parse(value: str, source: str) -> str:
        # The ini key's default is the option's, so only the value tells an ini choice from it.
        chosen = str(value) != default or source.startswith(("--", "environment"))
        if strategies and chosen and str(value) not in strategies:
            raise pytest.UsageError(
                f"{source}: {value!r} is not one of this run's strategies ({', '.join(strategies)}); "
                "the baseline must be a strategy of the run to compare the others with"
            )
        return str(value)

    return parse


def _summary_mode(config: pytest.Config, value: str | None, source: str) -> str:
    if value in (None, ""):
        return "cells" if config.get_verbosity() < 0 else "full"
    return parse_choice(("none", "cells", "full"))(str(value), source)


STAND_IN_PRICE = "gpt-5.5"


def parse_roles_file(value: str | None, source: str) -> Roles | None:
    from pytest_hybridarena.promotion.roles import RolesError, load_roles

    if value in (None, ""):
        return None
    try:
        return load_roles(str(value))
    except RolesError as exc:
        raise pytest.UsageError(f"{source}: {exc}") from None


def role_strategies(roles: Roles) -> tuple[str, ...]:
    """One ``always-local@model=<label>`` strategy per candidate model of any role."""
    labels = {roles.models[spec].label for role in roles.roles.values() for spec in role.candidates}
    return tuple(sorted(f"always-local@model={label}" for label in labels))


def parse_pricing(value: str | None, source: str) -> str | None:
    """The price table's path (None: the pinned table), loaded once here so a bad file stops the run
    before any cell. Nothing process-wide changes: the table travels in the settings and the state
    (``ArenaState.prices``, ``RouterConfig.prices_path``)."""
    import tomllib

    from pytest_hybridarena.pricing import load_prices

    path = None if value in (None, "") else str(value)
    try:
        load_prices(path)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise pytest.UsageError(
            f"{source}: cannot use {path!r} as a price table: {exc} "
            "(give a TOML file in the format of pricing/prices.toml)"
        ) from None
    return path


def parse_price_model(value: str, source: str, pricing: str | None = None) -> str:
    """A model the price table in use (``--arena-pricing``'s, else the pinned one) knows."""
    from pytest_hybridarena.pricing import load_prices

    table = load_prices(pricing)
    if table.resolve(value) is None:
        raise pytest.UsageError(
            f"{source}: {value!r} is not in the price table; known: {', '.join(sorted(table.prices))}"
        )
    return str(value)


def _price_as(config: pytest.Config, cloud: str, pricing: str | None) -> str | None:
    """An explicit choice wins; an embedded cloud (a stand-in) is priced as the model it stands in for."""
    chosen = _get(
        config, "price-as", lambda v, s: None if v in (None, "") else parse_price_model(v, s, pricing)
    )
    if chosen is None and cloud.startswith("embedded:"):
        return STAND_IN_PRICE
    return chosen


def parse_per_tier(
    convert: Callable[[str], Any], example: str, tiers: Sequence[str]
) -> Callable[[Any, str], dict[str, Any]]:
    """A ``TIER:VALUE[,TIER:VALUE]`` (or bare ``VALUE``: every tier) option; {} when not given."""
    from pytest_hybridarena.router.guards import parse_tier_values

    def parse(value: Any, source: str) -> dict[str, Any]:
        if value in (None, ""):
            return {}
        try:
            return parse_tier_values(str(value), convert, tiers)
        except ValueError as exc:
            raise pytest.UsageError(f"{source}: {exc} (e.g. {example})") from None

    return parse


def _positive(kind: type[int] | type[float]) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        if value <= 0:
            raise ValueError(f"{text!r} must be > 0")
        return value

    return convert


def _tier_settings(
    config: pytest.Config,
) -> tuple[tuple[tuple[str, TierGuards], ...], tuple[tuple[str, float], ...]]:
    """The per-tier guards and call limits. A tier is named only if this run has it; a repeat
    penalty only for a backend whose API has one."""
    from pytest_hybridarena.router.guards import parse_tier_list, takes_repeat_penalty

    specs = {
        "local": _get(config, "local", lambda v, s: str(v)),
        "cloud": _get(config, "cloud", lambda v, s: str(v)),
    }
    mid = _get(config, "mid", lambda v, s: None if v in (None, "") else str(v))
    if mid:
        specs["mid"] = mid
    tiers = [t for t in TIERS if t in specs]
    penalties = _get(config, "repeat-penalty", parse_per_tier(_positive(float), "local:1.1,cloud:1.1", tiers))
    for tier in penalties:
        if not takes_repeat_penalty(specs[tier]):
            raise pytest.UsageError(
                f"--arena-repeat-penalty: the {tier} tier is {specs[tier]!r}, whose API has no repeat "
                "penalty (embedded and ollama backends have one)"
            )
    caps = _get(config, "max-tokens-cap", parse_per_tier(_positive(int), "local:4096", tiers))

    def parse_nudge(value: Any, source: str) -> tuple[str, ...]:
        try:
            return () if value in (None, "") else parse_tier_list(str(value), tiers)
        except ValueError as exc:
            raise pytest.UsageError(f"{source}: {exc}") from None

    nudged = _get(config, "tool-nudge", parse_nudge)
    timeouts = _get(config, "call-timeout", parse_per_tier(_positive(float), "local:120,cloud:600", tiers))
    guards = tuple(
        (tier, TierGuards(caps.get(tier), penalties.get(tier), tier in nudged))
        for tier in tiers
        if tier in caps or tier in penalties or tier in nudged
    )
    return guards, tuple((tier, float(timeouts[tier])) for tier in tiers if tier in timeouts)


def option_source(config: pytest.Config, name: str) -> str:
    """Where ``--arena-<name>``'s value came from (the flag, the environment variable or the ini
    key), for error messages about it."""
    return _raw(config, next(o for o in OPTIONS if o.name == name))[1]


def _get(config: pytest.Config, name: str, parse: Callable[[Any, str], T]) -> T:
    opt = next(o for o in OPTIONS if o.name == name)
    value, source = _raw(config, opt)
    return parse(value, source)


def resolve_settings(config: pytest.Config) -> ArenaSettings:
    validate = bool(_get(config, "validate", lambda v, s: str(v).lower() in ("1", "true", "yes", "on")))
    agents = _get(config, "agents", parse_list)
    strategies = _get(config, "strategies", parse_list)
    seeds = _get(config, "seeds", parse_seeds)
    roles = _get(config, "roles", parse_roles_file)
    if roles is not None:
        strategies = role_strategies(roles)
    if validate:
        # Invariants are about the task, not about routing: one cell per agent is enough.
        agents, strategies, seeds = ("nop", "oracle"), strategies[:1], seeds[:1]
    cloud = _get(config, "cloud", parse_backend)
    pricing = _get(config, "pricing", parse_pricing)  # before price-as: it validates against this table
    resume = _get(config, "resume", lambda v, s: None if v in (None, "") else str(v))
    retry = _get(config, "retry", lambda v, s: None if v in (None, "") else parse_choice(("errors",))(v, s))
    if retry and not resume:
        raise pytest.UsageError(
            "--arena-retry=errors needs --arena-resume=<results.jsonl> to know what failed"
        )
    replay = _get(config, "replay", lambda v, s: None if v in (None, "") else str(v))
    replay_fallback = _get(
        config, "replay-fallback", lambda v, s: str(v).lower() in ("1", "true", "yes", "on")
    )
    if replay and not os.path.isdir(replay):
        raise pytest.UsageError(f"--arena-replay: {replay!r} is not a folder of recordings (--arena-record)")
    if replay_fallback and not replay:
        raise pytest.UsageError("--arena-replay-fallback needs --arena-replay=<folder>")
    tier_guards, call_timeouts = _tier_settings(config)
    # A worker reads the rows the controller shipped (shell/hosts.py): the path may not exist on its host.
    if resume and not hasattr(config, "workerinput") and not os.path.isfile(resume):
        raise pytest.UsageError(f"--arena-resume: {resume!r} is not a file (give the results.jsonl of a run)")
    # The controller checks where it writes; a worker (xdist) only ships rows to it.
    controller = not hasattr(config, "workerinput")
    return ArenaSettings(
        agents=tuple(sorted(agents)),
        strategies=tuple(sorted(strategies)),
        seeds=seeds,
        sandbox=_get(config, "sandbox", parse_name),
        local=_get(config, "local", parse_backend),
        cloud=cloud,
        mid=_get(config, "mid", lambda v, s: None if v in (None, "") else parse_backend(v, s)),
        price_as=_price_as(config, cloud, pricing),
        pricing=pricing,
        roles=roles,
        out=_get(config, "out", parse_out(resume) if controller else _as_given),
        resume=resume,
        retry=retry,
        record=_get(config, "record", parse_record if controller else _as_given),
        replay=replay,
        replay_fallback=replay_fallback,
        tier_guards=tier_guards,
        call_timeouts=call_timeouts,
        baseline=_get(config, "baseline", parse_baseline(() if validate else strategies)),
        margin=_get(config, "margin", parse_margin),
        summary=_get(config, "summary", lambda v, s: _summary_mode(config, v, s)),
        html=_get(config, "html", lambda v, s: str(v).lower() in ("1", "true", "yes", "on")),
        fail_under=_get(config, "fail-under", parse_percent),
        validate=validate,
        progress=_get(config, "progress", parse_choice(("auto", "live", "plain", "off"))),
    )
