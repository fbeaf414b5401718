"""Do a call's arguments satisfy its function's JSON Schema? Compiled once per distinct schema.

Checking every answer with the `jsonschema` package costs about half a millisecond, and
building its validator (which first checks the schema against the meta-schema) several
more; a suite with thousands of distinct tools spent most of its scoring time there. So:

* `compile_schema` turns a schema that uses only the everyday keywords (``type``,
  ``enum``, ``const``, ``properties``, ``required``, ``additionalProperties``, ``items``,
  length, size, range and ``pattern`` bounds; annotations such as ``description`` are
  ignored) into a tree of small closures, with Draft 2020-12's meaning: ``1.0`` is an
  integer, ``true`` is not a number, ``1`` equals ``1.0`` in ``enum``. Any other
  keyword (``anyOf``, ``$ref``, ...) falls back to a `jsonschema` validator.
* `validator_for` keeps one compiled check per schema *content* (a dict keyed by its
  canonical JSON, never evicted: a run holds a bounded set of tools), and one per schema
  *object*, so a tool's schema is serialised once per run, not once per answer.

A check takes an `exempt` predicate: a value it accepts is valid whatever the schema says
(fcbench exempts ``$label.field$`` references, whose value is only known at run time).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any, Callable[[Any], bool]], bool]

_ANNOTATIONS = frozenset({"description", "title", "default", "examples", "$schema", "$id", "$comment",
                          "format", "deprecated", "readOnly", "writeOnly", "contentMediaType",
                          "contentEncoding"})
_KNOWN = frozenset({"type", "enum", "const", "properties", "required", "additionalProperties", "items",
                    "minItems", "maxItems", "minLength", "maxLength", "pattern", "minimum", "maximum",
                    "exclusiveMinimum", "exclusiveMaximum", "minProperties", "maxProperties"})


class Unsupported(Exception):
    """The schema uses a keyword the compiler leaves to `jsonschema`."""


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and math.isfinite(value) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "null":
        return value is None
    raise Unsupported(f"type {name!r}")


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: numbers by value (``1 == 1.0``), booleans never equal to numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compile_schema(schema: Any) -> Check:
    """A check for `schema`; raises `Unsupported` when a keyword needs `jsonschema`."""
    body = _body(schema)
    if body is None:
        return lambda value, exempt: True
    return lambda value, exempt: exempt(value) or body(value, exempt)


#: one closure per type name, so that a single-type schema costs one call
_TYPE_CHECKS: dict[str, Check] = {
    "string": lambda v, ex: isinstance(v, str),
    "integer": lambda v, ex: _is_type(v, "integer"),
    "number": lambda v, ex: _number(v),
    "boolean": lambda v, ex: isinstance(v, bool),
    "object": lambda v, ex: isinstance(v, dict),
    "array": lambda v, ex: isinstance(v, list),
    "null": lambda v, ex: v is None,
}


def _body(schema: Any) -> Check | None:
    """The check of `schema` on a value that is not itself exempt (its parts may be), or None
    when the schema accepts every value. Each value's exemption is asked once, by its parent."""
    if schema is True or schema == {}:
        return None
    if schema is False:
        return lambda v, ex: False
    if not isinstance(schema, dict):
        raise Unsupported("schema is not an object")
    unknown = [k for k in schema if k not in _KNOWN and k not in _ANNOTATIONS and not k.startswith("x-")]
    if unknown:
        raise Unsupported(", ".join(unknown))
    checks: list[Check] = []

    kind = schema.get("type")
    if kind is not None:
        names = [kind] if isinstance(kind, str) else list(kind)
        for name in names:
            _is_type(None, name)  # raises for an unknown type name
        if len(names) == 1:
            checks.append(_TYPE_CHECKS[names[0]])
        else:
            checks.append(lambda v, ex: any(_is_type(v, n) for n in names))
    if "enum" in schema:
        options = list(schema["enum"])
        checks.append(lambda v, ex: any(json_equal(v, o) for o in options))
    if "const" in schema:
        const = schema["const"]
        checks.append(lambda v, ex: json_equal(v, const))

    props = {k: _body(s) for k, s in (schema.get("properties") or {}).items()}
    required = tuple(schema.get("required") or ())
    extra = schema.get("additionalProperties", True)
    extra_check = _body(extra)
    min_props, max_props = schema.get("minProperties"), schema.get("maxProperties")
    if props or required or extra is not True or min_props is not None or max_props is not None:
        def check_object(v: Any, ex: Callable[[Any], bool]) -> bool:
            if not isinstance(v, dict):
                return True
            for key in required:
                if key not in v:
                    return False
            if (min_props is not None and len(v) < min_props) or (max_props is not None and len(v) > max_props):
                return False
            for key, item in v.items():
                sub = props[key] if key in props else extra_check
                if sub is not None and not ex(item) and not sub(item, ex):
                    return False
            return True
        checks.append(check_object)

    if "items" in schema:
        if not isinstance(schema["items"], (dict, bool)):
            raise Unsupported("items as a list")
        item_check = _body(schema["items"])
        if item_check is not None:
            checks.append(lambda v, ex: not isinstance(v, list) or all(ex(i) or item_check(i, ex) for i in v))
    for key, test in (("minItems", lambda v, n: len(v) >= n), ("maxItems", lambda v, n: len(v) <= n)):
        if key in schema:
            bound = schema[key]
            checks.append(lambda v, ex, b=bound, t=test: not isinstance(v, list) or t(v, b))
    for key, test in (("minLength", lambda v, n: len(v) >= n), ("maxLength", lambda v, n: len(v) <= n)):
        if key in schema:
            bound = schema[key]
            checks.append(lambda v, ex, b=bound, t=test: not isinstance(v, str) or t(v, b))
    if "pattern" in schema:
        try:
            pattern = re.compile(schema["pattern"])
        except (re.error, TypeError):
            raise Unsupported("pattern Python cannot read") from None
        checks.append(lambda v, ex: not isinstance(v, str) or pattern.search(v) is not None)
    for key, test in (("minimum", lambda v, b: v >= b), ("maximum", lambda v, b: v <= b),
                      ("exclusiveMinimum", lambda v, b: v > b), ("exclusiveMaximum", lambda v, b: v < b)):
        if key in schema:
            bound = schema[key]
            if not _number(bound):
                raise Unsupported(f"{key} that is not a number")
            checks.append(lambda v, ex, b=bound, t=test: not _number(v) or t(v, b))

    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v, ex: first(v, ex) and second(v, ex)

    def all_checks(v: Any, ex: Callable[[Any], bool]) -> bool:
        for check in checks:
            if not check(v, ex):
                return False
        return True
    return all_checks


