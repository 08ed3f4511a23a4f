"""A CodeCarbon output handler that writes our BoAmps report when the tracker stops.

CodeCarbon aborts its own stop() when a handler raises, which would also lose its CSV: this
handler never raises; it logs what went wrong instead.
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from typing import Any

from codecarbon.output_methods.base_output import BaseOutput

from .collect import build_report
from .enrich.tracker import snapshot
from .model import Report
from .schema import DEFAULT_VERSION, SchemaVersion
from .tracking import write_report

log = logging.getLogger("boamps_carbon")


def _calling_tracker() -> Any:
    # CodeCarbon calls out() from the tracker's own method: its `self` is the tracker
    frame = inspect.currentframe()
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if candidate is not None and hasattr(candidate, "_hardware"):
            return candidate
        frame = frame.f_back
    return None


class BoAmpsHandler(BaseOutput):
    def __init__(
        self,
        context: Any = None,
        output: str | Path = "boamps-reports",
        *,
        measures: str = "total",
        schema_version: str | SchemaVersion = DEFAULT_VERSION,
        tracker: Any = None,
    ) -> None:
        self.context, self.output, self.measures = context, output, measures
        self.schema_version, self.tracker = schema_version, tracker
        self.report: Report | None = None
        self.path: Path | str | None = None  # a database URL when output is one
        self.error: Exception | None = None

    def out(self, total: Any, delta: Any) -> None:
        try:
            tracker = self.tracker or _calling_tracker()
            snap = snapshot(tracker, emissions=total)
            data, notes = build_report(
                snap, self.context, measures=self.measures, schema_version=self.schema_version
            )
            for note in notes:
                log.warning("boamps report: %s", note)
            self.report = Report.model_validate(data)
            self.path = write_report(self.report, self.output)
        except Exception as exc:  # never into CodeCarbon: its stop() and CSV must go on
            self.error = exc
            log.error("boamps report not written: %s", exc)

    def live_out(self, total: Any, delta: Any) -> None:
        """Nothing: a report describes a finished run."""

    def task_out(self, data: Any, experiment_name: Any) -> None:
        """Nothing: task runs are in CodeCarbon's own outputs."""
