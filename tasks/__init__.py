"""fcbench's built-in task plugins, one sub-package per sub-task (installed as ``fcbench_tasks``)."""
