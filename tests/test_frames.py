"""CodeCarbon rows in pandas frames and dicts: the local path's reports, one result per row,
ids from the row alone whatever the batches."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from cluster_cases import (
    EXAMPLE,
    EXAMPLE_CONTEXT,
    context_of,
    csv_of,
    expected_id,
    expected_results,
    missing,
    to_parquet,
)
from test_convert import PUBLIC_CSVS

from boamps_carbon import InputError, frames
from boamps_carbon.frames import FrameConverter

try:
    import pyarrow  # noqa: F401  (to_parquet, read_parquet)
except ImportError:
    missing("parquet", "pyarrow is not installed (extra [parquet])")


def results(frame: pd.DataFrame) -> list[tuple[str, str | None, str | None]]:
    return list(frame.itertuples(index=False, name=None))


@pytest.mark.parametrize("name", ["example", *sorted(PUBLIC_CSVS)])
def test_every_file_as_a_typed_frame_gives_the_local_reports(name: str, tmp_path: Path) -> None:
    parquet = to_parquet(csv_of(name), tmp_path / "e.parquet")
    expected = expected_results(csv_of(name), parquet, context_of(name))
    converter = FrameConverter(context_of(name))
    frame = pd.read_parquet(parquet)
    got = converter.results_frame(frame)
    assert list(got.columns) == ["report_id", "report", "problem"]
    assert list(got.index) == list(frame.index)
    assert results(got) == expected
    # dicts give the same
    rows = frame.to_dict(orient="records")
    assert [(r.report_id, r.report, r.problem) for r in converter.convert_rows(rows)] == expected


def test_the_example_keeps_its_run_ids_and_bytes() -> None:
    converter = FrameConverter(EXAMPLE_CONTEXT)
    got = converter.results_frame(pd.read_csv(EXAMPLE))
    from boamps_carbon.conversion import convert
    from boamps_carbon.writers import report_json

    local = [report_json(c.report, None) for c in convert(EXAMPLE, EXAMPLE_CONTEXT)]
    assert list(got["report"]) == local
    assert list(got["report_id"]) == [
        "96f75a4f-a769-47bb-86cf-6130539c8123",
        "e8d49d0a-bbdd-4669-91a4-8c365e3eab84",
        "2071ab09-6bbf-4972-91f1-966a596d293b",
    ]


def test_ids_do_not_depend_on_batches_or_splits(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.read_csv(EXAMPLE)
    frame = pd.concat([frame] * 3, ignore_index=True)
    frame.loc[[1, 4, 7], "run_id"] = ""  # rows without a run_id: ids from their content
    frame.loc[4, "duration"] = 9.5
    converter = FrameConverter(EXAMPLE_CONTEXT)
    whole = results(converter.results_frame(frame))
    monkeypatch.setattr(frames, "BATCH_ROWS", 2)
    assert results(converter.results_frame(frame)) == whole
    pieces = [converter.results_frame(frame.iloc[i : i + 4]) for i in range(0, len(frame), 4)]
    assert results(pd.concat(pieces)) == whole
    # reordered columns do not change an id either
    assert results(converter.results_frame(frame[frame.columns[::-1]])) == whole
    ids = [row[0] for row in whole]
    # the same UUID run_id three times: one id; identical rows without one: one id
    assert ids[0] == ids[3] == ids[6] == "96f75a4f-a769-47bb-86cf-6130539c8123"
    assert ids[1] == ids[7] != ids[4]
    assert ids[1] == expected_id(
        {k: frames.cell_text(v) for k, v in frame.iloc[1].to_dict().items()}
    )


def test_a_rejected_row_has_its_problem_and_its_id() -> None:
    frame = pd.read_csv(EXAMPLE)
    frame.loc[1, "energy_consumed"] = -1.0
    got = results(FrameConverter(EXAMPLE_CONTEXT).results_frame(frame))
    assert got[1] == (
        "e8d49d0a-bbdd-4669-91a4-8c365e3eab84",
        None,
        "expected an energy of 0 or more in column energy_consumed, got '-1.0'",
    )
    assert got[0][2] is None and got[2][2] is None


def test_integers_made_floats_by_a_missing_value_read_as_integers() -> None:
    frame = pd.read_csv(EXAMPLE)
    frame["cpu_count"] = frame["cpu_count"].astype(float)
    frame.loc[0, "run_id"] = ""
    plain = FrameConverter(EXAMPLE_CONTEXT).results_frame(frame)
    typed = FrameConverter(EXAMPLE_CONTEXT, integer_columns=["cpu_count"]).results_frame(frame)
    assert list(plain["report"])[1:] == list(typed["report"])[1:]
    row = {k: frames.cell_text(v) for k, v in frame.iloc[0].to_dict().items()}
    assert row["cpu_count"] == "2.0"
    assert plain["report_id"][0] == expected_id(row)
    assert typed["report_id"][0] == expected_id({**row, "cpu_count": "2"})


def test_an_id_set_by_the_context_is_kept() -> None:
    context = json.loads(EXAMPLE_CONTEXT.read_text(encoding="utf-8"))
    context.setdefault("header", {})["reportId"] = "0b0e5a4e-2c1d-4e8f-9a7b-6c5d4e3f2a1b"
    got = FrameConverter(context).results_frame(pd.read_csv(EXAMPLE))
    assert set(got["report_id"]) == {"0b0e5a4e-2c1d-4e8f-9a7b-6c5d4e3f2a1b"}
    assert all('"reportId":"0b0e5a4e-2c1d-4e8f-9a7b-6c5d4e3f2a1b"' in r for r in got["report"])


def test_columns_that_are_not_codecarbon_s_are_refused_before_any_row() -> None:
    with pytest.raises(InputError) as caught:
        FrameConverter(EXAMPLE_CONTEXT).check(["a", "b"])
    assert caught.value.message == (
        "Not a CodeCarbon emissions CSV at <rows>: no column timestamp, duration, "
        "energy_consumed. Pass an emissions.csv written by CodeCarbon."
    )
    with pytest.raises(InputError) as caught:
        FrameConverter(EXAMPLE_CONTEXT, measures="each").check(list(pd.read_csv(EXAMPLE).columns))
    assert caught.value.message == (
        "Unknown measures mode at --measures: 'each'. Use one of: total, components."
    )


def test_a_value_no_codecarbon_column_holds_is_refused() -> None:
    frame = pd.read_csv(EXAMPLE)
    frame["tags"] = pd.Series([["a"], ["b"], ["c"]], dtype=object)
    with pytest.raises(InputError) as caught:
        FrameConverter(EXAMPLE_CONTEXT).results_frame(frame)
    assert caught.value.message == (
        "Unsupported column type at column tags: list. "
        "CodeCarbon's columns are text, numbers, booleans or timestamps."
    )


def test_nullable_and_numpy_types_read_as_codecarbon_writes_them() -> None:
    frame = pd.read_csv(EXAMPLE)
    expected = results(FrameConverter(EXAMPLE_CONTEXT).results_frame(frame))
    typed = frame.astype(
        {"cpu_count": "Int64", "duration": "Float64", "project_name": "string", "pue": np.float64}
    )
    typed["timestamp"] = pd.to_datetime(typed["timestamp"])
    assert results(FrameConverter(EXAMPLE_CONTEXT).results_frame(typed)) == expected


def test_an_empty_frame_gives_an_empty_result() -> None:
    frame = pd.read_csv(EXAMPLE).iloc[:0]
    got = FrameConverter(EXAMPLE_CONTEXT).results_frame(frame)
    assert (list(got.columns), len(got)) == (["report_id", "report", "problem"], 0)
    assert list(FrameConverter(EXAMPLE_CONTEXT).convert_rows([])) == []
