"""Parameter value filling: fill the arguments of a known function from the request."""

from .task import ParameterValueTask as TASK

__all__ = ["TASK"]
