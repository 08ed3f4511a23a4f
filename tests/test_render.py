"""Renderings people read: figures, templates, tables, statements and summaries."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, shared
from factories import make_report

from boamps_carbon import InputError
from boamps_carbon.cli import main
from boamps_carbon.conversion import convert
from boamps_carbon.render import units
from boamps_carbon.render.pages import render_reports
from boamps_carbon.render.statement import statement
from boamps_carbon.render.summary import as_csv, summarise
from boamps_carbon.render.tables import tables

TEMPLATES = ROOT / "templates"


def example_reports() -> list[dict[str, Any]]:
    return [
        c.report
        for c in convert(ROOT / "examples" / "emissions.csv", ROOT / "examples" / "context.json")
    ]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("kwh", "text"),
    [
        (0.000478, "0.478 Wh"),
        (0.0235899, "23.6 Wh"),
        (1.5, "1.50 kWh"),
        (1234.5, "1.23 MWh"),
        (0, "0 Wh"),
    ],
)
def test_energy_units(kwh: float, text: str) -> None:
    assert units.energy(kwh) == text


def test_other_units() -> None:
    assert [
        units.mass(4.06e-5),
        units.mass(12.34),
        units.duration(3.508),
        units.duration(1719.4),
        units.duration(17234.0),
        units.power(1500),
        units.power(21.2),
    ] == ["0.0406 g CO2e", "12.3 kg CO2e", "3.51 s", "28.7 min", "4.79 h", "1.50 kW", "21.2 W"]


def test_text_summary_of_the_example() -> None:
    text = render_reports(example_reports(), "text")
    assert text.splitlines()[:6] == [
        "Report 96f75a4f-a769-47bb-86cf-6130539c8123 (2026-11-22 06:52:20)",
        "  Task:       training / textClassification, logisticRegression, project sentiment-train",
        "  Energy:     0.0236 Wh, -60%/+150%, in 4.01 s (mean 21.2 W)",
        "  Emissions:  0.00132 g CO2e at 56.0 gCO2e/kWh (France)",
        "  Hardware:   AMD EPYC (2 logical CPUs), 23.5 GB RAM",
        "  Measured:   codecarbon 3.3.2",
    ]
    assert text.splitlines()[-1] == (
        "All 3 reports: 0.0535 Wh, -60%/+150%, in 9.02 s, 0.00300 g CO2e at 56.0 gCO2e/kWh on "
        "average"
    )


def test_markdown_escapes_table_cells() -> None:
    report = make_report(full=True)
    report["task"]["taskFamily"] = "a|b"
    text = render_reports([report], "markdown")
    assert "| training / a\\|b" not in text and "inference / a\\|b, mistral-7b |" in text


def test_html_is_escaped_and_self_contained() -> None:
    report = make_report(full=True)
    report["task"]["taskDescription"] = "<script>alert(1)</script>"
    page = render_reports([report], "html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http://" not in page and "https://" not in page.replace(
        "https://example.org", ""
    )  # only the report's own URIs, never fetched


def test_user_template_with_an_unknown_variable(tmp_path: Path) -> None:
    template = tmp_path / "mine.txt.j2"
    template.write_text(
        "Total: {{ t.energy_kwh | energy }}\n{{ nonsense.value }}\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        render_reports(example_reports(), "text", template)
    assert caught.value.message == (
        f"Unknown template variable at {template} line 2: 'nonsense' is undefined. Use the "
        "variables the built-in templates use."
    )
    good = tmp_path / "ok.txt.j2"
    good.write_text("Total: {{ t.energy_kwh | energy }} over {{ t.runs }} runs\n", encoding="utf-8")
    assert render_reports(example_reports(), "text", good) == "Total: 0.0535 Wh over 3 runs\n"


def test_every_template_in_the_folder_is_used_and_renders() -> None:
    used = {
        "report.txt.j2",
        "report.md.j2",
        "report.html.j2",
        "statement.txt.j2",
        "statement.md.j2",
        "statement.tex.j2",
        "references.bib",
        "dashboard.html.j2",  # boamps dashboard: tests/test_dashboard.py renders it
        "charts.html.j2",  # the chart sections of the dashboard and of report.html.j2
    }
    assert {p.name for p in TEMPLATES.iterdir()} == used
    reports = example_reports()
    for fmt in ("text", "markdown", "html"):
        assert render_reports(reports, fmt)
    for fmt in ("text", "markdown", "latex"):
        assert statement(reports, fmt=fmt)


def test_related_tables_are_keyed_by_report() -> None:
    files = tables(example_reports())
    assert list(files) == [
        "reports.csv",
        "measures.csv",
        "components.csv",
        "algorithms.csv",
        "datasets.csv",
    ]
    measures = list(csv.DictReader(io.StringIO(files["measures.csv"])))
    assert [(m["reportId"][:8], m["index"], m["powerConsumption"]) for m in measures] == [
        ("96f75a4f", "0", "2.3589909147498855e-05"),
        ("e8d49d0a", "0", "1.7987971084849796e-05"),
        ("2071ab09", "0", "1.1918561061985164e-05"),
    ]
    header = files["reports.csv"].splitlines()[0].split(",")
    assert header[0] == "reportId" and "header_reportId" not in header
    assert not any(
        c.startswith(("measures_", "task_algorithms", "task_dataset", "infrastructure_components"))
        for c in header
    )


def test_statement_figures_equal_the_sums_of_the_inputs() -> None:
    reports = example_reports()
    energy = sum(r["measures"][0]["powerConsumption"] for r in reports)
    emissions = sum(
        r["measures"][0]["powerConsumption"] * r["environment"]["powerSourceCarbonIntensity"] / 1000
        for r in reports
    )
    text = statement(reports)
    assert f"consumed {units.energy(energy)} of electricity" in text
    assert f"this amounts to {units.mass(emissions)}." in text
    assert "(3 runs, 9.02 s in total)" in text
    assert text.startswith(
        "The computations reported here (3 runs, 9.02 s in total) consumed "
        "0.0535 Wh of electricity (-60%/+150% at 95% confidence, from the measuring methods), "
        "as measured with codecarbon 3.3.2 on AMD "
        "EPYC (2 logical CPUs), 23.5 GB RAM. At an energy-weighted carbon intensity "
        "of 56.0 gCO2e/kWh (France), this amounts to 0.00300 g CO2e. These "
        "are estimates"
    )


def test_statement_over_the_official_bash_input() -> None:
    path = shared("boamps-official", "tools-bash-data", "input", "codecarbon_file.csv")
    context = json.loads((ROOT / "examples" / "context.json").read_text(encoding="utf-8"))
    reports = [c.report for c in convert(path, context)]
    energy = sum(r["measures"][0]["powerConsumption"] for r in reports)
    text = statement(reports, fmt="markdown")
    assert f"consumed **{units.energy(energy)}** of electricity" in text
    assert "(104 runs," in text


def test_statement_selection_and_latex() -> None:
    reports = example_reports()
    only = statement(reports, project="sentiment-eval", fmt="latex")
    assert only.startswith("The computations reported here (1 run, 2.00 s in total)")
    assert "~\\cite{codecarbon}" in only and "@misc{codecarbon," in only
    assert "boamps\\_carbon~\\cite{boampscarbon}" in only
    other = json.loads(json.dumps(reports[0]))
    for measure in other["measures"]:
        measure["measurementMethod"] = "zeus"
    text = statement([other], fmt="latex")
    assert "as measured with zeus 3.3.2 on " in text and "\\cite{codecarbon}" not in text
    with pytest.raises(InputError) as caught:
        statement(reports, since="2030-01-01")
    assert caught.value.message == (
        "No report to state at the selection: none of the 3 reports is dated on or after "
        "2030-01-01. Check --project and --since against the reports."
    )
    with pytest.raises(InputError) as caught:
        statement(reports, project="x", since="2026-11-01")
    assert caught.value.message == (
        "No report to state at the selection: none of the 3 reports is of project x and "
        "dated on or after 2026-11-01. Check --project and --since against the reports."
    )


@pytest.mark.parametrize(
    ("since", "message"),
    [
        (
            "2024-13-45",
            "'2024-13-45' (month must be in 1..12). Write a real day as YYYY-MM-DD.",
        ),
        (
            "2025-02-30",
            "'2025-02-30' (day is out of range for month). Write a real day as YYYY-MM-DD.",
        ),
        ("22/11/2026", "'22/11/2026'. Write it YYYY-MM-DD, such as 2026-11-22."),
    ],
)
def test_statement_since_must_be_a_date(
    capsys: pytest.CaptureFixture[str], since: str, message: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["statement", "--since", since, str(ROOT / "examples" / "report.json")])
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"Error: Invalid value at --since: not a date: {message}"
    )
    with pytest.raises(InputError) as raised:
        statement(example_reports(), since=since)
    assert raised.value.message == f"Not a date at --since: {message}"


def test_statement_without_intensity_says_so() -> None:
    report = make_report()
    text = statement([report])
    assert "The reports state no carbon intensity, so no emissions are given." in text
    assert "amounts to" not in text


def test_summary_by_project_sums_each_group() -> None:
    rows = summarise(example_reports(), "project")
    assert [(r["group"], r["runs"]) for r in rows] == [
        ("sentiment-train", 2),
        ("sentiment-eval", 1),
    ]
    assert rows[0]["energy_kwh"] == pytest.approx(2.3589909147498855e-05 + 1.7987971084849796e-05)
    assert as_csv(rows).splitlines()[0] == (
        "group,runs,energy_kwh,emissions_kg,duration_s,mean_power_w"
    )


def test_cli_render_skips_invalid_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(make_report()), encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"task": {}}), encoding="utf-8")
    out = tmp_path / "out.csv"
    code, stdout, err = run(
        capsys, "render", "--format", "csv", "-o", str(out), str(good), str(bad)
    )
    assert (code, stdout) == (1, "")
    assert err == (
        f"skipped: {bad}: invalid report: measures: required field is missing (expected an array)\n"
    )
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_cli_render_nothing_valid_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    out = tmp_path / "page.html"
    code, _, err = run(capsys, "render", "--format", "html", "-o", str(out), str(bad))
    assert code == 2
    assert err.splitlines()[-1] == (
        f"Error: No valid report at {bad}: 1 invalid. Run "
        "`boamps validate` on them to see every problem."
    )
    assert not out.exists()


def test_cli_tables_need_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "render", "--format", "tables", "x.json") == (
        2,
        "",
        "Error: Related tables need a folder at --format tables: no -o. Add -o FOLDER.\n",
    )


def test_cli_summary_and_statement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = tmp_path / "r.jsonl"
    reports.write_text("".join(json.dumps(r) + "\n" for r in example_reports()), encoding="utf-8")
    code, out, _ = run(capsys, "summary", "--by", "month", "--format", "json", str(reports))
    assert code == 0
    assert [(r["group"], r["runs"]) for r in json.loads(out)] == [("2026-11", 3), ("(total)", 3)]
    code, out, _ = run(capsys, "statement", "--format", "markdown", str(reports))
    assert code == 0 and out.startswith("**Energy and carbon footprint.**")


def test_rounding_picks_the_unit_after_rounding() -> None:
    assert [
        units.significant(0.9996),
        units.energy(0.9996),
        units.duration(59.99),
        units.power(999.9),
        units.significant(1e30),
    ] == ["1.00", "1.00 kWh", "1.00 min", "1.00 kW", "1.00e+30"]


def test_unknown_durations_are_not_zero() -> None:
    known = make_report()
    known["measures"][0].update(powerConsumption=0.001, measurementDuration=100)
    unknown = make_report()
    unknown["measures"][0]["powerConsumption"] = 0.5
    rows = summarise([known, unknown], "project")
    assert rows[0]["duration_s"] == 100
    assert rows[0]["mean_power_w"] == pytest.approx(36.0)  # the known report alone
    text = render_reports([unknown], "text")
    assert "Energy:     500 Wh, -60%/+150%, in a time not stated" in text
    assert "(2 runs, 1.67 min in total, 1 without a stated duration)" in statement([known, unknown])


def test_version_1_0_units_are_converted() -> None:
    from boamps_carbon.schema import SchemaVersion

    report = make_report(SchemaVersion.V1_0)
    report["measures"][0].update(unit="MWh", powerConsumption=12)
    assert render_reports([report], "text").splitlines()[2].startswith("  Energy:     12.0 MWh")


def test_template_runtime_errors_name_the_template(tmp_path: Path) -> None:
    template = tmp_path / "zero.j2"
    template.write_text("{{ t.runs }}\n{{ 1 / 0 }}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        render_reports(example_reports(), "text", template)
    assert caught.value.message == (
        f"Template failed at {template} line 2: ZeroDivisionError: division by zero. Fix the "
        "template."
    )


def test_output_that_cannot_be_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = ROOT / "examples" / "report.json"
    assert run(capsys, "render", "-o", str(tmp_path), str(report)) == (
        2,
        "",
        f"Error: Output is a folder at {tmp_path}: not a file. Give a file name to -o.\n",
    )


def test_tables_neutralise_the_report_id_in_every_table() -> None:
    report = make_report()
    report["header"]["reportId"] = "=HYPERLINK(1)"
    files = tables([report])
    assert files["reports.csv"].splitlines()[1].startswith("'=HYPERLINK(1)")
    assert files["measures.csv"].splitlines()[1].startswith("'=HYPERLINK(1)")


def test_related_tables_hold_text_as_text() -> None:
    files = tables(example_reports())
    assert files["measures.csv"].splitlines()[:2] == [
        "reportId,index,measurementMethod,version,averageUtilizationCpu,powerConsumption,"
        "measurementDuration,measurementDateTime",
        "96f75a4f-a769-47bb-86cf-6130539c8123,0,codecarbon,3.3.2,0.525,"
        "2.3589909147498855e-05,4.013650622000114,2026-11-22 06:52:16",
    ]
    assert files["components.csv"].splitlines()[:3] == [
        "reportId,index,componentName,componentType,nbComponent,manufacturer,family,memorySize",
        "96f75a4f-a769-47bb-86cf-6130539c8123,0,AMD EPYC,cpu,2,amd,epyc,",
        "96f75a4f-a769-47bb-86cf-6130539c8123,1,,ram,1,,,23.540576934814453",
    ]
    assert files["algorithms.csv"].splitlines()[1] == (
        "96f75a4f-a769-47bb-86cf-6130539c8123,0,logisticRegression,scikit-learn"
    )
    assert files["datasets.csv"].splitlines()[1] == (
        "96f75a4f-a769-47bb-86cf-6130539c8123,0,input,text,public"
    )
    assert all(text.startswith("reportId,") for text in files.values())


def hostile_report() -> dict[str, Any]:
    report = make_report(full=True)
    report["header"]["publisher"]["projectName"] = "evil\x1b]0;pwned\x07\x1b[2J\u202e"
    report["task"]["algorithms"][0]["foundationModelName"] = "<script>alert(1)</script>"
    return report


def test_markdown_escapes_html() -> None:
    text = render_reports([hostile_report()], "markdown")
    assert "<script>" not in text
    assert text.splitlines()[4] == (
        "| 4a1f3e2d-9b8c-4d7e-8f60-112233445566 | 2026-03-02 10:15:00 | inference / chatbot, "
        "&lt;script&gt;alert(1)&lt;/script&gt; | 35.6 Wh, -23%/+102% | 6.88 min | 0.773 g CO2e | "
        "france |"
    )


def test_text_and_summary_neutralise_terminal_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = hostile_report()
    assert render_reports([report], "text").splitlines()[1] == (
        "  Task:       inference / chatbot, <script>alert(1)</script>, project "
        "evil\\x1b]0;pwned\\x07\\x1b[2J\\u202e"
    )
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    code, out, _ = run(capsys, "summary", str(path))
    assert code == 0
    assert out.splitlines()[1] == (
        "evil\\x1b]0;pwned\\x07\\x1b[2J\\u202e     1  35.6 Wh  0.773 g CO2e  6.88 min       311 W"
    )
    code, out, _ = run(capsys, "statement", "--format", "markdown", str(path))
    assert "\x1b" not in out and "<script>" not in out


def test_printable_keeps_layout_and_shows_controls() -> None:
    from boamps_carbon.printable import printable

    assert printable("a\x1b[31mb\x9b\r\x00\u200f\nc\td é") == (
        "a\\x1b[31mb\\x9b\\x0d\\x00\\u200f\nc\td é"
    )


def test_errors_on_stderr_neutralise_terminal_escapes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, "render", "x\x1b[2J.json") == (
        2,
        "",
        "Error: Cannot read reports at x\\x1b[2J.json: no such file or folder. Check the path.\n",
    )


@pytest.mark.parametrize(
    ("body", "line", "target"),
    [
        ("{{ t.runs }}\n{{ t.__class__.__mro__ }}\n", 2, "'Totals' object"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}\n", 1, "'str' object"),
    ],
)
def test_user_templates_run_in_the_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, line: int, target: str
) -> None:
    template = tmp_path / "evil.j2"
    template.write_text(body, encoding="utf-8")
    report = ROOT / "examples" / "report.json"
    assert run(capsys, "render", "--template", str(template), str(report)) == (
        2,
        "",
        f"Error: Template refused at {template} line {line}: access to attribute '__class__' "
        f"of {target} is unsafe. Templates run in Jinja2's sandbox: use the variables "
        "(items, t), not Python's internals.\n",
    )


def test_cpu_counts_that_are_logical_cpus_say_so() -> None:
    from boamps_carbon.render.figures import component_label

    measured = make_report()  # measured with codecarbon: its cpu_count is logical CPUs
    cpu = {"componentType": "cpu", "componentName": "AMD EPYC", "nbComponent": 2}
    assert component_label(cpu, measured) == "AMD EPYC (2 logical CPUs)"
    assert component_label({"componentType": "cpu", "nbComponent": 1}, measured) == (
        "1 logical CPU"
    )
    other = make_report()
    other["measures"][0]["measurementMethod"] = "wattmeter"
    assert component_label(cpu, other) == "2 x AMD EPYC (CPU)"
    assert component_label({**cpu, "nbComponent": 64}, other) == "AMD EPYC (64 logical CPUs)"
    gpu = {"componentType": "gpu", "componentName": "2 x Tesla V100S", "nbComponent": 2}
    assert component_label(gpu, measured) == "2 x Tesla V100S (GPU)"
