"""Pieces of the vLLM backends that need no engine: parsing, options, families, the server process."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import time

import pytest

from fcbench.errors import InfraError, UsageError
from fcbench.models import vllm_local, vllm_server
from fcbench.models.base import GenerateConfig
from fcbench.models.vllm_families import family_for, tool_parser_for
from fcbench.models.vllm_local import template_messages, vllm_parse
from fcbench.parsing.intake import read_answer
from fcbench.records import Message, ModelOutput, Request, Tool, ToolCall
from fcbench.testing import tiny_model as tm

FIND_CITY = Tool("find_city", "Look up a city.", {"type": "object", "properties": {"name": {"type": "string"}}})
ASK = (Message("user", "Where is Paris?"),)
CALLS_REQUEST = Request("s1", "parallel", "native", ASK, (FIND_CITY,))
TEXT_REQUEST = Request("s2", "response_generation", "native", ASK, (FIND_CITY,), expects="text")
PARIS = (ToolCall("find_city", {"name": "Paris"}),)


# ------------------------------------------------------------------ families
FAMILY_CASES = [
    ("Qwen/Qwen2.5-7B-Instruct", "hermes", "Qwen2.5 speaks Hermes"),
    ("NousResearch/Hermes-3-Llama-3.1-8B", "hermes", "a Hermes fine-tune of Llama is Hermes, not llama3_json"),
    ("meta-llama/Llama-3.1-8B-Instruct", "llama3_json", "Llama 3.1 JSON calls"),
    ("meta-llama/Llama-3.2-3B-Instruct", "llama3_json", "Llama 3.2 JSON calls"),
    ("mistralai/Mistral-7B-Instruct-v0.3", "mistral", "Mistral"),
    ("ibm-granite/granite-3.1-8b-instruct", "granite", "Granite 3.x"),
    ("ibm-granite/granite-4.0-h-tiny", "granite4", "Granite 4 has its own parser"),
    ("ibm-granite/granite-20b-functioncalling", "granite-20b-fc", "the 20B function-calling Granite"),
    ("Salesforce/Llama-xLAM-2-8b-fc-r", "xlam", "xLAM on Llama is xlam, not llama3_json"),
    ("Team-ACE/ToolACE-8B", "pythonic", "ToolACE writes pythonic calls"),
    ("internlm/internlm2_5-7b-chat", "internlm", "underscores read as dashes"),
    ("openai/gpt-oss-20b", "openai", "gpt-oss uses the harmony parser"),
    ("Qwen/Qwen3-Coder-30B-A3B-Instruct", "qwen3_xml", "Qwen3-Coder writes XML calls"),
    ("some-org/unknown-model", None, "nothing matches"),
]


@pytest.mark.parametrize("model, parser, why", FAMILY_CASES, ids=[case[0] for case in FAMILY_CASES])
def test_family_parser(model, parser, why):
    assert tool_parser_for(model) == parser, why


def test_override_and_none():
    assert tool_parser_for("Qwen/Qwen2.5-7B-Instruct", "pythonic") == "pythonic"
    assert tool_parser_for("Qwen/Qwen2.5-7B-Instruct", "none") is None


def test_local_folder_falls_back_to_model_type(tmp_path):
    folder = tmp_path / "my-finetune"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "qwen2"}')
    assert family_for(str(folder)).tool_parser == "hermes"


# ------------------------------------------------------------------ options
def test_missing_vllm_is_a_one_line_usage_error(monkeypatch):
    monkeypatch.setattr(vllm_local.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UsageError) as info:
        vllm_local.VLLMModel("vllm/Qwen/Qwen2.5-7B-Instruct")
    assert str(info.value) == vllm_local.NOT_INSTALLED
    monkeypatch.setattr(vllm_server.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UsageError, match="vLLM is not installed"):
        vllm_server.VLLMServerModel("vllm-server/Qwen/Qwen2.5-7B-Instruct")


def test_unknown_options_are_refused():
    with pytest.raises(UsageError, match="unknown vllm option.*bogus"):
        vllm_local.VLLMModel("vllm/Qwen/Qwen2.5-7B-Instruct", bogus=1)
    with pytest.raises(UsageError, match="unknown vllm-server option.*bogus"):
        vllm_server.VLLMServerModel("vllm-server/x", base_url="http://127.0.0.1:1/v1", bogus=1)


def test_server_needs_a_parser_for_an_unknown_family():
    with pytest.raises(UsageError, match="tool_parser=NAME"):
        vllm_server.VLLMServerModel("vllm-server/some-org/unknown-model", python=sys.executable)


def test_server_command(tmp_path):
    model = vllm_server.VLLMServerModel(
        "vllm-server/Qwen/Qwen2.5-0.5B-Instruct", GenerateConfig(seed=7), python="/opt/py/bin/python",
        port=8123, dtype="float32", max_model_len=4096, data_parallel_size=2, served_model_name="qwen",
        enforce_eager=True, extra_args="--max-num-batched-tokens 4096", timeout=30)
    assert model.command == [
        "/opt/py/bin/python", "-m", "vllm.entrypoints.openai.api_server", "--model", "Qwen/Qwen2.5-0.5B-Instruct",
        "--host", "127.0.0.1", "--port", "8123", "--generation-config", "vllm",
        "--enable-auto-tool-choice", "--tool-call-parser", "hermes", "--seed", "7", "--dtype", "float32",
        "--max-model-len", "4096", "--data-parallel-size", "2", "--served-model-name", "qwen",
        "--enforce-eager", "--max-num-batched-tokens", "4096"]
    assert model.client_options == {"timeout": 30}
    assert model.env["VLLM_HOST_IP"]


def test_tool_parser_none_starts_without_tool_flags():
    model = vllm_server.VLLMServerModel("vllm-server/x", python="/opt/py/bin/python", tool_parser="none", port=1)
    assert "--enable-auto-tool-choice" not in model.command and "--tool-call-parser" not in model.command


def test_template_messages_give_arguments_as_objects():
    messages = (Message("user", "hi"), Message("assistant", None, (ToolCall("find_city", {"name": "Oslo"}),)),
                Message("tool", '{"city_id": "C2"}', name="find_city"))
    out = template_messages(Request("s", "next_best", "native", messages, (FIND_CITY,)))
    assert out[1]["tool_calls"][0]["function"]["arguments"] == {"name": "Oslo"}
    assert out[2] == {"role": "tool", "tool_call_id": "call_1", "content": '{"city_id": "C2"}', "name": "find_city"}


# ------------------------------------------------------------------ parsing
@pytest.fixture(scope="module")
def hermes(tiny_model):
    pytest.importorskip("vllm")
    from transformers import AutoTokenizer
    from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest
    from vllm.tool_parsers import ToolParserManager

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    chat = ChatCompletionRequest(model="tiny", messages=[{"role": "user", "content": "hi"}],
                                 tools=[{"type": "function", "function": {"name": "find_city", "parameters": {}}}])
    return ToolParserManager.get_tool_parser("hermes")(tokenizer), chat


CUT = "<tool_call>" + tm.CALL_PIECES[0]


VLLM_PARSE_CASES = [
    (CALLS_REQUEST, tm.CALL_TEXT, PARIS, None, False, "the tiny model's call, read by vLLM's hermes parser"),
    (CALLS_REQUEST, "Let me look.\n" + tm.CALL_TEXT, PARIS, "Let me look.", False, "text before the call is kept"),
    (CALLS_REQUEST, CUT, (), CUT, True, "cut short: hermes fails, fcbench's parser says malformed"),
    (CALLS_REQUEST, '<tool_call>{"name": "find_city", "arguments": "Paris"}</tool_call>', (), None, True,
     "arguments that are not an object are malformed"),
    (CALLS_REQUEST, tm.TEXT_ANSWER, (), tm.TEXT_ANSWER, False, "plain text stays an answer"),
    (TEXT_REQUEST, CUT, (), CUT, False, "text task: unreadable call syntax is left to the pipeline"),
]


@pytest.mark.needs_vllm
@pytest.mark.parametrize("request_, text, calls, shown, malformed, why", VLLM_PARSE_CASES,
                         ids=[case[-1] for case in VLLM_PARSE_CASES])
def test_vllm_parse(hermes, request_, text, calls, shown, malformed, why):
    """What the backend hands over, then what the pipeline reads of it (once)."""
    parser, chat = hermes
    out = read_answer(request_, vllm_parse(request_, ModelOutput(text=text), parser, chat))
    assert out.tool_calls == calls, why
    assert (out.malformed is not None) == malformed, why
    if shown is not None:
        assert out.text == shown, why


WITHOUT_PARSER_CASES = [
    (CALLS_REQUEST, tm.CALL_TEXT, PARIS, False, "no vLLM parser: the pipeline reads the Hermes block"),
    (CALLS_REQUEST, CUT, (), True, "cut-short call is malformed"),
    (CALLS_REQUEST, tm.TEXT_ANSWER, (), False, "text is not parsed"),
    (TEXT_REQUEST, tm.CALL_TEXT, PARIS, False, "text task: a reply that is only a call is a call"),
]


@pytest.mark.parametrize("request_, text, calls, malformed, why", WITHOUT_PARSER_CASES,
                         ids=[case[-1] for case in WITHOUT_PARSER_CASES])
def test_text_without_a_vllm_parser_is_read_once_by_the_pipeline(request_, text, calls, malformed, why):
    out = read_answer(request_, ModelOutput(text=text))
    assert out.tool_calls == calls, why
    assert (out.malformed is not None) == malformed, why
    assert out.text == text, "the raw text is kept"


# ------------------------------------------------------------ server process
def fake_python(tmp_path, body: str) -> str:
    """An executable that stands in for python: ignores its arguments and runs `body` (bash)."""
    path = tmp_path / "fake-python"
    path.write_text("#!/usr/bin/env bash\n" + textwrap.dedent(body))
    path.chmod(0o755)
    return str(path)


def group_alive(pgid: int, settle_s: float = 5.0) -> bool:
    """Whether any process of the group remains, allowing init a moment to reap killed ones."""
    deadline = time.monotonic() + settle_s
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        if time.monotonic() > deadline:
            return True
        time.sleep(0.1)


async def _first_answer(model) -> InfraError:
    with pytest.raises(InfraError) as info:
        await model.generate(CALLS_REQUEST)
    return info.value


def test_server_that_exits_fails_with_its_log(tmp_path, capsys):
    import asyncio

    python = fake_python(tmp_path, 'echo "error: unrecognized arguments: --bogus"; exit 2\n')
    model = vllm_server.VLLMServerModel("vllm-server/x", python=python, tool_parser="hermes", startup_timeout=30)

    async def scenario():
        first = await _first_answer(model)
        second = await _first_answer(model)  # not started again
        log_dir = model.server.log_dir
        await model.aclose()
        return first, second, log_dir

    first, second, log_dir = asyncio.run(scenario())
    assert log_dir.is_dir(), "the log of a failed start is kept"
    shutil.rmtree(log_dir)
    assert first is second
    assert first.kind == "server_start" and not first.retryable
    assert "exited with code 2" in str(first) and "unrecognized arguments: --bogus" in str(first)
    # The library prints nothing: the log tail travels in the error, and the CLI shows it once.
    assert capsys.readouterr().err == ""


def test_server_that_never_gets_ready_is_killed(tmp_path):
    import asyncio

    python = fake_python(tmp_path, 'echo "loading..."; sleep 300 & sleep 300\n')
    model = vllm_server.VLLMServerModel("vllm-server/x", python=python, tool_parser="hermes", startup_timeout=2)

    async def scenario():
        start = time.monotonic()
        task = asyncio.create_task(_first_answer(model))
        await asyncio.sleep(0.5)
        pgid = model.server.pid
        error = await task
        took = time.monotonic() - start
        log_dir = model.server.log_dir
        await model.aclose()
        return error, pgid, took, log_dir

    error, pgid, took, log_dir = asyncio.run(scenario())
    shutil.rmtree(log_dir)
    assert "not ready within 2 s" in str(error) and "loading..." in str(error)
    assert not group_alive(pgid), "the server and its children are gone"
    assert took < 30


def test_stop_ends_the_whole_group_even_when_sigterm_is_ignored(tmp_path):
    python = fake_python(tmp_path, "trap '' TERM; (trap '' TERM; sleep 300) & sleep 300\n")
    server = vllm_server.ServerProcess([python], dict(os.environ), "http://127.0.0.1:9/health")
    server.start()
    time.sleep(0.5)
    pgid = server.pid
    original = vllm_server.STOP_GRACE_S
    vllm_server.STOP_GRACE_S = 1.0
    try:
        server.stop()
    finally:
        vllm_server.STOP_GRACE_S = original
    assert not group_alive(pgid)
    server.stop()  # idempotent
    server.remove_log()


# ------------------------------------------------------- multi-GPU settings
PARALLEL = {"tensor_parallel_size": 4, "pipeline_parallel_size": 2, "data_parallel_size": 2,
            "distributed_executor_backend": "ray", "enable_expert_parallel": True, "data_parallel_size_local": 1,
            "data_parallel_address": "10.0.0.1", "data_parallel_rpc_port": 13345, "data_parallel_start_rank": 1,
            "data_parallel_backend": "ray"}


def test_parallel_flags_are_ones_the_real_vllm_server_parses():
    """The flags fcbench writes are read by vLLM's own server parser into the same values."""
    from vllm.entrypoints.launchers.cli_args import make_arg_parser
    from vllm.utils.argparse_utils import FlexibleArgumentParser

    from fcbench.models.vllm_parallel import parallel_settings, server_flags

    settings = parallel_settings({k: str(v) for k, v in PARALLEL.items()})  # as -M gives them: text
    parsed = make_arg_parser(FlexibleArgumentParser()).parse_args(["--model", "x", *server_flags(settings)])
    assert {k: getattr(parsed, k) for k in PARALLEL} == PARALLEL


def test_parallel_options_are_engine_arguments_of_the_real_vllm():
    """In-process, the same names go to `vllm.LLM`, which hands them to its EngineArgs."""
    import dataclasses

    from vllm.engine.arg_utils import EngineArgs

    from fcbench.models.vllm_parallel import PARALLEL_OPTIONS

    assert set(PARALLEL_OPTIONS) <= {f.name for f in dataclasses.fields(EngineArgs)}
