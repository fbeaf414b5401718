"""References ($label.field$), positional labels and reference validity."""

import pytest

from fcbench.records import Tool, ToolCall
from fcbench.scoring.references import (
    Reference,
    assign_labels,
    iter_references,
    parse_reference,
    reference_problems,
    rewrite_references,
)

FIND = Tool("find_city", "", {"type": "object", "properties": {"name": {"type": "string"}}},
            {"type": "object", "properties": {"city_id": {"type": "string"}, "lat": {"type": "number"}}})
WEATHER = Tool("get_weather", "", {"type": "object", "properties": {"city_id": {"type": "string"}}},
               {"type": "object", "properties": {"temperature": {"type": "number"}}})
NO_RETURNS = Tool("opaque", "", {"type": "object", "properties": {}})
TOOLS = [FIND, WEATHER, NO_RETURNS]


@pytest.mark.parametrize("text,expected,reason", [
    ("$var1.city_id$", Reference("var1", "city_id"), "plain reference"),
    (" $var1.city_id$ ", Reference("var1", "city_id"), "surrounding blanks are trimmed"),
    ("$var2.highs.0$", Reference("var2", "highs.0"), "dotted path"),
    ("in $var1.city_id$", None, "only whole strings are references"),
    ("$var1$", None, "a label without a field"),
    ("$var1.city id$", None, "no spaces inside"),
    (17, None, "not a string"),
])
def test_parse_reference(text, expected, reason):
    assert parse_reference(text) == expected, reason


def test_iter_references_reaches_into_arrays_and_objects():
    value = {"a": "$var1.x$", "b": ["$var2.y$", {"c": "$var3.z$"}], "d": "plain"}
    assert [str(r) for r in iter_references(value)] == ["$var1.x$", "$var2.y$", "$var3.z$"]


def test_assign_labels_by_position_keeps_given_labels():
    calls = [ToolCall("a"), ToolCall("b", label="mine"), ToolCall("c", label="")]
    assert [c.label for c in assign_labels(calls)] == ["var1", "mine", "var3"]


def test_rewrite_references():
    value = {"a": "$x.city_id$", "b": ["$y.lat$", "x"]}
    assert rewrite_references(value, {"x": "var1"}) == {"a": "$var1.city_id$", "b": ["$y.lat$", "x"]}


def labelled(*calls):
    return assign_labels([ToolCall(n, a) for n, a in calls])


# (calls, expected problem reasons, why)
ROWS = [
    (labelled(("find_city", {"name": "Oslo"}), ("get_weather", {"city_id": "$var1.city_id$"})),
     [], "earlier label, field of its returns schema"),
    (labelled(("get_weather", {"city_id": "$var2.city_id$"}), ("find_city", {"name": "Oslo"})),
     ["later label"], "reference to a later call"),
    (labelled(("find_city", {"name": "Oslo"}), ("get_weather", {"city_id": "$var7.city_id$"})),
     ["unknown label"], "reference to a label nobody has"),
    (labelled(("find_city", {"name": "$var1.city_id$"}),), ["self reference"], "a call cannot use its own output"),
    (labelled(("find_city", {"name": "Oslo"}), ("get_weather", {"city_id": "$var1.cityid$"})),
     ["unknown field"], "valid label, field not in find_city's returns schema"),
    (labelled(("find_city", {"name": "Oslo"}), ("get_weather", {"city_id": ["$var1.id$"]})),
     ["unknown field"], "references nested in arrays are checked too"),
    (labelled(("made_up", {}), ("get_weather", {"city_id": "$var1.city_id$"})),
     ["unknown function"], "the referenced call's function does not exist"),
    (labelled(("opaque", {}), ("get_weather", {"city_id": "$var1.anything$"})),
     [], "a tool without a returns schema accepts any field"),
]


@pytest.mark.parametrize("calls,expected,why", ROWS, ids=[r[2] for r in ROWS])
def test_reference_problems(calls, expected, why):
    assert [p.reason for p in reference_problems(calls, TOOLS)] == expected, why
