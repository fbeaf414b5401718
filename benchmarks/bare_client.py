"""A harness-free client: the floor `benchmarks/throughput.py` measures fcbench against.

It sends the request bodies of an OpenAI Batch input file (written by
``fcbench data export-requests``, so they are exactly the bodies `fcbench run` sends) to an
OpenAI-compatible server with aiohttp, at most C at a time, and reads each answer as JSON.
Nothing else: no samples, no scoring, no records. Its wall time, CPU and request phase on a
machine say what any Python asyncio client can reach there, server included; a share of
ideal that this client cannot reach is the machine's, not fcbench's.

    python benchmarks/bare_client.py REQUESTS.jsonl BASE_URL [-c 64]

Prints the request phase (first request to last answer) in seconds, on one line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path


async def run(bodies: list[bytes], url: str, concurrency: int) -> float:
    import aiohttp  # the client the reference figure used

    gate = asyncio.Semaphore(concurrency)
    headers = {"Content-Type": "application/json", "Authorization": "Bearer bench"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(body: bytes) -> None:
            async with gate:
                async with session.post(url, data=body, headers=headers) as response:
                    answer = await response.read()
                    if response.status != 200:
                        raise SystemExit(f"bare client: HTTP {response.status}: {answer[:200]!r}")
                    json.loads(answer)

        started = time.perf_counter()
        await asyncio.gather(*(one(body) for body in bodies))
        return time.perf_counter() - started


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("requests", type=Path, help="an OpenAI Batch input file (fcbench data export-requests)")
    cli.add_argument("base_url", help="the server's base URL, ending in /v1")
    cli.add_argument("-c", "--concurrency", type=int, default=64)
    args = cli.parse_args()
    lines = args.requests.read_text(encoding="utf-8").splitlines()
    bodies = [json.dumps(json.loads(line)["body"]).encode() for line in lines if line.strip()]
    phase = asyncio.run(run(bodies, args.base_url.rstrip("/") + "/chat/completions", args.concurrency))
    print(f"{phase:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
