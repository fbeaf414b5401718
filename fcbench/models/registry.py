"""Resolve a ``provider/model`` name to a backend, importing only that backend."""

from __future__ import annotations

import importlib
from typing import Any

from fcbench.errors import UsageError
from fcbench.models.base import GenerateConfig, Model

# provider -> (module, class). Modules are imported only when used, so that
# `fcbench --help` and offline runs never import an SDK or vLLM.
PROVIDERS: dict[str, tuple[str, str]] = {
    "replay": ("fcbench.models.replay", "ReplayModel"),
    "openai": ("fcbench.models.openai_api", "OpenAIModel"),
    "openai-compatible": ("fcbench.models.openai_compatible", "OpenAICompatibleModel"),
    "anthropic": ("fcbench.models.anthropic_api", "AnthropicModel"),
    "vllm": ("fcbench.models.vllm_local", "VLLMModel"),
    "vllm-server": ("fcbench.models.vllm_server", "VLLMServerModel"),
}
REFERENCE_MODELS: dict[str, tuple[str, str]] = {
    "oracle": ("fcbench.models.reference", "OracleModel"),
    "lexical": ("fcbench.models.lexical", "LexicalModel"),
}


def known_providers() -> list[str]:
    return sorted({"reference", *PROVIDERS})


def resolve_model(name: str, config: GenerateConfig | None = None, **options: Any) -> Model:
    provider, sep, model = name.partition("/")
    if not sep or not model:
        raise UsageError(f"model {name!r} is not of the form provider/model "
                         f"(providers: {', '.join(known_providers())})")
    if provider == "reference":
        if model not in REFERENCE_MODELS:
            raise UsageError(f"unknown reference model {model!r} (known: {', '.join(REFERENCE_MODELS)})")
        module_name, cls_name = REFERENCE_MODELS[model]
    elif provider in PROVIDERS:
        module_name, cls_name = PROVIDERS[provider]
    else:
        raise UsageError(f"unknown model provider {provider!r} in {name!r} "
                         f"(providers: {', '.join(known_providers())})")
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls(name, config, **options)
