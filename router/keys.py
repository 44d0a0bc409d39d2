"""Typed application keys (aiohttp ``web.AppKey``)."""

from __future__ import annotations

from aiohttp import web

from .state import RouterState

__all__ = ["STATE"]

STATE = web.AppKey("arena_router_state", RouterState)
