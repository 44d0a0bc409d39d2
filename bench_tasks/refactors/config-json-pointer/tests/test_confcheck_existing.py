import pytest

from confcheck import SERVICE_SCHEMA, Bool, Field, Int, ListOf, MapOf, Obj, Str, validate


def messages(problems):
    """The message part of each problem (the location format is not checked here)."""
    return [str(p).split(": ", 1)[1] for p in problems]


def test_valid_config_has_no_problems(valid):
    assert validate(valid, SERVICE_SCHEMA) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([], "expected object, got array"),
        (None, "expected object, got null"),
        ("x", "expected object, got string"),
        (1.5, "expected object, got number"),
    ],
)
def test_root_type_errors(value, expected):
    problems = validate(value, SERVICE_SCHEMA)
    assert [str(p) for p in problems] == [f"(root): {expected}"]


def test_json_type_names_in_messages():
    schema = Obj({"a": Field(Int()), "b": Field(Str()), "c": Field(Bool()), "d": Field(ListOf(Int()))})
    problems = validate({"a": True, "b": 3, "c": "yes", "d": {"k": 1}}, schema)
    assert messages(problems) == [
        "expected integer, got boolean",
        "expected string, got integer",
        "expected boolean, got string",
        "expected array, got object",
    ]


def test_constraint_messages():
    schema = Obj(
        {
            "s": Field(Str(min_len=3)),
            "c": Field(Str(choices=("x", "y"))),
            "lo": Field(Int(minimum=1)),
            "hi": Field(Int(maximum=9)),
            "l": Field(ListOf(Int(), min_items=2)),
        }
    )
    problems = validate({"s": "ab", "c": "z", "lo": 0, "hi": 10, "l": [1]}, schema)
    assert messages(problems) == [
        "must be at least 3 characters",
        "must be one of: x, y",
        "must be >= 1",
        "must be <= 9",
        "must have at least 2 items",
    ]


def test_document_order_required_then_unknown(valid):
    del valid["name"]
    valid["zzz"] = 1
    valid["aaa"] = 2
    valid["port"] = "80"
    problems = validate(valid, SERVICE_SCHEMA)
    assert messages(problems) == ["is required", "expected integer, got string", "unknown key", "unknown key"]


def test_optional_fields_and_allow_extra():
    schema = Obj({"a": Field(Int(), required=False)}, allow_extra=True)
    assert validate({"other": 1}, schema) == []
    assert validate({}, schema) == []


def test_nested_problems_are_all_reported(valid):
    valid["upstreams"] = [{"host": ""}, {"weight": 0}, "x"]
    valid["listeners"] = {"a": {"protocol": "ftp"}, "b": {"protocol": "tcp", "timeout_s": 0}}
    problems = validate(valid, SERVICE_SCHEMA)
    assert messages(problems) == [
        "must be at least 1 characters",
        "is required",
        "must be >= 1",
        "expected object, got string",
        "must be one of: http, https, tcp",
        "must be >= 1",
    ]


def test_map_of_checks_every_value():
    assert len(validate({"a": 1, "b": "x", "c": None}, MapOf(Int()))) == 2


def test_cli_ok(run_cli, valid, tmp_path):
    code, out, err = run_cli(valid)
    assert code == 0
    assert out == f"{tmp_path / 'service.json'}: ok\n"
    assert err == ""


def test_cli_problems_exit_1(run_cli, valid):
    valid["port"] = 0
    del valid["upstreams"]
    code, out, err = run_cli(valid)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(": must be >= 1")
    assert lines[1].endswith(": is required")


def test_cli_invalid_json_and_missing_file(run_cli, tmp_path, capsys):
    code, out, err = run_cli(None, raw="{not json")
    assert code == 2 and out == "" and err.startswith("error: ")
    from confcheck.cli import main

    assert main([str(tmp_path / "missing.json")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
