"""`admit` hands a well-typed output back unchanged; that shortcut must never change a verdict.

For adversarial outputs of every form the fuzz tests use, the shortcut (`admit`) and the
long way (`rebuild`, every field converted) must give equal outputs, and a rebuilt output
that was not cut to a limit must take the shortcut (it is already well typed).
"""

from __future__ import annotations

from fuzz_shapes import FORMS, materialize
from fuzz_shapes import backend_output as shaped_output
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fcbench.errors import InfraError
from fcbench.parsing.intake import (
    DEEP,
    MAX_TEXT_CHARS,
    JsonError,
    _well_typed,
    admit,
    plain_json,
    rebuild,
)
from fcbench.records import ModelOutput, ToolCall, Usage


def backend_output(form: str, payload: object) -> ModelOutput | None:
    """What a backend would hand the pipeline for `payload` (None when it raises, as a backend does)."""
    if form == "edited_gold":
        return None  # needs a request: covered by test_fuzz_pipeline
    try:
        return shaped_output(form, payload)
    except (InfraError, JsonError):
        return None


@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(case=st.sampled_from(sorted(set(FORMS) - {"edited_gold"})).flatmap(
    lambda form: st.tuples(st.just(form), FORMS[form])))
def test_the_shortcut_gives_what_the_long_way_gives(case):
    form, payload = case
    output = backend_output(form, materialize(payload))
    if output is None:
        return
    long_way = rebuild(output)
    assert admit(output) == long_way, form
    oversized = long_way.text is not None and len(long_way.text) > MAX_TEXT_CHARS  # kept, marked malformed
    raw_cut = DEEP in str(long_way.raw) or plain_json(long_way.raw)[1]  # cut to the limits, marked
    if not oversized and not raw_cut and long_way.malformed is None:
        assert _well_typed(long_way), f"{form}: a rebuilt output must be well typed: {long_way!r:.300}"
        assert admit(long_way) is long_way


def test_outputs_out_of_bounds_or_mistyped_take_the_long_way():
    good = ModelOutput(text="hi", tool_calls=(ToolCall("f", {"a": [1, {"b": "c"}]}),), usage=Usage(3, 4),
                       latency_s=0.5, raw={"id": "x"})
    assert admit(good) is good, "a well-typed output is handed back as it is"
    bad = {
        "a tuple inside arguments (JSON has arrays only)": ToolCall("f", {"a": (1, 2)}),
        "a non-string key": ToolCall("f", {1: "x"}),
        "a blank function name": ToolCall("  ", {}),
        "arguments as a JSON string": ToolCall("f", '{"a": 1}'),
    }
    for reason, call in bad.items():
        output = ModelOutput(tool_calls=(call,))
        assert not _well_typed(output), reason
        assert admit(output) == rebuild(output), reason
    for reason, output in {
        "a latency given as an int": ModelOutput(latency_s=1),
        "a negative token count": ModelOutput(usage=Usage(-1, 0)),
        "malformed beside calls": ModelOutput(tool_calls=(ToolCall("f", {}),), malformed="broken"),
        "an empty malformed reason": ModelOutput(malformed=""),
        "a text over the limit": ModelOutput(text="x" * 200_001),
        "raw holding a set": ModelOutput(raw={"a": {1, 2}}),
    }.items():
        assert not _well_typed(output), reason
        assert admit(output) == rebuild(output), reason
