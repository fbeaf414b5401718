"""A run folder as typed records, and the one reader of it: `read_run`.

A run folder holds ``run.json`` (the manifest: what was run, how, and its sessions),
``samples.jsonl`` (one `SampleResult` per line) and ``results.json`` (per-task metrics,
rebuilt from the samples). Report, show, compare, gate, leaderboard and resume all read
it through `read_run`, which checks every field it reads (`RecordError` becomes one
`UsageError` naming the file and the field) and upgrades files older versions wrote:

* ``results.json`` without per-task checksums, date or limit takes them from ``run.json``;
* without ``n_passed``, an accuracy task's count is its score times n;
* without metric declarations (``metric_info``), metrics are labelled by their names, their
  direction unknown, and the first three beside the main one are shown.

Fields a file lacks are allowed where older versions did not write them; fields fcbench
does not know are ignored. `RunResults.to_dict` writes exactly what ``results.json`` holds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import field, replace
from pathlib import Path
from typing import Any

from fcbench.errors import UsageError
from fcbench.records import RecordError, SampleResult, field_of, kind_of, record

MANIFEST = "run.json"
SAMPLES = "samples.jsonl"
RESULTS = "results.json"
#: how every samples.jsonl line starts (the store writes sample_id first)
LINE_START = b'{"sample_id": "'

MODES = ("native", "prompt")
RULES = ("fcbench", "bfcl")
PROTOCOLS = ("plan", "interactive")


def _budget(d: Any, where: str) -> dict[str, Any] | None:
    """The interactive protocol's budget: ``{"extra_turns": int, "max_calls": int | null}``."""
    if d is None:
        return None
    field_of(d, "extra_turns", "integer", where, default=3)
    field_of(d, "max_calls", "integer", where, default=None, nullable=True)
    return d
DEFAULT_SUITE = "fcbench-sim"


def read_json(path: Path) -> Any:
    """A JSON file written by fcbench (or given by the user), or one clear `UsageError`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except (ValueError, RecursionError) as exc:
        raise UsageError(f"{path}: not readable JSON ({type(exc).__name__})") from None


def _choice(value: str, known: tuple[str, ...], what: str) -> str:
    if value not in known:
        raise RecordError(f"{what}: unknown {what} {value!r} (known: {', '.join(known)})")
    return value


def _numbers(d: dict[str, Any], where: str, kind: str = "number") -> dict[str, Any]:
    for key, value in d.items():
        field_of({key: value}, key, kind, where)
    return dict(d)


def _positive(d: Any, key: str, where: str = "") -> int | None:
    value = field_of(d, key, "integer", where, default=None, nullable=True)
    if value is not None and value < 1:
        raise RecordError(f"{where}{key}: expected a positive integer, got {value}")
    return value


# ------------------------------------------------------------------ results.json
@record
class MetricInfo:
    """What a report needs of a metric's declaration (`fcbench.scoring.metrics.Metric`)."""

    label: str
    higher_is_better: bool | None = None  # None: neither, or not known (an older file)
    aggregation: str | None = None
    unit: str = "share"  # share: a fraction shown as %; count: a number shown as it is

    def to_dict(self) -> dict[str, Any]:
        d = {"label": self.label, "higher_is_better": self.higher_is_better, "aggregation": self.aggregation}
        if self.unit != "share":
            d["unit"] = self.unit
        return d

    @classmethod
    def from_dict(cls, d: Any, where: str) -> MetricInfo:
        return cls(field_of(d, "label", "string", where),
                   field_of(d, "higher_is_better", "boolean", where, default=None, nullable=True),
                   field_of(d, "aggregation", "string", where, default=None, nullable=True),
                   _choice(field_of(d, "unit", "string", where, default="share"), ("share", "count"),
                           f"{where}.unit"))


@record
class Outcomes:
    """Per-sample pass/fail in data order (``1``, ``0``, ``.`` not scored) and the hash of the
    ordered sample ids: enough to pair two results files sample by sample."""

    ids_sha256: str | None
    passed: str

    def to_dict(self) -> dict[str, Any]:
        return {"ids_sha256": self.ids_sha256, "passed": self.passed}

    @classmethod
    def from_dict(cls, d: Any, where: str) -> Outcomes:
        marks = field_of(d, "passed", "string", where, default="")
        if marks.strip("01."):
            raise RecordError(f"{where}passed: expected only 1, 0 and . marks")
        return cls(field_of(d, "ids_sha256", "string", where, default=None, nullable=True), marks)


