import pytest

from semver import compare, max_satisfying, satisfies, sort_versions

ORDERED_PRERELEASES = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
]


@pytest.mark.parametrize(
    "version",
    [
        "0.0.0",
        "10.20.30",
        "1.0.0-0",
        "1.0.0-0a",
        "1.0.0-alpha.10",
        "1.0.0+001",
        "1.0.0-x-y.z+build.1-2",
        "1.0.0--",
        "1.0.0-rc.1+20240101.sha-5114f85",
    ],
)
def test_valid_versions_are_accepted(version):
    assert compare(version, version) == 0


@pytest.mark.parametrize(
    "version",
    [
        "",
        "1",
        "1.0",
        "1.0.0.0",
        "v1.0.0",
        " 1.0.0",
        "1.0.0 ",
        "1.0.0\n",
        "01.0.0",
        "1.00.0",
        "1.0.01",
        "-1.0.0",
        "1.0.0-",
        "1.0.0-01",
        "1.0.0-alpha.007",
        "1.0.0-a..b",
        "1.0.0-a.",
        "1.0.0+",
        "1.0.0+a+b",
        "1.0.0-a_b",
        "1.0.0-\u00e9",
        "\uff11.0.0",
        "1.0.0-rc 1",
    ],
)
def test_invalid_versions_raise_value_error(version):
    with pytest.raises(ValueError):
        compare(version, "1.0.0")
    with pytest.raises(ValueError):
        compare("1.0.0", version)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("1.10.0", "1.9.0", 1),
        ("1.9.0", "1.10.0", -1),
        ("2.0.0", "1.99.99", 1),
        ("1.2.3", "1.2.4", -1),
        ("0.0.1", "0.1.0", -1),
        ("1.0.123456789012345678901234567890", "1.0.99999999999999999999", 1),
        ("3.4.5", "3.4.5", 0),
    ],
)
def test_core_compares_numerically(a, b, expected):
    assert compare(a, b) == expected


def test_prerelease_precedence_chain():
    for i, a in enumerate(ORDERED_PRERELEASES):
        for j, b in enumerate(ORDERED_PRERELEASES):
            expected = (i > j) - (i < j)
            assert compare(a, b) == expected, (a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1.0.0-1", "1.0.0-A"),
        ("1.0.0-A", "1.0.0-a"),
        ("1.0.0-2", "1.0.0-10"),
        ("1.0.0-9", "1.0.0-0a"),
        ("1.0.0-rc.9", "1.0.0-rc.10"),
        ("1.0.0-rc.1", "1.0.0-rc.1.0"),
        ("1.0.0-beta.2", "1.0.0-beta-2"),
        ("1.0.0-rc.1", "1.0.0"),
        ("1.0.0", "1.0.1-alpha"),
    ],
)
def test_prerelease_identifier_rules(a, b):
    assert compare(a, b) == -1
    assert compare(b, a) == 1


def test_build_metadata_is_ignored():
    assert compare("1.0.0+a", "1.0.0+b") == 0
    assert compare("1.0.0-rc.1+x", "1.0.0-rc.1") == 0
    assert compare("1.0.0+zzz", "1.0.1") == -1


def test_sort_versions_orders_by_precedence():
    shuffled = ["1.0.0", "1.0.0-beta.11", "1.0.0-alpha", "1.0.0-rc.1", "1.0.0-beta.2",
                "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-alpha.1"]
    assert sort_versions(shuffled) == ORDERED_PRERELEASES
    assert sort_versions(["1.10.0", "1.9.0", "1.2.0", "0.9.9"]) == ["0.9.9", "1.2.0", "1.9.0", "1.10.0"]
    assert sort_versions([]) == []


def test_sort_versions_is_stable_and_returns_a_new_list():
    versions = ["2.0.0", "1.0.0+b", "1.0.0", "1.0.0+a", "0.1.0"]
    result = sort_versions(versions)
    assert result == ["0.1.0", "1.0.0+b", "1.0.0", "1.0.0+a", "2.0.0"]
    assert versions == ["2.0.0", "1.0.0+b", "1.0.0", "1.0.0+a", "0.1.0"]
    assert result is not versions


def test_sort_versions_rejects_invalid_members():
    with pytest.raises(ValueError):
        sort_versions(["1.0.0", "1.0"])
    with pytest.raises(TypeError):
        sort_versions(["1.0.0", 2])


@pytest.mark.parametrize(
    ("version", "range_spec", "expected"),
    [
        ("1.2.3", "1.2.3", True),
        ("1.2.3", "=1.2.3", True),
        ("1.2.3+build", "=1.2.3", True),
        ("1.2.4", "=1.2.3", False),
        ("1.2.3", ">1.2.3", False),
        ("1.2.4", ">1.2.3", True),
        ("1.2.3", ">=1.2.3", True),
        ("1.2.2", ">=1.2.3", False),
        ("1.2.2", "<1.2.3", True),
        ("1.2.3", "<1.2.3", False),
        ("1.2.3", "<=1.2.3", True),
        ("1.10.0", ">1.9.0", True),
        ("1.5.0", ">=1.2.0 <1.5.0", False),
        ("1.4.9", ">=1.2.0 <1.5.0", True),
        ("1.4.9", "  >=1.2.0 \t  <1.5.0  ", True),
        ("2.5.0", "1.0.0 || >=2.0.0 <3.0.0", True),
        ("1.0.0", "1.0.0 || >=2.0.0 <3.0.0", True),
        ("1.5.0", "1.0.0 || >=2.0.0 <3.0.0", False),
        ("2.0.0", "1.0.0||2.0.0", True),
    ],
)
def test_primitive_operators_and_combinations(version, range_spec, expected):
    assert satisfies(version, range_spec) is expected


