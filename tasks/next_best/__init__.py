"""Next best call: given the calls already made and their results, choose the next call or stop."""

from .task import NextBestTask as TASK

__all__ = ["TASK"]
