"""Gold values in the type their parameter declares.

API-Bank and ToolAlpaca write many numbers and booleans as strings
(``max_results='5'``, ``"limit": "10"``). fcbench's value rules compare types
(an answer ``5`` does not match a gold ``"5"``), so a gold string that spells a
value of the declared scalar type exactly is stored as that value. Anything
else is kept as written.
"""

from __future__ import annotations

import math
from typing import Any


def typed_value(value: Any, schema: Any) -> Any:
    """`value` converted to the schema's single scalar ``type`` when a string spells it exactly."""
    json_type = schema.get("type") if isinstance(schema, dict) else None
    if not isinstance(value, str) or not isinstance(json_type, str):
        return value
    text = value.strip()
    if json_type == "integer" and text.lstrip("-").isdigit():
        return int(text)
    if json_type == "number":
        try:
            number = float(text)
        except ValueError:
            return value
        if not math.isfinite(number):
            return value
        return int(number) if text.lstrip("-").isdigit() else number
    if json_type == "boolean" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return value
