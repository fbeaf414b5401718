"""`EmulatedServer`: the aiohttp app on its own event loop in a background thread.

Sync-friendly for tests and benchmarks::

    with EmulatedServer(ServerConfig(behaviour="gold", latency_s=0.05)) as server:
        client = openai.OpenAI(base_url=server.base_url + "/v1", api_key="x")
        ...
        server.stats()
"""

from __future__ import annotations

import asyncio
import signal
import threading
from typing import Any, Mapping

from aiohttp import web

from fcbench.task import Task
from fcbench.testing.app import STATE, build_app
from fcbench.testing.batches import add_routes as add_batch_routes
from fcbench.testing.config import ServerConfig
from fcbench.testing.script import Script

SHUTDOWN_TIMEOUT_S = 0.25  # do not wait for hanging ("timeout" fault) handlers on exit


class EmulatedServer:
    """An emulated OpenAI + Anthropic model server answering from a suite's references.

    `script` overrides loading samples from `config`; `registry` replaces
    `fcbench.task_registry.discover_tasks()` when loading (tests with their own tasks).
    """

    def __init__(self, config: ServerConfig | None = None, *, script: Script | None = None,
                 registry: Mapping[str, Task] | None = None):
        self.config = config or ServerConfig()
        self.config.fault_kinds()  # validate before starting anything
        self.script = script if script is not None else Script.load(self.config, registry)
        self.app = build_app(self.config, self.script)
        add_batch_routes(self.app)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None
        self.port: int | None = None

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> EmulatedServer:
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._serve, name="fcbench-emulated-server", daemon=True)
        self._thread.start()
        self._started.wait()
        if self._error is not None:
            self._thread.join()
            self._thread = None
            raise self._error
        return self

    def _serve(self) -> None:
        if hasattr(signal, "pthread_sigmask"):  # Ctrl-C and SIGTERM belong to the main thread
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._start_site())
        except BaseException as exc:  # reported to the thread that called start()
            self._error = exc
            self._started.set()
            loop.close()
            return
        self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._runner.cleanup())
            # Handlers still asleep in a "timeout" fault outlive the shutdown timeout.
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _start_site(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None, handle_signals=False,
                                     shutdown_timeout=SHUTDOWN_TIMEOUT_S)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.host, self.config.port, backlog=1024)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._thread = None

    def __enter__(self) -> EmulatedServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ---------------------------------------------------------------- queries
    @property
    def base_url(self) -> str:
        """``http://HOST:PORT``: OpenAI clients add ``/v1``, Anthropic clients use it as is."""
        if self.port is None:
            raise RuntimeError("the emulated server is not started")
        return f"http://{self.config.host}:{self.port}"

    def stats(self) -> dict[str, Any]:
        """Counters: requests, faults by kind, answers by behaviour, per-sample requests..."""
        return {**self.app[STATE].stats.snapshot(), "samples": len(self.script), "loaded": self.script.loaded}

    def reset_stats(self) -> None:
        self.app[STATE].stats.reset()

    def behaviours(self) -> dict[str, str]:
        """``task/sample_id`` -> the behaviour that sample gets."""
        return self.script.behaviours()
