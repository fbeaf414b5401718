#!/usr/bin/env bash
# `make bfcl-venv`: a cached venv with the real bfcl-eval AST checker and decoders,
# WITHOUT bfcl-eval's ~35 declared dependencies (no torch, vllm, vendor SDKs).
#
#   bash tests_bfcl/setup_venv.sh   # creates/reuses $BFCL_VENV (default ~/.cache/fcbench/bfcl-venv)
#   BFCL_VERSION=... BFCL_VENV=... bash tests_bfcl/setup_venv.sh
#
# What goes in:
#   bfcl-eval (--no-deps)                    the checker, decoders, type converters, data/
#   tree_sitter==0.21.3                      bfcl pins it; model_handler/parser/{java,js}_parser.py
#   tree-sitter-java==0.21.0                 bfcl pin; Java grammar (prebuilt abi3 wheel)
#   tree-sitter-javascript==0.21.4           bfcl pin; JavaScript grammar (prebuilt abi3 wheel)
#   tenacity==9.2.1                          model_handler/utils.py imports it at module level
#   overrides==7.7.0                         base_handler.py / handlers use @override/@final at class definition
#   filelock==3.20.0                         bfcl_eval/utils.py imports it at module level (bfcl pin)
# plus 20 fake vendor-SDK modules (make_stubs.py) on sys.path through a .pth file, because
# ast_checker.py -> constants/model_config.py imports every model handler class.
# All wheels are binary (--only-binary=:all:): nothing is compiled.
set -euo pipefail

BFCL_VERSION="${BFCL_VERSION:-2026.3.23}"
BFCL_VENV="${BFCL_VENV:-$HOME/.cache/fcbench/bfcl-venv}"
PYTHON="${PYTHON:-python3}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The stamp names what built the venv: a new bfcl-eval version or a changed stub list rebuilds it.
STUBS_HASH="$(sha256sum "$HERE/make_stubs.py" | cut -c1-12)"
STAMP="$BFCL_VENV/.fcbench-bfcl-$BFCL_VERSION-$STUBS_HASH"

PINS=(
  "bfcl-eval==$BFCL_VERSION"
  "tree_sitter==0.21.3"
  "tree-sitter-java==0.21.0"
  "tree-sitter-javascript==0.21.4"
  "tenacity==9.2.1"
  "overrides==7.7.0"
  "filelock==3.20.0"
)

if [[ -f "$STAMP" ]]; then
  echo "bfcl venv ready: $BFCL_VENV (bfcl-eval $BFCL_VERSION)"
  exit 0
fi

start=$(date +%s%N)
rm -rf "$BFCL_VENV"
mkdir -p "$(dirname "$BFCL_VENV")"
"$PYTHON" -m venv "$BFCL_VENV"
pip_install() { "$BFCL_VENV/bin/pip" install -q --disable-pip-version-check --no-deps --only-binary=:all: "$@"; }
if ! pip_install "${PINS[@]}"; then
  # The pinned release is gone from the index: take the newest one (the stubs may need updating).
  echo "bfcl-eval==$BFCL_VERSION not installable; falling back to the newest bfcl-eval" >&2
  pip_install bfcl-eval "${PINS[@]:1}"
fi

site="$("$BFCL_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
"$BFCL_VENV/bin/python" "$HERE/make_stubs.py" "$BFCL_VENV/bfcl-stubs"
mkdir -p "$BFCL_VENV/bfcl-project"
# A .pth file: its plain line is appended to sys.path (after site-packages, so a real package
# would win over a stub); its `import` line runs at start-up and keeps bfcl's import-time
# mkdir of result/, score/, .file_locks/ (constants/eval_config.py) out of site-packages.
cat > "$site/fcbench_bfcl_stubs.pth" <<EOF
$BFCL_VENV/bfcl-stubs
import os; os.environ.setdefault("BFCL_PROJECT_ROOT", "$BFCL_VENV/bfcl-project")
EOF

# Smoke test: every entry point used by fcbench imports, and no heavy package came along.
"$BFCL_VENV/bin/python" - <<'EOF'
import sys
from bfcl_eval.eval_checker.ast_eval.ast_checker import ast_checker  # noqa: F401
from bfcl_eval.model_handler.utils import default_decode_ast_prompting  # noqa: F401
from bfcl_eval.model_handler.api_inference.openai_completion import OpenAICompletionsHandler  # noqa: F401
from bfcl_eval.utils import is_empty_output  # noqa: F401
for heavy in ("torch", "vllm", "numpy", "pandas", "transformers"):
    assert heavy not in sys.modules, heavy
EOF

touch "$STAMP"
end=$(date +%s%N)
size=$(du -sh "$BFCL_VENV" | cut -f1)
installed="$("$BFCL_VENV/bin/python" -c 'from importlib.metadata import version; print(version("bfcl-eval"))')"
ms=$(( (end - start) / 1000000 ))
printf 'bfcl venv built: %s (bfcl-eval %s) in %d.%03d s, %s on disk\n' "$BFCL_VENV" "$installed" $((ms / 1000)) $((ms % 1000)) "$size"
