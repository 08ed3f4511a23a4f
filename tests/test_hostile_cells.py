"""No CSV cell, however hostile, costs more than linear time: every regular expression of the
field table and the pattern tables, on cells of 50,000 characters built to make a
backtracking matcher work quadratically (long runs of digits or spaces, a pattern's own
opening words over and over)."""

from __future__ import annotations

import csv
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_convert_edges import HARDWARE, run

from boamps_carbon.fieldmap import load_field_table
from boamps_carbon.fieldmap.conditions import Conditions
from boamps_carbon.fieldmap.table import FieldRow
from boamps_carbon.fieldmap.transforms import TRANSFORMS, RunContext
from boamps_carbon.resources import schemas_dir

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

SIZE = 50_000
# CPU seconds for one search of one cell: a linear search takes a few milliseconds (the worst,
# 54 ms); a quadratic one on 50,000 characters takes minutes. CPU time, not time on the clock:
# on a loaded machine that 54 ms search took 1.3 s of waiting for a processor.
BOUND = 1.0


def literal_prefix(pattern: str) -> str:
    """The text a pattern opens with (`AMD Ryzen AI ` for `AMD Ryzen AI (?P<model>...`)."""
    found = []
    for op, argument in sre_parse.parse(pattern):
        if op is not sre_parse.LITERAL:
            break
        found.append(chr(argument))
    return "".join(found)


def hostile_cells(patterns: list[str]) -> Iterator[str]:
    for unit in ("1", " ", "1 ", "1.", "a", "a ", "1 x ", "1GB ", "1 GB1"):
        yield (unit * SIZE)[:SIZE] + "!"
    for pattern in patterns:
        prefix = literal_prefix(pattern)
        if prefix:
            for tail in ("", "1 ", "a1-", "1 x "):
                yield ((prefix + tail) * SIZE)[:SIZE] + "!"


def table_rows() -> list[FieldRow]:
    return load_field_table().rows


