"""Groups of runs compared on a metric: per group its spread, against the baseline the
relative difference (seeded bootstrap interval) and Welch's p-value, and a plain sentence.

Streams the reports: what stays in memory is one float per run, group and metric (the
bootstrap needs every value), never a report."""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, NoReportError
from ..render import units
from ..render.figures import ReportFigures, figures
from ..schema import DEFAULT_VERSION, SchemaVersion
from ..validation.semantic import number
from . import stats
from .paths import NOT_STATED, getter, group_label
from .scales import fine_energy
from .source import OnInvalid, Source, valid_reports


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    value: Callable[[ReportFigures, dict[str, Any]], float | None]
    show: Callable[[float], str]  # a value for people, in a unit that suits its size
    verb: str  # "{variant} used 38% less energy than {baseline}"
    less: str
    more: str
    # what the quantity can be: a t interval of the mean, symmetric, can reach past it (below
    # 0 kWh when runs are few and spread wide); it is clipped there, and the table says so
    lowest: float = 0.0
    highest: float = math.inf


def _request_energy(found: ReportFigures, report: dict[str, Any]) -> float | None:
    requests = number((report.get("task") or {}).get("nbRequest"))
    return found.energy_kwh / requests if requests is not None and requests > 0 else None


def _accuracy(found: ReportFigures, report: dict[str, Any]) -> float | None:
    return number((report.get("task") or {}).get("measuredAccuracy"))


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "energy",
            "kWh",
            lambda f, r: f.energy_kwh,
            fine_energy,
            "used {amount} {direction} energy than",
            "less",
            "more",
        ),
        Metric(
            "emissions",
            "kg CO2e",
            lambda f, r: f.emissions_kg,
            units.mass,
            "emitted {amount} {direction} CO2e than",
            "less",
            "more",
        ),
        Metric(
            "duration",
            "s",
            lambda f, r: f.duration_s,
            units.duration,
            "took {amount} {direction} time than",
            "less",
            "more",
        ),
        Metric(
            "energy-per-request",
            "kWh",
            _request_energy,
            fine_energy,
            "used {amount} {direction} energy per request than",
            "less",
            "more",
        ),
        Metric(
            "accuracy",
            "",
            _accuracy,
            lambda v: f"{v:.3g}",
            "had {amount} {direction} accuracy than",
            "lower",
            "higher",
            highest=1.0,  # a fraction (the schema's range)
        ),
    )
}

COLUMNS = [
    "group",
    "metric",
    "unit",
    "runs",
    "missing",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "baseline",
    "relative_difference",
    "relative_ci_low",
    "relative_ci_high",
    "p_value",
    "sentence",
]


class Collected:
    """Per group and metric, the values of every run that has one, and the count of runs
    that have none (no intensity for emissions, no nbRequest...): nothing dropped unsaid."""

    def __init__(self, metrics: list[str]) -> None:
        self.metrics = metrics
        # 8 bytes a value (a list of floats would take 32)
        self.values: dict[str, dict[str, array[float]]] = {}
        self.missing: dict[str, dict[str, int]] = {}

    def add(self, group: str, found: ReportFigures, report: dict[str, Any]) -> None:
        values = self.values.get(group)
        if values is None:
            # accuracy is always gathered: the sentences quote it beside the other metrics
            values = {m: array("d") for m in [*self.metrics, "accuracy"]}
            self.values[group] = values
        missing = self.missing.setdefault(group, dict.fromkeys(values, 0))
        for name in values:
            value = METRICS[name].value(found, report)
            if value is None or not math.isfinite(value):
                missing[name] += 1
            else:
                values[name].append(value)


def check_metrics(metrics: list[str] | tuple[str, ...] | None) -> list[str]:
    chosen = list(metrics or ["energy"])
    for name in chosen:
        if name not in METRICS:
            raise InputError(
                "Unknown metric", "--metric", repr(name), f"Use one of: {', '.join(METRICS)}."
            )
    return list(dict.fromkeys(chosen))


def collect(
    source: Source,
    by: str,
    metrics: list[str],
    version: str | SchemaVersion = DEFAULT_VERSION,
    on_invalid: OnInvalid | None = None,
) -> Collected:
    value_of = getter(by)
    collected = Collected(metrics)
    for report in valid_reports(source, version, on_invalid):
        collected.add(group_label(value_of(report)), figures(report), report)
    return collected


def compare(
    source: Source,
    by: str,
    *,
    baseline: str | None = None,
    metrics: list[str] | tuple[str, ...] | None = None,
    seed: int = 0,
    resamples: int = stats.RESAMPLES,
    version: str | SchemaVersion = DEFAULT_VERSION,
    on_invalid: OnInvalid | None = None,
) -> Any:
    """A pandas DataFrame, one row per group and metric (COLUMNS), groups sorted with the
    baseline first. `source`: paths, folders, `.jsonl` files, reports (dicts), or an
    iterable of them. `baseline` defaults to the first group in sorted order."""
    chosen = check_metrics(metrics)
    collected = collect(source, by, chosen, version, on_invalid)
    return table(collected, by, baseline, seed, resamples)


