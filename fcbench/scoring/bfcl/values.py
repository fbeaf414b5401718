"""BFCL's value comparisons (after the type step): strings, lists, dicts, lists of dicts.

Each function returns None when the value is accepted, else a ``Failure`` with BFCL's
error_type. They operate on the accepted-value list of one parameter (``alternatives``) and
use the same Python operations BFCL uses (``==``/``in``, ``len`` + indexing), so that odd gold
data (a string where a list was expected, ...) behaves, or raises, the same way.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

# BFCL removes spaces and , . / - _ * ^ before comparing strings, so "April 1, 2024" and
# "april 1 2024" match; it keeps every other character (":" or a tab still matters).
_IGNORED = str.maketrans("", "", " ,./-_*^")


class Failure(NamedTuple):
    """BFCL's error_type plus a short message, formatted only when someone reads it (the
    greedy parallel matching creates many failures that are never shown). Messages name the
    value, not the accepted ones: those are in the gold, and printing them costs time."""

    error_type: str
    template: str = ""
    args: tuple = ()

    @property
    def message(self) -> str:
        try:
            return self.template.format(*self.args) if self.args else self.template
        except Exception:  # e.g. the repr of an int past Python's 4300-digit limit
            return f"{self.error_type} (the value cannot be printed)"


@lru_cache(maxsize=1 << 16)
def standardize(text: str) -> str:
    """BFCL's string normal form: drop ``_IGNORED``, lower-case, ``'`` -> ``"``."""
    return text.translate(_IGNORED).lower().replace("'", '"')


def standardized(value: Any) -> Any:
    return standardize(value) if type(value) is str else value


def indexed(sequence: Any) -> list[Any]:
    """``[s[0], s[1], ...]`` the way BFCL reads an alternative: via ``len`` and indexing, so a
    string alternative yields its characters and a number raises."""
    return [sequence[i] for i in range(len(sequence))]


def standardized_strings(alternatives: Any) -> frozenset[str]:
    """The string alternatives, standardized (membership in a set = membership in BFCL's list,
    since these are all strings)."""
    return frozenset(standardize(a) for a in indexed(alternatives) if type(a) is str)


def standardized_lists(alternatives: Any) -> list[list[Any]]:
    """Every alternative as a list with its top-level strings standardized; ``""`` -> ``[]``."""
    return [[standardized(x) for x in indexed(alternative)] for alternative in indexed(alternatives)]


def check_string(value: str, accepted: frozenset[str], alternatives: Any) -> Failure | None:
    if standardize(value) in accepted:
        return None
    return Failure("value_error:string", "{!r} is no accepted value (compared standardized)", (value,))


def check_list(value: list, accepted: list[list[Any]], alternatives: Any) -> Failure | None:
    """Order matters; strings directly in the list are standardized, nothing deeper is."""
    if [standardized(v) for v in value] in accepted:
        return None
    return Failure("value_error:list/tuple", "{!r} is no accepted list", (value,))


def check_dict(value: dict, alternatives: Any) -> Failure | None:
    """The value must fit one dict alternative (``""`` alternatives are skipped). The failure
    reported is that of the LAST alternative tried, as in BFCL."""
    failure = Failure("dict_checker:unclear", "{!r}: no dict alternative to compare with", (value,))
    for index in range(len(alternatives)):
        alternative = alternatives[index]
        if alternative == "":
            continue
        failure = _dict_failure(value, alternative)
        if failure is None:
            return None
    return failure


def _dict_failure(value: dict, alternative: Any) -> Failure | None:
    """One dict alternative, one level deep, values compared with ``==`` after standardizing
    strings (so ``True`` matches gold ``1``; no type check inside dicts)."""
    failure = None
    for key, item in value.items():
        if key not in alternative:
            failure = Failure("value_error:dict_key", "unexpected key {!r}", (key,))
            break
        accepted = [standardized(x) for x in indexed(alternative[key])]
        if standardized(item) not in accepted:
            failure = Failure("value_error:dict_value", "key {!r}: {!r} is no accepted value", (key, item))
            break
    # BFCL runs this second pass even after a failure above, so its error_type wins
    for key, accepted_values in alternative.items():
        if key not in value and "" not in accepted_values:
            failure = Failure("value_error:dict_key", "missing key {!r}", (key,))
            break
    return failure


def check_list_of_dicts(value: list, alternatives: Any) -> Failure | None:
    """Same length as an alternative, then the dicts pairwise in order, each by the dict rule."""
    failure = Failure("list_dict_checker:unclear", "{!r}: no alternative to compare with", (value,))
    for index in range(len(alternatives)):
        alternative = alternatives[index]
        if len(value) != len(alternative):
            failure = Failure("value_error:list_dict_count", "{} dicts, expected {}", (len(value), len(alternative)))
            continue
        failure = None
        for position in range(len(value)):
            failure = check_dict(value[position], [alternative[position]])
            if failure is not None:
                break
        if failure is None:
            return None
    return failure


def check_member(value: Any, alternatives: Any) -> Failure | None:
    """Plain Python ``in``: no tolerance (0.1+0.2 is not 0.3) and ``5 == 5.0 == True``-style
    equality across numeric types."""
    if value in alternatives:
        return None
    return Failure("value_error:others", "{!r} is no accepted value", (value,))
