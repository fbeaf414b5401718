"""The crash-safe run folder.

``RUN_DIR/run.json``      manifest: versions, model, settings, fingerprint, totals
``RUN_DIR/samples.jsonl`` one `SampleResult` per finished sample, appended as it finishes
``RUN_DIR/results.json``  per-task metrics, rewritten from samples.jsonl at the end

Every result line is written with a single ``write`` and flushed at once, so a
process killed with SIGKILL loses nothing it had recorded (the kernel holds
the bytes); ``fsync`` runs every few lines or fraction of a second against
power loss. On reopening, a torn last line (killed mid-write) is cut off, and
when a sample appears twice the later line wins (an infrastructure failure
later re-run successfully).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import SampleResult

MANIFEST = "run.json"
SAMPLES = "samples.jsonl"
RESULTS = "results.json"


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON through a temporary file and rename, so readers never see half a file."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False, sort_keys=False)
        fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None


def read_results(run_dir: Path) -> dict[str, SampleResult]:
    """Latest result per sample id; a torn trailing line is ignored."""
    path = Path(run_dir) / SAMPLES
    latest: dict[str, SampleResult] = {}
    if not path.exists():
        return latest
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                break  # torn last line from a killed writer
            if not line.strip():
                continue
            try:
                result = SampleResult.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise UsageError(f"{path}: unreadable result line ({exc})") from None
            latest[result.sample_id] = result
    return latest


class RunStore:
    """Appends results to a run folder; see the module docstring for the guarantees."""

    def __init__(self, run_dir: Path, *, fsync_every: int = 16, fsync_seconds: float = 0.5):
        self.run_dir = Path(run_dir)
        self.fsync_every = fsync_every
        self.fsync_seconds = fsync_seconds
        self._fh = None
        self._unsynced = 0
        self._last_sync = time.monotonic()

    @property
    def manifest_path(self) -> Path:
        return self.run_dir / MANIFEST

    def create(self, manifest: dict[str, Any]) -> None:
        if self.run_dir.exists() and any(self.run_dir.iterdir()):
            raise UsageError(f"{self.run_dir}: run folder exists and is not empty (use --resume to continue it)")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.manifest_path, manifest)

    def load_manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            raise UsageError(f"{self.run_dir}: not a run folder (no {MANIFEST})")
        manifest = read_json(self.manifest_path)
        if not isinstance(manifest, dict) or "fingerprint" not in manifest:
            raise UsageError(f"{self.manifest_path}: not an fcbench run manifest")
        return manifest

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json_atomic(self.manifest_path, manifest)

    def open_for_append(self) -> None:
        path = self.run_dir / SAMPLES
        self._truncate_torn_tail(path)
        self._fh = path.open("a", encoding="utf-8")

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
        self._fh.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        self._fh.flush()
        self._unsynced += 1
        now = time.monotonic()
        if self._unsynced >= self.fsync_every or now - self._last_sync >= self.fsync_seconds:
            self.sync()

    def sync(self) -> None:
        if self._fh is not None and self._unsynced:
            os.fsync(self._fh.fileno())
            self._unsynced = 0
            self._last_sync = time.monotonic()

    def close(self) -> None:
        if self._fh is not None:
            self.sync()
            self._fh.close()
            self._fh = None

    def results(self) -> dict[str, SampleResult]:
        return read_results(self.run_dir)

    def write_results(self, results: dict[str, Any]) -> None:
        write_json_atomic(self.run_dir / RESULTS, results)
