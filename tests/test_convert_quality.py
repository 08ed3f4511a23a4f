"""`convert` fills `quality` from the measuring methods' band when the context does not set
it, the same way on the ordinary and the fast path, also when the quality changes from row
to row with how the energy splits between CPU, GPU and RAM."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from test_convert_fast import CONTEXT, Counted, example, fast, many_rows, ordinary

from boamps_carbon.cli import main
from boamps_carbon.conversion import convert
from boamps_carbon.trust.bands import uncertainty

# the CPU by RAPL, the GPU by NVML's counter, RAM by CodeCarbon's heuristic: medium when
# the GPU holds most of the energy, low when RAM's heuristic weighs more
GPU_CONTEXT: dict[str, Any] = {
    **CONTEXT,
    "measures": [{"cpuTrackingMode": "rapl"}, {"gpuTrackingMode": "nvml"}],
}


def gpu_rows(count: int) -> bytes:
    header, samples = example()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for index in range(count):
        row = dict(samples[0])
        gpu = 0.002 if index % 2 == 0 else 0.00001
        row.update(
            run_id=f"{index:08x}-8f6e-4a57-9c43-3a1b2d4e5f60",
            gpu_count="2",
            gpu_model="2 x Tesla V100S-PCIE-32GB",
            codecarbon_version="2.8.4",
            cpu_energy="0.00001",
            ram_energy="0.00001",
            gpu_energy=str(gpu),
            energy_consumed=str(0.00002 + gpu),
        )
        writer.writerow([row[c] for c in header])
    return out.getvalue().encode("utf-8")


def qualities(text: str) -> list[Any]:
    return [json.loads(line).get("quality") for line in text.splitlines()]


def test_cpu_load_rows_are_low_and_stay_on_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    data = many_rows(60)
    counted = Counted(monkeypatch)
    text, found = fast(data, CONTEXT, 1)
    assert counted.rows == 0  # cpuLoad and the RAM heuristic: low whatever the split
    assert qualities(text) == ["low"] * 60
    assert (text, found) == ordinary(data, CONTEXT)


def test_a_quality_that_follows_the_split_is_the_same_both_ways() -> None:
    data = gpu_rows(40)
    expected = ordinary(data, GPU_CONTEXT, measures="components")
    assert qualities(expected[0]) == ["medium", "low"] * 20
    for line in expected[0].splitlines():
        report = json.loads(line)
        assert report["quality"] == uncertainty(report).quality
    assert fast(data, GPU_CONTEXT, 1, measures="components") == expected
    assert fast(data, GPU_CONTEXT, 2, measures="components") == expected


def test_the_context_decides_when_it_sets_quality() -> None:
    data = gpu_rows(4)
    given = {**GPU_CONTEXT, "quality": "low"}
    text, _ = fast(data, given, 1, measures="components")
    assert qualities(text) == ["low"] * 4
    unset = convert(data, GPU_CONTEXT, measures="components", derive_quality=False)
    assert [converted.report.get("quality") for converted in unset] == [None] * 4


def test_a_group_gets_the_band_of_its_measures_together() -> None:
    data = gpu_rows(4)
    rows = list(convert(data, GPU_CONTEXT, measures="components", group_by="experiment_id"))
    assert len(rows) == 1 and len(rows[0].report["measures"]) == 12
    assert rows[0].report["quality"] == uncertainty(rows[0].report).quality == "medium"


def test_cli_fills_quality_unless_told_not_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "emissions.csv"
    source.write_bytes(many_rows(3))
    context = tmp_path / "context.json"
    context.write_text(json.dumps(CONTEXT), encoding="utf-8")
    assert main(["convert", str(source), "--context", str(context), "-o", "-"]) == 0
    assert qualities(capsys.readouterr().out) == ["low"] * 3
    arguments = ["convert", str(source), "--context", str(context), "-o", "-"]
    assert main([*arguments, "--no-derive-quality"]) == 0
    assert qualities(capsys.readouterr().out) == [None] * 3


def test_an_overclaimed_quality_is_in_the_conversion_report_with_its_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "emissions.csv"
    source.write_bytes(many_rows(1))
    context = tmp_path / "context.json"
    context.write_text(json.dumps({**CONTEXT, "quality": "high"}), encoding="utf-8")
    report = tmp_path / "rep.json"
    arguments = ["convert", str(source), "--context", str(context), "-o", "-"]
    assert main([*arguments, "--report", str(report)]) == 0
    capsys.readouterr()
    found = [p for p in json.loads(report.read_text())["problems"] if p["column"] == "quality"]
    assert found == [
        {
            "file": str(source),
            "code": "quality-overclaimed",
            "severity": "warning",
            "row": 1,
            "line": None,
            "column": "quality",
            "value": "high",
            "message": "expected low at best for ramHeuristic, unknown, got high",
            "hint": "Set quality to 'low', or measure with a better method.",
        }
    ]
