"""Leaderboards: models x sub-tasks tables built from results.json files alone."""

from __future__ import annotations


def register(subparsers, data_subparsers) -> None:
    from fcbench.leaderboard.cli import register as _register

    _register(subparsers, data_subparsers)
