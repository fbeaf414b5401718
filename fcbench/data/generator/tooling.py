"""The simulated-tool framework: how a domain declares tools, tables and phrasings.

A *simulated tool* is a JSON-Schema-described function with a deterministic
Python implementation over a `World` (seeded tables plus mutable state). Gold
answers are computed by executing gold calls, and predicted calls can be
executed the same way, which is what the execution win rate measures.

A domain module (``fcbench/data/generator/domains/<domain>.py``) does three things:

* ``@table("name")`` registers a builder ``fn(rng) -> list[dict]`` for a seeded table;
* ``@sim_tool(...)`` registers a tool with its schemas, phrasings and an
  argument sampler;
* nothing else: it is imported by `catalog()` because it exists.

Implementations receive ``(world, args)`` where `args` already has schema
defaults filled in, and return a JSON-serialisable dict that conforms to the
tool's ``returns`` schema. They raise `ToolError` for inputs the backend
rejects (unknown id, out-of-range value); the executor turns that into
``{"error": message}``, which is a legitimate, deterministic result.
"""

from __future__ import annotations

import importlib
import pkgutil
import random
from typing import Any, Callable

from fcbench.records import Tool, record


class ToolError(Exception):
    """The simulated backend rejects this call (deterministically)."""


@record
class SimTool:
    """A tool of the built-in catalog.

    phrasings: request templates in the user's voice. ``{param}`` slots name
        parameters (``{a.b}`` reaches into an object parameter). Every required
        parameter appears in every phrasing; optional parameters that a
        phrasing leaves out are omitted from the gold call (accepted as ``""``).
        Booleans use ``{flag|text if true|text if false}``.
    sample_args: ``fn(rng, world) -> dict`` draws a realistic, valid argument
        assignment (values that exist in the world's tables), including the
        optional parameters the phrasings may mention.
    mutates: the tool changes world state (cart, calendar, devices...), so
        the order of calls matters when it appears in a chain.
    """

    name: str
    domain: str
    description: str
    parameters: dict[str, Any]
    returns: dict[str, Any]
    impl: Callable[[World, dict[str, Any]], dict[str, Any]]
    phrasings: tuple[str, ...]
    sample_args: Callable[[random.Random, World], dict[str, Any]]
    mutates: bool = False

    def to_tool(self) -> Tool:
        return Tool(self.name, self.description, self.parameters, self.returns)

    def with_defaults(self, args: dict[str, Any]) -> dict[str, Any]:
        """`args` plus the schema default of every omitted parameter that has one."""
        out = dict(args)
        for pname, pschema in self.parameters.get("properties", {}).items():
            if pname not in out and "default" in pschema:
                out[pname] = pschema["default"]
        return out


_TABLE_BUILDERS: dict[str, Callable[[random.Random], list[dict[str, Any]]]] = {}
_TOOLS: dict[str, SimTool] = {}


def table(name: str):
    """Register a seeded table builder: ``fn(rng) -> list[dict]``."""

    def register(fn: Callable[[random.Random], list[dict[str, Any]]]):
        if name in _TABLE_BUILDERS:
            raise ValueError(f"table {name!r} registered twice")
        _TABLE_BUILDERS[name] = fn
        return fn

    return register


def sim_tool(*, name: str, domain: str, description: str, parameters: dict[str, Any],
             returns: dict[str, Any], phrasings: list[str] | tuple[str, ...],
             sample_args: Callable[[random.Random, World], dict[str, Any]],
             mutates: bool = False):
    """Register the decorated ``fn(world, args) -> dict`` as a simulated tool."""

    def register(fn: Callable[[World, dict[str, Any]], dict[str, Any]]):
        if name in _TOOLS:
            raise ValueError(f"tool {name!r} registered twice")
        _TOOLS[name] = SimTool(name, domain, description, parameters, returns, fn,
                               tuple(phrasings), sample_args, mutates)
        return fn

    return register


_BUILT_TABLES: dict[tuple[int, str], list[dict[str, Any]]] = {}
_MAX_BUILT_TABLES = 4096


class World:
    """Seeded tables plus mutable state; one fresh World per executed sequence.

    Tables are built lazily, each from its own ``random.Random(f"{seed}/{name}")``
    so adding a table never changes another. `state` is a free-form dict that
    mutating tools read and write (``world.state.setdefault("cart", [])``).
    """

    def __init__(self, seed: int = 0):
        self.seed = seed
        self._tables: dict[str, list[dict[str, Any]]] = {}
        self.state: dict[str, Any] = {}

    def table(self, name: str) -> list[dict[str, Any]]:
        """The seeded table `name`. Tables are read-only (tools change `state`, which holds
        copies where they need them), so a table built once serves every World of its seed."""
        if name not in self._tables:
            key = (self.seed, name)
            if key not in _BUILT_TABLES:
                catalog()  # make sure every domain registered its builders
                if name not in _TABLE_BUILDERS:
                    raise KeyError(f"no table named {name!r}")
                if len(_BUILT_TABLES) >= _MAX_BUILT_TABLES:
                    _BUILT_TABLES.clear()
                _BUILT_TABLES[key] = _TABLE_BUILDERS[name](random.Random(f"{self.seed}/{name}"))
            self._tables[name] = _BUILT_TABLES[key]
        return self._tables[name]

    def find(self, table_name: str, **match: Any) -> dict[str, Any] | None:
        """First row whose fields equal `match` (strings compared case-insensitively)."""
        for row in self.table(table_name):
            if all(_loose_eq(row.get(k), v) for k, v in match.items()):
                return row
        return None


    def require(self, table_name: str, *, missing: str | None = None, **match: Any) -> dict[str, Any]:
        """Like `find`, but a missing row is the backend rejecting the call (`ToolError`).

        The message defaults to ``unknown <field> <value>`` for a one-field match.
        """
        row = self.find(table_name, **match)
        if row is None:
            if missing is None:
                missing = " ".join(f"unknown {k} {v}" for k, v in match.items())
            raise ToolError(missing)
        return row


def _loose_eq(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().casefold() == b.strip().casefold()
    return a == b


_loaded = False


def catalog() -> dict[str, SimTool]:
    """Every registered tool by name, importing each domain module once."""
    global _loaded
    if not _loaded:
        _loaded = True
        from fcbench.data.generator import domains

        for info in sorted(pkgutil.iter_modules(domains.__path__), key=lambda m: m.name):
            importlib.import_module(f"{domains.__name__}.{info.name}")
    return dict(_TOOLS)


def run_tool(world: World, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Execute one tool call. Unknown tools and rejected inputs give ``{"error": ...}``."""
    tool = catalog().get(name)
    if tool is None:
        return {"error": f"unknown function {name}"}
    try:
        return tool.impl(world, tool.with_defaults(args))
    except ToolError as exc:
        return {"error": str(exc)}
    except Exception as exc:  # noqa: BLE001
        # A badly typed predicted argument (a list where a string belongs...)
        # must not crash the scorer; the catalog tests keep valid calls error-free.
        return {"error": f"invalid arguments: {type(exc).__name__}"}
