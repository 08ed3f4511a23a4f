"""The fast path of `convert` (JSON Lines, whole columns at a time, worker processes) writes
exactly what the ordinary path writes, row for row: same bytes, same rejects, same
warnings. Files are cut into tiny pieces here so that every file has many of them."""

from __future__ import annotations

import codecs
import copy
import csv
import hashlib
import io
import itertools
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from conftest import ROOT, shared
from factories import make_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from official import official_validator
from test_convert import CONTEXT, CONTEXT_1_0, NEEDS_HARDWARE, PUBLIC_CSVS, WITH_HARDWARE

import boamps_carbon.fast.chunks as chunks
from boamps_carbon import InputError
from boamps_carbon.conversion import Conversion, convert
from boamps_carbon.fast import piece, pool, prepass
from boamps_carbon.fast.chunks import Body
from boamps_carbon.schema import SchemaVersion
from boamps_carbon.sources.codecarbon_csv import CsvSource, scan_bytes
from boamps_carbon.validation.semantic import RULES, SemanticRule
from boamps_carbon.writers import report_json

EXAMPLE = ROOT / "examples" / "emissions.csv"
EXAMPLE_CONTEXT = ROOT / "examples" / "context.json"


def context_for(version: SchemaVersion, hardware: bool = False) -> dict[str, Any]:
    context = CONTEXT if version is SchemaVersion.V1_1 else CONTEXT_1_0
    return {**context, "infrastructure": WITH_HARDWARE["infrastructure"]} if hardware else context


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunks, "PIECE_BYTES", 700)


