"""Importers: public function-calling suites -> fcbench suite folders.

``fcbench data import bfcl|nestful|hf ...`` (see `fcbench.cli.data`). Nothing public
is committed to this repository: data is converted at run time from where the user has it.
"""
