#!/usr/bin/env bash
# One shard of an fcbench run, for array jobs (SLURM arrays, Kubernetes indexed Jobs, or by hand).
#
#   MODEL      provider/model to evaluate, e.g. openai/gpt-4o or vllm/ibm-granite/granite-20b-functioncalling
#   SHARDS     how many shards the run is split into (the array's size)
#   RUN_ROOT   the run's folder, on storage every node sees; shard i goes to RUN_ROOT/shards/shard-i-of-N
#   FCBENCH_ARGS  (optional) more `fcbench run` options, the same for every shard: --tasks, --suite, --limit...
#
# The shard index is the scheduler's: SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX (Kubernetes), or SHARD_INDEX.
# A task that is retried or requeued finds its folder and resumes it: finished samples are never asked again.
# When every shard is done, merge.sh joins them into RUN_ROOT.
set -euo pipefail
: "${MODEL:?set MODEL (provider/model)}"
: "${SHARDS:?set SHARDS (the number of shards)}"
: "${RUN_ROOT:?set RUN_ROOT (a folder every node sees)}"
INDEX="${SLURM_ARRAY_TASK_ID:-${JOB_COMPLETION_INDEX:-${SHARD_INDEX:-}}}"
if [ -z "$INDEX" ]; then
    echo "run-shard.sh: no shard index (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or SHARD_INDEX)" >&2
    exit 2
fi
last=$((SHARDS - 1))
width=${#last}
printf -v name "shard-%0${width}d-of-%0${width}d" "$INDEX" "$SHARDS"
dir="$RUN_ROOT/shards/$name"
# shellcheck disable=SC2086  # FCBENCH_ARGS is a list of options
if [ -f "$dir/run.json" ]; then
    exec fcbench run --resume "$dir" --quiet ${FCBENCH_ARGS:-}
else
    exec fcbench run --model "$MODEL" --shard "$INDEX/$SHARDS" --out "$dir" --quiet ${FCBENCH_ARGS:-}
fi
