"""Other tools' outputs, made by running the tools here (tests/data/sources/*/README.md says
how), converted to reports field by field."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from official import official_validator

import boamps_carbon
from boamps_carbon.cli import main
from boamps_carbon.conversion import convert
from boamps_carbon.errors import InputError
from boamps_carbon.schema import SchemaVersion

DATA = ROOT / "tests" / "data" / "sources"
CONTEXT = ROOT / "examples" / "context.json"


def reports(path: Path, **options: Any) -> list[dict[str, Any]]:
    return [converted.report for converted in convert(path, CONTEXT, **options)]


def officially_valid(found: list[dict[str, Any]]) -> None:
    validator = official_validator(SchemaVersion.V1_1)
    for report in found:
        assert [e.message for e in validator.iter_errors(report)] == []


def test_eco2ai_runs_field_by_field() -> None:
    conversion = convert(DATA / "eco2ai" / "emission.csv", CONTEXT)
    found = [c.report for c in conversion]
    assert conversion.describe() == "an eco2AI emission.csv"
    assert conversion.rejected == []
    assert [r["header"]["reportId"] for r in found] == [
        "0dc22161-400c-4a8e-b339-2bf18903a6f0",
        "6b0ec335-0cf6-4026-b4b5-4bd2d7d5998e",
    ]
    assert [r["measures"] for r in found] == [
        [
            {
                "measurementMethod": "eco2AI",
                "powerConsumption": 2.8396155201774826e-05,
                "measurementDuration": 1.4196531772613525,
                "measurementDateTime": "2026-11-29 07:03:01",
                "energyIncludesPue": True,
            }
        ],
        [
            {
                "measurementMethod": "eco2AI",
                "powerConsumption": 3.3055156339003634e-05,
                "measurementDuration": 1.3957514762878418,
                "measurementDateTime": "2026-11-29 07:03:07",
                "energyIncludesPue": True,
            }
        ],
    ]
    for report in found:
        assert report["infrastructure"] == {
            "infraType": "onPremise",
            "components": [
                {
                    "componentName": "AMD EPYC",
                    "componentType": "cpu",
                    "nbComponent": 1,
                    "manufacturer": "amd",
                    "family": "epyc",
                }
            ],
        }
        assert report["environment"]["country"] == "FRA"
        assert report["header"]["publisher"]["projectName"] == "boamps-sources"
    warned = {w.message for w in conversion.warnings}
    assert warned == {
        'measures[0].energyIncludesPue: field "energyIncludesPue" is not part of BoAmps 1.1'
    }
    officially_valid(found)


def test_eco2ai_string_with_gpus_region_and_na_epoch(tmp_path: Path) -> None:
    source = DATA / "eco2ai" / "emission.csv"
    lines = source.read_text(encoding="utf-8").splitlines()
    edited = lines[2].replace(" 0 device(s)", "NVIDIA A100-SXM4-40GB 2 device(s)")
    edited = edited.replace(",FR,", ",DE/Bavaria,")
    target = tmp_path / "renamed.csv"
    target.write_text("\n".join([lines[0], edited]) + "\n", encoding="utf-8")
    (report,) = reports(target)
    gpu = report["infrastructure"]["components"][1]
    assert gpu["componentName"] == "NVIDIA A100-SXM4-40GB"
    assert gpu["nbComponent"] == 2
    assert gpu["manufacturer"] == "nvidia"
    assert report["environment"]["country"] == "DEU"
    assert report["environment"]["location"] == "Bavaria"


def test_source_named_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    source = str(DATA / "eco2ai" / "emission.csv")
    code = main(
        ["convert", "-v", "--source", "eco2ai", "--context", str(CONTEXT), source, "-o", "-"]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert len(out.splitlines()) == 2
    assert err.splitlines()[0] == f"{source}: an eco2AI emission.csv, utf-8"
    with pytest.raises(SystemExit):
        main(["convert", "--source", "nope", source])


CODECARBON = DATA / "codecarbon"
RUN_1 = "4b9e93ef-9a46-4f8c-b48f-ac7d2de588f8"
RUN_2 = "06602f68-ffbd-4504-912b-cad143deaba9"


def test_codecarbon_boamps_reports_are_fixed_with_warnings() -> None:
    conversion = convert(CODECARBON / f"boamps_report_{RUN_1}.json", CONTEXT)
    (report,) = [c.report for c in conversion]
    assert conversion.describe() == "a BoAmps report written by CodeCarbon's exporter"
    assert report["header"]["reportId"] == RUN_1
    assert report["header"]["formatVersion"] == "1.1"
    assert report["measures"] == [
        {
            "measurementMethod": "codecarbon",
            "version": "3.3.2",
            "powerConsumption": 2.335339533688478e-05,
            "measurementDuration": 3.254988100000446,
            "measurementDateTime": "2026-11-29 07:07:23",
        }
    ]
    assert report["system"] == {"os": "linux"}
    assert report["infrastructure"]["components"][0] == {
        "componentName": "AMD EPYC",
        "componentType": "cpu",
        "nbComponent": 1,
    }
    assert report["environment"] == {"country": "France"}
    assert [w.message for w in conversion.warnings] == [
        "header.formatVersion: '0.1' (CodeCarbon's exporter) is no BoAmps version: the "
        "version written replaces it",
        "measures[0].measurementDateTime: CodeCarbon's exporter wrote the end of the run "
        "(2026-11-29 07:07:26); the start (2026-11-29 07:07:23, measurementDuration earlier) "
        "is written",
        "system.os: the platform string 'Linux-6.18.44-fc-v595-x86_64-with-glibc2.36' is "
        "read as 'linux'",
        "infrastructure.components[0].nbComponent: CodeCarbon's exporter writes half the "
        "logical CPU count (1 here), wrong on machines without SMT; the report does not hold "
        "the true count: check it",
    ]
    officially_valid([report])


def test_codecarbon_boamps_report_that_is_not_json_is_rejected(tmp_path: Path) -> None:
    target = tmp_path / "boamps_report_x.json"
    target.write_text('{"header": ', encoding="utf-8")
    conversion = convert(target, CONTEXT, source_kind="codecarbon-boamps")
    assert list(conversion) == []
    (rejected,) = conversion.rejected
    assert rejected.reason == ("the file is not JSON: Expecting value: line 1 column 12 (char 11)")


def test_codecarbon_logger_records_field_by_field() -> None:
    conversion = convert(CODECARBON / "codecarbon_records.jsonl", CONTEXT)
    found = [c.report for c in conversion]
    assert conversion.describe() == "CodeCarbon's logger output (JSON Lines)"
    assert [r["header"]["reportId"] for r in found] == [RUN_1, RUN_2]
    assert [r["measures"][0]["powerConsumption"] for r in found] == [
        2.335339533688478e-05,
        2.3383087926625514e-05,
    ]
    assert [r["measures"][0]["measurementDuration"] for r in found] == [
        3.254988100000446,
        3.0078131689997463,
    ]
    # the logger's timestamp is the end, as in the CSV: the start is written
    assert [r["measures"][0]["measurementDateTime"] for r in found] == [
        "2026-11-29 07:07:23",
        "2026-11-29 07:07:26",
    ]
    assert found[0]["infrastructure"]["components"][0] == {
        "componentName": "AMD EPYC",
        "componentType": "cpu",
        "nbComponent": 2,
        "manufacturer": "amd",
        "family": "epyc",
    }
    assert found[0]["environment"] == {"country": "France", "powerSourceCarbonIntensity": 56.039}
    officially_valid(found)


def test_codecarbon_logger_line_that_is_not_a_record_is_rejected(tmp_path: Path) -> None:
    lines = (CODECARBON / "codecarbon_records.jsonl").read_text(encoding="utf-8").splitlines()
    target = tmp_path / "app.log"
    prefixed = ["INFO 2026-11-29 " + lines[0], "INFO tracker stopped", lines[1]]
    target.write_text("\n".join(prefixed) + "\n", encoding="utf-8")
    conversion = convert(target, CONTEXT)
    assert len(list(conversion)) == 2
    (rejected,) = conversion.rejected
    assert (rejected.row, rejected.line, rejected.reason) == (
        2,
        2,
        "line 2 holds no JSON object",
    )


CARBONTRACKER = DATA / "carbontracker"
CT_RUN = "4547.143521_2026-11-29T071102Z"
CONTEXT_FRA = DATA / "context-fra.json"


@pytest.mark.parametrize("suffix", ["_carbontracker_output.log", "_carbontracker.log"])
def test_carbontracker_actual_consumption_field_by_field(suffix: str) -> None:
    conversion = convert(CARBONTRACKER / f"{CT_RUN}{suffix}", CONTEXT_FRA)
    (report,) = [c.report for c in conversion]
    assert conversion.describe() == "CarbonTracker's logs of a run"
    # the actual block (0.000105338607 kWh), not the predicted one (0.000105338230 kWh)
    assert report["measures"] == [
        {
            "measurementMethod": "carbontracker",
            "version": "2.4.7",
            "powerConsumption": 0.000105338607,
            "measurementDuration": 4.0,
            "measurementDateTime": "2026-11-29 07:11:04",
            "energyIncludesPue": True,
            "pue": 1.58,
        }
    ]
    assert report["header"]["reportDatetime"] == "2026-11-29 07:11:08"
    assert report["infrastructure"]["components"] == [
        {
            "componentName": "AMD EPYC",
            "componentType": "cpu",
            "nbComponent": 1,
            "manufacturer": "amd",
            "family": "epyc",
        }
    ]
    assert report["environment"] == {"country": "FRA", "powerSourceCarbonIntensity": 445}
    officially_valid([report])


def test_carbontracker_epochs_and_component_power_are_columns(tmp_path: Path) -> None:
    conversion = convert(CARBONTRACKER / f"{CT_RUN}_carbontracker_output.log", CONTEXT_FRA)
    header = conversion.header
    _, records = conversion._read(
        (CARBONTRACKER / f"{CT_RUN}_carbontracker_output.log").open(encoding="utf-8")
    )
    (record,) = list(records)
    values = dict(zip(header, record.values, strict=True))
    assert values["epochs"] == "2"
    assert values["epoch_durations_s"] == "2 2"
    assert values["cpu_power_w"] == "60.0 60.0"
    assert values["gpu_power_w"] == ""


def test_carbontracker_main_log_without_its_output_log(tmp_path: Path) -> None:
    main_log = tmp_path / f"{CT_RUN}_carbontracker.log"
    main_log.write_bytes((CARBONTRACKER / main_log.name).read_bytes())
    with pytest.raises(InputError) as caught:
        convert(main_log, CONTEXT_FRA)
    assert str(caught.value) == (
        f"CarbonTracker's output log is missing at {main_log}: "
        f"{tmp_path}/{CT_RUN}_carbontracker_output.log: No such file or directory. "
        "Its actual consumption is there: keep the run's files together."
    )


def test_a_mixed_folder_converts_in_one_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "runs"
    for source in DATA.rglob("*"):
        if source.is_file():
            target = folder / source.relative_to(DATA)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
    out = tmp_path / "reports.jsonl"
    code = main(["convert", "--context", str(CONTEXT_FRA), str(folder), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0
    found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["measures"][0]["measurementMethod"] for r in found] == [
        "carbon-ops",
        "carbon-ops",
        "carbon-ops",
        "carbontracker",
        "codecarbon",
        "codecarbon",
        "codecarbon",
        "codecarbon",
        "eco2AI",
        "eco2AI",
        "codecarbon",
        "codecarbon",
        "zeus",
        "zeus",
    ]
    assert err.splitlines()[0].startswith("skipped (no known tool's output): ")
    assert f"{CT_RUN}_carbontracker_err.log" in err.splitlines()[0]
    assert err.splitlines()[-1] == f"wrote 14 reports to {out}"
    officially_valid(found)


LEDGER = DATA / "carbon-ops" / "ledger.ndjson"


def ledger_context() -> dict[str, Any]:
    context = json.loads(CONTEXT_FRA.read_text(encoding="utf-8"))
    del context["environment"]  # the ledger's regions tell the country
    return context


def test_grouped_runs_in_two_countries_are_two_reports_with_their_own_intensity() -> None:
    conversion = convert(LEDGER, ledger_context(), group_by="project_name")
    found = [c.report for c in conversion]
    assert [(r["environment"]["country"], len(r["measures"])) for r in found] == [
        ("FRA", 2),
        ("DEU", 1),
    ]
    assert [r["environment"]["powerSourceCarbonIntensity"] for r in found] == [50, 400]
    assert (
        "project_name 'ledger-demo' holds the runs of 2 different tasks, machines or places "
        "(training / textClassification in FRA, training / textClassification in DEU): one "
        "report each"
    ) in conversion.warning_rows

    # emissions stay the sum of the runs' (g CO2e: kWh x g/kWh)
    def grams(reports: list[dict[str, Any]]) -> float:
        return sum(
            m["powerConsumption"] * r["environment"]["powerSourceCarbonIntensity"]
            for r in reports
            for m in r["measures"]
        )

    assert grams(found) == pytest.approx(
        grams([c.report for c in convert(LEDGER, ledger_context())])
    )


def test_runs_of_one_place_grouped_get_the_intensity_of_their_electricity_together() -> None:
    from boamps_carbon.grouping import mixed_intensity

    def run(energy: float, intensity: float | None) -> dict[str, Any]:
        environment = {} if intensity is None else {"powerSourceCarbonIntensity": intensity}
        return {"environment": environment, "measures": [{"powerConsumption": energy}]}

    assert mixed_intensity([run(1.0, 50), run(3.0, 50)]) is None  # theirs already
    assert mixed_intensity([run(1.0, 50), run(3.0, 100)]) == 87.5  # (50 + 300) / 4
    assert math.isnan(mixed_intensity([run(1.0, 50), run(3.0, None)]) or 0.0)


def test_carbon_ops_ledger_field_by_field() -> None:
    conversion = convert(LEDGER, ledger_context())
    found = [c.report for c in conversion]
    assert conversion.describe() == "a carbon-ops ledger (NDJSON, hash chain checked)"
    assert conversion.rejected == []
    assert [r["measures"] for r in found] == [
        [
            {
                "measurementMethod": "carbon-ops",
                "powerConsumption": 0.02,
                "measurementDuration": 600.0,
                "measurementDateTime": "2026-11-29 07:00:00",
                "energyIncludesPue": False,
                "pue": 1.2,
                "energyWithPue": 0.024,
            }
        ],
        [
            {
                "measurementMethod": "carbon-ops",
                "powerConsumption": 0.02,
                "measurementDuration": 330.0,
                "measurementDateTime": "2026-11-29 07:10:00",
                "energyIncludesPue": False,
                "pue": 1.2,
                "energyWithPue": 0.024,
            }
        ],
        [
            {
                "measurementMethod": "carbon-ops",
                "powerConsumption": 0.01,
                "measurementDuration": 60.0,
                "measurementDateTime": "2026-11-29 07:20:00",
                "energyIncludesPue": False,
                "pue": 1.2,
                "energyWithPue": 0.012,
            }
        ],
    ]
    assert [r["environment"] for r in found] == [
        {
            "country": "FRA",
            "location": "FR",
            "powerSourceCarbonIntensity": 50,
            "intensityQuality": "fallback",
        },
        {
            "country": "DEU",
            "location": "DE",
            "powerSourceCarbonIntensity": 400,
            "intensityQuality": "estimated",
            "intensityUncertaintyPct": 12.5,
        },
        {
            "country": "FRA",
            "location": "FR",
            "powerSourceCarbonIntensity": 50,
            "intensityQuality": "measured",
        },
    ]
    # the ledger has no hardware: the context's project layer gives it
    assert [r["infrastructure"]["components"] for r in found] == [
        [{"componentType": "cpu", "nbComponent": 1}]
    ] * 3
    officially_valid(found)


def test_carbon_ops_edited_record_breaks_the_chain(tmp_path: Path) -> None:
    lines = LEDGER.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace('"grams": 1.2', '"grams": 0.2')
    edited = tmp_path / "ledger.ndjson"
    edited.write_text("\n".join(lines) + "\n", encoding="utf-8")
    conversion = convert(edited, ledger_context())
    assert len(list(conversion)) == 2
    (rejected,) = conversion.rejected
    assert rejected.row == 2
    assert rejected.reason == (
        "prev_hash 92cff0f29d4a3914... is not the hash of the record of line 1 "
        "(bc892a632565c902...): a record was edited, inserted or removed"
    )


def test_carbon_ops_removed_record_breaks_the_chain(tmp_path: Path) -> None:
    lines = LEDGER.read_text(encoding="utf-8").splitlines()
    cut = tmp_path / "ledger.ndjson"
    cut.write_text("\n".join([lines[0], lines[2]]) + "\n", encoding="utf-8")
    conversion = convert(cut, ledger_context())
    assert len(list(conversion)) == 1
    (rejected,) = conversion.rejected
    assert (rejected.row, rejected.line) == (2, 2)
    assert "a record was edited, inserted or removed" in rejected.reason


LAMARR = DATA / "lamarr" / "emissions.csv"


def test_lamarr_central_file_field_by_field() -> None:
    conversion = convert(LAMARR, CONTEXT)
    found = [c.report for c in conversion]
    assert conversion.describe() == (
        "Lamarr Energy Tracker's emissions.csv (user and host names left out)"
    )
    assert [r["header"]["publisher"]["projectName"] for r in found] == [
        "boamps-sources",
        "second-project",
    ]
    assert [r["measures"] for r in found] == [
        [
            {
                "measurementMethod": "codecarbon",
                "version": "3.2.3",
                "powerConsumption": 2.321055414221519e-05,
                "measurementDuration": 4.5140812049994565,
                "measurementDateTime": "2026-11-29 07:17:03",
            }
        ],
        [
            {
                "measurementMethod": "codecarbon",
                "version": "3.2.3",
                "powerConsumption": 2.3070588493330633e-05,
                "measurementDuration": 4.514943445999961,
                "measurementDateTime": "2026-11-29 07:17:08",
            }
        ],
    ]
    assert found[0]["infrastructure"]["components"][0] == {
        "componentName": "AMD EPYC",
        "componentType": "cpu",
        "nbComponent": 2,
        "manufacturer": "amd",
        "family": "epyc",
    }
    assert found[0]["environment"]["country"] == "Germany"
    officially_valid(found)


def test_lamarr_user_and_host_reach_no_output_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    user, host = "jdoe-7f3a", "gpu-node-42.lab"
    lines = LAMARR.read_text(encoding="utf-8").splitlines()
    renamed = [line.replace("___root___vm", f"___{user}___{host}") for line in lines]
    # a third row cut short, as CodeCarbon's appends leave them: rejected, scrubbed all the same
    renamed.append(",".join(renamed[1].split(",")[:-3]))
    source = tmp_path / "emissions.csv"
    source.write_text("\n".join(renamed) + "\n", encoding="utf-8")
    out, rejects = tmp_path / "reports.jsonl", tmp_path / "rejects.csv"
    options = ["-v", "--context", str(CONTEXT), "-o", str(out), "--rejects", str(rejects)]
    code = main(["convert", *options, str(source)])
    err = capsys.readouterr().err
    assert code == 1
    written = out.read_bytes() + rejects.read_bytes() + err.encode("utf-8")
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert "boamps-sources" in rejects.read_text(encoding="utf-8")
    for secret in (user, host):
        assert secret.encode("utf-8") not in written


ZEUS_LOG = DATA / "zeus" / "zeus_log.csv"


def test_zeus_log_one_measure_per_gpu_in_kwh() -> None:
    conversion = convert(ZEUS_LOG, CONTEXT_FRA)
    found = [c.report for c in conversion]
    assert conversion.describe() == "a Zeus window log (CSV)"

    def gpu_measure(energy: float, seconds: float, start: str) -> dict[str, Any]:
        return {
            "measurementMethod": "zeus",
            "gpuTrackingMode": "nvml",
            "powerConsumption": energy,
            "measurementDuration": seconds,
            "measurementDateTime": start,
        }

    # 3600 J = 0.001 kWh; start_time 1795935600.25 s since 1970 is 07:00:00.25 UTC
    assert [r["measures"] for r in found] == [
        [
            gpu_measure(0.001, 12.75, "2026-11-29 07:00:00"),
            gpu_measure(0.002, 12.75, "2026-11-29 07:00:00"),
        ],
        [
            gpu_measure(0.000250138888889, 3.2, "2026-11-29 07:00:14"),
            gpu_measure(0.000277847222222, 3.2, "2026-11-29 07:00:14"),
        ],
    ]
    assert [r["infrastructure"]["components"] for r in found] == [
        [{"componentType": "gpu", "nbComponent": 2}]
    ] * 2
    officially_valid(found)


def test_zeus_log_with_a_bad_start_time_rejects_the_row(tmp_path: Path) -> None:
    lines = ZEUS_LOG.read_text(encoding="utf-8").splitlines()
    lines[2] = "soon" + lines[2][lines[2].index(",") :]
    target = tmp_path / "zeus.csv"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    conversion = convert(target, CONTEXT_FRA)
    assert len(list(conversion)) == 1
    (rejected,) = conversion.rejected
    assert (rejected.row, rejected.reason) == (
        2,
        "expected seconds since 1970 in column start_time, got 'soon'",
    )


def test_from_zeus_measurement_object() -> None:
    # zeus-ml is no dependency (its amdsmi prints on import): its class where installed
    energy = pytest.importorskip("zeus.monitor.energy", reason="zeus-ml is not installed")
    measurement = energy.Measurement(
        time=12.75, gpu_energy={0: 3600.0, 1: 7200.0}, cpu_energy={0: 1800.0, 1: 1800.0}
    )
    start = datetime(2026, 11, 29, 7, 0, 0, tzinfo=timezone.utc)
    report = boamps_carbon.from_zeus(
        measurement, start, CONTEXT_FRA, project_name="boamps-sources", gpu_model="NVIDIA A100"
    )
    assert report["measures"] == [
        {
            "measurementMethod": "zeus",
            "gpuTrackingMode": "nvml",
            "powerConsumption": 0.001,
            "measurementDuration": 12.75,
            "measurementDateTime": "2026-11-29 07:00:00",
        },
        {
            "measurementMethod": "zeus",
            "gpuTrackingMode": "nvml",
            "powerConsumption": 0.002,
            "measurementDuration": 12.75,
            "measurementDateTime": "2026-11-29 07:00:00",
        },
        {
            "measurementMethod": "zeus",
            "cpuTrackingMode": "rapl",
            "powerConsumption": 0.001,
            "measurementDuration": 12.75,
            "measurementDateTime": "2026-11-29 07:00:00",
        },
    ]
    assert report["infrastructure"]["components"] == [
        {
            "componentName": "NVIDIA A100",
            "componentType": "gpu",
            "nbComponent": 2,
            "manufacturer": "nvidia",
            "family": "ampere",
            "series": "a100",
        }
    ]
    assert report["header"]["publisher"]["projectName"] == "boamps-sources"
    officially_valid([report])


def test_every_source_is_an_option_and_in_the_readme() -> None:
    from boamps_carbon.cli.convert import SOURCE_NAMES
    from boamps_carbon.sources.registry import source_names

    assert sorted(SOURCE_NAMES) == sorted(source_names())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in source_names():
        assert f"| `{name}` |" in readme


def test_carbontracker_blocks_of_a_long_log_keep_their_lines(tmp_path: Path) -> None:
    output = (CARBONTRACKER / f"{CT_RUN}_carbontracker_output.log").read_text(encoding="utf-8")
    block = output[output.index("2026-11-29 07:11:08 - CarbonTracker: \nActual") :]
    target = tmp_path / f"{CT_RUN}_carbontracker_output.log"
    target.write_text(output + block * 2, encoding="utf-8")
    main_log = f"{CT_RUN}_carbontracker.log"
    (tmp_path / main_log).write_bytes((CARBONTRACKER / main_log).read_bytes())
    conversion = convert(target, CONTEXT_FRA)
    assert len(list(conversion)) == 3
    first = output.count("\n", 0, output.index("2026-11-29 07:11:08 - CarbonTracker: \nActual"))
    step = block.count("\n")
    _, records = conversion._read(target.open(encoding="utf-8"))
    assert [r.line for r in records] == [first + 1, first + 1 + step, first + 1 + 2 * step]
