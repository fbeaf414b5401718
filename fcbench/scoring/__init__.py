"""Scoring shared by the task plugins: value rules, call checks, matching, metrics,
references and execution. See README.md in this folder for the rules."""
