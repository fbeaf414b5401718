#!/usr/bin/env bash
# Submit an fcbench run as a SLURM array of SHARDS shards, then its merge.
#   MODEL=openai/gpt-4o SHARDS=8 RUN_ROOT=/shared/runs/gpt-4o FCBENCH_ARGS="--tasks all" examples/slurm/submit.sh
set -euo pipefail
: "${MODEL:?}" "${SHARDS:?}" "${RUN_ROOT:?}"
here="$(cd "$(dirname "$0")" && pwd)"
export FCBENCH_EXAMPLES="$(dirname "$here")" MODEL SHARDS RUN_ROOT FCBENCH_ARGS="${FCBENCH_ARGS:-}"
array=$(sbatch --parsable --export=ALL --array=0-$((SHARDS - 1)) "$here/fcbench-shards.sbatch")
sbatch --export=ALL --dependency=afterok:"$array" "$here/fcbench-merge.sbatch"
echo "queued array $array ($SHARDS shards) and its merge into $RUN_ROOT"
