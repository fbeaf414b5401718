"""Importers: public function-calling suites -> fcbench suite folders.

``fcbench data import bfcl|nestful|hf ...`` (see `fcbench.importers.cli`).
Nothing public is committed to this repository: data is converted at run time
from where the user has it.
"""

from fcbench.importers.cli import register

__all__ = ["register"]
