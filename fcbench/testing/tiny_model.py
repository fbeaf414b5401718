"""A tiny, deterministic, locally built chat model for testing the vLLM backends offline.

`build_tiny_model(out_dir)` writes a Hugging Face model folder (Llama architecture,
about 10 MB) that vLLM loads like any other model, with no hub access:

* a ByteLevel BPE tokenizer trained with `tokenizers` on a small built-in text,
  plus ChatML tokens (``<|im_start|>``, ``<|im_end|>``) and the Hermes call tags
  (``<tool_call>``, ``</tool_call>``) that vLLM's ``hermes`` parser looks up;
* a Hermes-style chat template that lists the tools in the system turn;
* weights chosen by hand so that greedy decoding is a fixed function of the
  last prompt token. The embeddings are the identity, every ``o_proj`` and
  ``down_proj`` is zero (attention and MLP add nothing to the residual
  stream), so the logits at a position depend on that position's token only,
  and ``lm_head`` maps each token to the token that must follow it.

What it says (`CALL_TEXT` / `TEXT_ANSWER`):

* when the request offers tools, the template ends the generation prompt with
  ``"assistant\\n"`` and the model emits the Hermes call
  ``<tool_call>\\n{"name": "find_city", "arguments": {"name": "Paris"}}\\n</tool_call>``;
* without tools (prompt mode, or no tools in the request) the prompt ends with
  ``"assistant\\n\\n"`` and the model answers the text ``The weather in Paris is sunny today.``;
* cut short (``max_tokens`` of 2 or less) the call is unreadable JSON, which
  exercises the malformed-output path.

The call and the answer are made of dedicated added tokens, so every token of
an answer has exactly one successor. Heavy imports (torch, transformers,
tokenizers) happen inside the function: fcbench's core does not need them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

CALL_PIECES = ('\n{"name": "find_city", ', '"arguments": {"name": ', '"Paris"}}\n')
CALL_TEXT = "<tool_call>" + "".join(CALL_PIECES) + "</tool_call>"
CALL = {"name": "find_city", "arguments": {"name": "Paris"}}
TEXT_PIECES = ("The weather in Paris", " is sunny", " today.")
TEXT_ANSWER = "".join(TEXT_PIECES)

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
CALL_TAGS = ("<tool_call>", "</tool_call>")
# The two generation prompts; their last tokens must differ (checked when building).
PROMPT_WITH_TOOLS = "<|im_start|>assistant\n"
PROMPT_WITHOUT_TOOLS = "<|im_start|>assistant\n\n"

MANIFEST = "fcbench_tiny_model.json"
VOCAB_LIMIT = 512  # = hidden size: the identity embedding needs one dimension per token
BPE_VOCAB = 440

# Hermes/Qwen-style template: tools as JSON lines inside <tools></tools> in the system
# turn, assistant calls as <tool_call> blocks, tool results as <tool_response> blocks.
CHAT_TEMPLATE = r"""{%- set first_is_system = messages and messages[0].role == 'system' -%}
{%- if tools -%}
{{- '<|im_start|>system\n' -}}
{%- if first_is_system %}{{- messages[0].content ~ '\n\n' -}}{%- endif -%}
{{- '# Tools\n\nYou may call one or more functions to assist with the user query.\n\n' -}}
{{- 'You are provided with function signatures within <tools></tools> XML tags:\n<tools>' -}}
{%- for tool in tools %}{{- '\n' ~ (tool | tojson) -}}{%- endfor -%}
{{- '\n</tools>\n\nFor each function call, return a json object with function name and arguments '
    'within <tool_call></tool_call> XML tags:\n<tool_call>\n'
    '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n' -}}
{%- elif first_is_system -%}
{{- '<|im_start|>system\n' ~ messages[0].content ~ '<|im_end|>\n' -}}
{%- endif -%}
{%- for message in messages -%}
{%- if message.role == 'system' -%}
{%- if not loop.first %}{{- '<|im_start|>system\n' ~ message.content ~ '<|im_end|>\n' -}}{%- endif -%}
{%- elif message.role == 'tool' -%}
{{- '<|im_start|>user\n<tool_response>\n' ~ message.content ~ '\n</tool_response><|im_end|>\n' -}}
{%- elif message.role == 'assistant' and message.tool_calls -%}
{{- '<|im_start|>assistant\n' -}}
{%- if message.content %}{{- message.content ~ '\n' -}}{%- endif -%}
{%- for call in message.tool_calls -%}
{%- set f = call.function if call.function is defined else call -%}
{%- set args = f.arguments if f.arguments is string else (f.arguments | tojson) -%}
{{- '<tool_call>\n{"name": "' ~ f.name ~ '", "arguments": ' ~ args ~ '}\n</tool_call>' -}}
{%- if not loop.last %}{{- '\n' -}}{%- endif -%}
{%- endfor -%}
{{- '<|im_end|>\n' -}}
{%- else -%}
{{- '<|im_start|>' ~ message.role ~ '\n' ~ (message.content or '') ~ '<|im_end|>\n' -}}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}
{%- if tools %}{{- '<|im_start|>assistant\n' -}}{%- else %}{{- '<|im_start|>assistant\n\n' -}}{%- endif -%}
{%- endif -%}
"""

_TOOL_SAMPLE = {"type": "function", "function": {
    "name": "get_current_weather", "description": "Get the current weather for a city.",
    "parameters": {"type": "object", "properties": {
        "city_id": {"type": "string", "description": "The city identifier, e.g. C001."},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "default": "celsius"}},
        "required": ["city_id"]}}}

TRAINING_TEXT = "\n\n".join([
    "You are a helpful assistant. You can call functions to answer the user.",
    "What is the weather in Paris today? Find the city, then get the forecast for the next three days.",
    "Book a table for two people at an Italian restaurant near the station at seven in the evening.",
    "Send a message to Alice saying that the meeting moved to Monday morning.",
    "Convert 120 US dollars to euros and tell me the exchange rate and the date of the quote.",
    "The user asked for the number of steps, the heart rate and the sleep hours of last week.",
    json.dumps(_TOOL_SAMPLE),
    json.dumps({"name": "find_city", "arguments": {"name": "Lisbon"}}),
    json.dumps({"name": "get_forecast", "arguments": {"city_id": "C004", "days": 3, "unit": "celsius"}}),
    '{"type": "object", "properties": {"name": {"type": "string"}, "count": {"type": "integer"},'
    ' "amount": {"type": "number"}, "items": {"type": "array", "items": {"type": "string"}},'
    ' "enabled": {"type": "boolean"}}, "required": ["name"]}',
    "<tool_response>\n{\"city_id\": \"C001\", \"temperature\": 21.5, \"condition\": \"sunny\"}\n</tool_response>",
    "Answer with only a JSON list of calls and nothing else, in this form:\n"
    '[{"name": "function_name", "arguments": {"param": value}}]\nUse [] when no call should be made.',
    "Identifier, description, parameters, required, optional, default, string, integer, number,"
    " boolean, array, object, enum, format, date, time, city, country, user, assistant, system, tool.",
])


def _train_tokenizer():
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=BPE_VOCAB, special_tokens=list(SPECIAL_TOKENS),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    # Repeat the blank-line separator so that "\n\n" becomes one token: the no-tools
    # generation prompt must end with a token of its own.
    tokenizer.train_from_iterator([TRAINING_TEXT] * 4 + ["\n\n"] * 50, trainer=trainer)
    tokenizer.add_tokens([AddedToken(t, special=False, normalized=False)
                          for t in (*CALL_TAGS, *CALL_PIECES, *TEXT_PIECES)])
    return tokenizer


def _successors(tokenizer) -> dict[int, int]:
    """token id -> the id greedy decoding must produce after it."""
    ids = tokenizer.token_to_id
    eos = ids("<|im_end|>")
    call_chain = [ids(t) for t in (CALL_TAGS[0], *CALL_PIECES, CALL_TAGS[1])] + [eos]
    text_chain = [ids(t) for t in TEXT_PIECES] + [eos]
    with_tools = tokenizer.encode(PROMPT_WITH_TOOLS).ids[-1]
    without_tools = tokenizer.encode(PROMPT_WITHOUT_TOOLS).ids[-1]
    if with_tools == without_tools:
        raise RuntimeError("tiny model: both generation prompts end with the same token")
    following = {with_tools: call_chain[0], without_tools: text_chain[0]}
    for chain in (call_chain, text_chain):
        following.update(zip(chain, chain[1:]))
    return following


def build_tiny_model(out_dir: str | Path) -> Path:
    """Write the tiny model to `out_dir` (created if needed) and return its path.

    Deterministic: the same files every time (seeded initialisation). Takes a few seconds.
    """
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    raw = _train_tokenizer()
    vocab_size = raw.get_vocab_size()
    if vocab_size > VOCAB_LIMIT:
        raise RuntimeError(f"tiny model: vocabulary of {vocab_size} exceeds {VOCAB_LIMIT}")
    following = _successors(raw)
    eos = raw.token_to_id("<|im_end|>")

    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, bos_token="<|endoftext|>",
                                        eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(out)

    config = LlamaConfig(
        vocab_size=vocab_size, hidden_size=VOCAB_LIMIT, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=8, num_key_value_heads=2, max_position_embeddings=65536,
        rms_norm_eps=1e-6, tie_word_embeddings=False, bos_token_id=raw.token_to_id("<|endoftext|>"),
        eos_token_id=eos, pad_token_id=raw.token_to_id("<|endoftext|>"), torch_dtype="float32")
    torch.manual_seed(0)
    model = LlamaForCausalLM(config)
    with torch.no_grad():
        model.model.embed_tokens.weight.zero_()
        model.model.embed_tokens.weight[:, :vocab_size] = torch.eye(vocab_size)
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        head = torch.zeros(vocab_size, VOCAB_LIMIT)
        for token in range(vocab_size):  # any token without a planned successor ends the turn
            head[following.get(token, eos), token] = 1.0
        model.lm_head.weight.copy_(head)
    model.generation_config.eos_token_id = eos
    model.generation_config.do_sample = False
    model.save_pretrained(out, safe_serialization=True)
    (out / MANIFEST).write_text(json.dumps({"recipe": recipe_id(), "call_text": CALL_TEXT, "call": CALL,
                                            "text_answer": TEXT_ANSWER}, indent=1) + "\n")
    return out


def recipe_id() -> str:
    """Changes whenever this file changes, so that a cached model is rebuilt."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def ensure_tiny_model(out_dir: str | Path) -> Path:
    """`out_dir` holding the tiny model of this recipe: reused when current, (re)built otherwise."""
    out = Path(out_dir)
    try:
        current = json.loads((out / MANIFEST).read_text()).get("recipe") == recipe_id()
    except (OSError, ValueError, AttributeError):
        current = False
    if current and (out / "model.safetensors").is_file():
        return out
    return build_tiny_model(out)


if __name__ == "__main__":  # python -m fcbench.testing.tiny_model OUT_DIR (reuses a current build)
    import sys

    if len(sys.argv) != 2:
        sys.exit("usage: python -m fcbench.testing.tiny_model OUT_DIR")
    print(ensure_tiny_model(sys.argv[1]))
