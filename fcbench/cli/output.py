"""Where the CLI prints: a rich console wide enough for tables in logs and pipes."""

from __future__ import annotations

from typing import Any


def wide_console() -> Any:
    """stdout console; logs and pipes get a wide table instead of rich's 80-column default."""
    from rich.console import Console

    console = Console()
    return console if console.is_terminal else Console(width=160)
