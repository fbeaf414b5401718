"""The command line: one module per command, each declaring its arguments and what it runs.

This package only builds the parser and is the error boundary (`main`): every user error,
OS error and encoding error ends as one line on stderr and exit code 2, never a traceback.
The command modules import the library they drive inside the command, never at module
level, so ``fcbench --help`` loads no heavy library.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from fcbench.cli import compare, data, gate, leaderboard, list_tasks, merge, report, run, show
from fcbench.errors import UsageError
from fcbench.version import __version__

EXIT_USAGE = 2
#: the command modules, in the order `fcbench --help` lists them
COMMANDS = (run, merge, list_tasks, report, show, data, compare, gate, leaderboard)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str) -> None:
        self.exit(EXIT_USAGE, f"fcbench: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="fcbench", description="Evaluate function calling per sub-task.")
    parser.add_argument("--version", action="version", version=f"fcbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.register(sub)
    return parser


def _error_line(message: str) -> str:
    """One line for stderr: credentials scrubbed, line breaks folded."""
    from fcbench.credentials import scrub

    return "fcbench: error: " + " ".join(scrub(message).split())


def _os_error(exc: OSError) -> str:
    """An OS error in words: what failed, on which path."""
    what = exc.strerror or type(exc).__name__
    if isinstance(exc, NotADirectoryError):
        what = "part of this path is a file, not a folder"
    elif isinstance(exc, FileExistsError) and exc.filename and Path(str(exc.filename)).is_file():
        what = "is a file, not a folder"
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    return f"{' -> '.join(paths)}: {what}" if paths else f"{what}: {exc}"


def main(argv: Sequence[str] | None = None) -> int:
    """The CLI boundary: every user error, OS error and encoding error ends here as one line, exit 2."""
    from fcbench.credentials import register_environment

    for stream in (sys.stdout, sys.stderr):  # model text may hold lone surrogates: never crash printing
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    register_environment()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        print(_error_line("give a command (fcbench --help lists them)"), file=sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args)
    except UsageError as exc:
        message = str(exc)
        if exc.detail:
            print(exc.detail, file=sys.stderr)
    except OSError as exc:  # a path below a regular file, a read-only folder, a full disk...
        message = _os_error(exc)
    except UnicodeError as exc:
        message = f"text that is not valid UTF-8 ({exc})"
    except KeyboardInterrupt:
        print("fcbench: interrupted (resume with --resume RUN_DIR)", file=sys.stderr)
        return 130
    print(_error_line(message), file=sys.stderr)
    return EXIT_USAGE
