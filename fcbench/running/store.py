"""The crash-safe run folder.

``RUN_DIR/run.json``      manifest: versions, model, settings, fingerprint, totals
``RUN_DIR/samples.jsonl`` one `SampleResult` per finished sample, appended as it finishes
``RUN_DIR/results.json``  per-task metrics, rewritten from samples.jsonl at the end

One process at a time: a second ``fcbench run --resume`` of a folder another process is
running would append the same samples again and race it for ``run.json``, so it is refused
in one line. The running process holds a lock (``flock``) on the run folder itself: the
kernel's, so it goes with the process however it ends (SIGKILL included), and a killed run
never leaves a stale lock or a lock file behind.

Every result line is written with a single ``write`` and flushed at once, so a
process killed with SIGKILL loses nothing it had recorded (the kernel holds
the bytes); ``fsync`` runs every few lines or fraction of a second against
power loss, on a background thread, so that a slow disk never stalls the
requests in flight. On reopening, a torn last line (killed mid-write) is cut off, and
when a sample appears twice the later line wins (an infrastructure failure
later re-run successfully).

The store writes whatever it is given: a string that UTF-8 cannot encode (a
lone surrogate) is written as a JSON escape, which reads back to the same
string; a line that is too big, too deep or holds numbers JSON has no words
for (NaN) is bounded, and the line's ``notes`` say what was changed. Every
line passes `fcbench.credentials.scrub` on its way to disk.

Reading is strict (`fcbench.runlog.read_samples`, the one reader of run folders): a
line that is not UTF-8, not JSON or not a result (a field missing or of the wrong type,
an unknown status) is a `UsageError` naming the file, the line and the field, never a
silent drop.
"""

from __future__ import annotations

import json
import math
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from fcbench.credentials import scrub
from fcbench.errors import UsageError
from fcbench.records import SampleResult
from fcbench.runlog import MANIFEST, RESULTS, SAMPLES, RunManifest, read_manifest, read_samples

#: a line longer than this is bounded before it is written
MAX_LINE_CHARS = 1_000_000
#: bounds applied to such a line (and to one that JSON cannot encode as it is)
MAX_STORED_STRING = 100_000
MAX_STORED_ITEMS = 10_000
MAX_STORED_DEPTH = 64
#: every line the store writes starts so; a torn last line is a prefix of one


def _dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON through a temporary file and rename, so readers never see half a file.

    The text is scrubbed of credentials; a value JSON cannot encode is bounded first.
    """
    try:
        text = _dumps(data)
    except (ValueError, TypeError, RecursionError):
        text = _dumps(bounded(data, [])[0])
    write_text_atomic(path, scrub(text) + "\n")


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` through a temporary file and rename: a reader (or a process killed while
    writing) sees the old file or the new one, never half of one."""
    payload = text.encode("utf-8", errors="backslashreplace")
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


# ---------------------------------------------------------------- writing
def _bounded(value: Any, path: str, depth: int, notes: list[str]) -> Any:
    if isinstance(value, str):
        if len(value) > MAX_STORED_STRING:
            notes.append(f"{path}: {len(value):,} characters cut to {MAX_STORED_STRING:,}")
            return value[:MAX_STORED_STRING]
        return value
    if isinstance(value, float) and not math.isfinite(value):
        notes.append(f"{path}: {value!r} written as a string")
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 13_000:
        notes.append(f"{path}: an integer of {value.bit_length():,} bits written as a string")
        return f"<integer of {value.bit_length():,} bits>"
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (dict, list, tuple)):
        if depth >= MAX_STORED_DEPTH:
            notes.append(f"{path}: nested deeper than {MAX_STORED_DEPTH} levels, cut off")
            return "<cut off>"
        items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
        if len(items) > MAX_STORED_ITEMS:
            notes.append(f"{path}: {len(items):,} items cut to {MAX_STORED_ITEMS:,}")
            items = items[:MAX_STORED_ITEMS]
        if isinstance(value, dict):
            return {str(k): _bounded(v, f"{path}/{k}", depth + 1, notes) for k, v in items}
        return [_bounded(v, f"{path}/{i}", depth + 1, notes) for i, v in items]
    notes.append(f"{path}: a {type(value).__name__} written as its repr")
    return repr(value)[:MAX_STORED_STRING]


