"""The flow stays one-directional: sample -> request -> backend -> parse -> score -> aggregate -> report.

Every import in fcbench/ and tasks/ (lazy imports inside functions included)
must point to the same layer or a lower one. Two rules more: backends know
nothing of tasks, and `fcbench --help` imports no heavy library.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from conftest import REPO

# Lowest first. A module belongs to the longest prefix listed.
LAYERS: list[set[str]] = [
    {"fcbench", "fcbench.version", "fcbench.errors", "fcbench.records", "fcbench.credentials",
     "fcbench.runlog"},                                                           # typed records, one reader
    {"fcbench.parsing", "fcbench.scoring", "fcbench.data", "fcbench.retry"},      # building blocks
    {"fcbench.task", "fcbench.models"},                                           # plugin APIs: tasks, backends
    {"fcbench_tasks"},                                                            # the task plugins
    {"fcbench.task_registry", "fcbench.running", "fcbench.testing"},              # finding tasks, running them
    {"fcbench.analysis", "fcbench.data.importers"},                               # reading runs, importing suites
    {"fcbench.cli", "fcbench.__main__"},                                          # user-facing
]
# Backends answer requests; they must not know which task asked.
FORBIDDEN = {"fcbench.models": {"fcbench.task", "fcbench_tasks", "fcbench.scoring"}}
HEAVY = ("vllm", "datasets", "pandas", "anthropic", "openai", "torch", "transformers", "ray")


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "tasks":
        parts[0] = "fcbench_tasks"
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def group_of(name: str, groups) -> str | None:
    best = None
    for group in groups:
        # The package root itself ("fcbench") is its own group, not everyone's prefix.
        if name == group or (group != "fcbench" and name.startswith(group + ".")):
            if best is None or len(group) > len(best):
                best = group
    return best


def layer_of(name: str) -> int | None:
    all_groups = [g for layer in LAYERS for g in layer]
    group = group_of(name, all_groups)
    if group is None:
        return None
    return next(i for i, layer in enumerate(LAYERS) if group in layer)


def imports_of(path: Path, this: str) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import inside a package
                package = this if path.name == "__init__.py" else this.rpartition(".")[0]
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                found.append(".".join(parts + ([node.module] if node.module else [])))
            elif node.module:
                found.append(node.module)
    return [f for f in found if f.split(".")[0] in ("fcbench", "fcbench_tasks")]


def source_files() -> list[Path]:
    return sorted([*(REPO / "fcbench").rglob("*.py"), *(REPO / "tasks").rglob("*.py")])


def test_every_package_is_placed():
    """Layers are declared per package: each folder and top-level module of fcbench/ is listed."""
    listed = {g for layer in LAYERS for g in layer}
    top = {f"fcbench.{p.stem if p.suffix else p.name}" for p in (REPO / "fcbench").iterdir()
           if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert top - listed == set(), f"packages with no layer: {sorted(top - listed)}"
    assert listed - top - {"fcbench", "fcbench_tasks", "fcbench.data.importers"} == set(), "stale LAYERS entries"


def module_graph() -> dict[str, set[str]]:
    """Module -> the fcbench modules it imports (lazy imports included). `from pkg import mod`
    imports the submodule `pkg.mod`, not the package's `__init__`."""
    names = {module_name(p) for p in source_files()}
    graph = {}
    for path in source_files():
        this = module_name(path)
        package = this if path.name == "__init__.py" else this.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(parts + ([node.module] if node.module else []))
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.add(sub if sub in names else base)
        graph[this] = {t for t in targets if t in names and t != this}
    return graph


def test_no_import_cycles():
    graph = module_graph()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_every_module_has_a_layer():
    missing = [module_name(p) for p in source_files() if layer_of(module_name(p)) is None]
    assert not missing, f"modules with no layer in LAYERS: {missing}"


def test_imports_point_down_or_sideways():
    violations = []
    for path in source_files():
        this = module_name(path)
        mine = layer_of(this)
        for target in imports_of(path, this):
            theirs = layer_of(target)
            if theirs is not None and theirs > mine:
                violations.append(f"{this} (layer {mine}) imports {target} (layer {theirs})")
            for prefix, banned in FORBIDDEN.items():
                if group_of(this, [prefix]) and group_of(target, banned):
                    violations.append(f"{this} imports {target}, which {prefix} must not know")
    assert not violations, "\n".join(violations)


def test_help_imports_no_heavy_library():
    code = ("import sys, contextlib, io\n"
            "from fcbench.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try: main(['--help'])\n"
            "    except SystemExit: pass\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
