"""Run ``mypy --strict`` over the one import root ``pytest_hybridarena``.

``router/``, ``agents/`` and ``pricing/`` are installed as subpackages through setuptools'
``package-dir`` mapping, which mypy cannot follow from the source tree (an editable install maps
them with an import hook mypy does not run). So this script lays out the import tree the way it is
installed — a temporary folder of symlinks, built from the mapping in ``pyproject.toml`` — and
checks that.

No mypy setting replaces this: mypy finds ``a.b.c`` only as ``<search path>/a/b/c``, and neither
``mypy_path``, ``explicit_package_bases`` nor namespace packages can place ``pytest_hybridarena.router``
in ``router/``. The one installed layout mypy can read, setuptools' strict editable mode, is a link
tree of its own (under ``build/``, rebuilt on every reinstall).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    mapping: dict[str, str] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-dir"
    ]
    with tempfile.TemporaryDirectory(prefix="arena-typecheck-") as tmp:
        for package, folder in sorted(mapping.items(), key=lambda kv: kv[0].count(".")):
            target = Path(tmp, *package.split("."))
            if target.parent != Path(tmp):
                target.parent.mkdir(parents=True, exist_ok=True)
            if package.count(".") == 0:
                target.mkdir()
                for item in (ROOT / folder).iterdir():
                    (target / item.name).symlink_to(item)
            else:
                target.symlink_to(ROOT / folder)
        return subprocess.call(
            [sys.executable, "-m", "mypy", "--strict", "--python-version=3.11", "-p", "pytest_hybridarena"],
            cwd=tmp,
            env={"MYPYPATH": tmp, "PATH": "/usr/bin:/bin"},
        )


if __name__ == "__main__":
    sys.exit(main())
