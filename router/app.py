"""The application factory: ``create_app(config) -> web.Application``.

Backends (one pooled HTTP session each) are built here and closed by a ``cleanup_ctx`` hook; the
decision log's writer thread is stopped the same way. ``client_max_size`` bounds request bodies.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

from aiohttp import web
from pytest_hybridarena.pricing import load_prices
from pytest_hybridarena.router.backends.base import Backend, BackendOptions, LocalGuards
from pytest_hybridarena.router.backends.replay import Taping
from pytest_hybridarena.router.decisions import DecisionLog
from pytest_hybridarena.router.handlers import routes
from pytest_hybridarena.router.keys import STATE
from pytest_hybridarena.router.services import RouterServices
from pytest_hybridarena.router.settings import TOOL_NUDGE_TEXT, RouterConfig
from pytest_hybridarena.router.specs import runs_locally
from pytest_hybridarena.router.state import RouterState
from pytest_hybridarena.router.strategies.registry import check_tiers, make_strategy
from pytest_hybridarena.router.wire.shapes import Side

__all__ = ["DEFAULT_CELL_ID", "build_state", "create_app"]

DEFAULT_CELL_ID = "default"


def build_state(config: RouterConfig) -> RouterState:
    guards = LocalGuards(
        max_tokens_cap=config.max_tokens_cap,
        repeat_penalty=config.repeat_penalty,
        tool_nudge=TOOL_NUDGE_TEXT if config.tool_nudge else None,
    )
    taping = Taping(config)  # record / replay wrappers; plain make_backend when neither is set
    local = taping.backend(config.local, BackendOptions("local", guards, config.connect_timeout_s), "local")
    cloud = taping.backend(config.cloud, BackendOptions("cloud", None, config.connect_timeout_s), "cloud")
    backends: dict[Side, Backend] = {"local": local, "cloud": cloud}
    priced: set[Side] = {"cloud"}
    if config.mid:
        # The mid tier is the stronger model: no local guards (like the cloud), priced unless it
        # runs on the user's own hardware (router/specs.py: runs_locally).
        options = BackendOptions("mid", None, config.connect_timeout_s)
        backends["mid"] = taping.backend(config.mid, options, "mid")
        if not runs_locally(config.mid):
            priced.add("mid")
    extra = []
    classifier = local
    if config.classifier:
        options = BackendOptions("local", None, config.connect_timeout_s)
        classifier = taping.backend(config.classifier, options, "classifier")
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
        guards={
            "max_tokens_cap": config.max_tokens_cap,
            "repeat_penalty": config.repeat_penalty,
            "tool_nudge": config.tool_nudge,
        },
        extra_backends=extra,
    )
    if config.default_cell_strategy:
        spec = config.default_cell_strategy
        strategy = make_strategy(spec)
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
