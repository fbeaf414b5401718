"""value_failure: one predicted value against a gold accepted-values list (table-driven)."""

import pytest

from fcbench.scoring.values import value_failure

NUM = {"type": "number"}
INT = {"type": "integer"}
STR = {"type": "string"}
BOOL = {"type": "boolean"}
UNIT = {"type": "string", "enum": ["celsius", "fahrenheit"]}
INTS = {"type": "array", "items": {"type": "integer"}}
ADDRESS = {"type": "object", "properties": {
    "city": {"type": "string"}, "zip": {"type": "string"},
    "geo": {"type": "object", "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}}}}
ITEMS = {"type": "array", "items": {"type": "object", "properties": {
    "sku": {"type": "string"}, "qty": {"type": "integer"}}}}
TAGS_OBJ = {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}

# (value, accepted, schema, expected verdict, reason)
ROWS = [
    # numbers
    (0.1 + 0.2, [0.3], NUM, None, "float tolerance: 0.1+0.2 equals 0.3 within rel 1e-9 (binary rounding)"),
    (2000001, [2000000], INT, "wrong_value", "integers compare exactly"),
    (2000001.0, [2000000], NUM, "wrong_value", "a relative 5e-7 is another value, not rounding"),
    (5e-12, [8.854e-12], NUM, "wrong_value", "no absolute tolerance: tiny values are still different values"),
    (8.854e-12, [8.854e-12], NUM, None, "the same tiny value"),
    (0.31, [0.3], NUM, "wrong_value", "0.31 is outside the tolerance of 0.3"),
    (5, [5.0], NUM, None, "an int is accepted where the schema says number"),
    (5.0, [5], INT, None, "an integral float is accepted for integer (fcbench differs from BFCL)"),
    (5.5, [5], INT, "wrong_type", "a non-integral float is not an integer"),
    (True, [1], INT, "wrong_type", "bool is never an integer"),
    (1, [True], BOOL, "wrong_type", "an int is never a boolean"),
    (False, [False], BOOL, None, "booleans compare exactly"),
    ("5", [5], INT, "wrong_type", "a numeric string is not an integer"),
    ("5", [5], None, "wrong_type", "without schema the type comes from the alternatives"),
    (7, [5, 6], INT, "wrong_value", "right type, value not among the alternatives"),
    (6, [5, 6], INT, None, "any one alternative may match"),
    (1e-10, [0.0], NUM, "wrong_value", "no absolute tolerance near zero either"),
    (-0.0, [0.0], NUM, None, "minus zero is zero"),
    (None, ["", 3], INT, "wrong_type", "null fails even for an optional parameter"),
    # strings
    ("  new   YORK ", ["New York"], STR, None, "trim, collapse whitespace, case-fold"),
    ("C-107", ["C107"], STR, "wrong_value", "no BFCL punctuation stripping: ids keep their dashes"),
    ("2024-5-1", ["2024-05-01"], STR, None, "ISO dates compare as dates"),
    ("2024-05-01T10:00:00Z", ["2024-05-01T10:00:00+00:00"], STR, None, "Z equals +00:00"),
    ("2024-05-01", ["2024-05-01T00:00:00"], STR, "wrong_value", "a date never equals a date-time"),
    ("2024-05-02", ["2024-05-01"], STR, "wrong_value", "different dates"),
    ("", ["", "celsius"], UNIT, None, "the empty string matches the omission marker itself"),
    ("Fahrenheit", ["", "celsius"], UNIT, "wrong_value", "not an accepted alternative"),
    (3, ["", "celsius"], UNIT, "wrong_type", "a number for a string parameter"),
    ("num", ["num"], INT, None, "BFCL's variable escape: an off-schema gold value matches its own type"),
    ("$var1.city_id$", ["$var1.city_id$"], INT, None, "references compare as text, exempt from type"),
    ("$VAR1.city_id$", ["$var1.city_id$"], STR, "wrong_value", "references are not case-folded"),
    ("C101", ["$var1.city_id$"], STR, "wrong_value", "an inlined value is not the reference"),
    # arrays
    ([1, 2], [[1, 2]], INTS, None, "same elements, same order"),
    ([2, 1], [[1, 2]], INTS, "wrong_value", "array order matters"),
    ([2, 1], [[1, 2], [2, 1]], INTS, None, "a gold accepting both orders lists both"),
    ([1], [[1, 2]], INTS, "wrong_value", "length differs"),
    (["a"], [[1]], INTS, "wrong_type", "element type checked against items"),
    ([1.0, 2], [[1, 2]], INTS, None, "integral float elements are integers"),
    ((1, 2), [[1, 2]], INTS, None, "a tuple is an array"),
    ("1,2", [[1, 2]], INTS, "wrong_type", "a string is not an array"),
    # objects (recursive, nested accepted values allowed)
    ({"city": "paris", "zip": "75001"}, [{"city": ["Paris"], "zip": ["", "75001"]}], ADDRESS, None,
     "key by key with accepted lists"),
    ({"city": "Paris"}, [{"city": ["Paris"], "zip": ["", "75001"]}], ADDRESS, None,
     "a key whose list holds '' may be omitted"),
    ({"zip": "75001"}, [{"city": ["Paris"], "zip": ["", "75001"]}], ADDRESS, "wrong_value",
     "a required nested key is missing"),
    ({"city": "Paris", "country": "FR"}, [{"city": ["Paris"]}], ADDRESS, "wrong_value",
     "a key the gold object does not have"),
    ({"city": "Paris", "geo": {"lat": 48.86, "lon": 2.35000000001}},
     [{"city": ["Paris"], "geo": [{"lat": [48.86], "lon": [2.35]}]}], ADDRESS, None,
     "objects recurse beyond one level (BFCL stops at one), with tolerance"),
    ({"city": "Paris", "geo": {"lat": 48.86, "lon": 3.0}},
     [{"city": ["Paris"], "geo": [{"lat": [48.86], "lon": [2.35]}]}], ADDRESS, "wrong_value",
     "a wrong value two levels deep is found"),
    ({"city": "Paris", "geo": {"lat": "48.86", "lon": 2.35}},
     [{"city": ["Paris"], "geo": [{"lat": [48.86], "lon": [2.35]}]}], ADDRESS, "wrong_type",
     "a wrong type two levels deep is found"),
    ({"city": "Paris"}, [{"city": "Paris"}], ADDRESS, None, "plain (non-list) nested gold values work too"),
    ({"tags": ["a", "b"]}, [{"tags": ["a", "b"]}], TAGS_OBJ, None,
     "schema says array and elements are not lists: the gold list is the plain array"),
    ({"tags": ["a", "b"]}, [{"tags": [["a", "b"], ["b", "a"]]}], TAGS_OBJ, None,
     "a list of lists for an array key is a list of accepted arrays"),
    ([{"sku": "A1", "qty": 2}, {"sku": "B2", "qty": 1}],
     [[{"sku": ["A1"], "qty": [2]}, {"sku": ["B2"], "qty": [1]}]], ITEMS, None,
     "list of objects, element-wise"),
    ([{"sku": "B2", "qty": 1}, {"sku": "A1", "qty": 2}],
     [[{"sku": ["A1"], "qty": [2]}, {"sku": ["B2"], "qty": [1]}]], ITEMS, "wrong_value",
     "list of objects in the wrong order"),
    ([{"sku": "A1", "qty": True}], [[{"sku": ["A1"], "qty": [1]}]], ITEMS, "wrong_type",
     "bool inside a nested object is still not an integer"),
    ("Paris", [{"city": ["Paris"]}], ADDRESS, "wrong_type", "a string where an object is required"),
]


@pytest.mark.parametrize("value,accepted,schema,expected,reason", ROWS, ids=[r[4] for r in ROWS])
def test_value_rules(value, accepted, schema, expected, reason):
    assert value_failure(value, accepted, schema) == expected, reason


def test_bare_gold_value_is_one_alternative():
    assert value_failure("x", "x", None) is None  # a non-list "accepted" is read as [value]
    assert value_failure("y", "x", None) == "wrong_value"


def test_deep_nesting_does_not_raise():
    deep = current = []
    for _ in range(5000):
        current.append([])
        current = current[0]
    assert value_failure(deep, [deep], None) in (None, "wrong_value")