def pattern_tables() -> dict[str, list[dict[str, str]]]:
    found = {}
    for path in sorted((schemas_dir() / "tables").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if rows and "pattern" in rows[0]:
            found[path.stem] = rows
    return found


def every_regex() -> list[str]:
    """Every regular expression a CSV cell meets: extract arguments, `~` conditions, patterns."""
    found = [row.argument for row in table_rows() if row.transform == "extract"]
    for row in table_rows():
        found += [term.split("~", 1)[1].strip() for term in row.when.split("&") if "~" in term]
    for rows in pattern_tables().values():
        found += [row["pattern"] for row in rows]
    return found


def assert_fast(call: Callable[[str], object], cells: Iterator[str], what: str) -> None:
    for cell in cells:
        start = time.thread_time()
        call(cell)
        took = time.thread_time() - start
        assert took < BOUND, f"{what} took {took:.1f} s on {cell[:30]!r}..."


@pytest.mark.parametrize("pattern", every_regex())
def test_every_regex_is_linear_on_hostile_cells(pattern: str) -> None:
    # the bare expression, as the tables write it: no guard in front of it
    compiled = re.compile(pattern, re.IGNORECASE)
    assert_fast(compiled.search, hostile_cells([pattern]), pattern)


def test_the_regexes_are_all_found() -> None:
    # the test above must not pass by seeing nothing
    regexes = every_regex()
    assert r"(?<!\d)(\d+(?:\.\d+)?)\s*GB\b" in regexes
    assert r"^\s*[1-9]\d*\s*x\s" in regexes
    assert set(pattern_tables()) == {"countries", "cpu-vendors", "hardware-patterns", "os-patterns"}
    assert len(regexes) == 4 + sum(len(rows) for rows in pattern_tables().values())


def test_every_transform_and_condition_on_hostile_cells() -> None:
    """The same, through the code that applies them to a row (lookups, extracts, `~`)."""
    run = RunContext({})
    patterns = every_regex()
    for row in table_rows():
        if row.transform in ("extract", "lookup"):
            apply = TRANSFORMS[row.transform].row(row)
            assert_fast(lambda cell, f=apply: f([cell], run), hostile_cells(patterns), row.origin)
        for term in row.when.split("&"):
            if "~" in term:
                column = term.split("~")[0].strip()
                test = Conditions({}, {column: 0}).compile(
                    FieldRow(row.path, row.transform, (), "", term, row.origin)
                )
                assert callable(test)
                assert_fast(lambda cell, f=test: f([cell], run), hostile_cells(patterns), term)


def test_a_quadratic_pattern_of_ours_costs_bounded_time(tmp_path: Path) -> None:
    """A user's field table may hold a quadratic expression: the cell it reads is cut to
    MAX_MATCHED characters first, so one cell still costs a bounded time."""
    from boamps_carbon.fieldmap.parsing import MAX_MATCHED

    row = FieldRow("x", "extract", ("gpu_model",), r"(\d+)\s*GB\b", "", "test:2")
    apply = TRANSFORMS["extract"].row(row)
    run = RunContext({})
    assert_fast(lambda cell: apply([cell], run), iter(["1" * SIZE]), row.argument)
    assert apply(["x" * (MAX_MATCHED - 4) + "32GB"], run) == 32
    assert apply(["x" * (MAX_MATCHED - 3) + "32GB"], run) is None


def test_a_header_of_40000_columns_costs_linear_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:

    extra = [f"x{i}" for i in range(40_000)]
    head = "timestamp,project_name,run_id,duration,emissions,energy_consumed,country_name,"
    row = "2024-01-01T10:00:00,p,,10,0.001,0.01,France," + ",".join("1" for _ in extra)
    source = tmp_path / "wide.csv"
    source.write_text(head + ",".join(extra) + "\n" + row + "\n" + row + "\n", encoding="utf-8")
    context = tmp_path / "context.json"
    context.write_text(json.dumps(HARDWARE), encoding="utf-8")
    # CPU time of this process, its threads included: a file this small is one piece,
    # converted here rather than in worker processes
    start = time.process_time()
    code, out, err = run(capsys, "convert", str(source), "--context", str(context), "-o", "-")
    took = time.process_time() - start
    assert (code, len(out.splitlines())) == (0, 2)
    assert err.endswith(f"{source}: 2 rows, 2 converted, 0 rejected\n")
    # 13 s when each column counted its namesakes in the whole header; a linear pass, 0.3 s
    assert took < 3 * BOUND


def test_the_readings_own_patterns_are_linear() -> None:
    from boamps_carbon.fieldmap import parsing

    cells = ["1" * SIZE + "x", "1." + "1" * SIZE + "x", "1e" + "1" * SIZE + "x", " " * SIZE]
    for pattern in (parsing._ONE_MOMENT, parsing._MOMENTS):
        assert_fast(pattern.fullmatch, iter(cells), pattern.pattern)
    assert_fast(parsing.whole_number, iter(cells), "whole_number")
    assert parsing.whole_number("1" * 20) == 1.1111111111111111e19
    assert parsing.whole_number("-1.5e-3") == -0.0015
    assert [parsing.whole_number(t) for t in ("1.2.3", " 1", "1_0", "nan", "1e999", "\u0661")] == [
        None
    ] * 6


def test_a_long_unfinished_line_is_split_in_linear_time() -> None:
    from boamps_carbon.fast.chunks import _Lines
    from boamps_carbon.fast.source_bytes import MemoryBytes

    data = b"a,b\r\n" + b"x" * (40 * SIZE)
    start = time.thread_time()
    lines = list(_Lines(MemoryBytes(data), 0))
    assert time.thread_time() - start < BOUND
    assert lines == ["a,b\r\n", "x" * (40 * SIZE)]


def test_a_hostile_cell_in_every_column_costs_linear_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One row per column, its cell 50,000 digits and a letter: each is rejected or
    converted, in no more time than reading it takes."""
    from test_cli_convert import CONTEXT, HEADER, example_rows, write_csv

    good = example_rows()[0]
    rows = [good] + [{**good, "run_id": "", column: "1" * SIZE + "x"} for column in HEADER]
    source = write_csv(tmp_path / "e.csv", rows)
    start = time.process_time()  # one piece (2 MB), converted in this process
    code, out, err = run(capsys, "convert", str(source), "--context", str(CONTEXT), "-o", "-")
    assert time.process_time() - start < 10 * BOUND
    assert (code, len(out.splitlines())) == (1, 28)
    assert err.splitlines()[-1] == f"{source}: 39 rows, 28 converted, 11 rejected"
