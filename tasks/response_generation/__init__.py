"""Response generation: write the user-facing answer from tool outputs, faithfully."""

from .task import ResponseGenerationTask as TASK

__all__ = ["TASK"]
