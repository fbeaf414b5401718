"""Parsers that read tool calls out of model text.

Used in prompt mode (the model answers with text) and in native mode when a
server hands a call back as plain `content`. See `fcbench.parsing.extract`
for the order in which syntaxes are tried and what counts as malformed.
"""

from fcbench.parsing.extract import FORMATS, ParsedCalls, extract_calls, looks_like_call

__all__ = ["FORMATS", "ParsedCalls", "extract_calls", "looks_like_call"]