def table(collected: Collected, by: str, baseline: str | None, seed: int, resamples: int) -> Any:
    import pandas as pd

    # runs without the field come last, and are never the baseline unless nothing else is
    groups = sorted(collected.values, key=lambda name: (name == NOT_STATED, name))
    if not groups:
        raise NoReportError("No report to compare", by, "no valid report", "Give some reports.")
    if groups == [NOT_STATED]:  # most likely a misspelt path: one group of everything says nothing
        raise InputError(
            "No report has the field",
            "--by",
            repr(by),
            "Check the path against a report (e.g. task.algorithms[0].quantization).",
        )
    if baseline is None:
        baseline = groups[0]
    if baseline not in collected.values:
        raise InputError(
            "Unknown baseline",
            "--baseline",
            repr(baseline),
            f"The groups by {by} are: {', '.join(groups)}.",
        )
    groups = [baseline, *(g for g in groups if g != baseline)]
    rows = []
    clipped: list[tuple[str, str, str]] = []  # (group, metric, "low" or "high") clipped
    for metric in collected.metrics:
        base = collected.values[baseline][metric]
        for group in groups:
            values = collected.values[group][metric]
            found = stats.spread(values)
            low, high = clip(METRICS[metric], found.low, found.high)
            clipped += [(group, metric, "low")] if low != found.low else []
            clipped += [(group, metric, "high")] if high != found.high else []
            row: dict[str, Any] = {
                "group": group,
                "metric": metric,
                "unit": METRICS[metric].unit,
                "runs": found.runs,
                "missing": collected.missing[group][metric],
                "mean": found.mean,
                "sd": found.sd,
                "ci_low": low,
                "ci_high": high,
                "baseline": baseline,
                "relative_difference": math.nan,
                "relative_ci_low": math.nan,
                "relative_ci_high": math.nan,
                "p_value": math.nan,
                "sentence": "",
            }
            if group != baseline:
                low, high = stats.bootstrap_interval(values, base, seed, resamples)
                row.update(
                    relative_difference=stats.relative_difference(values, base),
                    relative_ci_low=low,
                    relative_ci_high=high,
                    p_value=stats.welch_p(values, base),
                )
                row["sentence"] = sentence(
                    row, base, collected.values[group], collected.values[baseline]
                )
            rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs.update(by=by, baseline=baseline, seed=seed, resamples=resamples, clipped=clipped)
    return frame


def clip(metric: Metric, low: float, high: float) -> tuple[float, float]:
    """The t interval held to what the metric can be (NaN stays NaN)."""
    if math.isfinite(low) and low < metric.lowest:
        low = metric.lowest
    if math.isfinite(high) and high > metric.highest:
        high = metric.highest
    return low, high


def percent(fraction: float) -> str:
    """38% from -0.38; 4.2% and 0.35% below 10%."""
    value = abs(fraction) * 100
    if round(value) >= 10:
        return f"{value:.0f}"
    return f"{value:.2g}" if value < 1 else f"{value:.1f}"


def _interval(low: float, high: float, less: str, more: str) -> str:
    if high < 0:  # both below the baseline: a reduction between |high| and |low|
        return f"{percent(high)}-{percent(low)}%"
    if low > 0:
        return f"{percent(low)}-{percent(high)}%"
    return f"{percent(low)}% {less} to {percent(high)}% {more}"


def sentence(
    row: dict[str, Any],
    base: array[float],
    variant: dict[str, array[float]],
    baseline_values: dict[str, array[float]],
) -> str:
    """The row's finding in words; `base` holds the baseline's values of the row's metric."""
    metric = METRICS[row["metric"]]
    baseline_runs = len(base)
    group, baseline, runs = row["group"], row["baseline"], row["runs"]
    counts = f"{runs} runs each" if runs == baseline_runs else f"{runs} and {baseline_runs} runs"
    difference = row["relative_difference"]
    if runs == 0 or baseline_runs == 0:
        empty = group if runs == 0 else baseline
        return f"{group} cannot be compared with {baseline} on {metric.name}: {empty} has no value."
    if not math.isfinite(difference):
        return f"{group} cannot be compared with {baseline} on {metric.name}: the baseline is 0."
    if difference == 0:
        text = f"{group} matched {baseline} on {metric.name}"
    else:
        direction = metric.less if difference < 0 else metric.more
        amount = f"{percent(difference)}%"
        text = f"{group} {metric.verb.format(amount=amount, direction=direction)} {baseline}"
    if min(runs, baseline_runs) < stats.MIN_RUNS:
        few = group if runs < stats.MIN_RUNS else baseline
        text += f" ({counts}: fewer than {stats.MIN_RUNS} runs in {few}, no interval or p-value)"
    elif row["sd"] == 0 and min(base) == max(base):
        text += f" (the same in every run, {counts})"
    elif math.isfinite(row["relative_ci_low"]):
        interval = _interval(
            row["relative_ci_low"], row["relative_ci_high"], metric.less, metric.more
        )
        text += f" (95% CI {interval}, {counts})"
    else:
        text += f" ({counts})"
    accuracy = baseline_values["accuracy"]
    if metric.name != "accuracy" and variant["accuracy"] and accuracy:
        mine, theirs = stats.average(variant["accuracy"]), stats.average(accuracy)
        text += f", accuracy {mine:.3g} vs {theirs:.3g}"
    return text + "."


