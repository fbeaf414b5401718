"""A rich progress bar per task while a run goes, on stderr and only on a terminal."""

from __future__ import annotations

from typing import Any

from fcbench.records import SampleResult


class RunProgress:
    def __init__(self, runner: Any, console: Any, *, enabled: bool = True):
        self.runner = runner
        self.console = console
        self.enabled = enabled and console.is_terminal
        self._progress = None
        self._bars: dict[str, Any] = {}
        self.show_lines = enabled  # not quiet, even without a terminal: batch status lines
        self._last_status: str | None = None

    def __enter__(self) -> RunProgress:
        if not self.enabled:
            return self
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[status]}"), TimeElapsedColumn(),
                                  console=self.console)
        done = self.runner.store.results() if self.runner.resume else {}
        for plan in self.runner.plans:
            finished = sum(1 for s in plan.samples if s.id in done and done[s.id].status == "scored")
            self._bars[plan.task.name] = self._progress.add_task(
                plan.task.name, total=len(plan.samples), completed=finished, status="")
        self._progress.start()
        return self

    def advance(self, task_name: str, result: SampleResult) -> None:
        if self._progress is None:
            return
        bar = self._bars[task_name]
        if result.status == "scored":
            self._progress.advance(bar)
        else:
            self._progress.update(bar, status=f"infra: {result.output.infra_error.kind}")

    def status(self, text: str) -> None:
        """How a ``--batch`` run's batches are doing: on every bar, or (no terminal) a line when it changes."""
        if self._progress is not None:
            for bar in self._bars.values():
                self._progress.update(bar, status=text)
        elif self.show_lines and text != self._last_status:
            self.console.print(f"fcbench: {text}", highlight=False)
        self._last_status = text

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