class Counted:
    """How many rows went the ordinary way inside the fast path."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows = 0
        original = piece.PieceConverter._one

        def one(converter: Any, record: Any, result: Any) -> Any:
            self.rows += 1
            return original(converter, record, result)

        monkeypatch.setattr(piece.PieceConverter, "_one", one)


def accounts(conversion: Conversion) -> tuple[Any, ...]:
    rejected = [(r.row, r.line, r.values, r.reason) for r in conversion.rejected]
    warnings = [(message, list(rows)) for message, rows in conversion.warning_rows.items()]
    return rejected, warnings, conversion.converted, conversion.rejected_count


def ordinary(source: Any, context: Any, **options: Any) -> tuple[str, tuple[Any, ...]]:
    """The reference: the whole file read by the csv module, every row one at a time."""
    with mock.patch.object(Body, "open", return_value=None):
        conversion = convert(source, context, workers=1, **options)
    text = "".join(report_json(c.report, None) + "\n" for c in conversion)
    return text, accounts(conversion)


def fast(source: Any, context: Any, workers: int, **options: Any) -> tuple[str, tuple[Any, ...]]:
    conversion = convert(source, context, workers=workers, **options)
    text = "".join(text for text, _ in conversion.json_lines())
    return text, accounts(conversion)


def public_csvs() -> Iterator[str]:
    yield from PUBLIC_CSVS


@pytest.mark.parametrize("name", list(public_csvs()))
@pytest.mark.parametrize("measures", ["total", "components"])
def test_every_public_file_comes_out_the_same_both_ways(
    name: str, measures: str, version: SchemaVersion
) -> None:
    path = shared("codecarbon-emissions", name)
    context = context_for(version, name in NEEDS_HARDWARE)
    expected = ordinary(path, context, measures=measures, schema_version=version)
    assert fast(path, context, 1, measures=measures, schema_version=version) == expected
    assert fast(path, context, 2, measures=measures, schema_version=version) == expected


def test_the_bash_tool_input_comes_out_the_same_both_ways(version: SchemaVersion) -> None:
    path = shared("boamps-official", "tools-bash-data", "input", "codecarbon_file.csv")
    context = context_for(version)
    expected = ordinary(path, context, schema_version=version)
    assert fast(path, context, 2, schema_version=version) == expected
    assert expected[1][2] == 104


def test_rows_of_a_clean_file_never_go_the_ordinary_way(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = Counted(monkeypatch)
    text, (rejected, warnings, converted, _) = fast(EXAMPLE, EXAMPLE_CONTEXT, 1)
    assert (counted.rows, converted, rejected, warnings) == (0, 3, [], [])
    assert text == ordinary(EXAMPLE, EXAMPLE_CONTEXT)[0]


# values that each take a different turn somewhere: empty, spaced, exponent, negative zero,
# out of range, not a number, a zone, a day that does not exist, year 999...
TRICKY = {
    "duration": ["", " 12.5 ", "4.56E-07", "-0.0", "-3", "1e400", "nan", "abc", "0", "1_0"],
    "energy_consumed": ["", "0", "-0.0", "-1e-3", "2.5E-05", "9e9", "inf", "١٢", "0.001"],
    "cpu_energy": ["", "0", "-1", "1e-05", "nan"],
    "gpu_energy": ["", "0", "-1", "1e-05", "2"],
    "ram_energy": ["", "0", "1e-05"],
    "emissions": ["", "0", "-1", "3e-06", "1e308"],
    "timestamp": [
        "",
        "2024-01-01 10:00:00",
        "2024-01-01T10:00:00.5",
        "2024-01-01T10:00:00.4999999",
        "2024-01-01T10:00:00+02:00",
        "2024-02-30T10:00:00",
        "0999-12-31T23:59:59",
        "9999-12-31T23:59:59.6",
        "yesterday",
    ],
    "run_id": ["", "not-a-uuid", "9F2C1B2A-0D3E-4F5A-8B6C-7D8E9F0A1B2C", "dup"],
    "cpu_utilization_percent": ["", "0", "52.5", "150", "-4", "x"],
    "gpu_utilization_percent": ["", "0", "100", "100.00000000001"],
    "project_name": ["", "other", " spaced ", "é", 'run, "big"', '"', " a,b "],
    "region": ['quebec, "qc"', '""'],
    "cpu_count": ["", "2.5", "-1", "4"],
    "country_name": ["", "Canada"],
    "latitude": ["", "46.8"],
    "longitude": ["", "-71.2"],
    "on_cloud": ["Y", "N", ""],
    "os": ["Windows-10-10.0.19045-SP0", "macOS-14.1-arm64-arm-64bit", ""],
}
DUPLICATE = "0b5e9c1e-8f6e-4a57-9c43-3a1b2d4e5f60"


def example() -> tuple[list[str], list[dict[str, str]]]:
    with EXAMPLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@st.composite
def emissions_csvs(draw: st.DrawFn) -> bytes:
    header, samples = example()
    rows = []
    for index in range(draw(st.integers(1, 14))):
        row = dict(samples[index % len(samples)])
        row["run_id"] = f"{index:08x}-8f6e-4a57-9c43-3a1b2d4e5f60"
        for column in draw(st.lists(st.sampled_from(sorted(TRICKY)), max_size=3)):
            value = draw(st.sampled_from(TRICKY[column]))
            row[column] = DUPLICATE if value == "dup" else value
        rows.append([row[c] for c in header])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    lines = out.getvalue().split("\n")
    for _ in range(draw(st.integers(0, 2))):  # what the csv module must read, not a split
        where = draw(st.integers(1, len(lines) - 1))
        lines.insert(where, draw(st.sampled_from(["", "  ", 'a,"b,\nc"', "1,2"])))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = draw(st.sampled_from(["", "\n", "\ufeff"])) + ending.join(lines)
    return text.encode(draw(st.sampled_from(["utf-8", "cp1252"])), errors="replace")


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=emissions_csvs(), measures=st.sampled_from(["total", "components"]))
def test_tricky_rows_come_out_the_same_both_ways(data: bytes, measures: str) -> None:
    assert_same_both_ways(data, measures=measures)


def assert_same_both_ways(data: bytes, **options: Any) -> None:
    """The same reports, rejects and warnings; or, for a file neither can use, the same
    error."""
    try:
        expected = ordinary(data, EXAMPLE_CONTEXT, **options)
    except InputError as exc:
        with pytest.raises(InputError) as caught:
            fast(data, EXAMPLE_CONTEXT, 1, **options)
        assert caught.value.message == exc.message
        return
    assert fast(data, EXAMPLE_CONTEXT, 1, **options) == expected


def many_rows(count: int) -> bytes:
    header, samples = example()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for index in range(count):
        row = dict(samples[index % len(samples)])
        row["run_id"] = f"{index:08x}-8f6e-4a57-9c43-3a1b2d4e5f60"
        row["duration"] = f"{1 + index / 7:.6f}"
        row["cpu_utilization_percent"] = str(index % 101)
        row["timestamp"] = f"2026-11-22T{index // 3600:02d}:{index // 60 % 60:02d}:{index % 60:02d}"
        writer.writerow([row[c] for c in header])
    return out.getvalue().encode("utf-8")


def test_workers_and_one_process_write_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    data = many_rows(400)
    counted = Counted(monkeypatch)
    one = fast(data, EXAMPLE_CONTEXT, 1)
    assert counted.rows == 0
    assert fast(data, EXAMPLE_CONTEXT, 2) == one == ordinary(data, EXAMPLE_CONTEXT)


def test_fast_reports_pass_the_official_schema(version: SchemaVersion) -> None:
    validator = official_validator(version)
    context = context_for(version)
    text, (_, _, converted, _) = fast(many_rows(300), context, 2, schema_version=version)
    reports = [json.loads(line) for line in text.splitlines()]
    assert len(reports) == converted == 300
    for report in reports:
        validator.validate(report)


def test_workers_write_to_the_output_file_in_order(tmp_path: Path) -> None:
    conversion = convert(many_rows(300), EXAMPLE_CONTEXT, workers=2)
    path = tmp_path / "out.jsonl"
    with path.open("wb") as handle:
        outputs = list(conversion.outputs(handle.fileno()))
    assert all(o.written for o in outputs) and sum(o.reports for o in outputs) == 300
    assert path.read_text(encoding="utf-8") == ordinary(many_rows(300), EXAMPLE_CONTEXT)[0]


def test_a_broken_quote_in_a_later_piece_stops_the_file_before_any_output() -> None:
    data = many_rows(40) + b'2026-11-22T00:00:00,"unterminated,\n'
    with pytest.raises(InputError) as caught:
        convert(data, EXAMPLE_CONTEXT, workers=2)
    assert caught.value.message == (
        "Not a readable CSV file at <bytes> line 42: unexpected end of data. "
        "Check the file's quoting."
    )


class Read(dict[str, Any]):
    """A report that records the fields read from it, as semantic rules name them."""

    def __init__(self, node: dict[str, Any], path: str, seen: set[str]) -> None:
        super().__init__({key: _recorded(v, f"{path}{key}", seen) for key, v in node.items()})
        self.path, self.seen = path, seen

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.seen.add(f"{self.path}{key}")
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.seen.add(f"{self.path}{key}")
        return super().__getitem__(key)


def _recorded(node: Any, path: str, seen: set[str]) -> Any:
    if isinstance(node, dict):
        return Read(node, f"{path}.", seen)
    if isinstance(node, list):
        return [_recorded(item, f"{path}[]", seen) for item in node]
    return node


def warned_reports() -> list[dict[str, Any]]:
    """Reports on which every rule reads every field it can read."""
    found = []
    for version in SchemaVersion:
        report = make_report(version, full=True)
        found.append(copy.deepcopy(report))
        measure = report["measures"][0]
        measure.update(cpuTrackingMode="machine", measurementDuration=2, powerConsumption=1e-9)
        measure["measurementDateTime"] = "2099-01-01 00:00:00"
        report["measures"].append({**measure, "powerConsumption": 1000.0})
        report["environment"].update(country="Canada", latitude=46.8, longitude=-71.2)
        report["infrastructure"].update(infraType="onPremise", cloudProvider="aws")
        report["infrastructure"]["components"] = [
            {"componentName": "Xeon", "componentType": "cpu", "nbComponent": 64},
            {"componentName": "2 x Tesla V100S", "componentType": "gpu", "nbComponent": 3},
        ]
        found.append(copy.deepcopy(report))
        report["header"]["reportDatetime"] = "yesterday"
        found.append(report)
    return found


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.name)
def test_each_semantic_rule_declares_the_fields_it_reads(rule: SemanticRule) -> None:
    # what the templates rely on: a slot in a field a rule reads is kept by its column form
    # (or refused, when it has none); a field read and not declared would slip through
    assert isinstance(rule, SemanticRule)
    warned = False
    for report in warned_reports():
        seen: set[str] = set()
        warned |= any(True for _ in rule(Read(report, "", seen)))
        fields = {f for f in seen if not any(r.startswith((f"{f}.", f"{f}[")) for r in rule.reads)}
        assert fields <= set(rule.reads)
    assert warned, "some report must make the rule warn"


def test_every_semantic_rule_is_a_rule_object_with_its_column_form_declared() -> None:
    from boamps_carbon.validation import semantic

    assert len({rule.name for rule in RULES}) == len(RULES) == 9
    assert [rule.name for rule in RULES if rule.column is None] == [
        "tracking_modes",
        "geolocation_fallback",
        "onpremise_cloud_provider",
        "component_counts",
        "cpu_counts",
    ]
    # no rule outside RULES: every public check of a report in the module is one of them
    checks = {
        name
        for name, value in vars(semantic).items()
        if callable(value)
        and getattr(value, "__module__", "") == semantic.__name__
        and getattr(value, "__annotations__", {}).get("return") == "Iterator[Problem]"
    }
    assert checks == {rule.name for rule in RULES}


def cli(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    code = (
        "import boamps_carbon.fast.chunks as p; p.PIECE_BYTES = 4096; "
        "from boamps_carbon.cli import main; import sys; raise SystemExit(main(sys.argv[1:]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *arguments],
        capture_output=True,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_stdout_and_a_file_get_the_same_bytes(tmp_path: Path) -> None:
    source = tmp_path / "many.csv"
    source.write_bytes(many_rows(500))
    common = ["convert", str(source), "--context", str(EXAMPLE_CONTEXT)]
    to_stdout = cli(tmp_path, *common, "-o", "-")
    to_file = cli(tmp_path, *common, "-o", "out.jsonl")
    assert (to_stdout.returncode, to_file.returncode) == (0, 0)
    written = (tmp_path / "out.jsonl").read_bytes()
    assert to_stdout.stdout == written == ordinary(source, EXAMPLE_CONTEXT)[0].encode("utf-8")
    assert to_file.stderr.decode() == (
        f"{source}: 500 rows, 500 converted, 0 rejected\nwrote 500 reports to out.jsonl\n"
    )


def test_a_day_the_month_lacks_among_whole_second_timestamps() -> None:
    header, samples = example()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for index, stamp in enumerate(["2024-02-28T10:00:00", "2024-02-30T10:00:00"] * 3):
        row = {
            **samples[0],
            "timestamp": stamp,
            "run_id": f"{index:08x}-8f6e-4a57-9c43-3a1b2d4e5f60",
        }
        writer.writerow([row[c] for c in header])
    data = out.getvalue().encode("utf-8")
    text, (rejected, _, converted, _) = fast(data, EXAMPLE_CONTEXT, 1)
    reason = "expected a date and time in column timestamp, got '2024-02-30T10:00:00'"
    assert [(row, line, why) for row, line, _, why in rejected] == [
        (2, 3, reason),
        (4, 5, reason),
        (6, 7, reason),
    ]
    assert (text, converted) == (ordinary(data, EXAMPLE_CONTEXT)[0], 3)


def with_text(column: str, values: list[str]) -> str:
    """The example's rows, many times, with `values` in `column` in turn."""
    header, samples = example()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for index in range(60):
        row = {**samples[index % 3], column: values[index % len(values)]}
        row["run_id"] = f"{index:08x}-8f6e-4a57-9c43-3a1b2d4e5f60"
        writer.writerow([row[c] for c in header])
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        # UTF-8 in some pieces, a byte UTF-8 cannot have in a later one: cp1252 after all
        (
            with_text("project_name", ["café"] * 40 + ["x"] * 19).encode("utf-8")
            + with_text("cpu_model", ["Intel® Xeon®"]).split("\n", 1)[1].encode("cp1252"),
            "cp1252",
        ),
        (codecs.BOM_UTF8 + with_text("project_name", ["dé", "plain"]).encode(), "utf-8-sig"),
        (with_text("cpu_model", ["Intel® Core™ i7"]).encode(), "utf-8"),
    ],
    ids=["cp1252-after-utf8", "utf8-bom", "utf8"],
)
def test_encodings_found_by_the_workers_read_as_the_ordinary_path_reads(
    data: bytes, encoding: str
) -> None:
    conversion = convert(data, EXAMPLE_CONTEXT, workers=2)
    assert conversion.encoding == encoding == scan_bytes(iter([data]), "").encoding
    assert conversion.source.scan.sha256 == hashlib.sha256(data).hexdigest()
    assert fast(data, EXAMPLE_CONTEXT, 2) == ordinary(data, EXAMPLE_CONTEXT)


