"""Command line: ``python -m fcbench.testing.server --port 8011 --behaviour gold --latency 0.05``.

Prints the base URL (OpenAI clients use ``BASE/v1``, Anthropic clients ``BASE``)
and serves until Ctrl-C, then prints the counters.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading

from fcbench.errors import UsageError
from fcbench.testing.config import BEHAVIOURS, TRANSIENT_FAULTS, BatchSettings, ServerConfig
from fcbench.testing.emulator import EmulatedServer


def parse_args(argv: list[str] | None = None) -> ServerConfig:
    p = argparse.ArgumentParser(prog="python -m fcbench.testing.server",
                                description="Emulated OpenAI + Anthropic model server for fcbench.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = any free port (default)")
    p.add_argument("--tasks", default="all", help="'all' or a comma-separated list of task names")
    p.add_argument("--suite", default=None, help="suite folder (default: the built-in data)")
    p.add_argument("--split", default="test")
    p.add_argument("--limit", type=int, default=None, help="samples per task")
    p.add_argument("--behaviour", default="gold",
                   help=f"one of {', '.join(BEHAVIOURS)}, or a mix like gold=0.8,perturbed=0.2")
    p.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--faults", default=",".join(TRANSIENT_FAULTS),
                   help="comma-separated fault kinds (also: quota, 401)")
    p.add_argument("--hang", type=float, default=5.0, help="seconds a 'timeout' fault sleeps")
    p.add_argument("--retry-after", type=float, default=0.05, help="Retry-After of 429 faults, seconds")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model-name", default="emulated")
    p.add_argument("--raw-replies", default=None, metavar="FILE",
                   help='JSON Lines of {"sample": "task/sample_id", "body": "..."}: answer those samples '
                        "with exactly that body")
    p.add_argument("--batch-delay", type=float, default=0.0, help="seconds a batch stays in progress")
    p.add_argument("--batch-errors", type=float, default=0.0, help="share of batched requests that error")
    p.add_argument("--batch-expired", type=float, default=0.0, help="share of batched requests that expire")
    p.add_argument("--batch-fail", action="store_true", help="every batch fails")
    a = p.parse_args(argv)
    batches = BatchSettings(delay_s=a.batch_delay, errors=a.batch_errors, expired=a.batch_expired, fail=a.batch_fail)
    return ServerConfig(tasks=a.tasks, limit=a.limit, suite=a.suite, split=a.split, behaviour=a.behaviour,
                        latency_s=a.latency, fault_rate=a.fault_rate, faults=tuple(a.faults.split(",")),
                        hang_s=a.hang, retry_after_s=a.retry_after, seed=a.seed, host=a.host, port=a.port,
                        model_name=a.model_name, raw_replies=_raw_replies(a.raw_replies), batches=batches)


def _raw_replies(path: str | None) -> dict[str, bytes] | None:
    if not path:
        return None
    replies: dict[str, bytes] = {}
    with open(path, encoding="utf-8", errors="surrogatepass") as fh:
        for line in fh:
            if line.strip():
                entry = json.loads(line)
                replies[entry["sample"]] = entry["body"].encode("utf-8", errors="surrogatepass")
    return replies


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the server like Ctrl-C: counters printed, port released


def main(argv: list[str] | None = None) -> int:
    # Ctrl-C and SIGTERM stop it, even when started from a shell that ignores SIGINT in
    # background jobs (the child would inherit SIG_IGN and never stop on Ctrl-C).
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        config = parse_args(argv)
        server = EmulatedServer(config)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with server:
        loaded = ", ".join(f"{t}={n}" for t, n in server.script.loaded.items())
        print(f"emulated server on {server.base_url} ({loaded}); OpenAI base_url {server.base_url}/v1",
              flush=True)
        for clash in server.script.ambiguities():
            print(f"warning: identical conversations answer differently, requests get 400: {clash}",
                  file=sys.stderr)
        try:
            # Wake up now and then: the OS may deliver SIGINT to the server's thread, and a main
            # thread blocked for good would never run the Python handler (the run would hang).
            forever = threading.Event()
            while not forever.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
        print(json.dumps({k: v for k, v in server.stats().items() if k != "per_sample"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
