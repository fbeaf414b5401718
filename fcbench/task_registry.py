"""Task discovery: built-in task folders plus the ``fcbench.tasks`` entry-point group.

A built-in task is any sub-package of ``fcbench_tasks`` (the ``tasks/`` folder)
that defines ``TASK``: it is picked up because it exists. A third-party
package declares, in its own pyproject::

    [project.entry-points."fcbench.tasks"]
    my_task = "my_package.my_module:MyTask"

Importing a task module must be cheap: no model, no network, no data loading.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from collections.abc import Collection
from pathlib import Path

from fcbench.errors import UsageError
from fcbench.task import Task

BUILTIN_PACKAGE = "fcbench_tasks"
ENTRY_POINT_GROUP = "fcbench.tasks"

# The canonical order of the seven sub-tasks in reports; other tasks follow by name.
CANONICAL_ORDER = ("nested", "chaining", "parallel", "name_detection", "parameter_value",
                   "next_best", "response_generation")


def _instantiate(cls: type, root: Path | None, origin: str) -> Task:
    if not (isinstance(cls, type) and issubclass(cls, Task)):
        raise UsageError(f"{origin}: TASK is not a subclass of fcbench.task.Task")
    return cls(root)


def _builtin_tasks(only: Collection[str] | None = None) -> dict[str, Task]:
    package = importlib.import_module(BUILTIN_PACKAGE)
    found: dict[str, Task] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg or info.name.startswith("_"):
            continue
        if only is not None and info.name not in only:
            continue  # a built-in task's folder is named after it: the others need not be imported
        module = importlib.import_module(f"{BUILTIN_PACKAGE}.{info.name}")
        cls = getattr(module, "TASK", None)
        if cls is None:
            continue
        task = _instantiate(cls, Path(module.__file__).parent, f"tasks/{info.name}")
        found[task.name] = task
    return found


def _may_declare(group: str) -> bool:
    """Can an installed distribution declare entry points of `group`? False only when sure.

    ``importlib.metadata.entry_points`` reads and parses every distribution's entry points
    (several ms, and its import more); this only looks for the group's name in the
    ``entry_points.txt`` files where the standard path finder would find them. Anything it
    does not know how to look at (a zip on the path, a finder of distributions other than
    the standard one) answers True, and the caller asks importlib.metadata.
    """
    from importlib.machinery import PathFinder

    if any(getattr(finder, "find_distributions", None) is not None and finder is not PathFinder
           for finder in sys.meta_path):
        return True
    needle = group.encode()
    try:
        for entry in sys.path:
            if not isinstance(entry, str):
                return True
            root = entry or "."
            if not os.path.isdir(root):
                if os.path.exists(root):
                    return True  # a zip (or an egg file): importlib.metadata looks inside
                continue
            with os.scandir(root) as children:
                for child in children:
                    name = child.name.lower()
                    if name.endswith((".dist-info", ".egg-info")) or name == "egg-info":
                        try:
                            with open(os.path.join(child.path, "entry_points.txt"), "rb") as fh:
                                if needle in fh.read():
                                    return True
                        except (FileNotFoundError, NotADirectoryError):
                            pass
    except OSError:
        return True
    return False


def _entry_point_tasks() -> dict[str, Task]:
    found: dict[str, Task] = {}
    if not _may_declare(ENTRY_POINT_GROUP):
        return found
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
        except Exception as exc:  # a broken third-party plugin must not take fcbench down
            raise UsageError(f"task plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from None
        module = importlib.import_module(cls.__module__)
        root = Path(module.__file__).parent if getattr(module, "__file__", None) else None
        task = _instantiate(cls, root, f"entry point {ep.name}")
        found.setdefault(task.name, task)
    return found


def discover_tasks(only: Collection[str] | None = None) -> dict[str, Task]:
    """All tasks by name, built-in first, in canonical report order.

    `only` limits the built-in tasks imported to those names (a run of one task
    need not import the others); third-party tasks are always discovered.
    """
    tasks = _builtin_tasks(only)
    for name, task in _entry_point_tasks().items():
        tasks.setdefault(name, task)

    def order(name: str) -> tuple[int, str]:
        return (CANONICAL_ORDER.index(name) if name in CANONICAL_ORDER else len(CANONICAL_ORDER), name)

    return {name: tasks[name] for name in sorted(tasks, key=order)}


def tasks_for(spec: str) -> list[Task]:
    """The tasks ``--tasks SPEC`` names, importing only those built-in task modules."""
    names = {s.strip() for s in spec.split(",") if s.strip()}
    if spec.strip() in ("", "all") or not names:
        return select_tasks(spec, discover_tasks())
    found = discover_tasks(names)
    if not names <= set(found):  # an unknown name: the error lists every task
        found = discover_tasks()
    return select_tasks(spec, found)


def select_tasks(spec: str, available: dict[str, Task]) -> list[Task]:
    """Resolve ``all`` or a comma-separated list of task names."""
    if spec.strip() in ("", "all"):
        return list(available.values())
    chosen: list[Task] = []
    for name in (s.strip() for s in spec.split(",")):
        if not name:
            continue
        if name not in available:
            known = ", ".join(available) or "none"
            raise UsageError(f"unknown task {name!r} (available: {known})")
        if available[name] not in chosen:
            chosen.append(available[name])
    if not chosen:
        raise UsageError("no task selected")
    return chosen