def rows_text(*changes: dict[str, str]) -> str:
    """The example's first row once per change, with its own run_id, as CSV lines."""
    header, samples = example()
    lines = [",".join(header)]
    for index, change in enumerate(changes):
        row = {**samples[0], "run_id": f"{index:08x}-8f6e-4a57-9c43-3a1b2d4e5f60", **change}
        lines.append(",".join(row[c] for c in header))
    return "\n".join(lines) + "\n"


def test_a_stray_quote_does_not_cut_a_piece_inside_a_quoted_field(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the csv module reads a quote inside an unquoted field as text: the quotes before a
    # line end are then odd in number outside any quoted field, and even inside one
    monkeypatch.setattr(chunks, "PIECE_BYTES", 1)
    data = rows_text({"cpu_model": 'AMD 7" EPYC'}, {"os": '"Linux\nx"'}).encode()
    text, (rejected, _, converted, _) = fast(data, EXAMPLE_CONTEXT, 2)
    assert (converted, rejected) == (2, [])
    assert (text, converted) == (ordinary(data, EXAMPLE_CONTEXT)[0], 2)


def test_a_quoted_run_id_with_a_line_end_is_stripped_as_the_ordinary_path_strips() -> None:
    same = "0b5e9c1e-8f6e-4a57-9c43-3a1b2d4e5f60"
    data = rows_text({"run_id": f'"{same}\n"'}, {"run_id": same}).encode()
    text, _ = fast(data, EXAMPLE_CONTEXT, 1)
    assert same not in text  # seen twice: neither row may take it as its report id
    assert (text, _) == ordinary(data, EXAMPLE_CONTEXT)


def field_table(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "fieldmap.csv"
    path.write_text("path,transform,source,argument,when\n" + "\n".join(rows) + "\n")
    return path


def test_the_project_column_is_a_key_even_when_only_a_slot_reads_it(tmp_path: Path) -> None:
    fieldmap = field_table(
        tmp_path,
        'header.publisher.projectName,constant,,"""p""",',
        "measures[total].measurementDateTime,start_time,timestamp project_name,,",
    )
    stamps = ["2026-11-22T06:52:00", "2026-11-22T06:52:01", "2026-11-22T06:52:00"]
    data = rows_text(*({"project_name": "5", "timestamp": t} for t in stamps)).encode()
    expected = ordinary(data, EXAMPLE_CONTEXT, fieldmap=fieldmap)
    assert fast(data, EXAMPLE_CONTEXT, 1, fieldmap=fieldmap) == expected
    starts = [
        json.loads(line)["measures"][0]["measurementDateTime"] for line in expected[0].splitlines()
    ]
    assert starts == ["2026-11-22 06:51:55", "2026-11-22 06:51:56", "2026-11-22 06:51:55"]


def test_warnings_first_met_on_one_row_keep_that_row_s_order() -> None:
    fallback = {"country_name": "Canada", "latitude": "46.8", "longitude": "-71.2"}
    other_way = {**fallback, "on_cloud": "Y", "timestamp": "2026-11-22T06:52:23+00:00"}
    data = rows_text(fallback, other_way).encode()
    text, (_, warnings, _, _) = fast(data, CONTEXT, 1)
    assert [message.split(" ")[0] for message, _ in warnings] == [
        "infrastructure.infraType",
        "environment:",
    ]
    assert (text, warnings) == (ordinary(data, CONTEXT)[0], ordinary(data, CONTEXT)[1][1])


def test_a_value_the_context_merges_by_is_never_a_hole(tmp_path: Path) -> None:
    fieldmap = field_table(
        tmp_path, "infrastructure.components[cpu].componentType,datetime,timestamp,,"
    )
    context = json.loads(EXAMPLE_CONTEXT.read_text(encoding="utf-8"))
    context["infrastructure"]["components"] = [
        {"componentType": "2026-11-22 06:52:23", "nbComponent": 3}
    ]
    stamps = ["2026-11-22T06:52:20", "2026-11-22T06:52:23", "2026-11-22T06:52:21"]
    data = rows_text(*({"timestamp": t} for t in stamps)).encode()
    text, _ = fast(data, context, 1, fieldmap=fieldmap)
    assert text == ordinary(data, context, fieldmap=fieldmap)[0]
    cpu = json.loads(text.split("\n")[1])["infrastructure"]["components"][0]
    assert (cpu["componentType"], cpu["nbComponent"]) == ("2026-11-22 06:52:23", 3)


@st.composite
def ragged_csvs(draw: st.DrawFn) -> bytes:
    """What only the csv module reads right: quoted fields over several lines, stray
    quotes, short and long rows, blank lines, odd spaces, mixed line ends."""
    header, samples = example()
    lines = [",".join(header)]
    for index in range(draw(st.integers(0, 12))):
        values = [samples[index % 3][c] for c in header]
        values[header.index("run_id")] = f"{index:08x}-8f6e-4a57-9c43-3a1b2d4e5f60"
        where = draw(st.integers(0, len(values) - 1))
        change = draw(st.sampled_from(["quoted", "stray", "short", "long", "space", "none"]))
        if change == "quoted":
            end = draw(st.sampled_from(["\n", "\r\n", "\r", ",", ""]))
            values[where] = '"' + values[where] + end + 'x"'
        elif change == "stray":
            values[where] += '"'
        elif change == "short":
            values = values[:where]
        elif change == "long":
            values.append("extra")
        elif change == "space":
            values[where] += draw(st.sampled_from([" ", "\t", "\x0c", "\x85", "\u2028", "é"]))
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", " ", ",", '""'])))
        lines.append(",".join(values))
    ends = [draw(st.sampled_from(["\n", "\n", "\r\n", "\r"])) for _ in lines]
    text = "".join(line + end for line, end in zip(lines, ends, strict=True))
    return text.encode(draw(st.sampled_from(["utf-8", "cp1252"])), errors="replace")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=ragged_csvs(), piece_bytes=st.sampled_from([1, 200, 3000]))
def test_ragged_files_come_out_the_same_both_ways(data: bytes, piece_bytes: int) -> None:
    chunks.PIECE_BYTES = piece_bytes  # the fixture puts it back after the test
    assert_same_both_ways(data)


def placed_or_error(data: bytes, line_ends_first: bool) -> Any:
    body = Body.open(CsvSource("<bytes>", data=data))
    assert body is not None
    try:
        if line_ends_first:
            found = prepass.prepass(body, 1)
        else:  # counting quotes from the start, as the cut was always made before
            found = prepass._prepass(body, 1, body.pieces(), checked=False)
    except InputError as exc:
        return exc.message
    return [(p.piece, p.first_row, p.first_line, p.plain) for p in found.pieces]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=ragged_csvs(), piece_bytes=st.sampled_from([1, 200, 3000]))