@pytest.mark.parametrize(
    ("version", "range_spec", "expected"),
    [
        ("1.2.3", "^1.2.3", True),
        ("1.9.9", "^1.2.3", True),
        ("2.0.0", "^1.2.3", False),
        ("1.2.2", "^1.2.3", False),
        ("0.2.3", "^0.2.3", True),
        ("0.2.99", "^0.2.3", True),
        ("0.3.0", "^0.2.3", False),
        ("0.0.3", "^0.0.3", True),
        ("0.0.4", "^0.0.3", False),
        ("0.0.0", "^0.0.0", True),
        ("0.0.1", "^0.0.0", False),
        ("1.2.3", "~1.2.3", True),
        ("1.2.99", "~1.2.3", True),
        ("1.3.0", "~1.2.3", False),
        ("0.2.5", "~0.2.3", True),
        ("0.3.0", "~0.2.3", False),
        ("1.2.3", "^1.2.3-beta.2", True),
        ("1.2.3-beta.3", "^1.2.3-beta.2", True),
        ("1.2.3-beta.1", "^1.2.3-beta.2", False),
        ("1.5.0", "^1.2.3-beta.2", True),
    ],
)
def test_caret_and_tilde(version, range_spec, expected):
    assert satisfies(version, range_spec) is expected


@pytest.mark.parametrize(
    ("version", "range_spec", "expected"),
    [
        ("1.2.3-beta.2", ">=1.2.3-beta.1", True),
        ("1.2.4-beta", ">=1.2.3-beta.1", False),
        ("2.0.0-rc.1", "^1.0.0", False),
        ("2.0.0-rc.1", ">=1.0.0", False),
        ("1.2.3-alpha", "<1.2.3", False),
        ("1.2.4-alpha", "^1.2.3-beta.2", False),
        ("2.0.0-alpha", "^1.2.3-beta.2", False),
        ("1.2.3-rc.1", ">=1.2.3-alpha <1.2.3", True),
        ("1.2.3-rc.1", ">=1.0.0 <=1.2.3-rc.5", True),
        ("1.2.3-beta", ">=1.0.0 || >=1.2.3-alpha", True),
        ("1.3.0-beta", "1.3.0-alpha.1 || >=1.0.0", False),
        ("1.0.0-rc.1", "=1.0.0-rc.1+build.5", True),
        ("1.2.3", ">=1.2.3-alpha", True),
    ],
)
def test_prerelease_rule(version, range_spec, expected):
    assert satisfies(version, range_spec) is expected


@pytest.mark.parametrize(
    "range_spec",
    ["", "   ", "1.0.0 ||", "|| 1.0.0", "1.0.0 || || 2.0.0", ">>1.0.0", "!=1.0.0", "=>1.0.0",
     ">= 1.0.0", "^ 1.0.0", "v1.0.0", ">=1.0", "1.0.0 | 2.0.0", "*"],
)
def test_malformed_ranges_raise_value_error(range_spec):
    with pytest.raises(ValueError):
        satisfies("1.0.0", range_spec)


def test_satisfies_rejects_invalid_version():
    with pytest.raises(ValueError):
        satisfies("1.0", ">=1.0.0")


def test_max_satisfying():
    versions = ["1.2.0", "1.10.0", "1.9.3", "2.0.0", "1.11.0-beta", "0.9.0"]
    assert max_satisfying(versions, "^1.0.0") == "1.10.0"
    assert max_satisfying(versions, "~1.9.0") == "1.9.3"
    assert max_satisfying(versions, ">=3.0.0") is None
    assert max_satisfying([], "^1.0.0") is None
    assert max_satisfying(versions, ">=1.11.0-alpha <1.11.0") == "1.11.0-beta"
    assert max_satisfying(versions, "<1.0.0 || >=2.0.0") == "2.0.0"


def test_max_satisfying_tie_keeps_first_in_input_order():
    assert max_satisfying(["1.2.0+b", "1.1.0", "1.2.0+a"], "^1.0.0") == "1.2.0+b"
    assert max_satisfying(["1.2.0+a", "1.2.0+b"], "^1.0.0") == "1.2.0+a"


@pytest.mark.parametrize(
    "call",
    [
        lambda: compare(1, "1.0.0"),
        lambda: compare("1.0.0", None),
        lambda: satisfies(b"1.0.0", ">=1.0.0"),
        lambda: satisfies("1.0.0", 5),
        lambda: max_satisfying(["1.0.0"], None),
    ],
)
def test_non_str_arguments_raise_type_error(call):
    with pytest.raises(TypeError):
        call()
