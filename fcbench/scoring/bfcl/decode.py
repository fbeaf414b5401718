"""Decoding an answer the way BFCL's handlers do, and BFCL's format gate.

Prompt style (``default_decode_ast_prompting``): the raw text loses every leading/trailing
backtick, newline and space, then gets ``[`` prepended and ``]`` appended when missing, and
goes to the language's decoder. So a bare fence is removed but a ```` ```python ```` fence
leaves the word ``python`` behind, and ``f(a=1), [2]`` (it ends with ``]``, so no ``]`` is
added) becomes the unbalanced ``[f(a=1), [2]``. Java and JavaScript then cut the first and
last character unconditionally.

FC style (the OpenAI/Claude/Mistral handlers with ``is_fc_model``): the stored result is a list
of ``{tool name: JSON argument string}``; each element's FIRST key is the name and its value
goes through ``json.loads``. A text reply (a string) is iterated character by character and
fails, except ``""``, which yields no calls.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fcbench.scoring.bfcl.decode_java import decode_java
from fcbench.scoring.bfcl.decode_javascript import decode_javascript
from fcbench.scoring.bfcl.decode_python import decode_python
from fcbench.scoring.bfcl.entry import BfclDecodeError, BfclUnavailable

LANGUAGES = ("python", "java", "javascript")


def prompt_text(text: str) -> str:
    """The text BFCL hands to a language decoder: stripped, then bracketed. Anything but a
    string fails here (BFCL calls ``.strip`` on it, so bytes fail too)."""
    if not isinstance(text, str):
        raise TypeError(f"a prompt-style answer must be text, not {type(text).__name__}")
    text = text.strip("`\n ")
    if not text.startswith("["):
        text = "[" + text
    if not text.endswith("]"):
        text = text + "]"
    return text


def decode_prompt(text: object, language: str) -> list[dict] | dict | None:
    """BFCL's prompt-style decoding; raises BfclDecodeError where BFCL raises.

    Returns what BFCL returns: a list of ``{name: {arg: value}}``, but also ``{}`` (Java text
    without a method call) or ``None`` (JavaScript text without exactly one top-level call).
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; expected one of {LANGUAGES}")
    return _wrapped(prompt_decoder(language), text)


def decode_fc(result: object) -> list[dict]:
    """BFCL's FC decoding of a stored result; raises BfclDecodeError where BFCL raises."""
    return _wrapped(decode_fc_raw, result)


def _wrapped(decoder: Callable[[Any], Any], answer: object) -> Any:
    try:
        return decoder(answer)
    except (BfclDecodeError, BfclUnavailable):
        raise
    except Exception as exc:  # SyntaxError, TypeError, JSONDecodeError, RecursionError, ...
        raise BfclDecodeError(f"{type(exc).__name__}: {exc}") from exc


# The raw decoders raise whatever the failing step raises, like BFCL's; the runner catches
# them all at once (cheaper than converting every failure into a BfclDecodeError first).
def _python_prompt(text: str) -> Any:
    return decode_python(prompt_text(text))


def _java_prompt(text: str) -> Any:
    return decode_java(prompt_text(text)[1:-1])


def _javascript_prompt(text: str) -> Any:
    return decode_javascript(prompt_text(text)[1:-1])


PROMPT_DECODERS: dict[str, Callable[[str], Any]] = {
    "python": _python_prompt, "java": _java_prompt, "javascript": _javascript_prompt,
}


def prompt_decoder(language: str) -> Callable[[str], Any]:
    """The raw prompt decoder of a language (a non-string answer fails in ``prompt_text``)."""
    return PROMPT_DECODERS[language]


_JSON = json.JSONDecoder().decode  # what json.loads uses for a str (it also takes bytes)


def decode_fc_raw(result: Any) -> list[dict]:
    decoded = []
    for tool_call in result:
        name = list(tool_call.keys())[0]
        arguments = tool_call[name]
        decoded.append({name: _JSON(arguments) if type(arguments) is str else json.loads(arguments)})
    return decoded


def is_call_list(decoded: Any) -> bool:
    """BFCL's format gate: a list of one-key dicts whose value is a dict ([] included)."""
    if type(decoded) is not list:
        return False
    for call in decoded:
        if type(call) is not dict or len(call) != 1:
            return False
        for arguments in call.values():
            if type(arguments) is not dict:
                return False
    return True
