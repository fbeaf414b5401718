"""Checking one predicted call against one gold call, and pairing call lists.

A gold call is ``{"name": str, "arguments": {param: [accepted values]}, "label": str?}``
(the gold format of tasks/README.md); the value rules are in `values` and README.md.
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping, Sequence
from typing import Any

from fcbench.records import Tool, ToolCall, record
from fcbench.scoring import taxonomy as tx
from fcbench.scoring.language_values import render as render_language_value
from fcbench.scoring.matching import optimal_matching
from fcbench.scoring.references import parse_reference
from fcbench.scoring.schema_check import validator_for
from fcbench.scoring.values import OMIT, canonical_value, value_failure


@record
class CallCheck:
    """Verdict on one (predicted, gold) pair.

    arg_tp/fp/fn count (parameter, value) pairs: tp = predicted arguments whose
    value is accepted; fp = predicted arguments that are not; fn = gold
    parameters that must be given (no ``""`` alternative) and were not matched.
    A gold parameter that may be omitted and was omitted counts nowhere.
    `schema_valid` is the JSON Schema verdict on the predicted arguments
    (references are exempt from it, since their value is only known at run time);
    None when the check failed before it mattered (a wrong function name or value):
    `schema_valid` the function gives it on demand.
    `detail` says what is wrong in words; it is written only when read (most checks of a
    parallel answer's pairing are never shown).
    """

    ok: bool
    failures: tuple[str, ...]
    arg_tp: int
    arg_fp: int
    arg_fn: int
    notes: tuple[tuple[str, Any, str], ...] = ()  # (what, argument value or _NO_VALUE, failure)
    schema_valid: bool | None = True

    @property
    def agreement(self) -> float:
        """Share of argument pairs that agree, in [0, 1] (1 when there are none)."""
        total = self.arg_tp + self.arg_fp + self.arg_fn
        return self.arg_tp / total if total else 1.0

    @property
    def detail(self) -> str:
        return "; ".join(what if value is _NO_VALUE else f"{what}={_short(value)} ({failure})"
                         for what, value, failure in self.notes)


_NO_VALUE = object()


def gold_name(gold: Any) -> str:
    return str(gold.get("name", "")) if isinstance(gold, dict) else ""


_GOLD_ARGUMENTS: dict[int, tuple[Any, dict[str, list]]] = {}


def gold_arguments(gold: Any) -> dict[str, list]:
    """The gold's parameter -> accepted-values lists (a bare value is read as a one-item list).

    Built once per gold call object (gold is static for a run; the object is kept with its id).
    """
    cached = _GOLD_ARGUMENTS.get(id(gold))
    if cached is not None and cached[0] is gold:
        return cached[1]
    args = gold.get("arguments") if isinstance(gold, dict) else None
    out = {} if not isinstance(args, dict) else {
        str(k): (list(v) if isinstance(v, (list, tuple)) else [v]) for k, v in args.items()}
    if isinstance(gold, dict):
        _GOLD_ARGUMENTS[id(gold)] = (gold, out)
    return out


def is_optional(accepted: Sequence[Any]) -> bool:
    return any(isinstance(a, str) and a == "" for a in accepted)


def required_gold_params(gold: Any) -> int:
    """How many gold parameters must be given (the fn count of an unanswered gold call)."""
    return sum(1 for acc in gold_arguments(gold).values() if not is_optional(acc))


def pred_arguments(call: ToolCall) -> dict[str, Any]:
    return call.arguments if isinstance(call.arguments, dict) else {}


def _properties(tool: Tool | None) -> dict[str, Any] | None:
    if tool is None or not isinstance(tool.parameters, dict):
        return None
    props = tool.parameters.get("properties")
    return props if isinstance(props, dict) else None


def _required(tool: Tool | None) -> set[str] | None:
    if tool is None or not isinstance(tool.parameters, dict):
        return None
    req = tool.parameters.get("required")
    return {str(r) for r in req} if isinstance(req, list) else set()


@record
class _GoldPlan:
    """What `check_call` needs of one (gold call, tool) pair, worked out once per run."""

    name: str
    accepted: dict[str, list]           # parameter -> accepted values
    props: dict[str, Any] | None        # the tool's properties (None: no schema to consult)
    optional: frozenset[str]            # parameters whose accepted values include ""
    missing: tuple[tuple[str, str], ...]  # (parameter that must be given, failure when left out)


_PLANS: dict[tuple[int, int], tuple[Any, Any, _GoldPlan]] = {}


def _plan(gold: dict, tool: Tool | None) -> _GoldPlan:
    cached = _PLANS.get((id(gold), id(tool)))
    if cached is not None and cached[0] is gold and cached[1] is tool:
        return cached[2]
    accepted = gold_arguments(gold)
    props, required = _properties(tool), _required(tool)
    optional = frozenset(k for k, acc in accepted.items() if is_optional(acc))
    missing = []
    for key in sorted(accepted):
        # A parameter the schema requires must be given, even where the gold would accept its
        # omission (as BFCL's checker has it); otherwise "" in the gold allows leaving it out.
        schema_requires = required is not None and key in required
        if key in optional and not schema_requires:
            continue
        is_required = required is None or key in required
        missing.append((key, tx.MISSING_REQUIRED_ARG if is_required else tx.MISSING_OPTIONAL_ARG))
    plan = _GoldPlan(gold_name(gold), accepted, props, optional, tuple(missing))
    _PLANS[(id(gold), id(tool))] = (gold, tool, plan)
    return plan


def check_call(pred: ToolCall, gold: dict, tool: Tool | None, *,
               known_names: Container[str] | None = None) -> CallCheck:
    """Check `pred` against one gold call. `tool` holds the gold function's schema (or None).

    `known_names` (the sample's library) tells a hallucinated function name from
    a wrong one; without it every wrong name is ``wrong_function``. Never raises.
    """
    plan = _plan(gold, tool)
    args = pred_arguments(pred)
    if pred.name != plan.name:
        hallucinated = known_names is not None and pred.name not in known_names
        category = tx.HALLUCINATED_FUNCTION if hallucinated else tx.WRONG_FUNCTION
        return CallCheck(False, (category,), 0, len(args), required_gold_params(gold),
                         ((f"called {pred.name!r}, expected {plan.name!r}", _NO_VALUE, ""),), None)

    props, accepted_by_param = plan.props, plan.accepted
    failures: list[str] = []
    notes: list[tuple[str, Any, str]] = []
    tp = fp = fn = 0
    if not isinstance(pred.arguments, dict):
        failures.append(tx.WRONG_TYPE)
        notes.append(("arguments are not a JSON object", _NO_VALUE, ""))
    for key in (sorted(args, key=str) if len(args) > 1 else args):
        accepted = accepted_by_param.get(key)
        if accepted is None or (props is not None and key not in props):
            failures.append(tx.UNEXPECTED_ARG)
            notes.append((f"unexpected {key}", _NO_VALUE, ""))
            fp += 1
            continue
        verdict = value_failure(args[key], accepted, props.get(key) if props else None)
        if verdict is None:
            tp += 1
        else:
            failures.append(verdict)
            notes.append((key, args[key], verdict))
            fp += 1
            fn += 0 if key in plan.optional else 1
    for key, failure in plan.missing:
        if key not in args:
            failures.append(failure)
            notes.append((f"missing {key}", _NO_VALUE, ""))
            fn += 1
    schema_ok: bool | None = None  # only judged when it can change the verdict
    if not failures:
        schema_ok = schema_valid(args, tool) if isinstance(pred.arguments, dict) else False
        if not schema_ok and schema_valid(canonical_call(gold, tool).arguments, tool):
            # Only when the gold itself satisfies the schema: a generator slip must not fail models.
            failures.append(tx.SCHEMA_INVALID)
            notes.append(("arguments violate the JSON Schema", _NO_VALUE, ""))
    if not failures:
        return CallCheck(True, (), tp, fp, fn, (), schema_ok)
    return CallCheck(False, tx.ordered(failures), tp, fp, fn, tuple(notes), schema_ok)


def _short(value: Any, limit: int = 60) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------ JSON Schema
def schema_valid(arguments: Any, tool: Tool | None) -> bool:
    """Do `arguments` satisfy the tool's parameter schema? Reference values are exempt.

    True when there is no tool or its schema itself is unusable (nothing to judge by).
    The check is compiled once per distinct schema (`fcbench.scoring.schema_check`).
    """
    if tool is None or not isinstance(tool.parameters, dict):
        return True
    check = validator_for(tool.parameters)
    if check is None:
        return True
    try:
        return check(arguments, _is_reference)
    except RecursionError:
        return False


def _is_reference(value: Any) -> bool:
    return isinstance(value, str) and parse_reference(value) is not None


# ------------------------------------------------------------- canonical
def canonical_call(gold: dict, tool: Tool | None = None) -> ToolCall:
    """What the oracle sends: the first non-"" accepted value of each parameter
    (nested accepted lists collapsed the same way); parameters whose list is only
    ``[""]`` are omitted; the label is kept."""
    props = _properties(tool) or {}
    args: dict[str, Any] = {}
    for key, accepted in gold_arguments(gold).items():
        value = canonical_value(accepted, props.get(key))
        if value is not OMIT:
            args[key] = render_language_value(value, props.get(key))
    label = gold.get("label") if isinstance(gold, dict) else None
    return ToolCall(gold_name(gold), args, label if isinstance(label, str) else None)


# ------------------------------------------------------------- pairing
@record
class CallPairs:
    """An optimal one-to-one pairing of predicted with gold calls."""

    pairs: tuple[tuple[int, int, CallCheck], ...]  # (pred index, gold index, check)
    unmatched_pred: tuple[int, ...]
    unmatched_gold: tuple[int, ...]

    @property
    def correct(self) -> int:
        return sum(1 for _, _, c in self.pairs if c.ok)


def pair_weight(check: CallCheck) -> float:
    """Correct pairs first, then same function, then argument agreement; any pair beats none
    (so a wrong call pairs with a leftover gold call and is reported as such)."""
    if check.ok:
        return 1011.001  # 1000 + 10 + full agreement + 0.001
    same_name = not any(f in _NAME_FAILURES for f in check.failures)
    return 10.0 * same_name + check.agreement + 0.001


_NAME_FAILURES = frozenset({tx.WRONG_FUNCTION, tx.HALLUCINATED_FUNCTION})


def tools_by_name(tools: Sequence[Tool]) -> dict[str, Tool]:
    return {t.name: t for t in tools}


def call_pairs(preds: Sequence[ToolCall], golds: Sequence[dict],
               tools: Mapping[str, Tool] | Sequence[Tool] = (), *,
               known_names: Container[str] | None = None) -> CallPairs:
    """Pair predicted and gold calls by maximum-weight matching (order ignored).

    Every pred/gold combination is checked once; `pair_weight` ranks them.
    `known_names` defaults to the names in `tools`. When each prediction, in order, finds
    a correct partner among the gold calls left, that pairing is already optimal (every
    pair has the top weight, and all calls are paired), and the other combinations are
    never checked.
    """
    by_name = tools if isinstance(tools, Mapping) else tools_by_name(tools)
    names = known_names if known_names is not None else set(by_name)
    checked: dict[tuple[int, int], CallCheck] = {}
    if len(preds) == len(golds) > 1:
        pairs = []
        left = list(range(len(golds)))
        for i, pred in enumerate(preds):
            for j in left:
                if gold_name(golds[j]) != pred.name:
                    continue
                check = checked[(i, j)] = check_call(pred, golds[j], by_name.get(pred.name), known_names=names)
                if check.ok:
                    pairs.append((i, j, check))
                    left.remove(j)
                    break
            else:
                break
        else:
            return CallPairs(tuple(pairs), (), ())
    matrix = [[checked.get((i, j)) or check_call(p, g, by_name.get(gold_name(g)), known_names=names)
               for j, g in enumerate(golds)] for i, p in enumerate(preds)]
    return pairs_from_checks(matrix, len(golds))


def check_matrix(preds: Sequence[ToolCall], golds: Sequence[dict],
                 tools: Mapping[str, Tool] | Sequence[Tool] = (), *,
                 known_names: Container[str] | None = None) -> list[list[CallCheck]]:
    """``checks[i][j]`` = `check_call` of predicted call i against gold call j."""
    by_name = tools if isinstance(tools, Mapping) else tools_by_name(tools)
    names = known_names if known_names is not None else set(by_name)
    return [[check_call(p, g, by_name.get(gold_name(g)), known_names=names) for g in golds]
            for p in preds]


def pairs_from_checks(checks: list[list[CallCheck]], n_gold: int) -> CallPairs:
    """Optimal unordered pairing from a precomputed `check_matrix` (n_pred x n_gold)."""
    preds, golds = range(len(checks)), range(n_gold)
    if len(checks) == 1 and n_gold == 1:  # the common case: one call, one gold call
        return CallPairs(((0, 0, checks[0][0]),), (), ())
    matched = optimal_matching(len(preds), len(golds), lambda i, j: pair_weight(checks[i][j]))
    used_p = {i for i, _ in matched}
    used_g = {j for _, j in matched}
    return CallPairs(tuple((i, j, checks[i][j]) for i, j in matched),
                     tuple(i for i in range(len(preds)) if i not in used_p),
                     tuple(j for j in range(len(golds)) if j not in used_g))


def unmatched_pred_failure(call: ToolCall, known_names: Container[str] | None) -> str:
    """An unpaired predicted call is extra, or hallucinated when its function does not exist."""
    if known_names is not None and call.name not in known_names:
        return tx.HALLUCINATED_FUNCTION
    return tx.EXTRA_CALL


def pairing_arg_counts(pairing: CallPairs, preds: Sequence[ToolCall],
                       golds: Sequence[dict]) -> tuple[int, int, int]:
    """(tp, fp, fn) of argument pairs over a whole pairing: paired calls by their checks,
    every argument of an unpaired prediction fp, every must-give parameter of an unpaired gold fn."""
    tp = sum(c.arg_tp for _, _, c in pairing.pairs)
    fp = sum(c.arg_fp for _, _, c in pairing.pairs)
    fn = sum(c.arg_fn for _, _, c in pairing.pairs)
    fp += sum(len(pred_arguments(preds[i])) for i in pairing.unmatched_pred)
    fn += sum(required_gold_params(golds[j]) for j in pairing.unmatched_gold)
    return tp, fp, fn


def pairing_failures(pairing: CallPairs, preds: Sequence[ToolCall],
                     known_names: Container[str] | None) -> list[str]:
    """Failure categories of a pairing: each wrong pair's, then extra/hallucinated, then missing."""
    out: list[str] = []
    for _, _, check in pairing.pairs:
        out.extend(check.failures)
    out.extend(unmatched_pred_failure(preds[i], known_names) for i in pairing.unmatched_pred)
    out.extend(tx.MISSING_CALL for _ in pairing.unmatched_gold)
    return out
