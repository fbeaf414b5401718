"""Throughput of `fcbench run` against the emulated server, per HTTP backend.

N requests at concurrency C against a server that answers after L seconds.
The ideal wall time is ceil(N / C) * L. For each backend this prints the wall time of
the whole `fcbench run` process (launch to exit), the ideal, their ratio (share of ideal
throughput), the same ratio for the request phase alone (first request to
last answer, from run.json: start-up, data loading and report excluded), the
client's CPU per request all-in (the whole `fcbench run` process divided by N), the
same minus the in-process oracle's run (loading and scoring, so the HTTP path alone),
and the client's peak memory.

The first row, ``bare-aiohttp``, is the floor of the machine rather than a backend:
`bare_client.py` sends the same request bodies (written by ``fcbench data export-requests``)
with aiohttp and only reads each answer as JSON. The server runs on the same machine and
takes its share of the CPU, so on a small machine even this client stays well below 1.0;
read fcbench's rows against it. (With ``--protocol interactive`` it is left out.)

    python benchmarks/throughput.py                    # N=1000, L=0.05, C=64
    python benchmarks/throughput.py -n 500 -c 32 --backends openai-compatible
    python benchmarks/throughput.py --protocol interactive   # nested samples as conversations

With ``--protocol interactive`` the samples are nested ones, answered turn by turn by the
server's ``stepwise`` agent; a sample costs one request per turn, so the ideal wall time is
(sum of turns) x L / C and CPU is per request (per turn), not per sample.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fcbench.data.generator.build import generate_suite
from fcbench.testing import EmulatedServer, ServerConfig

TASK = "parameter_value"
#: the harness-free floor (`bare_client.py`: fcbench's request bodies sent with aiohttp, nothing else)
BARE = "bare-aiohttp"
BACKENDS = (BARE, "openai-compatible", "vllm-server", "openai", "anthropic")  # vllm-server attaches via --base-url


def build_suite(root: Path, n: int, task: str = TASK) -> Path:
    """A suite of `n` samples of `task`, drawn from as many seeds as it takes."""
    rows: list[dict] = []
    seed = 1
    while len(rows) < n:
        for row in generate_suite(seed)[task]["test"]:
            rows.append({**row, "id": f"bench-{len(rows):05d}"})
            if len(rows) == n:
                break
        seed += 1
    path = root / task / "test.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in rows))
    return root


def run_process(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds, peak RSS (KiB) and standard output of one subprocess."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(argv[1:4])} failed: {err.read().decode().strip()}")
        out.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out.read().decode()


def run_fcbench(args: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (KiB) of one `fcbench run` subprocess."""
    wall, cpu, rss, _ = run_process([sys.executable, "-m", "fcbench", "run", *args, "--quiet"], env)
    return wall, cpu, rss


def run_bare(suite: Path, task: str, url: str, concurrency: int, env: dict[str, str],
             tmp: str) -> tuple[float, float, int, float]:
    """Wall, CPU, peak RSS and request phase of `bare_client.py` sending fcbench's own request bodies."""
    requests = f"{tmp}/requests.jsonl"
    run_process([sys.executable, "-m", "fcbench", "data", "export-requests", "--format", "openai-batch",
                 "--model", "openai/emulated", "--suite", str(suite), "--tasks", task, "--out", requests], env)
    wall, cpu, rss, out = run_process([sys.executable, str(Path(__file__).with_name("bare_client.py")),
                                       requests, url, "-c", str(concurrency)], env)
    return wall, cpu, rss, float(out.split()[-1])


def turns_of(run_dir: Path) -> int:
    """Requests an interactive run makes: the turns of every sample's conversation."""
    rows = (json.loads(line) for line in (run_dir / "samples.jsonl").read_text().splitlines())
    return sum(len(row["details"]["transcript"]) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1000, help="requests (samples)")
    parser.add_argument("-l", "--latency", type=float, default=0.05, help="server latency per request, seconds")
    parser.add_argument("-c", "--concurrency", type=int, default=64)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--protocol", choices=("plan", "interactive"), default="plan")
    args = parser.parse_args()

    env = {**os.environ, "OPENAI_API_KEY": "bench", "ANTHROPIC_API_KEY": "bench"}
    interactive = args.protocol == "interactive"
    task = "nested" if interactive else TASK
    with tempfile.TemporaryDirectory() as tmp:
        suite = build_suite(Path(tmp) / "suite", args.n, task)
        common = ["--suite", str(suite), "--tasks", task, "--concurrency", str(args.concurrency),
                  "--protocol", args.protocol]
        _, base_cpu, _ = run_fcbench([*common, "--model", "reference/oracle", "--out", f"{tmp}/oracle"], env)
        requests = turns_of(Path(f"{tmp}/oracle")) if interactive else args.n
        ideal = (requests * args.latency / args.concurrency if interactive
                 else math.ceil(args.n / args.concurrency) * args.latency)
        print(f"N={args.n} samples, {requests} requests, protocol {args.protocol}, L={args.latency * 1000:.0f} ms "
              f"C={args.concurrency}: ideal wall {ideal:.2f} s; "
              f"in-process oracle run {base_cpu:.2f} s CPU (subtracted below)")
        print(f"{'backend':<20} {'wall s':>7} {'ideal':>6} {'share':>6} {'requests s':>10} {'share':>6} "
              f"{'CPU ms/req':>11} {'minus oracle':>13} {'peak MiB':>9}")
        config = ServerConfig(tasks=task, suite=suite, latency_s=args.latency,
                              behaviour="stepwise" if interactive else "gold")
        with EmulatedServer(config) as server:
            for backend in args.backends.split(","):
                url = server.base_url if backend == "anthropic" else server.base_url + "/v1"
                if backend == BARE:
                    if interactive:
                        continue  # the bare client sends each body once: no conversations
                    wall, cpu, rss, phase = run_bare(suite, task, url, args.concurrency, env, tmp)
                    per_request_text = f"{'-':>13}"
                else:
                    wall, cpu, rss = run_fcbench([*common, "--model", f"{backend}/emulated", "--base-url", url,
                                                  "--out", f"{tmp}/{backend}"], env)
                    manifest = json.loads(Path(f"{tmp}/{backend}/run.json").read_text())
                    phase = manifest["sessions"][-1]["requests_wall_s"]
                    per_request_text = f"{max(cpu - base_cpu, 0.0) / requests * 1000:13.2f}"
                all_in = cpu / requests * 1000
                print(f"{backend:<20} {wall:7.2f} {ideal:6.2f} {ideal / wall:6.2f} {phase:10.2f} {ideal / phase:6.2f} "
                      f"{all_in:11.2f} {per_request_text} {rss / 1024:9.0f}")
        stats = server.stats()
        print(f"server: {stats['requests']} requests, max in flight {stats['max_in_flight']}")


if __name__ == "__main__":
    main()
