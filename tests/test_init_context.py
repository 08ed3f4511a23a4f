"""`boamps init-context`: hardware components for CSVs that do not name it, and the hints of
convert's error about missing fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT

from boamps_carbon.cli import main
from boamps_carbon.io import parse_json_bytes, strip_line_comments

# CodeCarbon 1.x: no hardware columns at all
OLD_CSV = (
    "timestamp,experiment_id,project_name,duration,emissions,energy_consumed,country_name,"
    "country_iso_code,region,on_cloud,cloud_provider,cloud_region\n"
    "2021-11-02T19:28:11,9cb4ecd9-0998-44af-aea6-7c4335108ab0,codecarbon,26.18833827972412,"
    "0.00011610628338174334,0.00027345896863491915,France,FRA,ile-de-france,N,,\n"
)
TASK = [
    "--task-stage",
    "training",
    "--task-family",
    "nlp",
    "--algorithm",
    "bert",
    "--data-type",
    "text",
    "--confidentiality",
    "public",
]
INIT_HINT = "Add them to the context file (`boamps init-context` writes a starting one)."


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def context_value(text: str) -> object:
    value, problems = parse_json_bytes(strip_line_comments(text.encode()))
    assert problems == []
    return value


def test_hardware_options_write_components(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "init-context",
        "--cpu",
        "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz",
        "--cpu-count",
        "2",
        "--ram-gb",
        "16",
        "--gpu",
        "NVIDIA GeForce RTX 4090",
        "--gpu-count",
        "2",
    )
    assert code == 0
    value = context_value(out)
    assert isinstance(value, dict)
    assert value["infrastructure"] == {
        "components": [
            {
                "componentType": "cpu",
                "nbComponent": 2,
                "componentName": "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz",
                "manufacturer": "intel",
                "family": "core",
                "series": "i7-8650U",
            },
            {"componentType": "ram", "nbComponent": 1, "memorySize": 16.0},
            {
                "componentType": "gpu",
                "nbComponent": 2,
                "componentName": "NVIDIA GeForce RTX 4090",
                "manufacturer": "nvidia",
                "family": "geforce",
                "series": "rtx 4090",
            },
        ]
    }


def test_without_hardware_options_components_are_an_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, out, _ = run(capsys, "init-context")
    assert (
        '    // "components": [{"componentType": "cpu", "componentName": "Intel(R) Xeon(R) Gold '
        '6226R", "nbComponent": 2}, {"componentType": "ram", "nbComponent": 1, '
        '"memorySize": 64}]' in out.splitlines()
    )


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--cpu-count", "0", "expected a whole number of 1 or more, got '0'"),
        ("--gpu-count", "two", "expected a whole number of 1 or more, got 'two'"),
        ("--ram-gb", "nan", "expected a size in GB above 0, got 'nan'"),
        ("--ram-gb", "-4", "expected a size in GB above 0, got '-4'"),
    ],
)
def test_bad_hardware_options(
    capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["init-context", option, value])
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"Error: Invalid value at {option}: {message}."
    )


def test_a_csv_without_hardware_converts_with_init_context_components(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "emissions.csv"
    old.write_text(OLD_CSV, encoding="utf-8")
    plain = tmp_path / "plain.json"
    assert run(capsys, "init-context", "-o", str(plain), *TASK)[0] == 0
    assert run(capsys, "convert", str(old), "--context", str(plain), "-o", "-") == (
        2,
        "",
        f"Error: Missing required fields at context (converting {old}): "
        f"infrastructure.components. {INIT_HINT} "
        "This CSV names no hardware (CodeCarbon before 2.0 did not): give it with `boamps "
        'init-context --cpu "NAME" --cpu-count N --ram-gb G` (and `--gpu "NAME" --gpu-count '
        "N`).\n",
    )
    full = tmp_path / "full.json"
    hardware = ["--cpu", "AMD EPYC 7742 64-Core Processor", "--ram-gb", "512"]
    assert run(capsys, "init-context", "-o", str(full), *TASK, *hardware)[0] == 0
    code, out, _ = run(capsys, "convert", str(old), "--context", str(full), "-o", "-")
    assert code == 0
    assert json.loads(out)["infrastructure"]["components"] == [
        {
            "componentName": "AMD EPYC 7742 64-Core Processor",
            "componentType": "cpu",
            "nbComponent": 1,
            "manufacturer": "amd",
            "family": "epyc",
            "series": "7742",
        },
        {"componentType": "ram", "nbComponent": 1, "memorySize": 512.0},
    ]


def test_version_1_0_says_it_needs_more_context(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "convert",
        str(ROOT / "examples" / "emissions.csv"),
        "--context",
        str(ROOT / "examples" / "context.json"),
        "--schema-version",
        "1.0",
        "-o",
        "-",
    )
    assert (code, err) == (
        2,
        "Error: Missing required fields at context (converting "
        f"{ROOT / 'examples' / 'emissions.csv'}): task.taskType, task.dataset[0].volume, "
        f"task.dataset[0].volumeUnit. {INIT_HINT} BoAmps 1.0 asks more of the context than 1.1 "
        "(task.taskType, each dataset's volume and volumeUnit...): add them, or leave "
        "--schema-version at 1.1.\n",
    )