def bounded(data: Any, notes: list[str]) -> tuple[Any, list[str]]:
    """`data` made writable as plain JSON within the store's bounds; `notes` gets what changed."""
    return _bounded(data, "", 0, notes), notes


def encode_line(record: dict[str, Any]) -> bytes:
    """One ``samples.jsonl`` line (with its newline) for any record: see the module docstring."""
    try:
        line = json.dumps(record, ensure_ascii=False, allow_nan=False)
    except (ValueError, TypeError, RecursionError):
        line = None
    if line is None or len(line) > MAX_LINE_CHARS:
        notes: list[str] = []
        record, _ = bounded(record, notes)
        record["notes"] = [*(record.get("notes") or []), *(n.lstrip("/") for n in notes)]
        line = json.dumps(record, ensure_ascii=False, allow_nan=False)
    line = scrub(line)
    try:
        return (line + "\n").encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: JSON escapes read back to the same string
        return (json.dumps(json.loads(line), ensure_ascii=True) + "\n").encode("ascii")


class _Syncer:
    """fsyncs a file on its own thread when asked (``os.fsync`` releases the GIL)."""

    def __init__(self, fd: int):
        self.fd = fd
        self._wanted = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._loop, name="fcbench-fsync", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            try:
                os.fsync(self.fd)
            except OSError:
                pass  # the file is being closed; close() syncs once more itself
            if self._stopping:
                return

    def request(self) -> None:
        self._wanted.set()

    def stop(self) -> None:
        self._stopping = True
        self._wanted.set()
        self._thread.join()


#: what a run stopped before its manifest was in place may leave in its folder
LEFT_BEFORE_THE_START = frozenset({MANIFEST + ".tmp"})


#: run-folder locks this process holds; a forked child (a worker, an engine process) closes its
#: copies, so the lock goes with this process alone and never outlives it in an orphan
_HELD_LOCKS: set[int] = set()


def _close_inherited_locks() -> None:
    for fd in _HELD_LOCKS:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


def _lock_or_none(folder: Path) -> int | None:
    """An open descriptor of `folder` with an exclusive lock on it, or None when another process
    holds it. (Where the platform has no ``flock`` the run is not guarded: always a descriptor.)"""
    if sys.platform == "win32":
        return -1
    fd = os.open(folder, os.O_RDONLY)
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    _HELD_LOCKS.add(fd)
    return fd


def unstarted(run_dir: Path) -> bool:
    """May a new run start in `run_dir`? It does not exist, or it is a folder holding nothing but
    what a run killed before it started leaves (`LEFT_BEFORE_THE_START`): a run killed that early
    has no manifest to resume from, so its folder is taken for a new one instead of refused."""
    if not run_dir.exists():
        return True
    return run_dir.is_dir() and all(p.name in LEFT_BEFORE_THE_START for p in run_dir.iterdir())


