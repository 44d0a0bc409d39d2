import json

import pytest

VALID = {
    "name": "billing",
    "port": 8080,
    "log_level": "info",
    "tags": ["internal"],
    "upstreams": [{"host": "10.0.0.5", "weight": 2}],
    "listeners": {"0.0.0.0:80": {"protocol": "http"}},
}


@pytest.fixture
def valid():
    return json.loads(json.dumps(VALID))


@pytest.fixture
def run_cli(tmp_path, capsys):
    """Write ``data`` (or raw text) to a file, run ``confcheck.cli.main``; return (code, out, err)."""
    from confcheck.cli import main

    def run(data, *options, raw=None):
        path = tmp_path / "service.json"
        path.write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
        code = main([*options, str(path)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