def test_cuts_at_line_ends_give_the_pieces_that_counting_quotes_gives(
    data: bytes, piece_bytes: int
) -> None:
    chunks.PIECE_BYTES = piece_bytes  # the fixture puts it back after the test
    if Body.open(CsvSource("<bytes>", data=data)) is None:
        return
    assert placed_or_error(data, True) == placed_or_error(data, False)


def test_a_stray_quote_cuts_the_rest_of_the_file_by_reading_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # after a stray quote, counting quotes would stretch one piece to the end of the file:
    # pieces are cut by the csv module instead, and stay small
    data = rows_text(
        {"cpu_model": 'AMD 5" EPYC'}, *({"duration": f"{i}.5"} for i in range(1, 60))
    ).encode()
    body = Body.open(CsvSource("<bytes>", data=data))
    assert body is not None
    pieces = body.pieces()
    assert len(pieces) > 10 and max(p.end - p.start for p in pieces) < 8 * 700
    assert pieces[0].start == body.start and pieces[-1].end == len(data)
    assert all(a.end == b.start for a, b in itertools.pairwise(pieces))
    assert fast(data, EXAMPLE_CONTEXT, 2) == ordinary(data, EXAMPLE_CONTEXT)


def test_an_unterminated_quote_after_a_stray_one_is_an_error_at_its_line() -> None:
    data = rows_text(
        {"cpu_model": 'AMD 5" EPYC'},
        *({"duration": f"{i}.5"} for i in range(1, 30)),
        {"os": '"Linux'},
        *({"duration": f"{i}.5"} for i in range(30, 40)),
    ).encode()
    with pytest.raises(InputError) as caught:
        ordinary(data, EXAMPLE_CONTEXT)
    with pytest.raises(InputError) as fast_caught:
        convert(data, EXAMPLE_CONTEXT, workers=2)
    assert (
        fast_caught.value.message
        == caught.value.message
        == (
            "Not a readable CSV file at <bytes> line 42: unexpected end of data. "
            "Check the file's quoting."
        )
    )