@record
class TaskResults:
    """One sub-task's line of ``results.json``."""

    name: str
    version: str | None
    n: int
    n_infra_error: int
    n_passed: int | None
    main_metric: str
    score: float | None
    ci: tuple[float, float] | None
    ci_method: str | None
    metrics: dict[str, float]
    failures: dict[str, int]
    checksum: str | None = None
    outcomes: Outcomes | None = None
    rules_judged: dict[str, int] = field(default_factory=dict)
    metric_info: dict[str, MetricInfo] = field(default_factory=dict)
    report_metrics: tuple[str, ...] | None = None  # None: not declared (an older file)
    #: declared metrics this run could not compute, each with what computing it needs
    #: (an optional package, a local model); written only when there are some
    absent_metrics: dict[str, str] = field(default_factory=dict)

    def info(self, metric: str) -> MetricInfo:
        return self.metric_info.get(metric) or MetricInfo(metric)

    def shown_metrics(self) -> list[str]:
        """The metrics a report shows beside the main one, in order."""
        names = list(self.report_metrics) if self.report_metrics is not None else \
            [k for k in self.metrics if k != self.main_metric][:3]
        return [n for n in names if n in self.metrics]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "version": self.version, "n": self.n, "n_infra_error": self.n_infra_error, "n_passed": self.n_passed,
            "main_metric": self.main_metric, "score": self.score, "ci": list(self.ci) if self.ci else None,
            "ci_method": self.ci_method, "metrics": dict(self.metrics), "failures": dict(self.failures)}
        if self.rules_judged:
            d["rules_judged"] = dict(self.rules_judged)
        d["checksum"] = self.checksum
        d["outcomes"] = self.outcomes.to_dict() if self.outcomes else None
        if self.metric_info:
            d["metric_info"] = {k: v.to_dict() for k, v in self.metric_info.items()}
        if self.report_metrics is not None:
            d["report_metrics"] = list(self.report_metrics)
        if self.absent_metrics:
            d["absent_metrics"] = dict(self.absent_metrics)
        return d

    @classmethod
    def from_dict(cls, name: str, d: Any, where: str = "") -> TaskResults:
        counts = {}
        for key in ("n", "n_infra_error"):
            counts[key] = field_of(d, key, "integer", where, default=0)
            if counts[key] < 0:
                raise RecordError(f"{where}{key}: expected an integer >= 0, got {counts[key]}")
        main = field_of(d, "main_metric", "string", where, default="accuracy")
        score = field_of(d, "score", "number", where, default=None, nullable=True)
        n_passed = field_of(d, "n_passed", "integer", where, default=None, nullable=True)
        if n_passed is None and score is not None and main == "accuracy":
            n_passed = round(score * counts["n"])  # files from before n_passed was written
        ci = field_of(d, "ci", "array", where, default=None, nullable=True)
        if ci is not None and (len(ci) != 2 or not all(kind_of(x) in ("integer", "number") for x in ci)):
            raise RecordError(f"{where}ci: expected [low, high] numbers, got {ci!r:.60}")
        outcomes = field_of(d, "outcomes", "object", where, default=None, nullable=True)
        info = field_of(d, "metric_info", "object", where, default={})
        shown = field_of(d, "report_metrics", "array", where, default=None, nullable=True)
        if shown is not None and not all(isinstance(x, str) for x in shown):
            raise RecordError(f"{where}report_metrics: expected metric names")
        absent = field_of(d, "absent_metrics", "object", where, default={})
        for key in absent:
            field_of(absent, key, "string", f"{where}absent_metrics/")
        return cls(
            name=name, version=field_of(d, "version", "string", where, default=None, nullable=True),
            n=counts["n"], n_infra_error=counts["n_infra_error"], n_passed=n_passed, main_metric=main,
            score=score, ci=(float(ci[0]), float(ci[1])) if ci else None,
            ci_method=field_of(d, "ci_method", "string", where, default=None, nullable=True),
            metrics=_numbers(field_of(d, "metrics", "object", where, default={}), f"{where}metrics/"),
            failures=_numbers(field_of(d, "failures", "object", where, default={}), f"{where}failures/", "integer"),
            checksum=field_of(d, "checksum", "string", where, default=None, nullable=True),
            outcomes=Outcomes.from_dict(outcomes, f"{where}outcomes/") if outcomes is not None else None,
            rules_judged=_numbers(field_of(d, "rules_judged", "object", where, default={}),
                                  f"{where}rules_judged/", "integer"),
            metric_info={k: MetricInfo.from_dict(v, f"{where}metric_info/{k}/") for k, v in info.items()},
            report_metrics=tuple(shown) if shown is not None else None, absent_metrics=dict(absent))


