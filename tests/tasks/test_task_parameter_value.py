"""parameter_value task: (parameter, value) pair P/R/F1, full match, schema validity."""

import pytest
from fcbench_tasks.parameter_value import TASK

from fcbench.records import Message, ModelOutput, Sample, Tool, ToolCall

BOOK = Tool("book_table", "Book a restaurant table.", {"type": "object", "properties": {
    "restaurant": {"type": "string"},
    "party_size": {"type": "integer", "minimum": 1, "maximum": 20},
    "date": {"type": "string"},
    "budget": {"type": "number"},
    "outdoor": {"type": "boolean", "default": False},
    "guest": {"type": "object", "properties": {"name": {"type": "string"}, "phone": {"type": "string"}},
              "required": ["name"]}},
    "required": ["restaurant", "party_size", "date"]})
OTHER = Tool("cancel_booking", "", {"type": "object", "properties": {"booking_id": {"type": "string"}}})
GOLD = {"calls": [{"name": "book_table", "arguments": {
    "restaurant": ["Chez Marie"], "party_size": [4], "date": ["2025-03-14"], "budget": [120.5],
    "outdoor": ["", False], "guest": [{"name": ["Ana"], "phone": ["", "555-0101"]}]}}]}
SAMPLE = Sample("pv-1", "parameter_value", (Message("user", "Table for 4 at Chez Marie..."),),
                (BOOK, OTHER), GOLD)
task = TASK()
BASE = {"restaurant": "Chez Marie", "party_size": 4, "date": "2025-03-14", "budget": 120.5,
        "guest": {"name": "Ana"}}


def book(**changes):
    args = {**BASE, **changes}
    return ModelOutput(tool_calls=(ToolCall("book_table", {k: v for k, v in args.items() if v is not None}),))


# (output, passes, failures, (pair_tp, pair_fp, pair_fn), schema_valid, reason)
ROWS = [
    (book(), True, set(), (5, 0, 0), 1.0, "all slots right, optional outdoor omitted"),
    (book(outdoor=False, guest={"name": "ana", "phone": "555-0101"}), True, set(), (6, 0, 0), 1.0,
     "optional values given and accepted; nested object compared recursively"),
    (book(budget=120.50000001), True, set(), (5, 0, 0), 1.0, "float within tolerance"),
    (book(budget=121), False, {"wrong_value"}, (4, 1, 1), 1.0, "int accepted for number, but a different one"),
    (book(party_size=4.5), False, {"wrong_type"}, (4, 1, 1), 0.0, "non-integral float for an integer"),
    (book(party_size=True), False, {"wrong_type"}, (4, 1, 1), 0.0, "bool is never an integer"),
    (book(date="2025-3-14"), True, set(), (5, 0, 0), 1.0, "ISO dates compare as dates"),
    (book(guest={"name": "Ana", "phone": "555-9999"}), False, {"wrong_value"}, (4, 1, 1), 1.0,
     "wrong value inside the nested object"),
    (book(guest=None), False, {"missing_optional_arg"}, (4, 0, 1), 1.0,
     "guest is optional in the schema but the request gave it"),
    (book(date=None), False, {"missing_required_arg"}, (4, 0, 1), 0.0, "required date missing"),
    (book(notes="window seat"), False, {"unexpected_arg"}, (5, 1, 0), 1.0, "a parameter the schema lacks"),
    (book(party_size=25), False, {"wrong_value"}, (4, 1, 1), 0.0, "out of range (and not the gold value)"),
    (ModelOutput(tool_calls=(ToolCall("cancel_booking", {"booking_id": "x"}),)), False, {"wrong_function"},
     (0, 1, 5), 1.0, "another library function"),
    (ModelOutput(tool_calls=(ToolCall("reserve", dict(BASE)),)), False, {"hallucinated_function"},
     (0, 5, 5), 0.0, "a function the library lacks"),
    (ModelOutput(tool_calls=(*book().tool_calls, ToolCall("cancel_booking", {"booking_id": "x"}))), False,
     {"extra_call"}, (5, 1, 0), 1.0, "a second call: the best one is judged, the other is extra"),
    (ModelOutput(text="{", malformed="bad JSON"), False, {"malformed_output"}, (0, 0, 5), None, "malformed"),
    (ModelOutput(text="Booked!"), False, {"no_call"}, (0, 0, 5), None, "text only"),
]


@pytest.mark.parametrize("output,passes,failures,counts,valid,reason", ROWS, ids=[r[5] for r in ROWS])
def test_parameter_value_verdicts(output, passes, failures, counts, valid, reason):
    score = task.score(SAMPLE, output)
    assert score.passed is passes, f"{reason}: {score}"
    assert set(score.failures) == failures, f"{reason}: {score.failures}"
    m = score.metrics
    assert (m["pair_tp"], m["pair_fp"], m["pair_fn"]) == counts, reason
    assert m.get("schema_valid") == valid, reason


def test_native_request_forces_exactly_one_call():
    request = task.build_request(SAMPLE, "native")
    assert request.tool_choice == "required" and request.parallel_tool_calls is False
    assert task.score(SAMPLE, request.reference_output).passed


def test_aggregate():
    agg = task.aggregate([task.score(SAMPLE, book()), task.score(SAMPLE, book(party_size=4.5)),
                          task.score(SAMPLE, ModelOutput(text="no"))])
    assert agg["accuracy"] == pytest.approx(1 / 3)
    assert agg["schema_valid"] == 0.5, "averaged over samples with a call"
    for key in task.report_metrics:
        assert key in agg, key
