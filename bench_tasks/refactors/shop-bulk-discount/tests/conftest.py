import json

import pytest


@pytest.fixture
def write_json(tmp_path):
    """Write ``data`` as JSON to ``tmp_path / name`` and return the path as a str."""

    def write(name, data):
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return str(path)

    return write


@pytest.fixture
def run_cli(write_json, capsys):
    """Run ``shop.cli.main`` on a catalog and an order; return (exit code, stdout, stderr)."""
    from shop.cli import main

    def run(command, catalog, order):
        code = main([command, "--catalog", write_json("catalog.json", catalog), write_json("order.json", order)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
