"""A soak of kills: `fcbench run` stopped at random moments, resumed until done, checked.

Each trial starts a run against the emulated server (latency and faults on), kills it after a
random time (within an uninterrupted run's time, half as long again after each kill) with SIGKILL,
SIGTERM or SIGINT, and resumes it (``--resume``; or ``--out`` again when the kill came before
the run had a ``run.json``) until a resume finishes. The finished folder is then compared with
an uninterrupted run of the same samples:

* every sample recorded exactly once (none lost, none repeated);
* each sample's verdict, metrics and failure categories equal the uninterrupted run's;
* the API key in no byte of the folder.

Prints one line per trial and the totals; exits 1 if any trial lost, repeated or changed a
sample.

    python benchmarks/kill_soak.py                          # 20 trials, 300 samples, C=16
    python benchmarks/kill_soak.py --trials 50 --protocol interactive --seed 3
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fcbench.testing import EmulatedServer, ServerConfig

KEY = "sk-soak-SECRET-0d5e1c"
SIGNALS = (signal.SIGKILL, signal.SIGKILL, signal.SIGTERM, signal.SIGINT)


def verdicts(run_dir: Path) -> dict[str, list[tuple]]:
    """{sample id: [(passed, metrics, failures) of each line recorded for it]}."""
    out: dict[str, list[tuple]] = {}
    for line in (run_dir / "samples.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out.setdefault(row["sample_id"], []).append((row["passed"], row["metrics"], row["failures"]))
    return out


def run_until_done(command: list[str], run_dir: Path, env: dict[str, str], rng: random.Random,
                   longest_s: float) -> tuple[int, int]:
    """(kills, restarts from scratch) before a run of `command` into `run_dir` finished."""
    kills = fresh = 0
    start = [*command, "--out", str(run_dir)]
    resume = [sys.executable, "-m", "fcbench", "run", "--resume", str(run_dir)]  # the rest is in run.json
    args = start
    while True:
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _, err = proc.communicate(timeout=rng.uniform(0.2, longest_s))
        except subprocess.TimeoutExpired:
            proc.send_signal(rng.choice(SIGNALS))
            proc.communicate()
            kills += 1
            longest_s *= 1.5  # however slow the machine, some attempt gets the time to finish
            args = resume
            continue
        if proc.returncode == 2 and b"start it with --out" in err:  # killed before run.json existed
            fresh += 1
            args = start
            continue
        if proc.returncode != 0:
            raise SystemExit(f"fcbench run failed ({proc.returncode}): {err.decode(errors='replace')[-400:]}")
        return kills, fresh


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--trials", type=int, default=20)
    cli.add_argument("--samples", type=int, default=300, help="samples per run (all seven tasks)")
    cli.add_argument("--concurrency", type=int, default=16)
    cli.add_argument("--protocol", choices=("plan", "interactive"), default="plan")
    cli.add_argument("--fault-rate", type=float, default=0.1)
    cli.add_argument("--seed", type=int, default=0)
    args = cli.parse_args()
    rng = random.Random(args.seed)
    limit = max(args.samples // 7, 1)
    env = {**os.environ, "OPENAI_API_KEY": KEY}
    config = ServerConfig(limit=limit, latency_s=0.02, fault_rate=args.fault_rate, hang_s=1.0, seed=args.seed,
                          behaviour="stepwise" if args.protocol == "interactive" else
                          {"gold": 0.6, "perturbed": 0.2, "malformed": 0.2})
    totals = {"kills": 0, "lost": 0, "repeated": 0, "changed": 0, "leaks": 0}
    with EmulatedServer(config) as server, tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "fcbench", "run", "--model", "openai-compatible/emulated",
                   "--base-url", server.base_url + "/v1", "--tasks", "all", "--limit", str(limit),
                   "--protocol", args.protocol, "--concurrency", str(args.concurrency), "--quiet",
                   "--retries", "8", "--retry-base-delay", "0.01", "-M", "timeout=0.5"]
        reference = Path(tmp) / "reference"
        started = time.perf_counter()
        subprocess.run([*command, "--out", str(reference)], env=env, check=True, stdout=subprocess.DEVNULL)
        longest = time.perf_counter() - started  # the first kill lands between start-up and the end
        expected = verdicts(reference)
        print(f"{len(expected)} samples, protocol {args.protocol}, fault rate {args.fault_rate}, "
              f"kills within {longest:.1f} s")
        for trial in range(args.trials):
            run_dir = Path(tmp) / "soak"
            shutil.rmtree(run_dir, ignore_errors=True)
            kills, fresh = run_until_done(command, run_dir, env, rng, longest)
            got = verdicts(run_dir)
            lost = len(set(expected) - set(got))
            repeated = sum(len(v) > 1 for v in got.values())
            changed = sum(1 for k, v in expected.items() if k in got and got[k][-1] != v[0])
            leaks = sum(KEY.encode() in p.read_bytes() for p in run_dir.rglob("*") if p.is_file())
            for name, value in (("kills", kills), ("lost", lost), ("repeated", repeated), ("changed", changed),
                                ("leaks", leaks)):
                totals[name] += value
            print(f"trial {trial:3d}: {kills} kills ({fresh} before run.json), lost {lost}, repeated {repeated}, "
                  f"changed {changed}, files with the key {leaks}")
    print(f"{args.trials} trials, {totals['kills']} kills: lost {totals['lost']}, repeated {totals['repeated']}, "
          f"changed {totals['changed']}, files with the key {totals['leaks']}")
    return 1 if totals["lost"] or totals["repeated"] or totals["changed"] or totals["leaks"] else 0


if __name__ == "__main__":
    sys.exit(main())
