"""Repeated runs of variants (fp32 against int8, one model against another), each under its
own CodeCarbon tracker, interleaved so that drift (heat, other load) hits every variant alike,
then compared.

Each run's report records the variant's name at `field` (default
`task.algorithms[0].quantization`), `task.measuredAccuracy` and `task.nbRequest` when the
variant returns them, and the run's latency per request in `task.taskDescription` (BoAmps
has no field for it)."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..context import load_context
from ..errors import InputError
from ..schema import DEFAULT_VERSION, SchemaVersion
from .paths import assign, compile_path

FIELD = "task.algorithms[0].quantization"
Variant = Callable[[], Any]


@dataclass(frozen=True)
class Run:
    variant: str
    repeat: int  # 1 to repeats; warm-up runs are not measured
    seconds: float  # the variant's own time, by the experiment's clock
    requests: float | None
    accuracy: float | None
    report: Any  # boamps_carbon.Report
    path: Path | str | None  # where it was written (a file, or a store's URL), when given

    @property
    def latency_s(self) -> float | None:
        """Seconds per request."""
        return self.seconds / self.requests if self.requests else None


@dataclass
class Experiment:
    runs: list[Run]
    comparison: Any  # pandas DataFrame, as boamps_carbon.compare gives
    field: str

    @property
    def reports(self) -> list[Any]:
        return [run.report for run in self.runs]

    @property
    def sentences(self) -> list[str]:
        return [s for s in self.comparison["sentence"] if s]


def _outcome(name: str, value: Any) -> tuple[float | None, float | None]:
    """`requests` and `accuracy` from what a variant returned (a dict, or None)."""
    if value is None:
        return None, None
    if not isinstance(value, dict):
        raise InputError(
            "A variant returned something else than a dict",
            f"variant {name!r}",
            type(value).__name__,
            'Return None or a dict such as {"accuracy": 0.93, "requests": 1000}.',
        )
    found = []
    for key in ("requests", "accuracy"):
        item = value.get(key)
        if item is not None and (isinstance(item, bool) or not isinstance(item, (int, float))):
            raise InputError(
                "Not a number", f"variant {name!r}: {key}", repr(item), "Return a number."
            )
        found.append(None if item is None else float(item))
    requests, accuracy = found
    if requests is not None and requests <= 0:
        raise InputError(
            "Requests must be positive", f"variant {name!r}: requests", requests, "Count them."
        )
    if accuracy is not None and not 0 <= accuracy <= 1:
        raise InputError(
            "Accuracy is a fraction",
            f"variant {name!r}: accuracy",
            accuracy,
            "Give it between 0 and 1 (0.93 for 93%).",
        )
    return requests, accuracy


def _run_context(
    base: dict[str, Any],
    field: str,
    name: str,
    repeat: int,
    repeats: int,
    seconds: float,
    requests: float | None,
    accuracy: float | None,
) -> dict[str, Any]:
    context = copy.deepcopy(base)
    assign(context, field, name)
    task = context.setdefault("task", {})
    if accuracy is not None:
        task["measuredAccuracy"] = accuracy
    if requests is not None:
        task["nbRequest"] = int(requests) if requests.is_integer() else requests
    note = f"Experiment variant {name}, run {repeat} of {repeats}: "
    if requests:
        note += f"{requests:g} requests in {seconds:.4g} s, {seconds / requests:.4g} s per request."
    else:
        note += f"{seconds:.4g} s."
    before = task.get("taskDescription")
    task["taskDescription"] = f"{before} {note}" if before else note
    return context


def experiment(
    variants: dict[str, Variant],
    repeats: int = 5,
    *,
    context: str | Path | dict[str, Any] | None = None,
    output: str | Path | None = None,
    field: str = FIELD,
    warmup: bool = True,
    seed: int = 0,
    schema_version: str | SchemaVersion = DEFAULT_VERSION,
    **tracker_options: Any,
) -> Experiment:
    """Run every variant `repeats` times, interleaved (A B A B...), after one unmeasured
    warm-up run each; each measured run under its own tracker (offline by default:
    `country_iso_code="FRA"`, or the context's country; any CodeCarbon option such as
    `measure_power_secs`). `output`: a folder or a `.jsonl` file for the reports.
    The comparison holds every variant to the first one on energy, on energy per request
    when the variants return `requests`, and on accuracy when they return `accuracy`."""
    from ..tracking import track
    from .compare import compare

    if len(variants) < 2:
        raise InputError(
            "An experiment needs two variants or more",
            "variants",
            ", ".join(variants) or "none",
            'Give them as {"fp32": run_fp32, "int8": run_int8}.',
        )
    if repeats < 1:
        raise InputError("Repeats must be 1 or more", "repeats", repeats, "Use 5 or 10.")
    if output is not None and Path(output).suffix == ".json":
        raise InputError(
            "One file cannot hold every run",
            "output",
            str(output),
            "Give a folder or a .jsonl file.",
        )
    compile_path(field, "field")
    loaded = load_context(context, schema_version)
    base = {**copy.deepcopy(loaded.base), "projects": copy.deepcopy(loaded.projects)}
    if not base["projects"]:
        del base["projects"]
    settings = track(base, output, schema_version=schema_version, **tracker_options)
    if warmup:
        for name, function in variants.items():
            _outcome(name, function())
    runs = []
    for repeat in range(1, repeats + 1):
        for name, function in variants.items():
            measured = copy.copy(settings)
            with measured:
                try:
                    start = time.perf_counter()
                    value = function()
                    seconds = time.perf_counter() - start
                    requests, accuracy = _outcome(name, value)
                except BaseException:
                    measured.output = None  # a failed run leaves no report behind
                    raise
                # the report is built when the block ends, from this run's context
                measured.context = _run_context(
                    base, field, name, repeat, repeats, seconds, requests, accuracy
                )
            runs.append(
                Run(name, repeat, seconds, requests, accuracy, measured.report, measured.path)
            )
    metrics = ["energy"]
    if all(run.requests for run in runs):
        metrics.append("energy-per-request")
    if all(run.accuracy is not None for run in runs):
        metrics.append("accuracy")
    comparison = compare(
        [run.report.to_dict() for run in runs],
        field,
        baseline=next(iter(variants)),
        metrics=metrics,
        seed=seed,
        version=schema_version,
    )
    return Experiment(runs, comparison, field)
