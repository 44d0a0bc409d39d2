"""The distribution ships every module: a wheel (not only the editable install) holds the whole
import tree that the package-dir mapping builds from router/, agents/ and pricing/."""

from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path

from tests.wheel_build import build_wheel

REPO = Path(__file__).resolve().parent.parent


def _expected_packages() -> set[str]:
    mapping = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    found = set()
    for package, folder in mapping.items():
        for init in (REPO / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO / folder)
            found.add(".".join([package, *rel.parts]))
    return found


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    assert _expected_packages() <= listed


def test_the_wheel_holds_every_module_and_the_price_table(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in _expected_packages():
        assert package.replace(".", "/") + "/__init__.py" in names, package
    assert "pytest_hybridarena/pricing/prices.toml" in names
    assert "pytest_hybridarena/run/sandbox/process.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "hybridarena = pytest_hybridarena.shell.plugin" in text