def _shown(metric: Metric, value: float) -> str:
    return metric.show(value) if math.isfinite(value) else "-"


def as_text(frame: Any, markdown: bool = False) -> str:
    """A table per metric, then the sentences."""
    by, baseline = frame.attrs["by"], frame.attrs["baseline"]
    clipped = {tuple(c) for c in frame.attrs.get("clipped", [])}
    blocks, sentences = [], []
    for metric_name, part in frame.groupby("metric", sort=False):
        metric = METRICS[str(metric_name)]
        marked = False
        vs = f"vs {_one_line(baseline)}"
        header = ["group", "runs", "mean", "sd", "95% CI", vs, "95% CI", "p"]
        body = []
        for row in part.to_dict("records"):
            relative = row["relative_difference"]
            body.append(
                [
                    _one_line(row["group"]),
                    str(row["runs"]) + (f" (+{row['missing']} without)" if row["missing"] else ""),
                    _shown(metric, row["mean"]),
                    _shown(metric, row["sd"]),
                    _range(metric, row["ci_low"], row["ci_high"], row["group"], clipped),
                    "baseline"
                    if row["group"] == baseline
                    else (_signed(relative) if math.isfinite(relative) else "-"),
                    _relative_range(row["relative_ci_low"], row["relative_ci_high"]),
                    f"{row['p_value']:.3g}" if math.isfinite(row["p_value"]) else "-",
                ]
            )
            marked = marked or any(c[:2] == (row["group"], metric.name) for c in clipped)
            if row["sentence"]:
                sentences.append(_one_line(row["sentence"]))
        title = f"{metric.name} by {_one_line(by)}"
        block = _markdown(title, header, body) if markdown else _text(title, header, body)
        if marked:
            block += ("\n" if markdown else "") + _clip_note(metric) + "\n"
        blocks.append(block)
    return "\n".join(blocks) + "\n" + "\n".join(sentences) + "\n"


def _clip_note(metric: Metric) -> str:
    if math.isfinite(metric.highest):
        where = f"outside {metric.show(metric.lowest)} to {metric.show(metric.highest)}"
    else:
        where = f"below {metric.show(metric.lowest)}"
    return f"(clipped): the t interval of the mean reached {where}, which {metric.name} cannot."


def _range(
    metric: Metric, low: float, high: float, group: str, clipped: set[tuple[Any, ...]]
) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "-"
    low_text, high_text = metric.show(low), metric.show(high)
    if (group, metric.name, "low") in clipped:
        low_text += " (clipped)"
    if (group, metric.name, "high") in clipped:
        high_text += " (clipped)"
    return f"{low_text} to {high_text}"


def _relative_range(low: float, high: float) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "-"
    return f"{_signed(low)} to {_signed(high)}"


def _signed(fraction: float) -> str:
    return f"{'-' if fraction < 0 else '+'}{percent(fraction)}%"


def _one_line(text: str) -> str:
    """A group's name on one line of a table: line ends and tabs become spaces, other
    control characters show as escapes (`printable`) instead of reaching the terminal."""
    from ..printable import printable

    return printable(str(text)).replace("\n", " ").replace("\t", " ")


def _text(title: str, header: list[str], body: list[list[str]]) -> str:
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(line)
        ).rstrip()
        for line in [header, *body]
    ]
    return title + "\n" + "\n".join(lines) + "\n"


def _markdown(title: str, header: list[str], body: list[list[str]]) -> str:
    def cells(line: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in line) + " |"

    align = "| --- | " + " | ".join("---:" for _ in header[1:]) + " |"
    return f"### {title}\n\n" + "\n".join([cells(header), align, *map(cells, body)]) + "\n"


def as_csv(frame: Any) -> str:
    from ..render.flat import cell_text

    out = frame.copy()
    for column in ("group", "baseline", "sentence"):
        out[column] = out[column].map(lambda v: cell_text(v) if v != "" else "")
    return str(out.to_csv(index=False, lineterminator="\r\n"))


def as_json(frame: Any) -> str:
    import json

    rows = [
        {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
