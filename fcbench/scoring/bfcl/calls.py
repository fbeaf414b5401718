"""BFCL's per-call check (``simple_function_checker``) and its type rules (``type_checker``).

A ``CallCheck`` is built once per gold call of an entry and kept on the entry, so the schema
lookups, the gold's types and the standardized alternatives are worked out once, not per
answer. Every prepared field is a ``cached_property``: it is computed at the moment BFCL
would compute it, and a lookup that fails (an unknown schema type, an array schema without
``items``, a gold call that is no dict) is not cached, so it raises again on every answer
that gets that far, exactly where BFCL's checker raises.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from fcbench.scoring.bfcl.convert import JAVA_TYPES, JS_TYPES, java_convert, js_convert
from fcbench.scoring.bfcl.values import (
    Failure,
    check_dict,
    check_list,
    check_list_of_dicts,
    check_member,
    check_string,
    standardize,
    standardized_lists,
    standardized_strings,
)

PYTHON_TYPES: dict[str, type] = {
    "string": str, "integer": int, "float": float, "boolean": bool, "array": list, "tuple": list,
    "dict": dict, "any": str,
}
_TABLES = {"python": PYTHON_TYPES, "java": JAVA_TYPES, "javascript": JS_TYPES}
_NESTED = {"python": ("array", "tuple"), "java": ("Array", "ArrayList", "array"),
           "javascript": ("Array", "ArrayList", "array")}


class CallCheck:
    """One gold call and the doc it is checked against."""

    def __init__(self, doc: Any, gold_call: Any, language: str) -> None:
        self.doc, self.gold_call, self.language = doc, gold_call, language
        self.param_checks: dict[Any, Callable[[Any], Failure | None]] = {}  # filled lazily (odd data)

    @cached_property
    def accepted(self) -> Any:
        return list(self.gold_call.values())[0]

    @cached_property
    def doc_name(self) -> str:
        return self.doc["name"]

    @cached_property
    def fc_name(self) -> str:
        # the model's registry entry says it saw (and must answer) math_factorial for math.factorial
        return self.doc_name.replace(".", "_")

    @cached_property
    def properties(self) -> Any:
        return self.doc["parameters"]["properties"]

    @cached_property
    def required(self) -> Any:
        return self.doc["parameters"]["required"]

    @cached_property
    def gold_only(self) -> list[Any] | None:
        """The gold parameters that do not accept ``""`` (must be sent), or None if reading the
        gold that way raises (then the check reads it lazily, as BFCL does)."""
        try:
            return [param for param in self.accepted if "" not in self.accepted[param]]
        except Exception:
            return None

    @cached_property
    def checks(self) -> dict[Any, Callable[[Any], Failure | None]] | None:
        """The check of every parameter that is both in the schema and in the gold (the only
        ones a model may send), when both are plain dicts; else None (checked lazily)."""
        accepted, properties = self.accepted, self.properties
        if type(accepted) is not dict or type(properties) is not dict:
            return None
        return {param: ParamCheck(param, properties, accepted, self.language).checker()
                for param in accepted if param in properties}

    def check(self, call: dict, underscore_to_dot: bool) -> Failure | None:
        # read in BFCL's order (gold, name, properties, required): on odd data the same one fails
        accepted, name = self.accepted, self.doc_name
        checks = self.checks
        required = self.required
        if underscore_to_dot:
            name = self.fc_name
        if name not in call:
            return Failure("simple_function_checker:wrong_func_name", "expected a call of {!r}", (name,))
        arguments = call[name]
        for param in required:
            if param not in arguments:
                return Failure("simple_function_checker:missing_required", "missing required {!r}", (param,))
        for param, value in arguments.items():
            # a parameter must be in the schema AND in the gold: schema-valid extras are rejected
            check = checks.get(param) if checks is not None else self._lazy_check(param)
            if check is None:
                return Failure("simple_function_checker:unexpected_param", "unexpected parameter {!r}", (param,))
            failure = check(value)
            if failure is not None:
                return failure
        gold_only = self.gold_only
        for param in accepted if gold_only is None else gold_only:
            if param not in arguments and "" not in accepted[param]:
                return Failure("simple_function_checker:missing_optional", "{!r} is required by the gold", (param,))
        return None

    def _lazy_check(self, param: Any) -> Callable[[Any], Failure | None] | None:
        if param not in self.properties or param not in self.accepted:
            return None
        check = self.param_checks.get(param)
        if check is None:
            check = ParamCheck(param, self.properties, self.accepted, self.language).checker()
            self.param_checks[param] = check
        return check


class ParamCheck:
    """One parameter of a gold call: its schema type, Python type and accepted values."""

    def __init__(self, param: Any, properties: Any, accepted: Any, language: str) -> None:
        self.param, self.properties, self.accepted, self.language = param, properties, accepted, language

    @cached_property
    def schema_type(self) -> Any:
        return self.properties[self.param]["type"]

    @cached_property
    def expected(self) -> type:
        return _TABLES[self.language][self.schema_type]

    @cached_property
    def item_name(self) -> Any:
        if self.schema_type not in _NESTED[self.language]:
            return None
        return self.properties[self.param]["items"]["type"]

    @cached_property
    def item(self) -> type | None:
        return None if self.item_name is None else _TABLES[self.language][self.item_name]

    @cached_property
    def alternatives(self) -> Any:
        return self.accepted[self.param]

    @cached_property
    def gold_type(self) -> type | None:
        """The type of the first accepted value that is not the optional marker ``""``."""
        return _gold_type(self.alternatives)

    @cached_property
    def element_rules(self) -> list[tuple[bool, type | None]]:
        """Per alternative: (is a list, type of its first real element) for the array check."""
        return [(type(a) is list, _gold_type(a) if type(a) is list else None) for a in self.alternatives]

    @cached_property
    def strings(self) -> frozenset[str]:
        return standardized_strings(self.alternatives)

    @cached_property
    def lists(self) -> list[list[Any]]:
        return standardized_lists(self.alternatives)

    def checker(self) -> Callable[[Any], Failure | None]:
        """The check of one value: a lean closure for scalars and strings, else the general
        ``check``. The closure is only built when every lookup it needs succeeds, so a bad
        schema or gold still raises at the point where BFCL raises."""
        try:
            expected, item, alternatives, gold_type = self.expected, self.item, self.alternatives, self.gold_type
            strings = self.strings if expected is str else frozenset()
        except Exception:
            return self.check
        if item is not None or expected not in (str, int, float, bool):
            return self.check
        promote = self.language == "python" and self.schema_type == "float"
        if expected is str:
            check = _text_check(self.param, alternatives, strings, gold_type)
        else:
            check = _scalar_check(self.param, expected, alternatives, gold_type, promote)
        if self.language == "python":
            return check
        return _converted(self.param, self.language, self.schema_type, check)

    def check(self, value: Any) -> Failure | None:
        """Type step, then value step (``simple_function_checker``'s loop body)."""
        value = self._typed(value)
        if type(value) is Failure:
            return value
        if self.schema_type == "tuple" and type(value) is tuple:
            value = list(value)  # gold tuples went through JSON, so they are lists
        if self.language == "python" and self.schema_type == "float" and type(value) is int:
            value = float(value)  # top level only: [1, 2.5] is still no array of float
        failure, is_variable = self._check_type(value)
        if failure is not None:
            return failure
        expected, alternatives = self.expected, self.alternatives
        if is_variable:
            return check_member(value, alternatives)
        if expected is dict:
            return check_dict(value, alternatives)
        if expected is list and self.item is dict:
            return check_list_of_dicts(value, alternatives)
        if expected is str:
            return check_string(value, self.strings, alternatives)
        if expected is list:
            return check_list(value, self.lists, alternatives)
        return check_member(value, alternatives)

    def _typed(self, value: Any) -> Any:
        """Java and JavaScript values must be strings and are converted first; a JSON number or
        boolean from an FC model fails here (the model was told every parameter is a string)."""
        _ = self.expected  # BFCL looks the schema type up first (and fails there if unknown)
        if self.language == "python":
            _ = self.item  # BFCL looks the item type up right away (and fails there if absent)
            return value
        if type(value) is not str:
            return _not_a_string("type_error:java" if self.language == "java" else "type_error:js", self.param, value)
        convert = java_convert if self.language == "java" else js_convert
        if self.item_name is not None:
            _ = self.item
            return convert(value, self.schema_type, self.item_name)
        return convert(value, self.schema_type)

    def _check_type(self, value: Any) -> tuple[Failure | None, bool]:
        """BFCL's ``type_checker``: (failure or None, is_variable).

        Types must be EXACT (bool is no int, int is no float). The "variable" escape: when the
        gold's first real alternative has another type than the schema (gold "mapController"
        for an integer parameter), the parameter is a variable; a value of the gold's type then
        passes and the value step becomes plain ``in``. Arrays get a one-level element check
        that passes as soon as ONE alternative is not a list (e.g. the optional marker ``""``)
        or accepts every element; elements of inner lists are never looked at.
        """
        gold_type, expected = self.gold_type, self.expected
        if type(value) is expected:
            item = self.item
            if item is None or self._elements_fit(value, item):
                return None, gold_type is not None and gold_type is not expected
            # BFCL then falls through to its variable test with the nested failure already set
            if gold_type is not None and type(value) is gold_type:
                return Failure("type_error:nested", "{!r}: an element of {!r} is not {}",
                               (self.param, value, item.__name__)), True
        elif gold_type is not None and type(value) is gold_type:
            return None, True
        return _type_failure(self.param, value, expected), False

    def _elements_fit(self, value: list, item: type) -> bool:
        for is_list, element_gold_type in self.element_rules:
            if not is_list:
                return True  # vacuous pass: BFCL only inspects list alternatives
            if all(type(v) is item or (element_gold_type is not None and type(v) is element_gold_type)
                   for v in value):
                return True
        return False


def _text_check(param: Any, alternatives: Any, strings: frozenset[str], gold_type: type | None
                ) -> Callable[[Any], Failure | None]:
    """``ParamCheck.check`` for a string parameter (after conversion), without the dispatch."""
    variable = gold_type is not None and gold_type is not str

    def check(value: Any) -> Failure | None:
        kind = type(value)
        if kind is str and not variable:
            return None if standardize(value) in strings else check_string(value, strings, alternatives)
        if kind is str or (gold_type is not None and kind is gold_type):
            return None if value in alternatives else check_member(value, alternatives)
        return _type_failure(param, value, str)

    return check


def _scalar_check(param: Any, expected: type, alternatives: Any, gold_type: type | None, promote: bool
                  ) -> Callable[[Any], Failure | None]:
    """``ParamCheck.check`` for an integer/float/boolean parameter (after conversion): after
    the type step the value step is plain ``in`` whether or not it counts as a variable."""

    def check(value: Any) -> Failure | None:
        if promote and type(value) is int:
            value = float(value)
        kind = type(value)
        if kind is expected or (gold_type is not None and kind is gold_type):
            return None if value in alternatives else check_member(value, alternatives)
        return _type_failure(param, value, expected)

    return check


def _converted(param: Any, language: str, schema_type: str, check: Callable[[Any], Failure | None]
               ) -> Callable[[Any], Failure | None]:
    """A Java/JavaScript scalar: a string, converted by the schema type, then checked."""
    convert = java_convert if language == "java" else js_convert
    error_type = "type_error:java" if language == "java" else "type_error:js"

    def converted_check(value: Any) -> Failure | None:
        if type(value) is not str:
            return _not_a_string(error_type, param, value)
        return check(convert(value, schema_type))

    return converted_check


def _not_a_string(error_type: str, param: Any, value: Any) -> Failure:
    return Failure(error_type, "{!r} must be given as a string, got {}: {!r}", (param, type(value).__name__, value))


def _type_failure(param: Any, value: Any, expected: type) -> Failure:
    details = (param, type(value).__name__, expected.__name__, value)
    return Failure("type_error:simple", "{!r}: {} is not {}: {!r}", details)


def _gold_type(alternatives: Any) -> type | None:
    for alternative in alternatives:
        if alternative != "":
            return type(alternative)
    return None