@record
class ResultTotals:
    samples: int = 0
    scored: int = 0
    infra_errors: int = 0
    infra_error_kinds: dict[str, int] = field(default_factory=dict)
    missing: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"samples": self.samples, "scored": self.scored, "infra_errors": self.infra_errors,
                "infra_error_kinds": dict(self.infra_error_kinds), "missing": self.missing}

    @classmethod
    def from_dict(cls, d: Any) -> ResultTotals:
        w = "totals/"
        return cls(*(field_of(d, k, "integer", w, default=0) for k in ("samples", "scored", "infra_errors")),
                   _numbers(field_of(d, "infra_error_kinds", "object", w, default={}), f"{w}infra_error_kinds/",
                            "integer"),
                   field_of(d, "missing", "integer", w, default=0))


@record
class RunResults:
    """``results.json``: what was run and its per-task results."""

    fcbench_version: str | None
    model: str | None
    mode: str | None
    rules: str
    split: str | None
    suite: dict[str, Any] | None
    limit: int | None
    created: str | None
    fingerprint: str | None
    tasks: dict[str, TaskResults]
    totals: ResultTotals = field(default_factory=ResultTotals)
    protocol: str = "plan"  # plan | interactive (written only when interactive)
    budget: dict[str, Any] | None = None  # the interactive protocol's turn and call budget
    shard: str | None = None  # "i/N" for one shard of a run (written only then): part of a run, never a result

    @property
    def suite_name(self) -> str:
        return str((self.suite or {}).get("name") or DEFAULT_SUITE)

    def to_dict(self) -> dict[str, Any]:
        return {"fcbench_version": self.fcbench_version, "model": self.model, "mode": self.mode,
                "rules": self.rules, "split": self.split, "suite": self.suite, "limit": self.limit,
                "created": self.created, "fingerprint": self.fingerprint,
                **({"protocol": self.protocol, "budget": self.budget} if self.protocol != "plan" else {}),
                **({"shard": self.shard} if self.shard is not None else {}),
                "tasks": {k: t.to_dict() for k, t in self.tasks.items()}, "totals": self.totals.to_dict()}

    @classmethod
    def from_dict(cls, d: Any) -> RunResults:
        tasks = field_of(d, "tasks", "object")
        mode = field_of(d, "mode", "string", default=None, nullable=True)
        if mode is not None:
            _choice(mode, MODES, "mode")
        suite = field_of(d, "suite", "object", default=None, nullable=True)
        _check_suite(suite)
        return cls(
            fcbench_version=field_of(d, "fcbench_version", "string", default=None, nullable=True),
            model=field_of(d, "model", "string", default=None, nullable=True), mode=mode,
            rules=_choice(field_of(d, "rules", "string", default="fcbench"), RULES, "rules"),
            split=field_of(d, "split", "string", default=None, nullable=True), suite=suite,
            limit=field_of(d, "limit", "integer", default=None, nullable=True),
            created=field_of(d, "created", "string", default=None, nullable=True),
            fingerprint=field_of(d, "fingerprint", "string", default=None, nullable=True),
            tasks={name: TaskResults.from_dict(name, t, f"tasks/{name}/") for name, t in tasks.items()},
            totals=ResultTotals.from_dict(field_of(d, "totals", "object", default={})),
            protocol=_choice(field_of(d, "protocol", "string", default="plan"), PROTOCOLS, "protocol"),
            budget=_budget(field_of(d, "budget", "object", default=None, nullable=True), "budget/"),
            shard=field_of(d, "shard", "string", default=None, nullable=True))


def _check_suite(d: Any) -> None:
    if d is not None:
        field_of(d, "name", "string", "suite/", default=None, nullable=True)
        field_of(d, "path", "string", "suite/", default=None, nullable=True)


def _check_sampling(d: Any, where: str) -> dict[str, Any]:
    field_of(d, "temperature", "number", where, default=None, nullable=True)
    field_of(d, "max_tokens", "integer", where, default=None, nullable=True)
    field_of(d, "seed", "integer", where, default=None, nullable=True)
    return d


