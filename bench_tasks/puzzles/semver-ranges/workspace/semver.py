"""Semantic version precedence and range matching for the plugin loader.

Version syntax: ``major.minor.patch[-prerelease][+build]`` -- numbers without leading
zeros; dot-separated identifiers of [0-9A-Za-z-]; numeric pre-release identifiers
without leading zeros. Invalid versions raise ValueError, non-str arguments TypeError.

Precedence: core numerically; a release is greater than its pre-releases; pre-release
identifiers compared left to right (numeric < numeric by value, text by ASCII,
numeric < text, longer wins on a tie); build metadata ignored.
"""


def compare(a: str, b: str) -> int:
    """Return -1, 0 or 1 as ``a`` has lower, equal or higher precedence than ``b``."""
    raise NotImplementedError


def sort_versions(versions) -> list:
    """Return a new list of ``versions`` in ascending precedence (stable for equals)."""
    raise NotImplementedError


def satisfies(version: str, range_spec: str) -> bool:
    """Return whether ``version`` matches ``range_spec``.

    Range: comparator sets joined by "||" (any set); a set is whitespace-separated
    comparators (all must hold). Comparators: >=V <=V >V <V =V ^V ~V or bare V (=V).
    ^ and ~ expand to >=V plus an exclusive upper bound without pre-release part.
    A pre-release ``version`` only matches a set that has a comparator whose version
    has a pre-release part and the same major.minor.patch. Malformed -> ValueError.
    """
    raise NotImplementedError


def max_satisfying(versions, range_spec: str):
    """Return the highest-precedence version in ``versions`` satisfying the range, or None.

    Among several with that precedence, the first in input order wins.
    """
    raise NotImplementedError
