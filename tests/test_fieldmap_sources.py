"""--fieldmap rows whose source column no CodeCarbon layout has and the file lacks: named, with
the closest known column, instead of a field that silently stays empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, shared

from boamps_carbon.cli import main
from boamps_carbon.fieldmap.table import load_field_table, unknown_sources

EXAMPLE = ROOT / "examples" / "emissions.csv"
CONTEXT = ROOT / "examples" / "context.json"


def test_an_unknown_source_column_is_named_with_the_closest_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "map.csv"
    table.write_text(
        "path,transform,source,argument,when\n"
        "infrastructure.components[cpu].componentName,text,cpu_modle,,\n"
        "task.taskDescription,text,my_notes,,\n"
        "system.os,text,os,,\n",
        encoding="utf-8",
    )
    code = main(
        ["convert", str(EXAMPLE), "--context", str(CONTEXT), "--fieldmap", str(table), "-o", "-"]
    )
    err = capsys.readouterr().err
    assert code == 0
    assert err.splitlines() == [
        f"warning: {table}:2: source column 'cpu_modle' of "
        "infrastructure.components[cpu].componentName is in no CodeCarbon layout and not in "
        f"{EXAMPLE}: the field stays empty. Did you mean 'cpu_model'?",
        f"warning: {table}:3: source column 'my_notes' of task.taskDescription is in no "
        f"CodeCarbon layout and not in {EXAMPLE}: the field stays empty",
        f"{EXAMPLE}: 3 rows, 3 converted, 0 rejected",
    ]


def test_columns_of_the_file_or_of_any_layout_are_known() -> None:
    table = load_field_table()
    assert unknown_sources(table, []) == []  # every built-in source is some layout's
    header = ["timestamp", "my_notes"]
    user = load_field_table(ROOT / "schemas" / "fieldmaps" / "codecarbon.csv")
    assert unknown_sources(user, header) == []


def test_the_bash_tool_table_names_its_quality_constant() -> None:
    # CMD "high" without the `#` of a constant: a column the CSV does not have
    base = shared("boamps-official", "tools-bash-data")
    table = load_field_table(base / "conf" / "boamps_auto_prefill_codecarbon_customized.csv")
    # its other columns are the extra ones of its own input file
    data = base / "input" / "codecarbon_suppl_info.csv"
    header = data.read_text(encoding="utf-8").splitlines()[0].split(",")
    found = unknown_sources(table, header)
    assert [(u.column, u.row.path, u.closest) for u in found] == [("high", "quality", None)]
    assert [u.column for u in unknown_sources(table, [])] == [
        "prompt_token_number",
        "result_number_token",
        "high",
    ]
