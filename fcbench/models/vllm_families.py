"""Model family -> vLLM tool parser (and the chat template vLLM's docs recommend).

vLLM reads tool calls out of a model's text with a parser chosen per model
family (``--tool-call-parser``); the in-process backend runs the same parser
itself. `tool_parser_for(model)` picks it from the model name or path, so
``vllm/Qwen/Qwen2.5-7B-Instruct`` just works; ``-M tool_parser=NAME``
overrides it and ``-M tool_parser=none`` turns vLLM parsing off (fcbench's own
`extract_calls` then reads the text).

Some families want a chat template that is not the model's own. Those
templates live in vLLM's GitHub repository (``examples/*.jinja``), not in the
wheel, so fcbench only names them (`Family.chat_template_hint`, recorded in
run.json); pass the file with ``-M chat_template=PATH``.

The table follows vLLM's tool-calling documentation (v0.32/0.33). Patterns are
matched case-insensitively against the model name with ``_`` and spaces read
as ``-``; the first matching family wins, so specific entries come first.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from fcbench.records import record

#: Values of the ``tool_parser`` option that mean "no vLLM parser".
NO_PARSER = ("none", "off", "")


@record
class Family:
    name: str
    patterns: tuple[str, ...]  # regular expressions searched in the normalised model name
    tool_parser: str
    chat_template_hint: str | None = None


FAMILIES: tuple[Family, ...] = (
    # Hermes fine-tunes of Llama and Mistral speak Hermes, whatever their base.
    Family("hermes", (r"hermes",), "hermes"),
    Family("granite-20b-functioncalling", (r"granite-20b-(functioncalling|fc)",), "granite-20b-fc",
           "examples/tool_chat_template_granite_20b_fc.jinja"),
    Family("granite-4", (r"granite-?4",), "granite4"),
    Family("granite-3.0", (r"granite-3\.0",), "granite", "examples/tool_chat_template_granite.jinja"),
    Family("granite", (r"granite",), "granite"),
    Family("xlam-qwen", (r"xlam.*qwen", r"xlam-2-(1b|3b|32b)"), "xlam",
           "examples/tool_chat_template_xlam_qwen.jinja"),
    Family("xlam", (r"xlam",), "xlam", "examples/tool_chat_template_xlam_llama.jinja"),
    Family("toolace", (r"toolace",), "pythonic"),
    Family("llama-4", (r"llama-?4",), "llama4_pythonic", "examples/tool_chat_template_llama4_pythonic.jinja"),
    Family("llama-3.2", (r"llama-?3\.2",), "llama3_json", "examples/tool_chat_template_llama3.2_json.jinja"),
    Family("llama-3.1", (r"llama-?3\.[13]", r"llama-?3-"), "llama3_json",
           "examples/tool_chat_template_llama3.1_json.jinja"),
    Family("qwen3-coder", (r"qwen3-coder",), "qwen3_xml"),
    Family("qwen", (r"qwen",), "hermes"),
    Family("mistral", (r"mistral", r"mixtral", r"ministral", r"magistral", r"devstral", r"codestral"), "mistral"),
    Family("internlm", (r"internlm",), "internlm", "examples/tool_chat_template_internlm2_tool.jinja"),
    Family("gpt-oss", (r"gpt-oss",), "openai"),
    Family("functiongemma", (r"functiongemma",), "functiongemma"),
    Family("gemma-4", (r"gemma-?4",), "gemma4"),
    Family("deepseek-v3.1", (r"deepseek-v3\.1",), "deepseek_v31"),
    Family("deepseek-v3", (r"deepseek-v3",), "deepseek_v3"),
    Family("kimi-k2", (r"kimi-k2",), "kimi_k2"),
    Family("glm-4.7", (r"glm-4\.7",), "glm47"),
    Family("glm-4.5", (r"glm-4\.[56]",), "glm45"),
    Family("phi-4-mini", (r"phi-4-mini",), "phi4_mini_json"),
    Family("minimax-m2", (r"minimax-m2",), "minimax_m2"),
    Family("hunyuan-a13b", (r"hunyuan-a13b",), "hunyuan_a13b"),
    Family("jamba", (r"jamba",), "jamba"),
    Family("seed-oss", (r"seed-oss",), "seed_oss"),
    Family("olmo-3", (r"olmo-?3",), "olmo3"),
)

#: config.json ``model_type`` -> family, for local folders whose name says nothing.
MODEL_TYPES: dict[str, str] = {"qwen2": "qwen", "qwen3": "qwen", "mistral": "mistral",
                               "granite": "granite", "internlm2": "internlm", "gpt_oss": "gpt-oss"}


def _normalise(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.lower())


def family_for(model: str) -> Family | None:
    """The family of a model name or local path, or None when nothing matches.

    A local folder is recognised by its path, then by ``model_type`` in its config.json.
    """
    key = _normalise(model)
    for family in FAMILIES:
        if any(re.search(p, key) for p in family.patterns):
            return family
    config = Path(model) / "config.json"
    if config.is_file():
        try:
            model_type = json.loads(config.read_text()).get("model_type")
        except (OSError, ValueError, AttributeError):
            return None
        wanted = MODEL_TYPES.get(str(model_type))
        return next((f for f in FAMILIES if f.name == wanted), None)
    return None


def tool_parser_for(model: str, override: str | None = None) -> str | None:
    """The vLLM tool parser to use: the override if given (None for ``none``), else the family's."""
    if override is not None:
        name = str(override).strip()
        return None if name.lower() in NO_PARSER else name
    family = family_for(model)
    return family.tool_parser if family else None


def unknown_family_message(model: str) -> str:
    return (f"cannot tell which vLLM tool parser fits {model!r}: pass -M tool_parser=NAME "
            f"(e.g. hermes, llama3_json, mistral, pythonic) or -M tool_parser=none")
