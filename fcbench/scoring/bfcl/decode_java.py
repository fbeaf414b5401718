"""BFCL's Java prompt decoder: ``Class.method(name=value, ...)`` text, via tree-sitter-java.

BFCL cuts the first and last character (the brackets) and parses the rest as a Java program
(see ``treesitter.parse`` for the ERROR test). What it then returns, and why we copy it:

* only the FIRST method invocation found depth-first is returned, as ``[{name: args}]``; no
  invocation at all gives ``{}`` (a dict: the runner reports "wrong output format");
* the name is the receiver's source text + "." + the method name;
* arguments: ``name=value`` assignments become named arguments; a bare identifier or class
  literal goes under the key ``None``; other positional arguments are dropped; a name given
  twice raises;
* every value is a STRING: a top-level string/char literal loses its quotes (escapes kept
  raw), identifiers and method calls keep their source text, array creation becomes
  ``new <type>[]{...}`` with the whitespace gone, object creation becomes
  ``new <Type>(<args>)`` with the anonymous class body DROPPED (so a non-empty HashMap written
  with ``{{ put(...); }}`` reaches the checker as ``new HashMap<...>()``), and anything else is
  its tokens glued together without whitespace (``-5``, ``10L``, ``"a"+"b"``).

One more quirk is kept on purpose: BFCL slices the Python string with tree-sitter's BYTE
offsets, so text after a non-ASCII character is taken from the wrong place.
"""

from __future__ import annotations

from typing import Any

from fcbench.scoring.bfcl import treesitter
from fcbench.scoring.bfcl.entry import BfclDecodeError

_VERBATIM = frozenset({"identifier", "class_literal", "type_identifier", "method_invocation"})
_QUOTED = frozenset({"string_literal", "character_literal"})
_PUNCTUATION = frozenset({",", "(", ")"})


def decode_java(source: str) -> list[dict] | dict:
    """Decode the text between the brackets; raises (any exception) where BFCL raises."""
    tree = treesitter.parse("java", source)
    return _Decoder(source).first_call(tree.root_node)


class _Decoder:
    def __init__(self, source: str) -> None:
        self.source = source

    def text(self, node: Any) -> str:
        # byte offsets applied to the str, exactly as BFCL does (see the module docstring)
        return self.source[node.start_byte:node.end_byte]

    def first_call(self, node: Any) -> list[dict] | dict:
        found = self._search(node)
        return found if found is not None else {}

    def _search(self, node: Any) -> list[dict] | None:
        if node.type == "method_invocation":
            # BFCL does not look inside an invocation without arguments (none exist in practice)
            arguments = node.child_by_field_name("arguments")
            return [{self._name(node): self._arguments(arguments)}] if arguments else None
        for child in node.children:
            found = self._search(child)
            if found is not None:
                return found
        return None

    def _name(self, node: Any) -> str:
        method = self.text(node.child_by_field_name("name"))
        receiver = node.child_by_field_name("object")
        return f"{self.text(receiver)}.{method}" if receiver else method

    def _arguments(self, node: Any) -> dict[str | None, str]:
        arguments: dict[str | None, str] = {}
        # BFCL walks all children; only named ones can be arguments, so skipping the
        # punctuation changes nothing and builds fewer node objects
        for child in node.named_children:
            if child.type == "assignment_expression":
                key: str | None = self.text(child.children[0])
                value = self.render(child.children[2])
            elif child.type in ("identifier", "class_literal"):
                key, value = None, self.render(child)
            else:
                continue  # literals and other positional arguments are dropped
            if key in arguments:
                raise BfclDecodeError(f"argument {key!r} given twice")
            arguments[key] = value
        return arguments

    def render(self, node: Any, nested: bool = False) -> str:
        """The string BFCL makes of a value node (``nested``: inside a larger value)."""
        kind = node.type
        if kind in _QUOTED:
            text = self.text(node)
            return text if nested else text[1:-1]
        if kind in _VERBATIM:
            return self.text(node)
        if kind == "array_creation_expression":
            element_type = self.render(node.child_by_field_name("type"), True)
            initializer = node.child_by_field_name("value")
            if initializer is None:  # new int[3]: BFCL fails on the missing initializer
                raise BfclDecodeError("array creation without an initializer")
            return f"new {element_type}[]{self.render(initializer, True)}"
        if kind == "object_creation_expression":
            return self._object_creation(node)
        if node.child_count:
            return "".join(self.render(child, True) for child in node.children)
        return self.text(node)

    def _object_creation(self, node: Any) -> str:
        type_text = self.render(node.child_by_field_name("type"), True)
        arguments = node.child_by_field_name("arguments")
        if not arguments:
            return f"new {type_text}()"
        inner = ", ".join(self.render(c, True) for c in arguments.children if c.type not in _PUNCTUATION)
        return f"new {type_text}({inner})"  # the class body (if any) is not looked at
