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
    """The syntax tree of ``source``; raises ValueError where BFCL raises (see ``prints_error``)."""
    tree = parser(language).parse(source.encode("utf-8"))
    if prints_error(tree.root_node):
        raise ValueError(f"tree-sitter-{language} found a syntax error")
    return tree


def prints_error(root: Any) -> bool:
    """BFCL's test: does the tree's s-expression contain "ERROR"?

    That is not ``has_error``: a ``MISSING`` node (tree-sitter inserted a token, typically the
    ``;`` after a bare Java call) passes, and so does an error leaf that covers text, which
    the s-expression prints as ``(UNEXPECTED 'x')``. Building the s-expression costs more than
    the answer's other work, so the error nodes are looked up directly, descending only into
    nodes that contain an error or a missing token: an error node with children, or with no
    text, prints as "ERROR". A childless error node with text prints as UNEXPECTED unless all
    its children are hidden ones (which the node API does not show), so only then is the
    s-expression consulted.
    """
    if not root.has_error:
        return False
    undecided = False
    pending = [root]
    while pending:
        node = pending.pop()
        if node.type == "ERROR":
            if node.child_count or node.start_byte == node.end_byte:
                return True
            undecided = True
        else:
            pending.extend(child for child in node.children if child.has_error)
    return undecided and "ERROR" in root.sexp()
