"""Does a predicted argument value match one of the gold's accepted values?

The rules (each explained, with where fcbench differs from BFCL, in README.md):

* a value passes when it matches **one** accepted alternative;
* numbers: an int is accepted where the schema says ``number``; a float is
  accepted for ``integer`` only when it is integral (``5.0``); ``bool`` is never
  a number; two integers compare exactly; otherwise numbers compare within a
  relative tolerance of 1e-9 and no absolute one: enough for binary rounding
  (``0.1 + 0.2`` equals ``0.3``), never enough for another value (``2000001``
  is not ``2000000``, ``5e-12`` is not ``8.854e-12``);
* strings: trimmed, inner whitespace collapsed, case-folded, NFC; no punctuation
  stripping; two ISO dates (or date-times) compare as dates; whole-string
  references ``$label.field$`` compare exactly (after trimming);
* arrays: same length, element-wise in order, recursively;
* objects: key by key, recursively; a gold key's value may itself be a list of
  accepted values (BFCL's form) in which ``""`` marks the key as omittable;
* ``wrong_type`` when the JSON type disagrees with the schema (or, with no
  schema, with every accepted alternative), otherwise ``wrong_value``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from typing import Any

from fcbench.scoring.language_values import language_type
from fcbench.scoring.language_values import read as read_language_value

_SCALARS = (str, int, float, bool)  # values whose exact equality (same type) is a match under every rule here
WRONG_TYPE = "wrong_type"
WRONG_VALUE = "wrong_value"
REL_TOL = 1e-9

_REFERENCE = re.compile(r"^\$[^\s.$]+\.[^\s$]+\$$")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


# ------------------------------------------------------------------ kinds
def json_kind(value: Any) -> str:
    """The JSON Schema type name of a Python value ('integer' for ints and integral floats excluded)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "unknown"


def declared_types(schema: Any) -> set[str] | None:
    """The schema's ``type`` as a set, or None when it does not constrain the type."""
    if not isinstance(schema, dict):
        return None
    t = schema.get("type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list) and t and all(isinstance(x, str) for x in t):
        return set(t)
    if "enum" in schema and isinstance(schema["enum"], list) and schema["enum"]:
        return {json_kind(x) for x in schema["enum"]} | (
            {"number"} if any(json_kind(x) == "integer" for x in schema["enum"]) else set())
    return None


def type_fits(value: Any, types: set[str] | None) -> bool:
    """Does `value` have one of the declared JSON types (fcbench's number rules)?"""
    if types is None:
        return True
    kind = json_kind(value)
    if kind in types:
        return True
    if kind == "integer" and "number" in types:
        return True
    if kind == "number" and "integer" in types:
        return math.isfinite(value) and float(value).is_integer()
    return False


def _kinds_compatible(a: Any, b: Any) -> bool:
    ka, kb = json_kind(a), json_kind(b)
    numeric = {"integer", "number"}
    return ka == kb or (ka in numeric and kb in numeric)


def _sub_schema(schema: Any, key: str) -> Any:
    if isinstance(schema, dict):
        props = schema.get("properties")
        if isinstance(props, dict):
            return props.get(key)
    return None


def _items_schema(schema: Any) -> Any:
    if isinstance(schema, dict) and isinstance(schema.get("items"), dict):
        return schema["items"]
    return None


# ---------------------------------------------------------------- scalars
def is_reference(value: Any) -> bool:
    return isinstance(value, str) and bool(_REFERENCE.match(value.strip()))


def normalize_string(s: str) -> str:
    """Trim, collapse inner whitespace, case-fold; canonically equivalent Unicode forms (NFC:
    ``"e\u0301"`` is ``"\u00e9"``) are one string. Compatibility forms are NOT folded (NFKC would
    make full-width ``"\uff11\uff12"`` equal ``"12"``), nor are lookalikes (Cyrillic ``"\u0430"``)
    or invisible characters (a zero-width space): a tool reads those as other text."""
    collapsed = " ".join(s.split())
    if collapsed.isascii():
        return collapsed.casefold()
    # Unicode's canonical caseless match: decompose, fold, compose.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", collapsed).casefold())


def _as_date(s: str) -> date | datetime | None:
    s = s.strip()
    m = _DATE.match(s)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    if len(s) >= 16 and s[4:5] == "-" and ("T" in s or " " in s):
        try:
            return datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s)
        except ValueError:
            return None
    return None


def strings_equal(a: str, b: str) -> bool:
    if is_reference(a) or is_reference(b):
        return a.strip() == b.strip()
    if normalize_string(a) == normalize_string(b):
        return True
    da, db = _as_date(a), _as_date(b)
    if da is None or db is None or type(da) is not type(db):
        return False
    try:
        return da == db
    except TypeError:  # naive vs aware date-times
        return False


def numbers_equal(a: float, b: float) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    try:
        return math.isclose(a, b, rel_tol=REL_TOL)
    except (TypeError, OverflowError):
        return False


# ------------------------------------------------------------- comparison
def compare(value: Any, gold: Any, schema: Any = None) -> str | None:
    """None when `value` matches the single gold value `gold`, else WRONG_TYPE / WRONG_VALUE."""
    if is_reference(value) or is_reference(gold):
        # A reference's type is only known at run time: compare it as text, never on type.
        both_text = isinstance(value, str) and isinstance(gold, str)
        return None if both_text and strings_equal(value, gold) else WRONG_VALUE
    types = declared_types(schema)
    # BFCL's escape: a gold value that is itself off-schema may be matched by its own type.
    if not type_fits(value, types) and type_fits(gold, types):
        return WRONG_TYPE
    if not _kinds_compatible(value, gold):
        return WRONG_TYPE
    kind = json_kind(gold)
    if kind in ("integer", "number"):
        return None if numbers_equal(value, gold) else WRONG_VALUE
    if kind == "string":
        return None if strings_equal(value, gold) else WRONG_VALUE
    if kind == "array":
        return _compare_arrays(list(value), list(gold), schema)
    if kind == "object":
        return _compare_objects(value, gold, schema)
    return None if value == gold else WRONG_VALUE


