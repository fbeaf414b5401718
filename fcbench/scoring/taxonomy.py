"""The failure vocabulary shared by every task.

A failed sample carries at least one of these categories; a passed sample none.
Tasks must only emit names from `ALL`, so reports can count them across tasks.
"""

from __future__ import annotations

MALFORMED_OUTPUT = "malformed_output"            # the parser could not read the output
NO_CALL = "no_call"                              # text only where calls were expected
EXTRA_CALL = "extra_call"                        # a predicted call no gold call accounts for
MISSING_CALL = "missing_call"                    # a gold call no predicted call accounts for
WRONG_FUNCTION = "wrong_function"                # a library function, but not the right one
HALLUCINATED_FUNCTION = "hallucinated_function"  # a function name the library does not hold
MISSING_REQUIRED_ARG = "missing_required_arg"    # schema-required parameter left out
MISSING_OPTIONAL_ARG = "missing_optional_arg"    # optional parameter the request asked for left out
UNEXPECTED_ARG = "unexpected_arg"                # parameter not in the schema or not in gold
WRONG_VALUE = "wrong_value"                      # right type, value not among the accepted ones
WRONG_TYPE = "wrong_type"                        # JSON type disagrees with the schema
SCHEMA_INVALID = "schema_invalid"                # arguments violate the tool's JSON Schema
BAD_REFERENCE = "bad_reference"                  # $label.field$ to a later/unknown label or field
WRONG_ORDER = "wrong_order"                      # the right calls, in the wrong order
PREMATURE_STOP = "premature_stop"                # stopped while a call was still needed
MISSED_STOP = "missed_stop"                      # called although it was time to answer
MISSING_FACT = "missing_fact"                    # answer leaves out a fact of the tool output
UNSUPPORTED_CLAIM = "unsupported_claim"          # answer states something the outputs do not
CALLED_INSTEAD_OF_ANSWERING = "called_instead_of_answering"
WRONG_RESULT = "wrong_result"                    # execution gave a different result
PLACEHOLDER_SENT = "placeholder_sent"            # interactive: a "$var1.field$" placeholder sent as a value
BUDGET_EXHAUSTED = "budget_exhausted"            # interactive: still calling when the turn or call budget ran out

ALL: tuple[str, ...] = (
    MALFORMED_OUTPUT, NO_CALL, EXTRA_CALL, MISSING_CALL, WRONG_FUNCTION, HALLUCINATED_FUNCTION,
    MISSING_REQUIRED_ARG, MISSING_OPTIONAL_ARG, UNEXPECTED_ARG, WRONG_VALUE, WRONG_TYPE,
    SCHEMA_INVALID, BAD_REFERENCE, WRONG_ORDER, PREMATURE_STOP, MISSED_STOP, MISSING_FACT,
    UNSUPPORTED_CLAIM, CALLED_INSTEAD_OF_ANSWERING, WRONG_RESULT, PLACEHOLDER_SENT, BUDGET_EXHAUSTED,
)


def ordered(categories) -> tuple[str, ...]:
    """Distinct categories in `ALL` order (unknown names last, sorted): stable report output."""
    if not categories:
        return ()
    seen = set(categories)
    if len(seen) == 1:
        return tuple(seen)
    return tuple(sorted(seen, key=lambda c: (_RANK.get(c, len(ALL)), c)))


_RANK = {c: i for i, c in enumerate(ALL)}
