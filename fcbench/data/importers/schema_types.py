"""Source type names -> JSON Schema.

Public suites spell parameter types in several dialects: BFCL's (``dict``,
``float``, ``tuple``, ``any``, and Java/JavaScript type names), NESTFUL's and
xLAM's Python-flavoured ones (``int``, ``str``, ``List[int]``,
``int or float``, ``str, optional``). Everything becomes a JSON Schema that
fcbench's value rules and ``jsonschema`` understand; an unknown type name
leaves the type open (no ``type`` key) and is kept in the description.
"""

from __future__ import annotations

import re
from typing import Any

ALIASES = {
    "str": "string", "string": "string", "text": "string", "char": "string",
    "int": "integer", "integer": "integer", "long": "integer", "short": "integer",
    "float": "number", "double": "number", "number": "number", "decimal": "number",
    "bool": "boolean", "boolean": "boolean",
    "list": "array", "array": "array", "tuple": "array", "set": "array", "sequence": "array",
    "arraylist": "array",
    "dict": "object", "object": "object", "map": "object", "hashmap": "object", "mapping": "object",
    "json": "object",
    "none": "null", "nonetype": "null", "null": "null",
}
OPEN = ("any", "", "object?", "unknown")


def json_type(name: Any) -> str | list[str] | None:
    """The JSON Schema type(s) a source type name means, or None when it does not constrain.

    Handles ``X or Y``, ``X | Y``, ``Union[X, Y]``, ``Optional[X]``, ``List[X]``,
    ``Dict[K, V]`` and a trailing ``, optional``.
    """
    if not isinstance(name, str):
        return None
    text = name.strip()
    text = re.sub(r",\s*optional\s*$", "", text, flags=re.IGNORECASE).strip()
    lowered = text.lower()
    if lowered in OPEN:
        return None
    m = re.match(r"^(?:typing\.)?(optional|union)\[(.*)\]$", text, flags=re.IGNORECASE)
    if m:
        parts = _split_top(m.group(2))
        if m.group(1).lower() == "optional":
            parts.append("None")
        return _union(parts)
    if re.search(r"\s+or\s+|\|", text):
        return _union(re.split(r"\s+or\s+|\|", text))
    base = re.match(r"^(?:typing\.)?([A-Za-z_]+)", text)
    if base is None:
        return None
    return ALIASES.get(base.group(1).lower())


def _split_top(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _union(parts: list[str]) -> str | list[str] | None:
    found: list[str] = []
    for part in parts:
        t = json_type(part)
        if t is None:
            return None  # one open member opens the whole union
        for x in [t] if isinstance(t, str) else t:
            if x not in found:
                found.append(x)
    if "integer" in found and "number" in found:
        found.remove("integer")  # number already admits integers
    if not found:
        return None
    return found[0] if len(found) == 1 else sorted(found)


def is_optional_name(name: Any) -> bool:
    """``"str, optional"`` and ``Optional[str]`` mark an optional parameter (xLAM style)."""
    return isinstance(name, str) and bool(
        re.search(r",\s*optional\s*$", name, flags=re.IGNORECASE) or name.strip().lower().startswith("optional["))


def item_type(name: Any) -> str | list[str] | None:
    """The element type of ``List[X]`` (None when unspecified)."""
    if not isinstance(name, str):
        return None
    m = re.match(r"^(?:typing\.)?(?:list|set|tuple|sequence)\[(.*)\]", name.strip(), flags=re.IGNORECASE)
    if not m:
        return None
    parts = _split_top(m.group(1))
    return json_type(parts[0]) if len(parts) == 1 else None


def simple_property(spec: Any) -> dict[str, Any]:
    """A NESTFUL/xLAM parameter spec ``{"type": "int", "description": ..., "default"?, "enum"?}``
    as a JSON Schema property."""
    if not isinstance(spec, dict):
        return {"description": str(spec)} if spec else {}
    out: dict[str, Any] = {}
    raw = spec.get("type")
    t = json_type(raw)
    if t is not None:
        out["type"] = t
        inner = item_type(raw)
        if inner is not None and t == "array":
            out["items"] = {"type": inner}
    description = str(spec.get("description") or "")
    if raw and t is None and str(raw).strip().lower() not in OPEN:
        description = f"{description} (type: {raw})".strip()
    if description:
        out["description"] = description
    enum = spec.get("enum") or spec.get("allowed_values")
    if isinstance(enum, list) and enum:
        out["enum"] = enum
    for key in ("default", "default_value"):
        if key in spec and spec[key] is not None:
            out["default"] = spec[key]
            break
    return out


def bfcl_schema(node: Any, language: str = "python") -> Any:
    """A BFCL parameter schema as JSON Schema, recursively (properties, items, additionalProperties).

    Python: ``dict``->object, ``float``->number, ``tuple``->array, ``any``->no type.
    Java/JavaScript: as BFCL prepares its FC prompts, every parameter below the
    top-level object is a string holding the value in the language's syntax;
    the declared type moves into the description, and into ``x-bfcl-type`` (with
    ``x-bfcl-items`` for a typed list) so that scorers can read the string back
    as the value it spells (`fcbench.scoring.language_values`).
    """
    if not isinstance(node, dict):
        return node
    out = dict(node)
    raw = node.get("type")
    if language != "python":
        out.pop("type", None)
        out.pop("items", None)
        out.pop("properties", None)
        out["type"] = "string"
        out["description"] = (f"{node.get('description', '')} This is a {language.capitalize()} "
                              f"{raw or 'any'} value, written as a string.").strip()
        out["x-bfcl-language"] = language
        out["x-bfcl-type"] = str(raw or "any")
        items = node.get("items")
        if isinstance(items, dict) and isinstance(items.get("type"), str):
            out["x-bfcl-items"] = items["type"]
        return out
    t = json_type(raw) if isinstance(raw, str) else None
    out.pop("type", None)
    if t is not None:
        out["type"] = t
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: bfcl_schema(v, language) for k, v in node["properties"].items()}
    if isinstance(node.get("items"), dict):
        out["items"] = bfcl_schema(node["items"], language)
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = bfcl_schema(node["additionalProperties"], language)
    return out


def bfcl_parameters(parameters: Any, language: str = "python") -> dict[str, Any]:
    """A BFCL function's ``parameters`` (top level is always an object)."""
    if not isinstance(parameters, dict):
        return {"type": "object", "properties": {}}
    props = parameters.get("properties") if isinstance(parameters.get("properties"), dict) else {}
    out = {k: v for k, v in parameters.items() if k not in ("type", "properties")}
    out = {"type": "object", "properties": {k: bfcl_schema(v, language) for k, v in props.items()}, **out}
    if isinstance(out.get("required"), list):
        out["required"] = [str(r) for r in out["required"]]
    return out
