"""Parallel calls: several independent calls at once, in any order."""

from .task import ParallelTask as TASK

__all__ = ["TASK"]
