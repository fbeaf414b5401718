"""Function name detection: pick the right functions from a library, or none."""

from .task import NameDetectionTask as TASK

__all__ = ["TASK"]
