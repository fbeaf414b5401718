"""Resolve a ``provider/model`` name to a backend, importing only that backend.

Built-in providers are listed below. A third-party package adds a provider
through the ``fcbench.models`` entry-point group, in its own pyproject::

    [project.entry-points."fcbench.models"]
    myprovider = "my_package.backend:MyModel"

``--model myprovider/NAME`` then imports ``my_package.backend`` (and no other
backend or plugin) and builds ``MyModel("myprovider/NAME", config, **options)``;
``MyModel`` must subclass `fcbench.models.base.Model`. The names of the built-in
providers (and ``reference``) are taken: a plugin that uses one is never loaded,
and the built-in answers.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fcbench.errors import UsageError
from fcbench.models.base import GenerateConfig, Model

if TYPE_CHECKING:  # importlib.metadata costs a run's start-up ~25 ms; only plugins need it
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "fcbench.models"

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


def plugin_providers() -> dict[str, EntryPoint]:
    """Providers of installed plugins by name (first of a name wins), built-in names left out.

    Reads package metadata only: no plugin is imported here.
    """
    from importlib.metadata import entry_points

    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name != "reference" and ep.name not in PROVIDERS:
            found.setdefault(ep.name, ep)
    return found


def known_providers() -> list[str]:
    return sorted({"reference", *PROVIDERS, *plugin_providers()})


def _plugin_class(provider: str, ep: EntryPoint) -> type[Model]:
    where = f"model provider plugin {provider!r} ({ep.value})"
    try:
        cls = ep.load()
    except Exception as exc:  # a broken plugin is the user's to fix: one line, no traceback
        raise UsageError(f"{where} failed to load: {type(exc).__name__}: {exc}") from None
    if not (isinstance(cls, type) and issubclass(cls, Model)):
        raise UsageError(f"{where} is not a subclass of fcbench.models.base.Model")
    return cls


def _model_class(provider: str, model: str, name: str) -> type[Model]:
    if provider == "reference":
        if model not in REFERENCE_MODELS:
            raise UsageError(f"unknown reference model {model!r} (known: {', '.join(REFERENCE_MODELS)})")
        module_name, cls_name = REFERENCE_MODELS[model]
    elif provider in PROVIDERS:
        module_name, cls_name = PROVIDERS[provider]
    else:
        plugin = plugin_providers().get(provider)
        if plugin is None:
            raise UsageError(f"unknown model provider {provider!r} in {name!r} "
                             f"(providers: {', '.join(known_providers())})")
        return _plugin_class(provider, plugin)
    return getattr(importlib.import_module(module_name), cls_name)


def resolve_model(name: str, config: GenerateConfig | None = None, **options: Any) -> Model:
    provider, sep, model = name.partition("/")
    if not sep or not model:
        raise UsageError(f"model {name!r} is not of the form provider/model "
                         f"(providers: {', '.join(known_providers())})")
    return _model_class(provider, model, name)(name, config, **options)
