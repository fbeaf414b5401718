"""Write fake vendor-SDK modules for the bfcl-eval venv.

bfcl_eval.eval_checker.ast_eval.ast_checker imports bfcl_eval.constants.model_config,
which imports every model handler class, and those import vendor SDKs at module level.
None of these SDKs is used by the AST checker or the decoders, so each is replaced by a
module whose every attribute is a permissive dummy class (subclassable, instantiable with
any arguments, usable in `except`). Calling a method of a dummy raises at run time.

usage: python make_stubs.py DEST_DIR
"""
import sys
from pathlib import Path

# dotted module -> why it is needed (first importer in bfcl_eval)
STUBS = {
    "openai": "model_handler/api_inference/*.py, local_inference/base_oss_handler.py",
    "openai.types": "package of openai.types.responses",
    "openai.types.responses": "api_inference/openai_response.py (Response)",
    "anthropic": "api_inference/claude.py (Anthropic, RateLimitError)",
    "anthropic.types": "api_inference/claude.py (TextBlock, ToolUseBlock)",
    "mistralai": "api_inference/mistral.py (Mistral)",
    "cohere": "api_inference/cohere.py",
    "google": "namespace of google.genai",
    "google.genai": "api_inference/gemini.py (genai)",
    "google.genai.types": "api_inference/gemini.py (types)",
    "writerai": "api_inference/writer.py (Writer)",
    "boto3": "api_inference/nova.py",
    "qwen_agent": "package of qwen_agent.llm",
    "qwen_agent.llm": "api_inference/qwen.py (get_chat_model)",
    "httpx": "api_inference/glm.py",
    "requests": "api_inference/gorilla.py, nexus.py, local_inference/base_oss_handler.py",
    "datamodel_code_generator": "local_inference/minicpm_fc.py",
    "datamodel_code_generator.model": "local_inference/minicpm_fc.py (get_data_model_types)",
    "datamodel_code_generator.parser": "package of .parser.jsonschema",
    "datamodel_code_generator.parser.jsonschema": "local_inference/minicpm_fc.py (JsonSchemaParser)",
}

HELPER = '''"""Shared machinery of the fake vendor-SDK modules (see make_stubs.py)."""


class _StubError(RuntimeError):
    pass


class _StubMeta(type):
    def __getattr__(cls, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _dummy(f"{cls.__qualname__}.{name}", cls.__module__)


class _Stub(Exception, metaclass=_StubMeta):
    """Any attribute of a stub module: subclassable, instantiable, catchable."""

    def __init__(self, *args, **kwargs):
        Exception.__init__(self, *args)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _dummy(f"{type(self).__qualname__}().{name}", type(self).__module__)

    def __call__(self, *args, **kwargs):
        raise _StubError(f"{type(self).__module__}.{type(self).__qualname__} is a stub (vendor SDK not installed)")


_CACHE = {}


def _dummy(qualname, module):
    key = (module, qualname)
    if key not in _CACHE:
        _CACHE[key] = _StubMeta(qualname.rsplit(".", 1)[-1], (_Stub,), {"__module__": module, "__qualname__": qualname})
    return _CACHE[key]


def module_getattr(module_name):
    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _dummy(name, module_name)
    return __getattr__
'''

MODULE = '''"""FAKE module (fcbench bfcl venv): {name} is not installed; needed only because {why}."""
from _fcbench_bfcl_stub import module_getattr as _mg

__fcbench_stub__ = True
__getattr__ = _mg(__name__)
'''


def main(dest: str) -> None:
    root = Path(dest)
    root.mkdir(parents=True, exist_ok=True)
    (root / "_fcbench_bfcl_stub.py").write_text(HELPER)
    for name, why in STUBS.items():
        pkg = root.joinpath(*name.split("."))
        pkg.mkdir(parents=True, exist_ok=True)
        (pkg / "__init__.py").write_text(MODULE.format(name=name, why=why))


if __name__ == "__main__":
    main(sys.argv[1])
