"""convert on hostile input: every row accounted for, clear errors, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_convert import CONTEXT

from boamps_carbon import InputError
from boamps_carbon.cli import main
from boamps_carbon.conversion import MissingFieldsError, convert

H6 = "timestamp,project_name,run_id,duration,emissions,energy_consumed"
HARDWARE = {
    **CONTEXT,
    "infrastructure": {
        "components": [{"componentType": "cpu", "componentName": "ctx cpu", "nbComponent": 1}]
    },
}


def csv_file(tmp_path: Path, text: str, name: str = "e.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rejects(path: Path, context: Any = HARDWARE, **options: Any) -> list[tuple[int, str]]:
    conversion = convert(path, context, **options)
    list(conversion)
    return [(r.row, r.reason) for r in conversion.rejected]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2024-01-01T10:00:00,p,,10,1e308,0.001", "emissions / energy_consumed is out of range"),
        (
            "0001-01-01T00:00:05,p,,10,0.001,0.01",
            "the start of the run (timestamp minus duration) is before year 1",
        ),
        (
            "2024-01-01T10:00:00,p,,1_0,0.001,0.01",
            "expected a number in column duration, got '1_0'",
        ),
        (
            "2024-01-01T10:00:00,p,,nan,0.001,0.01",
            "expected a number JSON can hold in column duration, got 'nan'",
        ),
        (
            "2024-01-01T10:00:00,p,,10,-1,0.01",
            "expected a value of 0 or more in column emissions, got -1",
        ),
        (
            "2024-01-01T10:00:00,p,,-5,0.001,0.01",
            "expected a duration of 0 or more in column duration, got '-5'",
        ),
    ],
)
def test_impossible_values_reject_their_row(tmp_path: Path, row: str, reason: str) -> None:
    path = csv_file(
        tmp_path, f"{H6},country_name\n{row},France\n2024-01-01T10:00:00,p,,10,0.001,0.01,France\n"
    )
    assert rejects(path) == [(1, reason)]


def test_negative_counts_are_rejected(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, "timestamp,duration,energy_consumed,cpu_count\n2024-01-01T10:00:00,10,0.01,-2\n"
    )
    assert rejects(path, CONTEXT) == [
        (1, "expected a count of 0 or more in column cpu_count, got '-2'")
    ]


def test_an_unterminated_quote_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        f'{H6}\n2024-01-01T10:00:00,"p,,10,0.001,0.01\n2024-01-01T10:01:00,p,,10,0.001,0.01\n',
    )
    with pytest.raises(InputError) as caught:
        convert(path, HARDWARE)
    assert caught.value.message == (
        f"Not a readable CSV file at {path} line 3: unexpected end of data. Check the file's "
        "quoting."
    )


def test_a_column_named_twice_is_refused(tmp_path: Path) -> None:
    path = csv_file(tmp_path, f"{H6},energy_consumed\n2024-01-01T10:00:00,p,,10,0.001,0.01,7\n")
    with pytest.raises(InputError) as caught:
        convert(path, HARDWARE)
    assert caught.value.message == (
        f"Column named twice at {path} header: energy_consumed. Rename or remove the copy: "
        "which one holds the value is unknown."
    )


def test_bom_in_a_cp1252_file(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + f"{H6},region\n".encode()
        + b"2024-01-01T10:00:00,p,,10,0.001,0.01,\xeele\n"
    )
    conversion = convert(path, HARDWARE)
    [converted] = list(conversion)
    assert conversion.encoding == "cp1252"
    assert conversion.header[0] == "timestamp"
    assert converted.report["header"]["reportDatetime"] == "2024-01-01 10:00:00"


def test_components_mode_never_loses_energy(tmp_path: Path) -> None:
    header = (
        "timestamp,project_name,run_id,duration,emissions,cpu_energy,gpu_energy,"
        "ram_energy,energy_consumed"
    )
    path = csv_file(
        tmp_path,
        f"{header}\n2024-01-01T10:00:00,p,,10,0.001,,0,0.004,0.01\n"
        "2024-01-01T10:00:00,p,,10,0.001,0.005,-0.5,0.004,0.01\n",
    )
    conversion = convert(path, HARDWARE, measures="components")
    reports = [c.report for c in conversion]
    assert [m["powerConsumption"] for m in reports[0]["measures"]] == [0.01]  # the total
    assert [(r.row, r.reason) for r in conversion.rejected] == [
        (2, "expected an energy of 0 or more in column gpu_energy, got '-0.5'")
    ]


def test_one_uuid_in_two_cases_is_not_unique(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        f"{H6}\n"
        "2024-01-01T10:00:00,p,96F75A4F-A769-47BB-86CF-6130539C8123,10,0.001,0.01\n"
        "2024-01-01T10:00:00,p,96f75a4f-a769-47bb-86cf-6130539c8123,10,0.001,0.01\n"
        "2024-01-01T10:00:00,p,2071AB09-6BBF-4972-91F1-966A596D293B,10,0.001,0.01\n",
    )
    ids = [c.report["header"]["reportId"] for c in convert(path, HARDWARE)]
    assert "96f75a4f-a769-47bb-86cf-6130539c8123" not in ids
    assert ids[2] == "2071ab09-6bbf-4972-91f1-966a596d293b"


def test_conditions_negate_and_options_refuse_order(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path,
        "timestamp,duration,energy_consumed,cpu_count,country_name\n"
        "2024-01-01T10:00:00,10,0.01,2,France\n",
    )
    table = tmp_path / "t.csv"
    table.write_text(
        "path,transform,source,argument,when\n"
        "environment.location,constant,,HIT,!country_name=France\n",
        encoding="utf-8",
    )
    [converted] = list(convert(path, CONTEXT, table))
    assert "location" not in converted.report["environment"]
    table.write_text(
        "path,transform,source,argument,when\n"
        "environment.location,constant,,HIT,schema_version>5\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        convert(path, CONTEXT, table)
    assert caught.value.message == (
        f"Options compare with = or != only at {table}:2: schema_version>5. Write "
        "schema_version=VALUE or schema_version!=VALUE."
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "environment.latitude,scale,latitude,abc,",
            "Expected a number as argument at {table}:2: 'abc'. Give the scale transform a number.",
        ),
        (
            "environment.location,extract,region,([a-z,",
            "Bad regular expression at {table}:2: '([a-z'. Unterminated character set at position 1: fix the pattern.",
        ),
        (
            "environment.location,text,region,,latitude>abc",
            "Expected a number to compare with at {table}:2: latitude>abc. Write column>0 or "
            "column<100.",
        ),
        (
            "system.os.name,text,os,,",
            "Field path inside a value at {table}:2: 'system.os.name'. system.os (at ",
        ),
        (
            "environment.location,lookup,region,nosuch/field,",
            "Unknown pattern table at {table}:2: 'nosuch'. Name a file of schemas/tables/ without "
            ".csv.",
        ),
    ],
)
def test_bad_field_tables_name_their_line(tmp_path: Path, line: str, message: str) -> None:
    path = csv_file(
        tmp_path, f"{H6},region,latitude,os\n2024-01-01T10:00:00,p,,10,0.001,0.01,x,1,Linux\n"
    )
    table = tmp_path / "t.csv"
    table.write_text(f"path,transform,source,argument,when\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        convert(path, HARDWARE, table)
    assert caught.value.message.startswith(message.format(table=table))


def test_project_layers_merge_into_context_components(tmp_path: Path) -> None:
    context = {
        **HARDWARE,
        "projects": {
            "p": {"infrastructure": {"components": [{"componentType": "cpu", "nbComponent": 8}]}}
        },
    }
    path = csv_file(tmp_path, f"{H6}\n2024-01-01T10:00:00,p,,10,0.001,0.01\n")
    [converted] = list(convert(path, context))
    assert converted.report["infrastructure"]["components"] == [
        {"componentName": "ctx cpu", "componentType": "cpu", "nbComponent": 8}
    ]


def test_group_by_keeps_runs_without_an_id_apart(tmp_path: Path) -> None:
    path = csv_file(
        tmp_path, f"{H6}\n" + "".join(f"2024-01-01T10:0{i}:00,p,,10,0.001,0.01\n" for i in range(3))
    )
    assert len(list(convert(path, HARDWARE, group_by="run_id"))) == 3


def test_an_incomplete_context_component_stops_the_file(tmp_path: Path) -> None:
    context = {
        **HARDWARE,
        "infrastructure": {
            "components": [{"componentType": "cpu", "nbComponent": 1}, {"componentType": "tpu"}]
        },
    }
    path = csv_file(tmp_path, f"{H6}\n2024-01-01T10:00:00,p,,10,0.001,0.01\n")
    with pytest.raises(MissingFieldsError) as caught:
        convert(path, context)
    assert caught.value.message.startswith(
        f"Missing required fields at context (converting {path}): "
        "infrastructure.components[1].nbComponent."
    )


def test_a_flat_csv_with_one_incomplete_row(tmp_path: Path) -> None:
    from factories import make_report

    from boamps_carbon.render.flat import to_csv_text

    bad = make_report()
    bad["task"]["taskStage"] = ""
    del bad["task"]["taskStage"]
    path = csv_file(tmp_path, to_csv_text([bad, make_report()]))
    conversion = convert(path)
    assert len(list(conversion)) == 1
    assert [r.row for r in conversion.rejected] == [1]


def test_stdout_gets_nothing_when_a_later_input_is_unusable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = csv_file(
        tmp_path,
        "timestamp,duration,energy_consumed,cpu_count\n2024-01-01T10:00:00,10,0.01,4\n",
        "good.csv",
    )
    bad = csv_file(
        tmp_path, "timestamp,duration,energy_consumed\n2024-01-01T10:00:00,10,1\n", "bad.csv"
    )
    context = write_context(tmp_path, CONTEXT)
    assert run(capsys, "convert", str(good), "--context", str(context), "-o", "-")[0] == 0
    # the first file converts with this context; the second has no hardware columns
    code, out, err = run(
        capsys, "convert", str(good), str(bad), "--context", str(context), "-o", "-"
    )
    assert (code, out) == (2, "")
    # the file is named: the context is shared by every input
    assert err.startswith(
        f"Error: Missing required fields at context (converting {bad}): infrastructure.components. "
    )


def write_context(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "context.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_rejects_file_is_checked_before_the_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(tmp_path, f"{H6}\n2024-01-01T10:00:00,p,,10,0.001,0.01\n")
    context = write_context(tmp_path, HARDWARE)
    out = tmp_path / "o.jsonl"
    assert (
        run(
            capsys,
            "convert",
            str(path),
            "--context",
            str(context),
            "-o",
            str(out),
            "--rejects",
            str(out),
        )[0]
        == 2
    )
    assert not out.exists()
    assert run(
        capsys,
        "convert",
        str(path),
        "--context",
        str(context),
        "-o",
        str(out),
        "--rejects",
        str(tmp_path),
    )[:2] == (2, "")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, _, err = run(
        capsys, "convert", str(path), "--context", str(context), "-o", str(blocker / "sub")
    )
    assert code == 2 and err.startswith(f"Error: Cannot write at {blocker / 'sub'}:")


def test_several_inputs_name_the_file_and_the_tool_that_lack_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = Path(__file__).parent / "data" / "sources"
    example = Path(__file__).parents[1] / "examples" / "emissions.csv"
    ledger = sources / "carbon-ops" / "ledger.ndjson"
    no_hardware = {key: value for key, value in CONTEXT.items() if key != "infrastructure"}
    context = write_context(tmp_path, no_hardware)
    out = tmp_path / "out.jsonl"
    code, _, err = run(
        capsys, "convert", str(example), str(ledger), "--context", str(context), "-o", str(out)
    )
    assert (code, err.splitlines()[-1]) == (
        2,
        f"Error: Missing required fields at context (converting {ledger}): "
        "infrastructure.components. Add them to the context file (`boamps init-context` writes "
        "a starting one). This carbon-ops file names no hardware: give it with `boamps "
        'init-context --cpu "NAME" --cpu-count N --ram-gb G` (and `--gpu "NAME" --gpu-count N`).',
    )
    assert not out.exists()
    # the first input lacks a field of the context: it is the one named
    no_task = {key: value for key, value in CONTEXT.items() if key != "task"}
    context = write_context(tmp_path, no_task)
    eco2ai = sources / "eco2ai" / "emission.csv"
    code, _, err = run(
        capsys, "convert", str(eco2ai), str(example), "--context", str(context), "-o", str(out)
    )
    assert (code, err.splitlines()[-1]) == (
        2,
        f"Error: Missing required fields at context (converting {eco2ai}): task. Add them to "
        "the context file (`boamps init-context` writes a starting one).",
    )
    assert not out.exists()
