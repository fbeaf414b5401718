"""Parsers that read tool calls out of model text.

Used in prompt mode (the model answers with text) and in native mode when a
server hands a call back as plain `content`. See `fcbench.parsing.extract`
for the order in which syntaxes are tried and what counts as malformed.
"""

from fcbench.parsing.extract import FORMATS, ParsedCalls, extract_calls, looks_like_call

#: what prompt mode asks a model for: the format these parsers read first
CALL_FORMAT = (
    "Answer with only a JSON list of calls and nothing else, in this form:\n"
    '[{"name": "function_name", "arguments": {"param": value}}]\n'
    "Use [] when no call should be made."
)

__all__ = ["CALL_FORMAT", "FORMATS", "ParsedCalls", "extract_calls", "looks_like_call"]
