import json
import os
import subprocess
import sys

import pytest

from confcheck import SERVICE_SCHEMA, Field, Int, ListOf, MapOf, Obj, Str, validate


def located(problems):
    return [(p.pointer, p.message) for p in problems]


def test_top_level_pointers(valid):
    del valid["name"]
    valid["port"] = 0
    valid["colour"] = "red"
    assert located(validate(valid, SERVICE_SCHEMA)) == [
        ("/name", "is required"),
        ("/port", "must be >= 1"),
        ("/colour", "unknown key"),
    ]


def test_array_and_nested_pointers(valid):
    valid["upstreams"] = [{"host": "a"}, {"host": "", "weight": 0, "x": 1}]
    valid["tags"] = ["ok", ""]
    assert located(validate(valid, SERVICE_SCHEMA)) == [
        ("/tags/1", "must be at least 1 characters"),
        ("/upstreams/1/host", "must be at least 1 characters"),
        ("/upstreams/1/weight", "must be >= 1"),
        ("/upstreams/1/x", "unknown key"),
    ]


def test_keys_with_dots_are_not_split(valid):
    valid["listeners"] = {"0.0.0.0:80": {"protocol": "ftp"}}
    assert located(validate(valid, SERVICE_SCHEMA)) == [("/listeners/0.0.0.0:80/protocol", "must be one of: http, https, tcp")]


@pytest.mark.parametrize(
    ("key", "pointer"),
    [
        ("a/b", "/listeners/a~1b/protocol"),
        ("m~n", "/listeners/m~0n/protocol"),
        ("~1", "/listeners/~01/protocol"),
        ("/~/", "/listeners/~1~0~1/protocol"),
        ("", "/listeners//protocol"),
        ("with space", "/listeners/with space/protocol"),
        ("ünï", "/listeners/ünï/protocol"),
    ],
)
def test_reference_tokens_are_escaped(valid, key, pointer):
    valid["listeners"] = {key: {}}
    assert located(validate(valid, SERVICE_SCHEMA)) == [(pointer, "is required")]


def test_unknown_key_pointer_is_escaped():
    assert located(validate({"a/b~": 1}, Obj({}))) == [("/a~1b~0", "unknown key")]


def test_root_pointer_is_empty_string():
    problems = validate([1], SERVICE_SCHEMA)
    assert located(problems) == [("", "expected object, got array")]
    assert str(problems[0]) == "(root): expected object, got array"


def test_root_array_schema():
    assert located(validate([1, "x", 3, None], ListOf(Int()))) == [
        ("/1", "expected integer, got string"),
        ("/3", "expected integer, got null"),
    ]


def test_str_of_a_problem():
    problems = validate({"x": {"a/b": 5}}, Obj({"x": Field(MapOf(Str()))}))
    assert [str(p) for p in problems] == ["/x/a~1b: expected string, got integer"]


def test_cli_text_format_prints_pointers(run_cli, valid):
    valid["upstreams"][0]["weight"] = 0
    valid["listeners"]["a/b"] = {"protocol": 1}
    code, out, err = run_cli(valid)
    assert code == 1
    assert out == "/upstreams/0/weight: must be >= 1\n/listeners/a~1b/protocol: expected string, got integer\n"
    assert err == ""


def test_cli_text_format_explicit(run_cli):
    code, out, _ = run_cli([], "--format", "text")
    assert code == 1
    assert out == "(root): expected object, got array\n"


def test_cli_json_format(run_cli, valid):
    valid["port"] = 65536
    valid["tags"] = [""]
    code, out, err = run_cli(valid, "--format", "json")
    assert code == 1
    assert json.loads(out) == [
        {"pointer": "/port", "message": "must be <= 65535"},
        {"pointer": "/tags/0", "message": "must be at least 1 characters"},
    ]
    assert err == ""


def test_cli_json_format_valid_and_root(run_cli, valid):
    code, out, _ = run_cli(valid, "--format", "json")
    assert code == 0
    assert json.loads(out) == []
    code, out, _ = run_cli("text", "--format", "json")
    assert code == 1
    assert json.loads(out) == [{"pointer": "", "message": "expected object, got string"}]


def test_cli_json_format_invalid_json_still_exits_2(run_cli):
    code, out, err = run_cli(None, "--format", "json", raw="[1,")
    assert code == 2
    assert err.startswith("error: ")


def test_module_entry_point(tmp_path, valid):
    valid["listeners"] = {"x~y": {"protocol": "udp"}}
    (tmp_path / "c.json").write_text(json.dumps(valid), encoding="utf-8")
    import confcheck

    root = str(__import__("pathlib").Path(confcheck.__file__).resolve().parent.parent)
    proc = subprocess.run(
        [sys.executable, "-m", "confcheck", "--format", "json", "c.json"],
        cwd=tmp_path, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": root}, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout) == [{"pointer": "/listeners/x~0y/protocol", "message": "must be one of: http, https, tcp"}]
