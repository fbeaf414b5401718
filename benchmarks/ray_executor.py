"""Wall time and overhead of `fcbench run --executor ray --shards S` against one process.

N samples against the emulated OpenAI-compatible server, which answers after L seconds.
The one-process run keeps C requests in flight; each Ray configuration is timed from
launch to exit of the `fcbench run` process (Ray start or join, shard tasks, merge), and
its overhead is its wall time minus the one-process run's. "slowest shard s" is the
longest request phase of a shard (from the shards' run.json), so wall minus it is what
Ray and the merge cost. Every Ray run's results.json is checked to equal the one-process
run's (``created`` aside).

    python benchmarks/ray_executor.py                 # N=1000, L=0.05, C=64, S=1,2,4
    python benchmarks/ray_executor.py -n 300 --shards 2

Configurations: "local instance" lets `fcbench run` start its own Ray (what a user without
a cluster gets); "joined" runs join one instance this script started (as on a cluster,
where starting Ray is not the run's cost). "C/S per shard" keeps C requests in flight in
all; "C per shard" gives every shard C, so S x C in all.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import tempfile
from pathlib import Path

from throughput import build_suite, run_fcbench

from fcbench.testing import EmulatedServer, ServerConfig

TASK = "parameter_value"


def stable(run_dir: Path) -> dict:
    results = json.loads((run_dir / "results.json").read_text())
    results.pop("created")
    return results


def slowest_shard(run_dir: Path) -> float:
    """The longest request phase among the shards' sessions."""
    shards = sorted((run_dir / "shards").iterdir())
    walls = [json.loads((s / "run.json").read_text())["sessions"][-1]["requests_wall_s"] for s in shards]
    return max(walls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1000, help="samples (one request each)")
    parser.add_argument("-l", "--latency", type=float, default=0.05, help="server latency per request, seconds")
    parser.add_argument("-c", "--concurrency", type=int, default=64, help="requests in flight (one process)")
    parser.add_argument("--shards", default="1,2,4", help="shard counts to time on the joined instance")
    args = parser.parse_args()

    import ray

    counts = [int(s) for s in args.shards.split(",")]
    ideal = math.ceil(args.n / args.concurrency) * args.latency
    with tempfile.TemporaryDirectory() as tmp:
        suite = build_suite(Path(tmp) / "suite", args.n, TASK)
        config = ServerConfig(tasks=TASK, suite=suite, latency_s=args.latency)
        ray.init(num_cpus=os.cpu_count(), object_store_memory=100_000_000, include_dashboard=False,
                 logging_level=logging.ERROR, log_to_driver=False)
        address = ray.get_runtime_context().gcs_address
        env = {**os.environ, "OPENAI_API_KEY": "bench"}  # after ray.init: with its RAY_AUTH_MODE, to join it
        try:
            with EmulatedServer(config) as server:
                common = ["--suite", str(suite), "--tasks", TASK, "--model", "openai-compatible/emulated",
                          "--base-url", server.base_url + "/v1"]

                def run(name: str, extra: list[str]) -> tuple[Path, float]:
                    out = Path(tmp) / name
                    wall, _, _ = run_fcbench([*common, *extra, "--out", str(out)], env)
                    return out, wall

                base, base_wall = run("one", ["--concurrency", str(args.concurrency)])
                print(f"N={args.n} samples, L={args.latency * 1000:.0f} ms, C={args.concurrency}, "
                      f"{os.cpu_count()} CPUs: ideal one-process wall {ideal:.2f} s")
                print(f"{'run':<44} {'wall s':>7} {'overhead s':>10} {'slowest shard s':>16}")
                print(f"{'one process, C in flight':<44} {base_wall:7.2f} {0.0:10.2f} {'':>16}")
                plans = [(f"ray local instance, {counts[-1]} shards x C/{counts[-1]}", counts[-1],
                          args.concurrency // counts[-1], [])]
                plans += [(f"ray joined, {s} shard{'s' if s > 1 else ''} x C/{s}", s, args.concurrency // s,
                           ["--ray-address", address]) for s in counts]
                plans += [(f"ray joined, {counts[-1]} shards x C", counts[-1], args.concurrency,
                           ["--ray-address", address])]
                for i, (name, shards, per_shard, where) in enumerate(plans):
                    out, wall = run(f"ray{i}", ["--executor", "ray", "--shards", str(shards), "--ray-cpus", "0.25",
                                                "--concurrency", str(max(1, per_shard)), *where])
                    if stable(out) != stable(base):
                        raise SystemExit(f"{name}: results differ from the one-process run")
                    print(f"{name:<44} {wall:7.2f} {wall - base_wall:10.2f} {slowest_shard(out):16.2f}")
                stats = server.stats()
            print(f"server: {stats['requests']} requests, max in flight {stats['max_in_flight']}; "
                  "every Ray run's results.json equals the one-process run's")
        finally:
            ray.shutdown()


if __name__ == "__main__":
    main()