def _jsonschema_check(schema: Any) -> Check:
    """The `jsonschema` package's verdict, for schemas the compiler leaves alone."""
    import jsonschema

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)  # an unusable schema raises here, and judges nothing
    validator = cls(schema)

    def check(value: Any, exempt: Callable[[Any], bool]) -> bool:
        try:
            for error in validator.iter_errors(value):
                if not _under_exempt(value, list(error.absolute_path), exempt):
                    return False
        except Exception:  # noqa: BLE001 - odd Python values the validator cannot handle
            return False
        return True
    return check


def _under_exempt(instance: Any, path: list, exempt: Callable[[Any], bool]) -> bool:
    node = instance
    for step in path:
        if exempt(node):
            return True
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return False
    return exempt(node)


_BY_CONTENT: dict[str, Check | None] = {}
_BY_OBJECT: dict[int, tuple[Any, Check | None]] = {}


def validator_for(schema: Any) -> Check | None:
    """The check of a schema (None when the schema itself is unusable: nothing to judge by)."""
    cached = _BY_OBJECT.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        key = None
    if key is not None and key in _BY_CONTENT:
        check = _BY_CONTENT[key]
    else:
        try:
            check = compile_schema(schema)
        except Unsupported:
            try:
                check = _jsonschema_check(schema)
            except Exception:  # noqa: BLE001 - an unusable schema cannot fail a prediction
                check = None
        except (TypeError, ValueError, RecursionError):
            check = None
        if key is not None:
            _BY_CONTENT[key] = check
    _BY_OBJECT[id(schema)] = (schema, check)  # the object is kept alive with its id: no reuse
    return check
