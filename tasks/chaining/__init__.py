"""Chaining: a sequence of dependent calls in the required order."""

from .task import ChainingTask as TASK

__all__ = ["TASK"]
