"""The hybrid router: an aiohttp proxy that sends each agent LLM call to a local or a cloud model
according to a routing strategy, and accounts for every call per cell.

Import by full name (``pytest_hybridarena.router``); no pytest imports anywhere in here.
"""

from .backends.registry import builtin_backends, known_backends, make_backend
from .settings import RouterConfig
from .specs import format_spec, parse_backend_spec, parse_spec
from .strategies.registry import BUILTIN_STRATEGIES, known_strategies, make_strategy

__all__ = [
    "BUILTIN_STRATEGIES",
    "RouterConfig",
    "builtin_backends",
    "format_spec",
    "known_backends",
    "known_strategies",
    "make_backend",
    "make_strategy",
    "parse_backend_spec",
    "parse_spec",
]