# --------------------------------------------------------------------- run.json
@record
class TaskData:
    """A task's data as a run used it: version, data checksum, sample count."""

    version: str | None = None
    checksum: str | None = None
    samples: int | None = None

    @classmethod
    def from_dict(cls, d: Any, where: str) -> TaskData:
        return cls(field_of(d, "version", "string", where, default=None, nullable=True),
                   field_of(d, "checksum", "string", where, default=None, nullable=True),
                   field_of(d, "samples", "integer", where, default=None, nullable=True))


@record
class RunManifest:
    """``run.json``. The fields fcbench reads are typed; `data` keeps the whole file, so
    that a resumed run writes back everything it read (the runner is the only writer)."""

    fingerprint: str
    model: str
    mode: str
    rules: str
    protocol: str
    split: str
    limit: int | None
    concurrency: int | None
    status: str | None
    created: str | None
    suite: dict[str, Any] | None
    sampling: dict[str, Any]
    fingerprint_fields: dict[str, Any]
    tasks: dict[str, TaskData]
    sessions: tuple[dict[str, Any], ...]
    totals: dict[str, Any]
    data: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def data_of(self) -> dict[str, TaskData]:
        """Per task, the version and checksum the run's fingerprint holds."""
        known = (self.fingerprint_fields.get("tasks") or {})
        return {name: TaskData(v.get("version"), v.get("checksum")) for name, v in known.items()}

    @classmethod
    def from_dict(cls, d: Any) -> RunManifest:
        fields = field_of(d, "fingerprint_fields", "object", default={})
        for name, task in field_of(fields, "tasks", "object", "fingerprint_fields/", default={}).items():
            TaskData.from_dict(task, f"fingerprint_fields/tasks/{name}/")
        _check_sampling(field_of(fields, "sampling", "object", "fingerprint_fields/", default={}),
                        "fingerprint_fields/sampling/")
        field_of(fields, "judge", "string", "fingerprint_fields/", default=None, nullable=True)
        # what --resume runs again is read from here: mode, split and limit as strictly as their top-level copies
        _choice(field_of(fields, "mode", "string", "fingerprint_fields/", default="native"), MODES, "mode")
        field_of(fields, "split", "string", "fingerprint_fields/", default="test")
        _positive(fields, "limit", "fingerprint_fields/")
        _choice(field_of(fields, "rules", "string", "fingerprint_fields/", default="fcbench"), RULES, "rules")
        _choice(field_of(fields, "protocol", "string", "fingerprint_fields/", default="plan"), PROTOCOLS, "protocol")
        _budget(field_of(fields, "budget", "object", "fingerprint_fields/", default=None, nullable=True),
                "fingerprint_fields/budget/")
        sessions = field_of(d, "sessions", "array", default=[])
        for i, session in enumerate(sessions):
            field_of(session, "started", "string", f"sessions/{i}/", default=None, nullable=True)
        totals = field_of(d, "totals", "object", default={})
        for key in ("prompt_tokens", "completion_tokens", "retried_attempts", "infra_errors"):
            field_of(totals, key, "integer", "totals/", default=None, nullable=True)
        field_of(totals, "cost_usd_estimate", "number", "totals/", default=None, nullable=True)
        _numbers(field_of(totals, "latency_s", "object", "totals/", default={}), "totals/latency_s/")
        field_of(d, "model_args", "object", default={})
        field_of(d, "backend", "object", default={})
        suite = field_of(d, "suite", "object", default=None, nullable=True)
        _check_suite(suite)
        return cls(
            fingerprint=field_of(d, "fingerprint", "string"), model=field_of(d, "model", "string"),
            mode=_choice(field_of(d, "mode", "string", default="native"), MODES, "mode"),
            rules=_choice(field_of(d, "rules", "string", default="fcbench"), RULES, "rules"),
            protocol=_choice(field_of(d, "protocol", "string", default="plan"), PROTOCOLS, "protocol"),
            split=field_of(d, "split", "string", default="test"), limit=_positive(d, "limit"),
            concurrency=_positive(d, "concurrency"),
            status=field_of(d, "status", "string", default=None, nullable=True),
            created=field_of(d, "created", "string", default=None, nullable=True), suite=suite,
            sampling=_check_sampling(field_of(d, "sampling", "object", default={}), "sampling/"),
            fingerprint_fields=fields,
            tasks={name: TaskData.from_dict(t, f"tasks/{name}/")
                   for name, t in field_of(d, "tasks", "object", default={}).items()},
            sessions=tuple(sessions), totals=totals, data=d)


# ---------------------------------------------------------------- samples.jsonl
def _torn_tail(tail: bytes) -> bool:
    """Is this unterminated last line what a kill mid-write leaves (a prefix of a result line)?"""
    return tail.startswith(LINE_START) or LINE_START.startswith(tail)


