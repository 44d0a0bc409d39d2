"""Building one router's backends from its config: the scheme's factory (``registry.py``), with
replay and/or recording (``replay.py``) around it when the config asks for tapes. It sits above
both, so the replay module never needs the registry."""

from __future__ import annotations

from ..settings import RouterConfig
from ..specs import parse_backend_spec
from ..tapes import TapeLibrary
from .base import Backend, BackendOptions
from .registry import known_backends, make_backend
from .replay import Recorder, RecordingBackend, ReplayBackend

__all__ = ["Taping"]


class Taping:
    """Builds one router's backends with replay and/or recording around them, as the config says.
    With ``replay_dir`` and no fallback, the real backends are never constructed (no model loads,
    no key is read); recording wraps outermost, so a replay with fallback re-records whole cells."""

    def __init__(self, config: RouterConfig) -> None:
        self.library = TapeLibrary(config.replay_dir) if config.replay_dir is not None else None
        self.recorder = Recorder(config.record_dir) if config.record_dir is not None else None
        self.fallback = config.replay_fallback
        self.factories = config.backends  # None: the built-in schemes

    def backend(self, spec: str, options: BackendOptions, role: str) -> Backend:
        backend: Backend
        if self.library is None:
            backend = make_backend(spec, options, self.factories)
        else:
            parsed = parse_backend_spec(spec)
            if parsed.scheme not in known_backends(self.factories):
                known = ", ".join(known_backends(self.factories))
                raise ValueError(f"backend spec {spec!r}: unknown scheme {parsed.scheme!r}; known: {known}")
            real = make_backend(parsed, options, self.factories) if self.fallback else None
            backend = ReplayBackend(parsed, options, role, self.library, real)
        if self.recorder is not None:
            backend = RecordingBackend(backend, role, self.recorder)
        return backend
