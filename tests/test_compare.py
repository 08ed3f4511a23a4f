"""Comparisons of groups of runs: field paths, statistics checked against scipy, sentences,
and the `boamps compare` command."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from factories import make_report
from scipy import stats as scipy_stats

from boamps_carbon import InputError, compare
from boamps_carbon.cli import main
from boamps_carbon.readings import stats
from boamps_carbon.readings.compare import as_csv, as_json, as_text
from boamps_carbon.readings.paths import assign, getter

BY = "task.algorithms[0].quantization"
FP32 = [0.010, 0.011, 0.0105, 0.0098, 0.0102]
INT8 = [0.0062, 0.0065, 0.0060, 0.0066, 0.0063]


def run(quantization: str | None, energy: float, accuracy: float, number: int) -> dict[str, Any]:
    report = make_report()
    report["header"]["reportId"] = f"00000000-0000-4000-8000-{number:012d}"
    if quantization is not None:
        report["task"]["algorithms"][0]["quantization"] = quantization
    report["task"]["nbRequest"] = 1000
    report["task"]["measuredAccuracy"] = accuracy
    report["measures"][0]["powerConsumption"] = energy
    return report


def experiment_reports() -> list[dict[str, Any]]:
    return [run("fp32", e, 0.93, i) for i, e in enumerate(FP32)] + [
        run("int8", e, 0.91, 10 + i) for i, e in enumerate(INT8)
    ]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_paths_name_indexes_keys_and_nested_fields() -> None:
    report = make_report(full=True)
    assert getter("task.algorithms[0].quantization")(report) == "fp16"
    assert getter("header.publisher.projectName")(report) == "resnet-bench"
    gpu = next(c for c in report["infrastructure"]["components"] if c["componentType"] == "gpu")
    assert getter("infrastructure.components[gpu].componentName")(report) == gpu["componentName"]
    assert getter("infrastructure.components[tpu].componentName")(report) is None
    assert getter("task.algorithms[3].quantization")(report) is None
    assert getter("task.taskStage.deeper")(report) is None


def test_a_bad_path_is_named() -> None:
    with pytest.raises(InputError) as caught:
        getter("task.algorithms[first].quantization")
    assert caught.value.message == (
        "Bad field path at --by: 'task.algorithms[first].quantization'. Name an element of "
        "algorithms by its index (algorithms[0]); only components elements have a key "
        "(components[gpu] is the one whose componentType is gpu)."
    )
    with pytest.raises(InputError, match=r"^Bad field path at --by: 'task\.\.x'"):
        getter("task..x")


def test_assign_makes_the_way() -> None:
    report: dict[str, Any] = {"task": {"algorithms": [{"algorithmName": "mlp"}]}}
    assign(report, "task.algorithms[0].quantization", "int8")
    assign(report, "infrastructure.components[gpu].nbComponent", 2)
    assign(report, "task.measuredAccuracy", 0.5)
    assert report == {
        "task": {
            "algorithms": [{"algorithmName": "mlp", "quantization": "int8"}],
            "measuredAccuracy": 0.5,
        },
        "infrastructure": {"components": [{"componentType": "gpu", "nbComponent": 2}]},
    }


def test_spread_and_welch_agree_with_scipy() -> None:
    found = stats.spread(FP32)
    low, high = scipy_stats.t.interval(
        0.95, len(FP32) - 1, loc=found.mean, scale=scipy_stats.sem(FP32)
    )
    assert found.runs == 5
    assert found.mean == pytest.approx(0.0103, rel=1e-12)
    assert found.sd == pytest.approx(float(scipy_stats.tstd(FP32)), rel=1e-12)
    assert (found.low, found.high) == (
        pytest.approx(low, rel=1e-12),
        pytest.approx(high, rel=1e-12),
    )
    expected = scipy_stats.ttest_ind(INT8, FP32, equal_var=False).pvalue
    assert stats.welch_p(INT8, FP32) == pytest.approx(float(expected), rel=1e-9)
    assert stats.t_quantile(0.975, 4) == pytest.approx(2.7764451051977987, rel=1e-12)


def test_few_runs_or_no_spread_give_no_interval_nor_p_value() -> None:
    two = stats.spread([1.0, 2.0])
    assert (two.runs, two.mean, two.sd) == (2, 1.5, pytest.approx(math.sqrt(0.5)))
    assert math.isnan(two.low) and math.isnan(two.high)
    assert math.isnan(stats.welch_p([1.0, 2.0], [1.0, 2.0, 3.0]))
    assert math.isnan(stats.welch_p([0.9, 0.9, 0.9], [0.8, 0.8, 0.8]))
    assert stats.spread([0.91] * 5).sd == 0.0
    assert all(math.isnan(v) for v in stats.bootstrap_interval([1.0, 2.0], [1.0, 2.0, 3.0]))


def test_bootstrap_is_seeded_and_brackets_the_difference() -> None:
    first = stats.bootstrap_interval(INT8, FP32, seed=0)
    assert first == stats.bootstrap_interval(INT8, FP32, seed=0)
    assert first != stats.bootstrap_interval(INT8, FP32, seed=1)
    difference = stats.relative_difference(INT8, FP32)
    assert difference == pytest.approx(0.00632 / 0.0103 - 1, rel=1e-12)
    assert first[0] < difference < first[1]
    assert first == (pytest.approx(-0.41491, abs=1e-5), pytest.approx(-0.35827, abs=1e-5))
    # many runs: the resamples are drawn in blocks, still the same for the same seed
    many = stats.bootstrap_interval(INT8 * 100, FP32 * 100, seed=3)
    assert many == stats.bootstrap_interval(INT8 * 100, FP32 * 100, seed=3)
    assert first[0] < many[0] < difference < many[1] < first[1]


def test_compare_gives_a_frame_and_the_sentence() -> None:
    frame = compare(experiment_reports(), BY, metrics=["energy-per-request", "accuracy"])
    assert list(frame["group"]) == ["fp32", "int8", "fp32", "int8"]
    assert list(frame["runs"]) == [5, 5, 5, 5]
    assert frame.attrs == {
        "by": BY,
        "baseline": "fp32",
        "seed": 0,
        "resamples": 10000,
        "clipped": [],
    }
    int8 = frame.iloc[1]
    assert int8["mean"] == pytest.approx(0.00632 / 1000, rel=1e-12)
    assert int8["relative_difference"] == pytest.approx(0.00632 / 0.0103 - 1, rel=1e-12)
    assert int8["p_value"] == pytest.approx(
        float(scipy_stats.ttest_ind(INT8, FP32, equal_var=False).pvalue), rel=1e-9
    )
    assert int8["sentence"] == (
        "int8 used 39% less energy per request than fp32 (95% CI 36-41%, 5 runs each), "
        "accuracy 0.91 vs 0.93."
    )
    assert frame.iloc[3]["sentence"] == (
        "int8 had 2.2% lower accuracy than fp32 (the same in every run, 5 runs each)."
    )
    assert math.isnan(frame.iloc[3]["p_value"])  # no spread in either group
    again = compare(experiment_reports(), BY, metrics=["energy-per-request", "accuracy"])
    assert as_csv(again) == as_csv(frame)


def test_baseline_chosen_few_runs_and_unstated_groups() -> None:
    reports = [*experiment_reports()[:7], run(None, 0.02, 0.5, 99)]
    frame = compare(reports, BY, baseline="int8")
    assert list(frame["group"]) == ["int8", "fp32", "(not stated)"]
    assert list(frame["sentence"]) == [
        "",
        "fp32 used 62% more energy than int8 (5 and 2 runs: fewer than 3 runs in int8, no "
        "interval or p-value), accuracy 0.93 vs 0.91.",
        "(not stated) used 215% more energy than int8 (1 and 2 runs: fewer than 3 runs in "
        "(not stated), no interval or p-value), accuracy 0.5 vs 0.91.",
    ]
    assert list(compare(reports, BY)["group"]) == ["fp32", "int8", "(not stated)"]


def test_a_metric_some_runs_lack_is_counted_not_dropped() -> None:
    reports = experiment_reports()
    for report in reports[:2]:
        del report["task"]["nbRequest"]
    frame = compare(reports, BY, metrics=["energy-per-request"])
    assert list(frame["runs"]) == [3, 5]
    assert list(frame["missing"]) == [2, 0]
    assert frame.iloc[1]["sentence"] == (
        "int8 used 38% less energy per request than fp32 (95% CI 35-40%, 5 and 3 runs), "
        "accuracy 0.91 vs 0.93."
    )


def test_unknown_baseline_and_metric_are_errors() -> None:
    with pytest.raises(InputError) as caught:
        compare(experiment_reports(), BY, baseline="fp16")
    assert caught.value.message == (
        "Unknown baseline at --baseline: 'fp16'. The groups by "
        "task.algorithms[0].quantization are: fp32, int8."
    )
    with pytest.raises(InputError) as caught:
        compare(experiment_reports(), BY, metrics=["power"])
    assert caught.value.message == (
        "Unknown metric at --metric: 'power'. Use one of: energy, emissions, duration, "
        "energy-per-request, accuracy."
    )

    with pytest.raises(InputError) as caught:
        compare(experiment_reports(), "task.algorithms[0].quantisation")
    assert caught.value.message == (
        "No report has the field at --by: 'task.algorithms[0].quantisation'. Check the path "
        "against a report (e.g. task.algorithms[0].quantization)."
    )


def test_an_invalid_report_raises_in_the_library() -> None:
    reports = experiment_reports()
    del reports[3]["measures"]
    with pytest.raises(InputError, match=r"^Invalid report at report 4: "):
        compare(reports, BY)


def write_jsonl(path: Path, reports: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in reports), encoding="utf-8")
    return path


def test_cli_text_markdown_json_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = str(write_jsonl(tmp_path / "runs.jsonl", experiment_reports()))
    code, out, err = cli(capsys, "compare", source, "--by", BY)
    assert (code, err) == (0, "")
    assert out == (
        "energy by task.algorithms[0].quantization\n"
        "group  runs     mean       sd              95% CI   vs fp32        95% CI         p\n"
        "fp32      5  10.3 Wh  469 mWh  9.72 Wh to 10.9 Wh  baseline             -         -\n"
        "int8      5  6.32 Wh  239 mWh  6.02 Wh to 6.62 Wh      -39%  -41% to -36%  2.99e-06\n"
        "\n"
        "int8 used 39% less energy than fp32 (95% CI 36-41%, 5 runs each), accuracy 0.91 vs 0.93.\n"
    )
    code, out, _ = cli(
        capsys,
        "compare",
        source,
        "--by",
        BY,
        "--format",
        "markdown",
        "--metric",
        "accuracy",
        "--metric",
        "duration",
    )
    assert code == 0
    assert out.startswith("### accuracy by task.algorithms[0].quantization\n\n| group | runs |")
    code, out, _ = cli(capsys, "compare", source, "--by", BY, "--format", "json")
    rows = json.loads(out)
    assert [r["group"] for r in rows] == ["fp32", "int8"] and rows[0]["p_value"] is None
    code, out, _ = cli(
        capsys, "compare", source, "--by", BY, "--format", "csv", "--baseline", "int8"
    )
    assert out.splitlines()[0] == (
        "group,metric,unit,runs,missing,mean,sd,ci_low,ci_high,baseline,relative_difference,"
        "relative_ci_low,relative_ci_high,p_value,sentence"
    )
    assert out.splitlines()[1].startswith(
        "int8,energy,kWh,5,0,0.006320000000000001,0.00023874672772626637,"
    )


def test_cli_seed_changes_only_the_interval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(write_jsonl(tmp_path / "runs.jsonl", experiment_reports()))
    _, first, _ = cli(capsys, "compare", source, "--by", BY, "--format", "csv")
    _, same, _ = cli(capsys, "compare", source, "--by", BY, "--format", "csv", "--seed", "0")
    _, other, _ = cli(capsys, "compare", source, "--by", BY, "--format", "csv", "--seed", "7")
    assert first == same and first != other


def test_cli_skips_invalid_reports_and_stops_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = experiment_reports()
    del reports[0]["measures"]
    source = tmp_path / "runs.jsonl"
    write_jsonl(source, reports)
    with source.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    code, out, err = cli(capsys, "compare", str(source), "--by", BY)
    assert code == 1
    assert err.splitlines() == [
        f"skipped: {source}:1: invalid report: measures: required field is missing (expected an array)",
        f"skipped: {source}:11: invalid report: column 2: expected JSON, got a syntax error: expecting property name enclosed in double quotes",
    ]
    assert "fp32      4" in out
    code, out, err = cli(capsys, "compare", str(source), "--by", BY, "--baseline", "bf16")
    assert (code, out) == (2, "")
    assert err.endswith(
        "Error: Unknown baseline at --baseline: 'bf16'. The groups by "
        "task.algorithms[0].quantization are: fp32, int8.\n"
    )
    code, _, err = cli(capsys, "compare", str(tmp_path / "nope.jsonl"), "--by", BY)
    assert (code, err) == (
        2,
        f"Error: Cannot read reports at {tmp_path / 'nope.jsonl'}: no such file or folder. Check the path.\n",
    )


def test_as_text_and_json_of_the_library_frame() -> None:
    frame = compare(experiment_reports(), BY)
    assert as_text(frame).endswith("accuracy 0.91 vs 0.93.\n")
    assert json.loads(as_json(frame))[1]["runs"] == 5


def test_equal_means_are_said_to_match() -> None:
    reports = [run("fp32", 0.01, 0.9, i) for i in range(3)]
    reports += [run("int8", 0.01, 0.9, 10 + i) for i in range(3)]
    frame = compare(reports, BY, metrics=["accuracy"])
    assert (
        frame.iloc[1]["sentence"]
        == "int8 matched fp32 on accuracy (the same in every run, 3 runs each)."
    )


def test_large_groups_get_fewer_resamples() -> None:
    assert stats.effective_resamples(10_000, 10) == 10_000
    assert stats.effective_resamples(10_000, 20_000) == 10_000
    assert stats.effective_resamples(10_000, 40_000) == 5_000
    assert stats.effective_resamples(10_000, 10_000_000) == 1_000


def test_a_group_name_stays_on_its_table_line() -> None:
    reports = [run("fp|32\nx", 0.01, 0.9, i) for i in range(3)]
    reports += [run("int8", 0.005, 0.9, 10 + i) for i in range(3)]
    frame = compare(reports, BY, baseline="int8")
    lines = as_text(frame, markdown=True).splitlines()
    assert (
        lines[5]
        == "| fp\\|32 x | 3 | 10.0 Wh | 0 Wh | 10.0 Wh to 10.0 Wh | +100% | +100% to +100% | - |"
    )
    assert as_text(frame).splitlines()[3].startswith("fp|32 x")


def test_text_never_sends_control_characters_to_the_terminal() -> None:
    reports = [run("\x1b[31mred\u202e", 0.01 + i / 1000, 0.9, i) for i in range(3)]
    reports += [run("int8\x9b2J", 0.005 + i / 1000, 0.9, 10 + i) for i in range(3)]
    text = as_text(compare(reports, BY, baseline="\x1b[31mred\u202e", metrics=["energy"]))
    assert not any(c in text for c in "\x1b\x9b\u202e")
    lines = text.splitlines()
    assert "  vs \\x1b[31mred\\u202e  " in lines[1]
    assert lines[3].startswith("int8\\x9b2J ")
    assert lines[-1] == (
        "int8\\x9b2J used 45% less energy than \\x1b[31mred\\u202e (95% CI 35-55%, 3 runs each),"
        " accuracy 0.9 vs 0.9."
    )


def test_values_near_the_float_limit_are_compared_not_crashed() -> None:
    big = [1.5e308, 1.6e308, 1.7e308]
    assert stats.average(big) == pytest.approx(1.6e308)
    assert stats.spread(big).sd == pytest.approx(1e307)
    reports = [run("fp32", e, 0.9, i) for i, e in enumerate(big)]
    reports += [run("int8", e / 2, 0.9, 10 + i) for i, e in enumerate(big)]
    frame = compare(reports, BY, baseline="fp32", metrics=["energy"])
    assert frame.iloc[1]["relative_difference"] == pytest.approx(-0.5)
    assert frame.iloc[1]["sentence"].startswith("int8 used 50% less energy than fp32")


def test_an_interval_never_reaches_below_zero_nor_past_an_accuracy_of_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # three runs, one far off: Student's t interval of the mean reaches below 0 kWh
    skewed = [
        run("fp32", e, a, i) for i, (e, a) in enumerate([(0.001, 0.99), (0.001, 0.99), (0.05, 0.5)])
    ]
    steady = [run("int8", e, 0.9, 10 + i) for i, e in enumerate([0.001, 0.0012, 0.0011])]
    source = tmp_path / "runs.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in skewed + steady), encoding="utf-8")
    assert stats.spread([0.001, 0.001, 0.05]).low == pytest.approx(-0.05294332791924121)
    code, out, err = cli(capsys, "compare", str(source), "--by", BY)
    assert (code, err) == (0, "")
    assert out.splitlines()[:5] == [
        "energy by task.algorithms[0].quantization",
        "group  runs     mean       sd                     95% CI   vs fp32        95% CI      p",
        "fp32      3  17.3 Wh  28.3 Wh  0 Wh (clipped) to 87.6 Wh  baseline             -      -",
        "int8      3  1.10 Wh  100 mWh         852 mWh to 1.35 Wh      -94%  -98% to +17%  0.425",
        "(clipped): the t interval of the mean reached below 0 Wh, which energy cannot.",
    ]
    code, out, _ = cli(capsys, "compare", str(source), "--by", BY, "--format", "json")
    rows = json.loads(out)
    assert (rows[0]["ci_low"], rows[0]["ci_high"]) == (0.0, 0.08760999458590789)
    assert rows[1]["ci_low"] == 0.0008515862288249672  # an interval within range is left alone
    frame = compare(skewed + steady, BY, metrics=["accuracy"])
    assert (frame.iloc[0]["ci_low"], frame.iloc[0]["ci_high"]) == pytest.approx(
        (0.1239, 1.0), abs=1e-4
    )
    assert frame.attrs["clipped"] == [("fp32", "accuracy", "high")]
    assert as_text(frame).splitlines()[2:5] == [
        "fp32      3  0.827  0.283  0.124 to 1 (clipped)  baseline              -      -",
        "int8      3    0.9      0            0.9 to 0.9     +8.9%  -9.1% to +80%  0.697",
        "(clipped): the t interval of the mean reached outside 0 to 1, which accuracy cannot.",
    ]
