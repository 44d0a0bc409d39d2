"""What importing the plugin adds to a pytest start, measured against bare pytest in the same run.

    python bench/import_time.py [--repeat 7]

Each figure is the best of ``--repeat`` fresh interpreters (CPU time, user + system, of the child):

* ``python``: an empty interpreter (``-c pass``), the floor;
* ``pytest``: ``import _pytest.main``, what every pytest session loads anyway;
* ``plugin``: ``import _pytest.main, pytest_hybridarena.shell.plugin``, what ``pytest --co`` pays
  with the plugin installed, before any task is collected;
* ``results``: ``import pytest_hybridarena.results.report``, the offline ``report`` command's start.

It prints the figures, the plugin's added cost (plugin − pytest) and the ratio plugin / pytest.
Nothing is asserted: timings depend on the machine and its load. The plugin's imports are listed
by ``python -X importtime -c "import pytest_hybridarena.shell.plugin"``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

CASES = {
    "python": "pass",
    "pytest": "import _pytest.main",
    "plugin": "import _pytest.main, pytest_hybridarena.shell.plugin",
    "results": "import pytest_hybridarena.results.report",
}


def cpu_seconds(code: str) -> float:
    """CPU time (user + system) of a fresh interpreter running ``code``."""
    before = os.times()
    subprocess.run([sys.executable, "-c", code], check=True)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    best = {name: min(cpu_seconds(code) for _ in range(args.repeat)) for name, code in CASES.items()}
    for name, seconds in best.items():
        print(f"{name:8} {seconds:6.3f} s  ({CASES[name]})")
    added = best["plugin"] - best["pytest"]
    ratio = best["plugin"] / best["pytest"]
    print(f"plugin adds {added:.3f} s to a pytest start; plugin / pytest = {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
