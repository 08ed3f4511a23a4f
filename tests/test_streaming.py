"""The reading commands stream: flat memory, a total row, stdin, and the library's sources."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from factories import make_report

import boamps_carbon
from boamps_carbon import InputError, Store
from boamps_carbon.cli import main
from boamps_carbon.cli.reading import valid_reports
from boamps_carbon.fastjson import parse
from boamps_carbon.io import parse_json_bytes
from boamps_carbon.render.flat import write_csv
from boamps_carbon.render.pages import write_reports
from boamps_carbon.render.statement import statement
from boamps_carbon.render.summary import summarise
from boamps_carbon.render.tables import write_tables
from boamps_carbon.validation.problems import CATALOGUE
from boamps_carbon.validation.semantic import RULES


def three_reports() -> list[dict[str, Any]]:
    """Two projects; 1, 2 and 4 Wh over 10, 20 and 40 s at 100 gCO2e/kWh; the third without
    an intensity."""
    reports = []
    for index, (project, kwh, seconds) in enumerate(
        [("a", 0.001, 10.0), ("b", 0.002, 20.0), ("a", 0.004, 40.0)]
    ):
        report = make_report()
        report["header"]["reportId"] = f"r{index}"
        report["header"]["publisher"]["projectName"] = project
        del report["measures"][1:]
        report["measures"][0].update(
            powerConsumption=kwh,
            measurementDuration=seconds,
            measurementDateTime=f"2026-11-22 10:00:0{index}",
        )
        report["environment"] = {"country": "france", "powerSourceCarbonIntensity": 100.0}
        if index == 2:
            del report["environment"]["powerSourceCarbonIntensity"]
        reports.append(report)
    return reports


def jsonl(path: Path, reports: Iterable[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for report in reports:
            out.write(json.dumps(report) + "\n")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_has_a_total_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = jsonl(tmp_path / "r.jsonl", three_reports())
    code, out, _ = run(capsys, "summary", "--format", "json", str(path))
    assert code == 0
    rows = json.loads(out)
    assert [(r["group"], r["runs"]) for r in rows] == [("a", 2), ("b", 1), ("(total)", 3)]
    total = rows[-1]
    assert total["energy_kwh"] == pytest.approx(0.007, rel=1e-12)
    assert total["emissions_kg"] is None  # r2 states no intensity
    assert total["duration_s"] == 70.0
    assert total["mean_power_w"] == pytest.approx(0.007 * 3.6e6 / 70, rel=1e-12)
    assert rows[1]["emissions_kg"] == pytest.approx(0.0002, rel=1e-12)
    code, out, _ = run(capsys, "summary", str(path))
    assert out.splitlines() == [
        "project  runs   energy     emissions  duration  mean power",
        "a           2  5.00 Wh       unknown    50.0 s       360 W",
        "b           1  2.00 Wh  0.200 g CO2e    20.0 s       360 W",
        "(total)     3  7.00 Wh       unknown  1.17 min       360 W",
    ]
    code, out, _ = run(capsys, "summary", "--format", "csv", "--by", "country", str(path))
    assert out.splitlines()[-1].startswith("(total),3,0.007")


def test_summary_skips_invalid_reports_and_names_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = three_reports()
    reports[1]["measures"][0]["powerConsumption"] = "2"
    path = tmp_path / "r.jsonl"
    jsonl(path, reports)
    with path.open("a", encoding="utf-8") as out:
        out.write("\n{not json\n")
    code, out, err = run(capsys, "summary", "--format", "csv", str(path))
    assert code == 1
    assert err == (
        f"skipped: {path}:2: invalid report: measures[0].powerConsumption: expected a number, "
        'got the string "2". Remove the quotes around the number\n'
        f"skipped: {path}:5: invalid report: column 2: expected JSON, got a syntax error: "
        "expecting property name enclosed in double quotes\n"
    )
    assert [line.split(",")[:2] for line in out.splitlines()] == [
        ["group", "runs"],
        ["a", "2"],
        ["(total)", "2"],
    ]


def test_only_schema_problems_make_a_report_invalid() -> None:
    # summary and statement check the schema only: no semantic rule may give an error
    semantic_codes = {
        found.code for report in three_reports() for rule in RULES for found in rule(report)
    }
    assert all(CATALOGUE[code].severity == "warning" for code in semantic_codes)
    # the reading problems and convert's row problems are errors too, never a rule's
    assert [c for c, t in CATALOGUE.items() if t.severity == "error"] == [
        "type",
        "required",
        "enum",
        "minimum",
        "maximum",
        "min-items",
        "bad-number",
        "number-range",
        "out-of-range",
        "bad-datetime",
        "date-range",
        "negative",
        "not-whole",
        "start-before-year-1",
        "row-width",
        "invalid-report",
        "bad-value",
        "not-utf8",
        "not-json",
        "too-deep",
        "not-object",
        "lone-surrogate",
    ]


def test_json_lines_and_one_document_on_stdin(tmp_path: Path) -> None:
    lines = "".join(json.dumps(r) + "\n" for r in three_reports())
    one = json.dumps(three_reports()[1], indent=2)
    command = [sys.executable, "-m", "boamps_carbon", "summary", "--format", "csv", "-"]
    for text, runs in ((lines, "3"), (one, "1"), (json.dumps(three_reports()[0]) + "\n", "1")):
        done = subprocess.run(
            command, input=text, capture_output=True, text=True, cwd=ROOT, check=False
        )
        assert (done.returncode, done.stderr) == (0, "")
        assert done.stdout.splitlines()[-1].split(",")[:2] == ["(total)", runs]
    done = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "validate", "-"],
        input=lines + "[1]\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.stdout.splitlines()[-2:] == [
        "<stdin>:4: (root): expected a JSON object, got an array of 1 item",
        "3 valid, 1 invalid",
    ]


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": 99999999999999999999999}',
        b'{"a": -9999999999999999999}',
        b'{"a": 1e400}',
        b'{"a": NaN}',
        b'"\\ud800"',
        b"\xef\xbb\xbf{}",
        b'{"a": \xff}',
        b"[1] x",
        b'{"a": 2.0, "a": 3}',
        b"[" * 3000 + b"]" * 3000,
    ],
)
def test_the_fast_parser_reads_as_the_standard_one(text: bytes) -> None:
    fast, standard = parse(text), parse_json_bytes(text)
    assert fast == standard
    assert repr(fast[0]) == repr(standard[0])  # 2.0 stays a float, big integers integers


def _peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class _Sink(io.StringIO):
    def write(self, text: str) -> int:  # counts nothing, keeps nothing
        return len(text)


def test_memory_stays_flat_with_the_number_of_reports(tmp_path: Path) -> None:
    base = three_reports()[1]
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    for path, count in ((small, 50), (large, 500)):
        reports = (copy.deepcopy(base) for _ in range(count))
        jsonl(
            path,
            ({**r, "header": {**r["header"], "reportId": f"r{i}"}} for i, r in enumerate(reports)),
        )
    work: dict[str, Callable[[Path], object]] = {
        "summary": lambda p: summarise(valid_reports([str(p)], "1.1")),
        "statement": lambda p: statement(valid_reports([str(p)], "1.1")),
        "csv": lambda p: write_csv(valid_reports([str(p)], "1.1"), _Sink()),
        "text": lambda p: write_reports(valid_reports([str(p)], "1.1"), _Sink(), "text"),
        "markdown": lambda p: write_reports(valid_reports([str(p)], "1.1"), _Sink(), "markdown"),
        "tables": lambda p: write_tables(
            valid_reports([str(p)], "1.1"), lambda name, write: write(_Sink()), "1.1"
        ),
    }
    for name, function in work.items():
        few, many = _peak(lambda f=function: f(small)), _peak(lambda f=function: f(large))
        # ten times the reports: the same memory, give or take a few allocations (holding
        # the 450 more reports would take over a megabyte)
        assert many < few * 1.2 + 100_000, (name, few, many)


def test_the_library_reads_every_kind_of_source(tmp_path: Path) -> None:
    reports = three_reports()
    path = jsonl(tmp_path / "r.jsonl", reports)
    expected = [0.001, 0.002, 0.004]
    assert boamps_carbon.to_dataframe(path)["energy_kwh"].tolist() == expected
    assert boamps_carbon.to_dataframe([str(path)])["energy_kwh"].tolist() == expected
    assert boamps_carbon.to_dataframe(iter(reports))["report_id"].tolist() == ["r0", "r1", "r2"]
    with Store(f"sqlite:///{tmp_path / 'r.db'}") as store:
        store.add(reports)
        assert boamps_carbon.to_dataframe(store)["energy_kwh"].tolist() == expected
        from_store = boamps_carbon.summary(store)
    from_file = boamps_carbon.summary(path)
    assert from_file["group"].tolist() == ["a", "b", "(total)"]
    assert from_file["runs"].tolist() == [2, 1, 3]
    assert from_file["duration_s"].tolist() == [50.0, 20.0, 70.0]
    assert from_file["emissions_kg"].isna().tolist() == [True, False, True]
    assert from_store["runs"].tolist() == [2, 1, 3]
    assert from_store["energy_kwh"].tolist() == pytest.approx(from_file["energy_kwh"].tolist())
    assert boamps_carbon.summary(reports, by="country", total=False)["group"].tolist() == ["france"]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"task": {}}\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        boamps_carbon.to_dataframe(bad)
    assert caught.value.message == (
        f"Invalid report at {bad}:1: measures: required field is missing (expected an array). "
        "Run `boamps validate` on it to see every problem."
    )
    with pytest.raises(InputError) as caught:
        boamps_carbon.summary(42)
    assert caught.value.message == (
        "Not a report source at source: int. Pass paths, reports, a Conversion or a Store."
    )


def test_a_conversion_is_a_source() -> None:
    conversion = boamps_carbon.convert(
        ROOT / "examples" / "emissions.csv", ROOT / "examples" / "context.json"
    )
    frame = boamps_carbon.to_dataframe(conversion)
    assert len(frame) == 3
    assert boamps_carbon.summary(
        boamps_carbon.convert(
            ROOT / "examples" / "emissions.csv", ROOT / "examples" / "context.json"
        )
    )["runs"].tolist() == [2, 1, 3]


def test_report_figures_and_notebook_table() -> None:
    report = boamps_carbon.load_report(ROOT / "examples" / "report.json")
    assert (report.energy_kwh, report.duration_s) == (0.000412, 61.37)
    assert report.emissions_kg == pytest.approx(0.000412 * 21.7 / 1000, rel=1e-12)
    data = report.to_dict()
    data["header"]["publisher"]["projectName"] = "<script>x</script>"
    html = boamps_carbon.Report.model_validate(data)._repr_html_()
    assert "<script>" not in html
    assert (
        '<tr><th style="text-align:left">Project</th><td>&lt;script&gt;x&lt;/script&gt;</td></tr>'
        in html
    )
    assert html.startswith("<table><tr><th") and html.endswith("</table>")
