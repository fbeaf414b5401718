"""fcbench: function calling evaluated as seven sub-tasks, not one umbrella score."""

__version__ = "0.1.0"
