"""Build this project's wheel for a test, from a copy of its sources.

setuptools builds in ``build/`` beside the sources: two tests building from the checkout at once
(xdist) would share that folder. Each build gets its own copy of what the wheel is made of.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build_wheel(out: Path) -> Path:
    """The wheel of the checkout, built without isolation (the dev extra has the backend)."""
    source = out / "source"
    source.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    folders = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    for folder in sorted(set(folders.values())):
        shutil.copytree(REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(source)],
        cwd=source, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    [wheel] = out.glob("pytest_hybridarena-*.whl")
    return wheel
