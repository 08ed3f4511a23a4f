"""Experiments: variants run interleaved under real offline CodeCarbon trackers, then
compared; and the example that does it for fp32 against int8."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from boamps_carbon import InputError, experiment
from boamps_carbon.readings.compare import as_text

CONTEXT = ROOT / "examples" / "experiment_context.json"
OPTIONS: dict[str, Any] = {"country_iso_code": "FRA", "measure_power_secs": 0.2}


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        sum(i * i for i in range(1000))


def test_variants_run_interleaved_after_a_warm_up(tmp_path: Path) -> None:
    calls: list[str] = []

    def variant(name: str, seconds: float, accuracy: float) -> Any:
        def run() -> dict[str, Any]:
            calls.append(name)
            busy(seconds)
            return {"accuracy": accuracy, "requests": 200}

        return run

    output = tmp_path / "runs.jsonl"
    done = experiment(
        {"fp32": variant("fp32", 0.25, 0.93), "int8": variant("int8", 0.05, 0.91)},
        repeats=3,
        context=CONTEXT,
        output=output,
        **OPTIONS,
    )
    assert calls == ["fp32", "int8"] * 4  # one warm-up each, then A B A B A B
    assert [(r.variant, r.repeat) for r in done.runs] == [
        ("fp32", 1),
        ("int8", 1),
        ("fp32", 2),
        ("int8", 2),
        ("fp32", 3),
        ("int8", 3),
    ]
    written = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [r["header"]["reportId"] for r in written] == [
        str(r.report.header.report_id) for r in done.runs
    ]
    for run, report in zip(done.runs, written, strict=True):
        task = report["task"]
        assert task["algorithms"][0]["quantization"] == run.variant
        assert task["measuredAccuracy"] == {"fp32": 0.93, "int8": 0.91}[run.variant]
        assert task["nbRequest"] == 200
        assert run.latency_s == run.seconds / 200
        assert re.fullmatch(
            rf"Experiment variant {run.variant}, run {run.repeat} of 3: 200 requests in "
            r"[0-9.e-]+ s, [0-9.e-]+ s per request\.",
            task["taskDescription"],
        )
        assert report["measures"][0]["measurementMethod"] == "codecarbon"
        assert report["measures"][0]["powerConsumption"] > 0
        assert run.path == output
    frame = done.comparison
    assert list(zip(frame["group"], frame["metric"], frame["runs"], strict=True)) == [
        ("fp32", "energy", 3),
        ("int8", "energy", 3),
        ("fp32", "energy-per-request", 3),
        ("int8", "energy-per-request", 3),
        ("fp32", "accuracy", 3),
        ("int8", "accuracy", 3),
    ]
    assert frame.attrs["baseline"] == "fp32"
    assert done.sentences[2] == (
        "int8 had 2.2% lower accuracy than fp32 (the same in every run, 3 runs each)."
    )
    assert re.fullmatch(
        r"int8 used [0-9.]+% (less|more) energy per request than fp32 \(95% CI .+, 3 runs "
        r"each\), accuracy 0\.91 vs 0\.93\.",
        done.sentences[1],
    )
    # five times less work, measured: less energy
    assert frame.iloc[1]["relative_difference"] < 0
    assert as_text(frame).startswith("energy by task.algorithms[0].quantization\n")


def test_a_variant_may_return_nothing_and_the_field_is_chosen() -> None:
    done = experiment(
        {"small": lambda: busy(0.02), "large": lambda: busy(0.04)},
        repeats=1,
        context=CONTEXT,
        field="task.algorithms[0].algorithmName",
        warmup=False,
        **OPTIONS,
    )
    assert [r.report.task.algorithms[0].algorithm_name for r in done.runs] == ["small", "large"]
    assert [r.requests for r in done.runs] == [None, None]
    assert list(done.comparison["metric"]) == ["energy", "energy"]
    assert list(done.comparison["group"]) == ["small", "large"]
    assert done.sentences[0].endswith(
        "(1 runs each: fewer than 3 runs in large, no interval or p-value)."
    )


def test_bad_experiments_stop_before_or_without_reports(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        experiment({"only": lambda: None}, context=CONTEXT, **OPTIONS)
    assert caught.value.message == (
        "An experiment needs two variants or more at variants: only. Give them as "
        '{"fp32": run_fp32, "int8": run_int8}.'
    )
    with pytest.raises(InputError) as caught:
        experiment({"a": lambda: None, "b": lambda: None}, output=tmp_path / "r.json", **OPTIONS)
    assert caught.value.message == (
        f"One file cannot hold every run at output: {tmp_path / 'r.json'}. Give a folder or "
        "a .jsonl file."
    )
    output = tmp_path / "runs.jsonl"
    with pytest.raises(InputError) as caught:
        experiment(
            {"a": lambda: {"accuracy": 0.5}, "b": lambda: {"accuracy": 93}},
            repeats=1,
            context=CONTEXT,
            output=output,
            warmup=False,
            **OPTIONS,
        )
    assert caught.value.message == (
        "Accuracy is a fraction at variant 'b': accuracy: 93.0. Give it between 0 and 1 "
        "(0.93 for 93%)."
    )
    assert len(output.read_text(encoding="utf-8").splitlines()) == 1  # a's run only
    with pytest.raises(InputError, match=r"^A variant returned something else than a dict"):
        experiment({"a": lambda: 1, "b": lambda: None}, context=CONTEXT, **OPTIONS)


def test_the_quantization_example_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "experiment_quantization.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # this checkout, not an installed copy
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(
        r"int8 used [0-9.]+% (less|more) energy per request than fp32 \(95% CI .+, 3 runs "
        r"each\), accuracy 0\.938 vs 0\.939\.",
        lines[1],
    )
    assert (
        lines[2] == "int8 had 0.064% lower accuracy than fp32 (the same in every run, 3 runs each)."
    )
    reports = (tmp_path / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(reports) == 6