def dies_at_3(item: int) -> int:
    if item == 3:
        os._exit(9)  # as the kernel's out-of-memory killer would
    return item


def test_a_worker_that_dies_fails_the_run_instead_of_hanging() -> None:
    with pytest.raises(pool.WorkerLost) as caught:
        list(pool.ordered_map(dies_at_3, range(8), 2))
    assert caught.value.message == (
        "A worker process stopped: killed, or out of memory. Run again with more memory free, "
        "or with one process (workers=1)."
    )


def test_sigterm_removes_the_staged_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import boamps_carbon.cli.convert as command
    from boamps_carbon.cli import main

    def terminate(self: Any, reports: int = 1) -> None:
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(command.Progress, "tick", terminate)
    source = tmp_path / "many.csv"
    source.write_bytes(many_rows(300))
    rejects = tmp_path / "rejects.csv"
    out = tmp_path / "out.jsonl"
    code = main(
        [
            "convert",
            str(source),
            "--context",
            str(EXAMPLE_CONTEXT),
            "-o",
            str(out),
            "--rejects",
            str(rejects),
        ]
    )
    assert code == 143
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.csv"]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_outputs_without_a_file_hold_their_text(monkeypatch: pytest.MonkeyPatch) -> None:
    conversion = convert(many_rows(200), EXAMPLE_CONTEXT, workers=2)
    outputs = list(conversion.outputs())  # all kept at once: none may depend on the next
    assert len(outputs) > 1
    text = b"".join(o.data for o in outputs).decode()
    assert text == ordinary(many_rows(200), EXAMPLE_CONTEXT)[0]