class RunStore:
    """Appends results to a run folder; see the module docstring for the guarantees.

    The store also keeps the latest result per sample in memory (what it read on
    reopening plus what it appended), so a run's results need not be read back.
    """

    def __init__(self, run_dir: Path, *, fsync_every: int = 16, fsync_seconds: float = 0.5):
        self.run_dir = Path(run_dir)
        self.fsync_every = fsync_every
        self.fsync_seconds = fsync_seconds
        self._fh = None
        self._syncer: _Syncer | None = None
        self._unsynced = 0
        self._last_sync = time.monotonic()
        self._latest: dict[str, SampleResult] | None = None
        self._lock_fd: int | None = None

    @property
    def manifest_path(self) -> Path:
        return self.run_dir / MANIFEST

    def claim(self) -> None:
        """Hold the run folder for this process until `release` (or the process ends); a folder
        another process holds is a `UsageError`."""
        if self._lock_fd is not None:
            return
        fd = _lock_or_none(self.run_dir)
        if fd is None:
            raise UsageError(f"{self.run_dir}: another fcbench process is running this run; "
                             "wait for it to end (or stop it), then --resume")
        self._lock_fd = fd

    def release(self) -> None:
        if self._lock_fd is not None:
            if self._lock_fd >= 0:
                _HELD_LOCKS.discard(self._lock_fd)
                os.close(self._lock_fd)
            self._lock_fd = None

    def __del__(self) -> None:  # a store dropped without `release` (library use) lets go too
        try:
            self.release()
        except Exception:  # noqa: BLE001 - interpreter shutdown: the process is ending anyway
            pass

    def create(self, manifest: dict[str, Any]) -> None:
        """Start a new run folder: it must not exist, or hold nothing a run started (`unstarted`)."""
        if not unstarted(self.run_dir):
            raise UsageError(f"{self.run_dir}: run folder exists and is not empty (use --resume to continue it)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.claim()
        if (self.manifest_path).exists():  # another process started a run here since the check above
            self.release()
            raise UsageError(f"{self.run_dir}: run folder exists and is not empty (use --resume to continue it)")
        write_json_atomic(self.manifest_path, manifest)
        self._latest = {}

    def load_manifest(self) -> RunManifest:
        if not self.run_dir.is_dir():
            why = ("it is a file" if self.run_dir.exists()
                   else "a run stopped before it started leaves none: start it with --out")
            raise UsageError(f"{self.run_dir}: no such run folder ({why})")
        if not self.manifest_path.exists():
            hint = " (the run stopped before it started: start it with --out)" if unstarted(self.run_dir) else ""
            raise UsageError(f"{self.run_dir}: not a run folder (no {MANIFEST}){hint}")
        return read_manifest(self.manifest_path)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json_atomic(self.manifest_path, manifest)

    def open_for_append(self) -> None:
        path = self.run_dir / SAMPLES
        if self._latest is None:
            self._latest = read_samples(self.run_dir)  # checks every line before anything is changed
        self._truncate_torn_tail(path)
        self._fh = path.open("ab")
        self._syncer = _Syncer(self._fh.fileno())

    @staticmethod
    def _truncate_torn_tail(path: Path) -> None:
        if not path.exists() or path.stat().st_size == 0:
            return
        with path.open("rb+") as fh:
            data = fh.read()
            if data.endswith(b"\n"):
                return
            fh.truncate(data.rfind(b"\n") + 1)

    def append(self, result: SampleResult) -> None:
        assert self._fh is not None, "open_for_append first"
        self._fh.write(encode_line(result.to_dict()))
        self._fh.flush()
        if self._latest is not None:
            self._latest[result.sample_id] = result
        self._unsynced += 1
        now = time.monotonic()
        if self._unsynced >= self.fsync_every or now - self._last_sync >= self.fsync_seconds:
            self._unsynced = 0
            self._last_sync = now
            if self._syncer is not None:
                self._syncer.request()

    def sync(self) -> None:
        """fsync now, on this thread."""
        if self._fh is not None:
            os.fsync(self._fh.fileno())
            self._unsynced = 0
            self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._fh is not None:
            if self._syncer is not None:
                self._syncer.stop()
                self._syncer = None
            self.sync()
            self._fh.close()
            self._fh = None

    def results(self) -> dict[str, SampleResult]:
        """The latest result per sample: from memory once the store has read or written the
        folder, else read (strictly) from ``samples.jsonl``."""
        if self._latest is None:
            self._latest = read_samples(self.run_dir)
        return dict(self._latest)

    def write_results(self, results: dict[str, Any]) -> None:
        write_json_atomic(self.run_dir / RESULTS, results)