def _compare_arrays(value: list, gold: list, schema: Any) -> str | None:
    items = _items_schema(schema)
    if len(value) != len(gold):
        bad_type = any(not type_fits(v, declared_types(items)) for v in value)
        return WRONG_TYPE if bad_type else WRONG_VALUE
    worst = None
    for v, g in zip(value, gold):
        verdict = compare(v, g, items)
        if verdict == WRONG_TYPE:
            return WRONG_TYPE
        worst = worst or verdict
    return worst


def nested_alternatives(gold_item: Any, sub_schema: Any) -> list | None:
    """Read a gold object's key value as a list of accepted alternatives, or None (plain value).

    A list is an accepted-values list (BFCL's form) unless the schema says the
    key is an array and some element of the list is not itself a list (then
    it is the plain array value). Without a schema a list is tried both ways.
    """
    if not isinstance(gold_item, list) or not gold_item:
        return None
    types = declared_types(sub_schema)
    if types is not None and "array" in types and not all(isinstance(x, list) or x == "" for x in gold_item):
        return None
    return gold_item


def _compare_objects(value: dict, gold: dict, schema: Any) -> str | None:
    worst = None
    for key in sorted(value, key=str):
        if key not in gold:
            worst = worst or WRONG_VALUE
            continue
        verdict = compare_key(value[key], gold[key], _sub_schema(schema, key))
        if verdict == WRONG_TYPE:
            return WRONG_TYPE
        worst = worst or verdict
    for key in sorted(gold, key=str):
        if key not in value and not key_optional(gold[key], _sub_schema(schema, key)):
            worst = worst or WRONG_VALUE
    return worst


def compare_key(value: Any, gold_item: Any, sub_schema: Any) -> str | None:
    """Compare the value of one object key against the gold's entry for that key."""
    alternatives = nested_alternatives(gold_item, sub_schema)
    if alternatives is None:
        return compare(value, gold_item, sub_schema)
    verdict = value_failure(value, alternatives, sub_schema)
    # No schema to disambiguate: the gold list may also be the plain array value.
    if (verdict is not None and declared_types(sub_schema) is None and isinstance(value, list)
            and compare(value, gold_item, sub_schema) is None):
        return None
    return verdict


def key_optional(gold_item: Any, sub_schema: Any = None) -> bool:
    alternatives = nested_alternatives(gold_item, sub_schema)
    return alternatives is not None and "" in alternatives


def value_failure(value: Any, accepted: list, schema: dict | None = None) -> str | None:
    """None when `value` matches one accepted alternative, else ``wrong_type`` or ``wrong_value``.

    ``wrong_type`` when the value's JSON type disagrees with the schema or, with
    no schema (and no type mismatch there), when every alternative failed on type.
    A Java/JavaScript parameter's value is a string in the language's syntax, read
    back as the value it spells first (`fcbench.scoring.language_values`). Never raises.
    """
    try:
        if language_type(schema) is not None:
            if not isinstance(value, str):
                return WRONG_TYPE  # the schema says string: the value is written in the language's syntax
            value, schema = read_language_value(value, schema), None
        if not isinstance(accepted, (list, tuple)):
            accepted = [accepted]
        kind = type(value)
        if kind in _SCALARS:  # the common case: an exact match needs none of the rules below
            for alt in accepted:
                if type(alt) is kind and alt == value:
                    if kind is not str or value != "" or type_fits(value, declared_types(schema)):
                        return None
                    break
        verdicts = []
        for alt in accepted:
            if alt == "" and isinstance(value, list) and not value and type_fits(value, declared_types(schema)):
                return None  # an empty list where a list may be omitted says "none" (as BFCL reads it)
            if alt == "" and not isinstance(value, str):
                continue  # the "may be omitted" marker says nothing about type
            verdict = compare(value, alt, schema)
            if verdict is None:
                return None
            verdicts.append(verdict)
        if not type_fits(value, declared_types(schema)):
            return WRONG_TYPE
        if verdicts and all(v == WRONG_TYPE for v in verdicts):
            return WRONG_TYPE
        return WRONG_VALUE
    except RecursionError:
        return WRONG_VALUE


def canonical_value(accepted: Any, schema: Any = None, *, nested: bool = False) -> Any:
    """The first accepted value that is not ``""``, with nested accepted lists collapsed.

    Returns `OMIT` when only ``""`` is accepted. With ``nested=False`` `accepted`
    is the top-level list of alternatives of a parameter.
    """
    if nested:
        alternatives = nested_alternatives(accepted, schema)
        if alternatives is None:
            return _canonical_plain(accepted, schema)
        accepted = alternatives
    if not isinstance(accepted, (list, tuple)):
        return _canonical_plain(accepted, schema)
    for alt in accepted:
        if alt != "" or json_kind(alt) != "string":
            return _canonical_plain(alt, schema)
    return OMIT


def _canonical_plain(value: Any, schema: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key in value:
            v = canonical_value(value[key], _sub_schema(schema, key), nested=True)
            if v is not OMIT:
                out[key] = v
        return out
    if isinstance(value, list):
        return [_canonical_plain(v, _items_schema(schema)) for v in value]
    return value


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT = _Omit()
