"""`vllm-server/MODEL`: start vLLM's OpenAI-compatible server, evaluate through it, stop it.

The server runs as ``python -m vllm.entrypoints.openai.api_server`` (the ``vllm``
console script of the CPU wheel is broken) with the tool parser of the model's
family (`fcbench.models.vllm_families`), ``--enable-auto-tool-choice`` and
``--generation-config vllm`` (neutral sampling defaults instead of the model's
``generation_config.json``). Requests go through `OpenAICompatibleModel` (the
lean client of `fcbench.models.http`). The server starts on the first request,
in its own process group, logging to a file in a temporary folder; `aclose`
stops the whole group (SIGTERM, then SIGKILL), and so does an exit handler if
the run ends without `aclose`.

Options (``-M KEY=VALUE``):

* ``base_url``: attach to a running server (``http://HOST:PORT/v1``) instead of starting one
  (``--base-url`` sets it too); the model name sent is MODEL or ``served_model_name``.
* ``tool_parser``: overrides the family's parser; ``none`` starts without tool parsing.
* ``tensor_parallel_size``, ``pipeline_parallel_size``, ``data_parallel_size``,
  ``distributed_executor_backend`` and the other multi-GPU settings of `fcbench.models.vllm_parallel`:
  checked, passed as the server flags of the same names, recorded in run.json (``backend.parallel``).
* ``chat_template``, ``dtype``, ``max_model_len``, ``served_model_name``, ``max_num_seqs``, ``enforce_eager``,
  ``generation_config`` (default ``vllm``): server flags.
* ``extra_args``: more server flags (a string split like a shell, or a JSON list).
* ``python``: the interpreter that runs the server (default: this one), for vLLM in another env.
* ``port`` (default: a free one), ``startup_timeout`` (seconds to wait for ``/health``, default 600),
  ``env``: JSON object of extra environment variables for the server.
* client options, passed to `OpenAICompatibleModel`: ``api_key_env``, ``timeout`` (per request),
  ``max_connections``, ``max_tokens_field``, ``tool_names``, ``extra_body``, ``omit``.

A server that does not come up makes every sample an infrastructure failure
(kind ``server_start``, not retried; ``--resume`` runs them again) whose message
ends with the last lines of the server log; the same message is printed once on
stderr, and the log folder is kept.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from fcbench.errors import InfraError, UsageError
from fcbench.models.base import COMMON_OPTIONS, GenerateConfig, Model
from fcbench.models.endpoints import public_url
from fcbench.models.openai_compatible import CLIENT_OPTIONS, OpenAICompatibleModel
from fcbench.models.options import flag_option, int_option, number_option, object_option
from fcbench.models.vllm_families import family_for, tool_parser_for, unknown_family_message
from fcbench.models.vllm_local import NOT_INSTALLED, model_location
from fcbench.models.vllm_parallel import PARALLEL_OPTIONS, parallel_settings, server_flags
from fcbench.records import ModelOutput, Request

SERVER_FLAGS = ("dtype", "max_model_len", "max_num_seqs")
LOG_TAIL_LINES = 30
STOP_GRACE_S = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:])


def _extra_args(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return shlex.split(value)
    if isinstance(value, list):
        return [str(v) for v in value]
    raise UsageError("extra_args must be a string of flags or a JSON list")


class ServerProcess:
    """One vLLM server process group: start, wait until healthy, stop."""

    def __init__(self, command: list[str], env: dict[str, str], health_url: str):
        self.command = command
        self.env = env
        self.health_url = health_url
        self.log_dir = Path(tempfile.mkdtemp(prefix="fcbench-vllm-server-"))
        self.log_path = self.log_dir / "server.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(self.command, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=self.env, start_new_session=True)
        atexit.register(self.stop)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=5) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    async def wait_until_healthy(self, timeout: float) -> None:
        """Return when /health answers 200; raise InfraError if the server dies or times out."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise self._failure(f"the vLLM server exited with code {self.process.returncode} before it was ready")
            if await asyncio.to_thread(self.healthy):
                return
            if time.monotonic() > deadline:
                raise self._failure(f"the vLLM server was not ready within {timeout:g} s")
            await asyncio.sleep(1.0)

    def _failure(self, what: str) -> InfraError:
        self.stop()
        message = f"{what} (log: {self.log_path}); last lines:\n{log_tail(self.log_path)}"
        return InfraError("server_start", message, retryable=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def stop(self) -> None:
        """SIGTERM to the whole process group, SIGKILL to what is left after a grace period. Idempotent."""
        process = self.process
        if process is None:
            return
        self.process = None
        atexit.unregister(self.stop)
        group = process.pid  # start_new_session: the leader's pid is the group id
        _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        try:
            process.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            pass
        while _group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.2)  # the engine and worker processes exit after the API server
        if _group_alive(group):
            _signal_group(group, signal.SIGKILL)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + 5.0
        while _group_alive(group) and time.monotonic() < deadline:
            time.sleep(0.1)  # killed orphans linger until init reaps them

    def remove_log(self) -> None:
        shutil.rmtree(self.log_dir, ignore_errors=True)


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class VLLMServerModel(Model):
    provider = "vllm-server"
    passthrough_options = frozenset(CLIENT_OPTIONS) | frozenset(SERVER_FLAGS) | frozenset(PARALLEL_OPTIONS)

    def __init__(self, name: str, config: GenerateConfig | None = None, *, base_url: str | None = None,
                 base_urls: Any = None, tool_parser: str | None = None, chat_template: str | None = None,
                 served_model_name: str | None = None, python: str | None = None, port: int | None = None,
                 startup_timeout: float = 600, generation_config: str = "vllm", enforce_eager: Any = None,
                 extra_args: Any = None, env: dict[str, Any] | None = None, **options: Any):
        unknown = sorted(set(options) - COMMON_OPTIONS - self.passthrough_options)
        if unknown:
            raise UsageError(f"unknown vllm-server option(s) {', '.join(unknown)}")
        super().__init__(name, config, **options)
        self.model = model_location(name.split("/", 1)[1])
        self.served_name = served_model_name or self.model
        self.client_options = {k: options[k] for k in CLIENT_OPTIONS if k in options}
        urls = base_urls or base_url
        self.attach_urls: list[str] = [urls] if isinstance(urls, str) else list(urls or [])
        self.startup_timeout = number_option("startup_timeout", startup_timeout, positive=True)
        family = family_for(self.model)
        self.family = family.name if family else None
        self.chat_template_hint = family.chat_template_hint if family else None
        self.tool_parser = tool_parser_for(self.model, tool_parser)
        self.parallel = parallel_settings(options)
        self.server: ServerProcess | None = None
        self.client: OpenAICompatibleModel | None = None
        self._start_error: InfraError | None = None
        self._lock: asyncio.Lock | None = None
        self.startup_s: float | None = None
        if self.attach_urls:
            self.command: list[str] = []
            return
        if python is None and importlib.util.find_spec("vllm") is None:
            raise UsageError(NOT_INSTALLED + " (or pass -M python=/path/to/python of an env that has it)")
        if tool_parser is None and self.tool_parser is None:
            raise UsageError(unknown_family_message(self.model))
        env = object_option("env", env)
        self.port = int_option("port", port, minimum=1) if port else free_port()
        self.command = self._command(python or sys.executable, chat_template, generation_config,
                                     enforce_eager, options, extra_args)
        self.env = {**os.environ, **{k: str(v) for k, v in (env or {}).items()}}
        self.env.setdefault("VLLM_HOST_IP", "127.0.0.1")

    def _command(self, python: str, chat_template: str | None, generation_config: str,
                 enforce_eager: Any, options: dict[str, Any], extra_args: Any) -> list[str]:
        command = [python, "-m", "vllm.entrypoints.openai.api_server", "--model", self.model,
                   "--host", "127.0.0.1", "--port", str(self.port), "--generation-config", generation_config]
        if self.tool_parser:
            command += ["--enable-auto-tool-choice", "--tool-call-parser", self.tool_parser]
        if chat_template:
            path = Path(chat_template).expanduser()
            command += ["--chat-template", str(path.resolve()) if path.is_file() else chat_template]
        if self.config.seed is not None:
            command += ["--seed", str(self.config.seed)]
        for key in SERVER_FLAGS:
            if options.get(key) is not None:
                command += [f"--{key.replace('_', '-')}", str(options[key])]
        command += server_flags(self.parallel)
        if self.served_name != self.model:
            command += ["--served-model-name", self.served_name]
        if enforce_eager is not None and flag_option("enforce_eager", enforce_eager):
            command.append("--enforce-eager")
        return command + _extra_args(extra_args)

    # ------------------------------------------------------------- startup
    async def start(self) -> None:
        """Start the server (or attach) once; later calls return at once or re-raise the startup failure."""
        if self.client is not None:
            return
        if self._start_error is not None:
            raise self._start_error
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if self.client is not None:
                return
            if self._start_error is not None:
                raise self._start_error
            urls = self.attach_urls or [await self._launch()]
            self.client = OpenAICompatibleModel(f"openai-compatible/{self.served_name}", self.config,
                                                base_urls=urls, **self.client_options)

    async def _launch(self) -> str:
        self.server = ServerProcess(self.command, self.env, f"http://127.0.0.1:{self.port}/health")
        started = time.monotonic()
        self.server.start()
        try:
            await self.server.wait_until_healthy(self.startup_timeout)
        except InfraError as exc:
            self._start_error = exc  # the runner reports it, once
            raise
        self.startup_s = round(time.monotonic() - started, 3)
        return f"http://127.0.0.1:{self.port}/v1"

    async def generate(self, request: Request) -> ModelOutput:
        await self.start()
        assert self.client is not None
        return await self.client.generate(request)

    # ------------------------------------------------------------ lifecycle
    def settings(self) -> dict[str, Any]:
        return {"provider": self.provider, "model": self.model, "served_model_name": self.served_name,
                "family": self.family, "tool_parser": self.tool_parser,
                "chat_template_hint": self.chat_template_hint, "parallel": self.parallel,
                "attached_to": [public_url(u) for u in self.attach_urls] or None,
                "server_command": self.command[1:] if self.command else None,
                "client": {k: v for k, v in self.client_options.items() if k != "api_key_env"}}

    async def aclose(self) -> None:
        client, self.client = self.client, None
        try:
            if client is not None:
                await client.aclose()
        finally:
            server, self.server = self.server, None
            if server is not None:
                await asyncio.to_thread(server.stop)
                if self._start_error is None:
                    server.remove_log()
