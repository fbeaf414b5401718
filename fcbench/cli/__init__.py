"""The command line: one module per command, each declaring its arguments and what it runs.

This package only builds the parser and is the error boundary (`main`): every user error,
OS error and encoding error ends as one line on stderr and exit code 2, never a traceback.
The command modules import the library they drive inside the command, never at module
level, so ``fcbench --help`` loads no heavy library.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Sequence

from fcbench.errors import Terminated, UsageError
from fcbench.version import __version__

EXIT_USAGE = 2
#: each command's module in ``fcbench.cli`` (the one that registers that name), in the order
#: `fcbench --help` lists them; a command's module is imported when its parser is built
COMMAND_NAMES = {"run": "run", "merge": "merge", "list": "list_tasks", "report": "report", "show": "show",
                 "data": "data", "compare": "compare", "gate": "gate", "leaderboard": "leaderboard"}


def command_module(name: str) -> ModuleType:
    """The module of the command `name` (a key of `COMMAND_NAMES`)."""
    return importlib.import_module(f"fcbench.cli.{COMMAND_NAMES[name]}")


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors and exit code 2."""

    def error(self, message: str) -> None:
        self.exit(EXIT_USAGE, f"fcbench: error: {message}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `command` (a command's name), only that command's part of it.

    Arguments that start with a command's name parse the same either way (the parser has no
    positional argument but the command, and an error is one line without a usage); `main`
    builds only that part, which spares every command's start-up the others' modules and
    arguments (about 20 ms).
    """
    parser = Parser(prog="fcbench", description="Evaluate function calling per sub-task.")
    parser.add_argument("--version", action="version", version=f"fcbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in (command,) if command is not None else COMMAND_NAMES:
        command_module(name).register(sub)
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
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv[0] if argv and argv[0] in COMMAND_NAMES else None)
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
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM / SIGHUP (`Terminated`, however it reached here)
        if Terminated.received:
            print(f"fcbench: stopped by {Terminated.received.name} (resume with --resume RUN_DIR)", file=sys.stderr)
            return 128 + Terminated.received
        print("fcbench: interrupted (resume with --resume RUN_DIR)", file=sys.stderr)
        return 130
    print(_error_line(message), file=sys.stderr)
    return EXIT_USAGE


_finished: list[int] = []  # the exit code, once a command returned one


def _raise_terminated(signum: int, frame: object) -> None:
    import signal

    signal.signal(signum, signal.SIG_DFL)  # asked twice: stop at once
    Terminated.received = signal.Signals(signum)
    raise Terminated(Terminated.received.name)


def _stop_like_ctrl_c() -> None:
    """SIGTERM and SIGHUP raise `fcbench.errors.Terminated` (a second one kills at once)."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is not None and signal.getsignal(signum) is signal.SIG_DFL:
            signal.signal(signum, _raise_terminated)


def entry() -> None:
    """The ``fcbench`` command (the console script and ``python -m fcbench``): `main`, then an
    exit that skips the interpreter's teardown.

    Why: at exit Python frees every object a command loaded, one by one, with full passes of
    the garbage collector: about 0.1 s after a 1,000-sample run on a 2-core VM, growing with the
    run, and spent after everything was written. How: a handler registered with `atexit` before
    anything else runs last, after every other one (logging's flush, a vLLM server's stop,
    Ray's shutdown, multiprocessing's clean-up, temporary folders) and after other threads are
    joined; it flushes stdout and stderr and ends the process with `os._exit`. Files fcbench
    writes are closed (and synced) by their owners before `main` returns. Only a command that
    returned its exit code ends this way: an exception that escapes `main` (a bug) gets Python's
    own traceback and teardown. Tests call `main`, never this.
    """
    atexit.register(_end_without_teardown)
    _stop_like_ctrl_c()
    code = main()
    _finished.append(code)
    sys.exit(code)


def _end_without_teardown() -> None:
    if not _finished:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`fcbench report | head`) or stream
            pass
    os._exit(_finished[0])
