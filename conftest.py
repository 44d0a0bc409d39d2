"""This repository's defaults for running the bundled benchmark with a bare ``pytest``.

Nothing here is needed by the plugin: its defaults live in ``pytest_hybridarena.shell.settings``, and this
repository's choice of agents, strategies and seeds lives in ``pyproject.toml`` (``arena_*`` ini keys).
"""

# Run output lands in reports/; never collect it as part of the benchmark.
collect_ignore = ["reports"]