def test_standard_input_and_pipes_are_read_once(tmp_path: Path) -> None:
    common = ["--context", str(EXAMPLE_CONTEXT), "-o", "-"]
    data = EXAMPLE.read_bytes()
    from_stdin = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "convert", "-", *common],
        input=data,
        capture_output=True,
        check=False,
    )
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with subprocess.Popen(
        [sys.executable, "-m", "boamps_carbon", "convert", str(pipe), *common],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as reading:
        pipe.write_bytes(data)
        out, err = reading.communicate(timeout=60)
    expected = ordinary(EXAMPLE, EXAMPLE_CONTEXT)[0].encode()
    assert (from_stdin.returncode, from_stdin.stdout) == (0, expected)
    assert (reading.returncode, out) == (0, expected)
    assert from_stdin.stderr.decode().startswith("<stdin>: 3 rows, 3 converted, 0 rejected\n")
    assert err.decode().startswith(f"{pipe}: 3 rows, 3 converted, 0 rejected\n")


# field tables that put slot transforms where the built-in one does not: conditions on
# varying columns, fallbacks between slots, slots at places with schema ranges, outside the
# schema, or read by semantic rules
CUSTOM_TABLES = [
    """measures[total].averageUtilizationGpu,scale,gpu_utilization_percent,0.01,duration>3
environment.powerSourceCarbonIntensity,ratio,emissions energy_consumed,1000,emissions~^0\\.0|e-06
measures[total].powerConsumption,energy,cpu_energy,,!ram_energy
measures[total].powerConsumption,energy,energy_consumed,,
header.reportDatetime,datetime,timestamp,,timestamp~:2\\d$
header.reportDatetime,start_time,timestamp duration,,
measures[total].measurementDuration,duration,duration,,duration<100 & cpu_energy
measures[total].measurementDuration,duration,ram_energy,,
environment,require,,,emissions>0.000001
environment,require,,,energy_consumed=0.001
measures[total].version,text,codecarbon_version,,!duration""",
    """environment.powerSourceCarbonIntensity,duration,duration,,
header.reportId,datetime,timestamp,,
measures[total].averageUtilizationCpu,ratio,cpu_energy energy_consumed,,
software.version,report_id,run_id,,
system.notInSchema,scale,ram_energy,1e6,
measures[total].measurementDateTime,datetime,timestamp,,
header.reportDatetime,start_time,timestamp duration,,
measures[total].cpuTrackingMode,energy,gpu_energy,,""",
    """measures[total].powerConsumption,scale,energy_consumed,1000,
measures[total].measurementDuration,ratio,duration cpu_count,,
measures[total].averageUtilizationCpu,scale,cpu_utilization_percent,0.01,
measures[total].averageUtilizationGpu,ratio,gpu_energy energy_consumed,1,
measures[total].measurementDateTime,report_id,run_id,,cpu_energy>1""",
]


@pytest.fixture(scope="module")
def custom_tables(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("tables")
    paths = []
    for number, rows in enumerate(CUSTOM_TABLES):
        path = folder / f"table{number}.csv"
        path.write_text(f"path,transform,source,argument,when\n{rows}\n", encoding="utf-8")
        paths.append(path)
    return paths


@settings(
    max_examples=90, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=emissions_csvs(), table=st.integers(0, len(CUSTOM_TABLES) - 1))
def test_custom_field_tables_come_out_the_same_both_ways(
    custom_tables: list[Path], data: bytes, table: int
) -> None:
    assert_same_both_ways(data, fieldmap=custom_tables[table])


def test_one_process_writes_the_same(tmp_path: Path) -> None:
    expected = ordinary(many_rows(200), EXAMPLE_CONTEXT)
    assert fast(many_rows(200), EXAMPLE_CONTEXT, 1) == expected
    path = tmp_path / "out.jsonl"
    with path.open("wb") as handle:
        for output in convert(many_rows(200), EXAMPLE_CONTEXT, workers=1).outputs(handle.fileno()):
            assert not output.written  # no worker: the caller writes
            handle.write(output.data)
    assert path.read_text(encoding="utf-8") == expected[0]


def test_short_runs_warn_the_same_both_ways() -> None:
    # every 5th run misses CodeCarbon's 15 s interval: almost no energy in a few seconds
    header, _ = example()
    rows = list(csv.reader(io.StringIO(many_rows(120).decode("utf-8"))))
    energy = header.index("energy_consumed")
    for index, row in enumerate(rows[1:]):
        if index % 5 == 0:
            row[energy] = f"{1.46e-09 * (1 + index):.6g}"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    data = out.getvalue().encode("utf-8")
    expected = ordinary(data, EXAMPLE_CONTEXT)
    assert fast(data, EXAMPLE_CONTEXT, 1) == expected
    assert fast(data, EXAMPLE_CONTEXT, 2) == expected
    warned = {m: list(r) for m, r in expected[1][1] if "at least 15 s" in m}
    # rows 1 to 96 last under 15 s (1 + index / 7 s): every 5th of them warns
    assert sorted(row for rows in warned.values() for row in rows) == list(range(1, 97, 5))


def test_a_file_mixing_utf8_and_cp1252_reads_the_same_both_ways() -> None:
    # 60 runs, every third one appended by a tool writing cp1252
    lines = many_rows(60).decode("utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    project = header.split(",").index("project_name")
    data = header.encode("ascii")
    for index, line in enumerate(rows):
        cells = line.split(",")
        cells[project] = "café-ü"
        data += ",".join(cells).encode("cp1252" if index % 3 == 2 else "utf-8")
    expected = ordinary(data, EXAMPLE_CONTEXT)
    assert fast(data, EXAMPLE_CONTEXT, 1) == expected
    assert fast(data, EXAMPLE_CONTEXT, 2) == expected
    names = {
        json.loads(line)["header"]["publisher"]["projectName"] for line in expected[0].splitlines()
    }
    assert names == {"café-ü"}


def test_pieces_with_quoted_fields_go_the_columnar_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """CodeCarbon quotes a project name with a comma or a quote: such rows are no longer
    read one by one (a quarter of them here, one kind of report per name)."""
    header, _ = example()
    rows = list(csv.reader(io.StringIO(many_rows(400).decode())))[1:]
    for index, row in enumerate(rows):
        if index % 4 == 0:
            row[header.index("project_name")] = f'run, "big" {index % 3}'
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    data = out.getvalue().encode()
    assert data.count(b'"') == 100 * 6
    counted = Counted(monkeypatch)
    text, accounts = fast(data, EXAMPLE_CONTEXT, 1)
    assert counted.rows == 0  # 100 before: the quoted rows' pieces went row by row
    assert (text, accounts) == ordinary(data, EXAMPLE_CONTEXT)
    assert json.loads(text.splitlines()[0])["header"]["publisher"]["projectName"] == 'run, "big" 0'