def read_samples(run_dir: Path) -> dict[str, SampleResult]:
    """The latest result per sample id of a run folder's ``samples.jsonl`` ({} without one).

    Strict: a torn trailing line (a kill mid-write) is ignored; any other line that is not
    UTF-8, not JSON or not a result is one `UsageError` naming the file, line and field.
    When a sample appears twice the later line wins (an infrastructure failure re-run).
    """
    path = Path(run_dir) / SAMPLES
    latest: dict[str, SampleResult] = {}
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return latest
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a newline
    if tail and not _torn_tail(tail):
        raise UsageError(f"{path}:{len(lines) + 1}: the last line is not a result line cut off by a kill "
                         f"(it starts {tail[:30]!r}); remove that line, then run again")
    for lineno, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(f"{where}: not UTF-8 ({exc.reason} at byte {exc.start}); "
                             "remove or repair that line") from None
        try:
            record = json.loads(text)
        except (ValueError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else type(exc).__name__
            raise UsageError(f"{where}: not a JSON result line ({reason}); remove or repair that line") from None
        try:
            result = SampleResult.from_dict(record)
        except RecordError as exc:
            raise UsageError(f"{where}: not a result line: {exc}") from None
        latest[result.sample_id] = result
    return latest


# -------------------------------------------------------------------- the reader
def _checked(path: Path, parse: Any) -> Any:
    try:
        return parse(read_json(path))
    except RecordError as exc:
        raise UsageError(f"{path}: field {exc}") from None


def read_manifest(path: Path) -> RunManifest:
    """A checked ``run.json``."""
    return _checked(path, RunManifest.from_dict)


def read_results_file(path: Path) -> RunResults:
    """A checked ``results.json``."""
    return _checked(path, RunResults.from_dict)


@record
class Run:
    """What a run folder (or a bare ``results.json``) holds, checked.

    `results` is None for a run that has not finished; `manifest` None for a bare
    results file; `folder` None when nothing beside the results file belongs to a run.
    """

    source: Path
    folder: Path | None
    manifest: RunManifest | None
    results: RunResults | None

    @property
    def has_samples(self) -> bool:
        return self.folder is not None and (self.folder / SAMPLES).exists()

    def samples(self) -> dict[str, SampleResult]:
        """The latest result per sample (``samples.jsonl`` read strictly; {} when there is none)."""
        return read_samples(self.folder) if self.folder is not None else {}

    def iter_samples(self) -> Iterator[SampleResult]:
        yield from sorted(self.samples().values(), key=lambda r: (r.task, r.sample_id))


def read_run(path: Path | str, *, finished: bool = True) -> Run:
    """A run folder or a ``results.json`` file, checked and upgraded (see the module docstring).

    With `finished` (reports, comparisons, leaderboards) a folder must hold ``results.json``;
    without it (``show``, resume) ``run.json`` is enough.
    """
    path = Path(path)
    if path.is_dir():
        folder, results_file = path, path / RESULTS
        if not results_file.exists() and finished:
            if (folder / MANIFEST).exists():
                raise UsageError(f"{path}: no {RESULTS} (a run that never finished: fcbench run --resume {path})")
            raise UsageError(f"{path}: not a finished run folder (no {RESULTS})")
        if not finished and not (folder / MANIFEST).exists():
            raise UsageError(f"{path}: not a run folder (no {MANIFEST})")
    elif path.exists():
        folder, results_file = path.parent, path
    else:
        raise UsageError(f"{path}: no such run folder or results file")
    manifest = read_manifest(folder / MANIFEST) if (folder / MANIFEST).exists() else None
    results = read_results_file(results_file) if results_file.exists() else None
    if results is not None and manifest is not None:
        results = _upgraded(results, manifest)
    has_run = manifest is not None or (folder / SAMPLES).exists()
    return Run(path, folder if has_run else None, manifest, results)


def _upgraded(results: RunResults, manifest: RunManifest) -> RunResults:
    """Older results files lack per-task checksums, the date and the limit; run.json has them."""
    known = manifest.data_of
    tasks = {name: (t if t.checksum or not (known.get(name) and known[name].checksum)
                    else replace(t, checksum=known[name].checksum)) for name, t in results.tasks.items()}
    return replace(results, tasks=tasks, created=results.created or manifest.created,
                   limit=results.limit if results.limit is not None else manifest.limit)
