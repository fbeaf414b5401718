"""Lazily built tree-sitter parsers (optional dependency) and BFCL's syntax-error test.

The pins matter: BFCL 2026.3.23 uses the tree-sitter 0.21 API with tree-sitter-java 0.21.0 and
tree-sitter-javascript 0.21.4, and its verdicts depend on how those exact grammars recover from
errors (a bare Java call without ``;`` is accepted or rejected case by case).
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from fcbench.scoring.bfcl.entry import BfclUnavailable

_GRAMMARS = {"java": "tree_sitter_java", "javascript": "tree_sitter_javascript"}
INSTALL_HINT = "pip install 'fcbench[bfcl]'"


@cache
def parser(language: str) -> Any:
    """The parser of "java" or "javascript", built once per process."""
    try:
        tree_sitter = importlib.import_module("tree_sitter")
        grammar = importlib.import_module(_GRAMMARS[language])
    except ImportError as exc:
        raise BfclUnavailable(
            f"BFCL's {language} decoder needs tree-sitter and its {language} grammar: {INSTALL_HINT}"
        ) from exc
    built = tree_sitter.Parser()
    built.set_language(tree_sitter.Language(grammar.language(), language))
    return built


def parse(language: str, source: str) -> Any:
    """The syntax tree of ``source``; raises ValueError where BFCL raises.

    BFCL rejects a tree when its s-expression contains "ERROR". That is not the same as
    ``has_error``: a ``MISSING`` node (tree-sitter inserted a token, typically the ``;`` after
    a bare call) passes, and so does a lone unexpected character, which the s-expression prints
    as ``(UNEXPECTED 'x')``. So the test is done on the s-expression text, as BFCL does it.
    """
    tree = parser(language).parse(source.encode("utf-8"))
    root = tree.root_node
    # has_error is False when the tree holds no ERROR and no MISSING node at all, so the
    # (costlier) s-expression is only needed when it is True
    if root.has_error and "ERROR" in root.sexp():
        raise ValueError(f"tree-sitter-{language} found a syntax error")
    return tree
