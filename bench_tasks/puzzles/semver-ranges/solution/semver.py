"""Semantic version precedence and range matching for the plugin loader.

Version syntax: ``major.minor.patch[-prerelease][+build]`` -- numbers without leading
zeros; dot-separated identifiers of [0-9A-Za-z-]; numeric pre-release identifiers
without leading zeros. Invalid versions raise ValueError, non-str arguments TypeError.

Precedence: core numerically; a release is greater than its pre-releases; pre-release
identifiers compared left to right (numeric < numeric by value, text by ASCII,
numeric < text, longer wins on a tie); build metadata ignored.
"""

import functools
import re

_NUM = r"(?:0|[1-9][0-9]*)"
_IDENT = r"[0-9A-Za-z-]+"
_VERSION_RE = re.compile(
    rf"({_NUM})\.({_NUM})\.({_NUM})"
    rf"(?:-({_IDENT}(?:\.{_IDENT})*))?"
    rf"(?:\+({_IDENT}(?:\.{_IDENT})*))?"
)
_COMPARATOR_RE = re.compile(r"(>=|<=|>|<|=|\^|~)?([0-9].*)")


def _parse(text):
    """Return (major, minor, patch, prerelease_tuple) for a version string."""
    if not isinstance(text, str):
        raise TypeError(f"version must be a str, got {type(text).__name__}")
    match = _VERSION_RE.fullmatch(text)
    if match is None:
        raise ValueError(f"invalid version: {text!r}")
    major, minor, patch, pre, _build = match.groups()
    pre_ids = ()
    if pre is not None:
        pre_ids = tuple(pre.split("."))
        for ident in pre_ids:
            if ident.isdigit() and len(ident) > 1 and ident[0] == "0":
                raise ValueError(f"numeric pre-release identifier with leading zero: {text!r}")
    return int(major), int(minor), int(patch), pre_ids


def _ident_key(ident):
    if ident.isdigit():
        return (0, int(ident), "")
    return (1, 0, ident)


def _key(parsed):
    major, minor, patch, pre = parsed
    if not pre:
        return (major, minor, patch, 1, ())
    return (major, minor, patch, 0, tuple(_ident_key(i) for i in pre))


def _cmp_parsed(a, b):
    ka, kb = _key(a), _key(b)
    return (ka > kb) - (ka < kb)


def compare(a: str, b: str) -> int:
    """Return -1, 0 or 1 as ``a`` has lower, equal or higher precedence than ``b``."""
    return _cmp_parsed(_parse(a), _parse(b))


def sort_versions(versions) -> list:
    """Return a new list of ``versions`` in ascending precedence (stable for equals)."""
    items = list(versions)
    keys = [_key(_parse(v)) for v in items]
    order = sorted(range(len(items)), key=lambda i: keys[i])
    return [items[i] for i in order]


def _parse_range(range_spec):
    """Return a list of comparator sets; each set is a list of (op, parsed, had_pre)."""
    if not isinstance(range_spec, str):
        raise TypeError(f"range must be a str, got {type(range_spec).__name__}")
    sets = []
    for chunk in range_spec.split("||"):
        tokens = chunk.split()
        if not tokens:
            raise ValueError(f"empty comparator set in range {range_spec!r}")
        comparators = []
        for token in tokens:
            match = _COMPARATOR_RE.fullmatch(token)
            if match is None:
                raise ValueError(f"bad comparator {token!r} in range {range_spec!r}")
            op, text = match.group(1) or "=", match.group(2)
            comparators.append((op, _parse(text)))
        sets.append(comparators)
    return sets


def _upper_bound(op, parsed):
    major, minor, patch, _pre = parsed
    if op == "~" or (op == "^" and major == 0 and minor > 0):
        return (major, minor + 1, 0, ())
    if op == "^" and major == 0:
        return (0, 0, patch + 1, ())
    return (major + 1, 0, 0, ())


def _matches(op, bound, version):
    c = _cmp_parsed(version, bound)
    if op == "=":
        return c == 0
    if op == ">":
        return c > 0
    if op == ">=":
        return c >= 0
    if op == "<":
        return c < 0
    if op == "<=":
        return c <= 0
    return c >= 0 and _cmp_parsed(version, _upper_bound(op, bound)) < 0


def _set_matches(comparators, version):
    if not all(_matches(op, bound, version) for op, bound in comparators):
        return False
    if version[3]:
        return any(bound[3] and bound[:3] == version[:3] for _op, bound in comparators)
    return True


def satisfies(version: str, range_spec: str) -> bool:
    """Return whether ``version`` matches ``range_spec``.

    Range: comparator sets joined by "||" (any set); a set is whitespace-separated
    comparators (all must hold). Comparators: >=V <=V >V <V =V ^V ~V or bare V (=V).
    ^ and ~ expand to >=V plus an exclusive upper bound without pre-release part.
    A pre-release ``version`` only matches a set that has a comparator whose version
    has a pre-release part and the same major.minor.patch. Malformed -> ValueError.
    """
    parsed = _parse(version)
    sets = _parse_range(range_spec)
    return any(_set_matches(comparators, parsed) for comparators in sets)


def max_satisfying(versions, range_spec: str):
    """Return the highest-precedence version in ``versions`` satisfying the range, or None.

    Among several with that precedence, the first in input order wins.
    """
    sets = _parse_range(range_spec)
    best = best_parsed = None
    for text in versions:
        parsed = _parse(text)
        if any(_set_matches(c, parsed) for c in sets):
            if best is None or _cmp_parsed(parsed, best_parsed) > 0:
                best, best_parsed = text, parsed
    return best
