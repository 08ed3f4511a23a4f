"""What the cluster paths (pandas frames, Spark, Dask) must give for a CodeCarbon file: the
reports the local path writes for the same rows, each named by the partition-independent
id rule, written out here on its own so that the tests do not check the code with itself."""

from __future__ import annotations

import csv
import json
import os
import re
import uuid
from pathlib import Path
from typing import Any, NoReturn

import pytest
from conftest import ROOT, shared
from test_convert import CONTEXT, NEEDS_HARDWARE, WITH_HARDWARE

from boamps_carbon.conversion import convert
from boamps_carbon.sources.parquet import ParquetSource
from boamps_carbon.writers import report_json

EXAMPLE = ROOT / "examples" / "emissions.csv"
EXAMPLE_CONTEXT = ROOT / "examples" / "context.json"
NAMESPACE = uuid.UUID("6f1c3b8e-2d4a-5e7f-9a0b-1c2d3e4f5a6b")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

Result = tuple[str, "str | None", "str | None"]


def context_of(name: str) -> Any:
    if name == "example":
        return EXAMPLE_CONTEXT
    return WITH_HARDWARE if name in NEEDS_HARDWARE else CONTEXT


def csv_of(name: str) -> Path:
    return EXAMPLE if name == "example" else shared("codecarbon-emissions", name)


def to_parquet(csv_path: Path, out: Path) -> Path:
    """The CSV as a data lake keeps it: types inferred by pyarrow, written as Parquet."""
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    encoding = "cp1252" if "cp1252" in csv_path.name else "utf8"
    table = pa_csv.read_csv(csv_path, read_options=pa_csv.ReadOptions(encoding=encoding))
    pq.write_table(table, out)
    return out


def expected_id(row: dict[str, str]) -> str:
    run_id = row.get("run_id", "").strip()
    if UUID.fullmatch(run_id):
        return run_id.lower()
    content = sorted([name, text] for name, text in row.items() if text != "")
    key = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return str(uuid.uuid5(NAMESPACE, f"row:{key}"))


def expected_results(csv_path: Path, parquet: Path, context: Any) -> list[Result]:
    """Row by row: (report_id, report JSON or None, problem or None). Reports and problems
    from the local path on the CSV; ids from the rows as typed values read back as text
    (the Parquet's rows as CodeCarbon's CSV: the same text wherever the CSV was in
    CodeCarbon's own form, test_parquet shows)."""
    source = ParquetSource(parquet)
    assert source.path is not None
    with open(source.path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    conversion = convert(csv_path, context)
    reports = {converted.row: converted.report for converted in conversion}
    problems = {rejected.row: rejected.reason for rejected in conversion.rejected}
    assert len(reports) + len(problems) == len(rows)
    results: list[Result] = []
    for number, row in enumerate(rows, start=1):
        report_id = expected_id(row)
        if number in problems:
            results.append((report_id, None, problems[number]))
            continue
        report = reports[number]
        report["header"]["reportId"] = report_id
        results.append((report_id, report_json(report, None), None))
    return results


REQUIRE = "BOAMPS_REQUIRE_CLUSTER"


def missing(engine: str, reason: str) -> NoReturn:
    """Skip for want of `engine` (parquet, dask, spark), unless the environment variable
    BOAMPS_REQUIRE_CLUSTER names it (`.ci/run` does, where a skip would hide an untested
    path)."""
    if engine in os.environ.get(REQUIRE, "").split():
        pytest.fail(f"{reason}, and {REQUIRE} requires the {engine} tests", pytrace=False)
    pytest.skip(reason, allow_module_level=True)
