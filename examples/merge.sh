#!/usr/bin/env bash
# Join the shards run-shard.sh wrote under RUN_ROOT/shards into one run folder, RUN_ROOT itself.
# `fcbench merge` refuses a missing, repeated or unfinished shard in one line, and writes nothing then.
set -euo pipefail
: "${RUN_ROOT:?set RUN_ROOT}"
exec fcbench merge "$RUN_ROOT"/shards/shard-* --out "$RUN_ROOT"
