"""Package list only; all metadata is in pyproject.toml.

The seven built-in task plugins live in the top-level folder ``tasks/`` (the
project's layout) and install as the import package ``fcbench_tasks``, so a
wheel carries them and their data exactly as a checkout does.
"""

from setuptools import find_packages, setup

packages = find_packages(include=["fcbench", "fcbench.*"])
packages += ["fcbench_tasks"] + [f"fcbench_tasks.{p}" for p in find_packages("tasks")]

setup(
    packages=packages,
    package_dir={"fcbench_tasks": "tasks"},
    package_data={"": ["*.json", "*.jsonl", "*.md", "*.jinja", "data/*.jsonl", "data/*.json"]},
)
