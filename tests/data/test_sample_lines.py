"""Sample files read line by line: a tool repeated over many samples is decoded once, and every
line reads exactly as ``json.loads`` reads it (its value, or its error message)."""

from __future__ import annotations

import json

import pytest
from conftest import WEATHER_TOOL, param_sample, write_jsonl

from fcbench.data.samples import _read_line, _Tools, load_samples
from fcbench.errors import UsageError
from fcbench.records import Sample

LINES = [
    '{"a":1}',
    ' {"a" : [1,2] , "tools" : [ {"x":1} , {"x":1}, 3 ] } ',
    '{"tools":[]}', '{"tools":[ ]}', '{"tools":{"x":1}}', '{"tools":"none"}',
    '{"a":1} ', '{"a":1}\r', '{ "a":1}', '{"a"\t:\n1\r}', '{"a":1}  \t',
    '{"a":NaN,"b":-Infinity}', '{"a":1,"a":2,"b":3}', '{"tools":[{"x":1}],"tools":[{"y":2}]}',
    '{"a":"\\ud800"}', '{"a":-0.0,"b":1e400,"c":123456789012345678901234567890}',
    '{"tools":[{"x":1} ,{"x":1}\t]}', '{"tools" :[ {"x":1}, {"x":1,"y":2}, {"x":1} ] }',
    '{}', '[1]', '"text"', '{"a":1,}', '{"a":1}x', '\ufeff{"a":1}', '{"tools":[{"x":1},]}',
    '{"tools":[{"x":1}}', '{"tools":[{"x":1}]', '{"a":1}\x0b', '{"t":"\x01"}', '{"tools":[{"x":1}{"x":1}]}',
    '{"a":1 , }', '{"a":1', '{"a"', '{"', '{', '{"tools":[', '{"tools":[{"x":1}', '{"tools":[{"x":1},',
    '{"a":' + "[" * 5000 + "]" * 5000 + "}",
]


def _loads(line: str):
    try:
        return "value", json.loads(line)
    except (ValueError, RecursionError) as exc:
        return "error", f"{type(exc).__name__}: {exc}"


@pytest.mark.parametrize("line", LINES)
def test_a_line_reads_as_json_loads_reads_it_or_is_left_to_it(line):
    tools = _Tools()
    for _ in range(2):  # the second time from the tool cache
        try:
            value = _read_line(line, tools)
        except Exception:  # noqa: BLE001 - left to json.loads, which gives the value or the error
            continue
        assert ("value", value) == _loads(line)
        assert json.dumps(value) == json.dumps(json.loads(line))


def test_samples_sharing_a_tool_load_as_json_loads_reads_them(tmp_path):
    other = {**WEATHER_TOOL, "name": "get_forecast"}
    rows = [param_sample(i) for i in range(5)]
    rows[1]["tools"] = [other, WEATHER_TOOL]
    rows[2]["tools"] = [{**WEATHER_TOOL, "description": "changed"}]
    lines = [json.dumps(r) for r in rows]
    lines[3] = json.dumps(rows[3], indent=None, separators=(" , ", " : "))
    lines[4] = json.dumps(rows[4], separators=(",", ":"))
    path = write_jsonl(tmp_path / "parameter_value" / "test.jsonl", lines)
    loaded = load_samples(path, task="parameter_value")
    assert loaded == [Sample.from_dict(json.loads(line)) for line in lines]
    assert [s.to_dict() for s in loaded] == [Sample.from_dict(r).to_dict() for r in rows]


@pytest.mark.parametrize("bad", ['{"id": "x", "tools": [{"name": "a"},]}', '{"id": "x"} extra', '\ufeff{"id": "x"}',
                                 '{"id": "x", "tools": [{"name": "a"}'])
def test_a_bad_line_is_named_as_before(tmp_path, bad):
    """As json.loads words it: ``FILE:LINE: not valid JSON (MESSAGE at column N)``."""
    with pytest.raises(json.JSONDecodeError) as exc:
        json.loads(bad)
    path = write_jsonl(tmp_path / "parameter_value" / "test.jsonl", [param_sample(0), bad])
    with pytest.raises(UsageError) as err:
        load_samples(path, task="parameter_value")
    assert str(err.value) == f"{path}:2: not valid JSON ({exc.value.msg} at column {exc.value.colno})"
