"""The compiled JSON Schema check says what the `jsonschema` package says, on every schema it
compiles; schemas it does not compile fall back to that package; each is built once."""

from __future__ import annotations

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fcbench.scoring import schema_check
from fcbench.scoring.schema_check import Unsupported, compile_schema, validator_for

NEVER = lambda value: False  # noqa: E731 - no value is exempt

TYPES = st.sampled_from(["string", "integer", "number", "boolean", "object", "array", "null"])
LEAF = st.one_of(
    st.fixed_dictionaries({"type": TYPES}),
    st.fixed_dictionaries({"type": st.lists(TYPES, min_size=1, max_size=3, unique=True)}),
    st.fixed_dictionaries({"enum": st.lists(st.one_of(st.integers(-3, 3), st.floats(-3, 3), st.booleans(),
                                                      st.sampled_from(["a", "B"]), st.none()), min_size=1,
                                            max_size=4)}),
    st.fixed_dictionaries({"type": st.just("string")}, optional={"minLength": st.integers(0, 3),
                                                                  "maxLength": st.integers(0, 5),
                                                                  "pattern": st.sampled_from(["^a", "b$", "[0-9]"])}),
    st.fixed_dictionaries({"type": st.sampled_from(["integer", "number"])},
                          optional={"minimum": st.integers(-5, 5), "maximum": st.integers(-5, 5),
                                    "exclusiveMinimum": st.floats(-5, 5), "exclusiveMaximum": st.floats(-5, 5)}),
    st.fixed_dictionaries({"const": st.one_of(st.integers(-2, 2), st.sampled_from(["x"]), st.booleans())}),
)
SCHEMA = st.recursive(LEAF, lambda inner: st.one_of(
    st.fixed_dictionaries({"type": st.just("object"),
                           "properties": st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3)},
                          optional={"required": st.lists(st.sampled_from(["a", "b", "c"]), unique=True, max_size=3),
                                    "additionalProperties": st.one_of(st.booleans(), inner),
                                    "description": st.just("annotations are ignored")}),
    st.fixed_dictionaries({"type": st.just("array"), "items": inner},
                          optional={"minItems": st.integers(0, 2), "maxItems": st.integers(0, 3)}),
), max_leaves=6)
VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-6, 6), st.floats(-6, 6), st.sampled_from([1.0, 2.0, -0.0]),
              st.sampled_from(["", "a", "ab", "B", "b", "a1", "xyz"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), inner, max_size=4)),
    max_leaves=8)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(schema=SCHEMA, value=VALUE)
def test_compiled_check_agrees_with_jsonschema(schema, value):
    expected = jsonschema.Draft202012Validator(schema).is_valid(value)
    assert compile_schema(schema)(value, NEVER) == expected, (schema, value)


@pytest.mark.parametrize("schema, value, valid, why", [
    ({"type": "integer"}, 5.0, True, "Draft 2020-12: an integral float is an integer"),
    ({"type": "integer"}, True, False, "a boolean is not a number"),
    ({"enum": [1]}, 1.0, True, "enum compares numbers by value"),
    ({"enum": [1]}, True, False, "but never a boolean with a number"),
    ({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}, {"a": 1}, False, "property type"),
    ({"type": "object", "additionalProperties": False, "properties": {"a": {}}}, {"a": 1, "b": 2}, False,
     "no other keys"),
    ({"type": "array", "items": {"type": "number"}}, [1, 2.5], True, "int and float are numbers"),
    ({"type": "string", "pattern": "^C[0-9]+$"}, "C107", True, "pattern searched"),
])
def test_compiled_check_rows(schema, value, valid, why):
    assert compile_schema(schema)(value, NEVER) == valid, why


def test_exempt_values_pass_whatever_the_schema_says():
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    check = compile_schema(schema)
    assert not check({"n": "$var1.count$"}, NEVER)
    assert check({"n": "$var1.count$"}, lambda v: isinstance(v, str) and v.startswith("$"))


@pytest.mark.parametrize("schema", [{"anyOf": [{"type": "string"}]}, {"$ref": "#/$defs/x", "$defs": {"x": {}}},
                                    {"prefixItems": [{"type": "string"}]}])
def test_other_keywords_fall_back_to_jsonschema(schema):
    with pytest.raises(Unsupported):
        compile_schema(schema)
    assert validator_for(schema) is not None


def test_each_schema_is_compiled_once_per_content(monkeypatch):
    calls = []
    real = schema_check.compile_schema
    monkeypatch.setattr(schema_check, "compile_schema", lambda s: calls.append(s) or real(s))
    schema_a = {"type": "object", "properties": {"zzz_unique": {"type": "string"}}}
    schema_b = {"properties": {"zzz_unique": {"type": "string"}}, "type": "object"}  # same content, other object
    assert validator_for(schema_a) is validator_for(schema_b) is validator_for(schema_a)
    assert [s for s in calls if "properties" in s] == [schema_a]  # compiled once (the rest: its sub-schemas)
