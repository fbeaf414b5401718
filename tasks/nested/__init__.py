"""Nested calls: the output of one call is an argument of a later call."""

from .task import NestedTask as TASK

__all__ = ["TASK"]
