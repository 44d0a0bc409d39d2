"""The application factory: ``create_app(config) -> web.Application``.

Backends (one pooled HTTP session each) are built here and closed by a ``cleanup_ctx`` hook; the
decision log's writer thread is stopped the same way. ``client_max_size`` bounds request bodies.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

from aiohttp import web

from pytest_hybridarena.pricing import load_prices

from .backends.base import Backend, BackendOptions, Guards
from .backends.taping import Taping
from .decisions import DecisionLog
from .guards import takes_repeat_penalty
from .handlers import routes
from .keys import STATE
from .services import RouterServices
from .settings import TOOL_NUDGE_TEXT, RouterConfig, TierGuards
from .specs import runs_locally
from .state import RouterState
from .strategies.registry import check_tiers, make_strategy
from .wire.shapes import Side

__all__ = ["DEFAULT_CELL_ID", "build_state", "create_app"]

DEFAULT_CELL_ID = "default"


def backend_guards(tier: TierGuards) -> Guards:
    """A tier's guards as its backend applies them."""
    return Guards(
        max_tokens_cap=tier.max_tokens_cap or 0,
        repeat_penalty=tier.repeat_penalty,
        tool_nudge=TOOL_NUDGE_TEXT if tier.tool_nudge else None,
    )


def check_guards(config: RouterConfig) -> None:
    """ValueError when a tier asks for a repeat penalty its backend's API cannot express."""
    for side in ("local", "mid", "cloud"):
        spec = getattr(config, side)
        if spec and config.guards_for(side).repeat_penalty is not None and not takes_repeat_penalty(spec):
            raise ValueError(
                f"a repeat penalty for the {side} tier needs an embedded or ollama backend; "
                f"{spec!r} speaks an API that has none"
            )


def build_state(config: RouterConfig) -> RouterState:
    check_guards(config)
    taping = Taping(config)  # record / replay wrappers; plain make_backend when neither is set

    def options(side: Side) -> BackendOptions:
        return BackendOptions(side, backend_guards(config.guards_for(side)), config.connect_timeout_s)

    local = taping.backend(config.local, options("local"), "local")
    cloud = taping.backend(config.cloud, options("cloud"), "cloud")
    backends: dict[Side, Backend] = {"local": local, "cloud": cloud}
    priced: set[Side] = {"cloud"}
    if config.mid:
        # Priced unless it runs on the user's own hardware (router/specs.py: runs_locally).
        backends["mid"] = taping.backend(config.mid, options("mid"), "mid")
        if not runs_locally(config.mid):
            priced.add("mid")
    extra = []
    classifier = local
    if config.classifier:
        helper = BackendOptions("local", None, config.connect_timeout_s)
        classifier = taping.backend(config.classifier, helper, "classifier")
        extra.append(classifier)
    embedder = None
    if config.embedder:
        embedder = taping.backend(
            config.embedder, BackendOptions("local", None, config.connect_timeout_s), "embedder"
        )
        extra.append(embedder)
    services = RouterServices(classifier, embedder, config.classifier_timeout_s, config.embed_timeout_s)
    log = DecisionLog(config.decisions_path, echo=sys.stderr if config.echo_decisions else None)
    state = RouterState(
        config=config,
        backends=backends,
        priced_sides=frozenset(priced),
        services=services,
        log=log,
        prices=load_prices(config.prices_path),
        guards={side: config.guards_for(side).to_dict() for side in backends},
        extra_backends=extra,
    )
    if config.default_cell_strategy:
        spec = config.default_cell_strategy
        strategy = make_strategy(spec, config.strategies)
        check_tiers(spec, strategy, state.backends)
        state.cells.open("default", spec, strategy, 0, services, cell_id=DEFAULT_CELL_ID)
        state.default_cell_id = DEFAULT_CELL_ID
    return state


async def _lifetime(app: web.Application) -> AsyncIterator[None]:
    yield
    state = app[STATE]
    for backend in [*state.backends.values(), *state.extra_backends]:
        await backend.aclose()
    state.log.close()


def create_app(config: RouterConfig | None = None) -> web.Application:
    config = config or RouterConfig()
    state = build_state(config)
    app = web.Application(client_max_size=config.max_body_bytes)
    app[STATE] = state
    app.add_routes(routes(default_cell=state.default_cell_id is not None))
    app.cleanup_ctx.append(_lifetime)
    return app
