"""`summary` and `statement` over big JSON Lines files read by worker processes: the same
bytes on stdout and stderr and the same exit status as reading one report at a time; and the
memos that make reading faster give exactly the answers they stand for."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
from factories import make_report
from mutations import mutate

from boamps_carbon.cli import main
from boamps_carbon.render import pieces
from boamps_carbon.render.figures import HardwareMemo, figures
from boamps_carbon.validation import SectionMemo, schema_errors


def lines_file(path: Path, count: int) -> Path:
    """`count` valid reports (4 projects, 3 models, 12 months, 2 countries, some without a
    carbon intensity or duration), with invalid, unparsable and blank lines among them."""
    base = make_report(full=True)
    out = []
    for index in range(count):
        report = copy.deepcopy(base)
        report["header"]["reportId"] = f"piece-{index:06d}"
        report["header"]["publisher"]["projectName"] = f"project-{index % 4}"
        report["task"]["algorithms"][0]["algorithmName"] = f"model-{index % 3}"
        report["header"]["reportDatetime"] = f"2026-{index % 12 + 1:02d}-15T10:00:00"
        report["environment"]["country"] = "france" if index % 5 else "France"
        if index % 7 == 0:
            del report["environment"]["powerSourceCarbonIntensity"]
        if index % 11 == 0:
            del report["measures"][0]["measurementDuration"]
        for number, measure in enumerate(report["measures"]):
            measure["powerConsumption"] = 0.001 * (1 + (index + number) % 97) / 3
        out.append(json.dumps(report))
        if index % 50 == 7:
            out.append('{"header": {}}')
        if index % 80 == 3:
            out += ["", "not json"]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def both_ways(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    """The command's (exit, stdout, stderr), one report at a time and in pieces by workers,
    which must be the same."""
    monkeypatch.setattr(pieces, "PARALLEL_BYTES", 1 << 60)
    alone = (main(list(args)), *capsys.readouterr())
    monkeypatch.setattr(pieces, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(pieces, "PIECE_BYTES", 20_000)  # many pieces, cut anywhere
    assert pieces.big_json_lines([a for a in args if a.endswith(".jsonl")]) is not None
    in_pieces = (main(list(args)), *capsys.readouterr())
    assert in_pieces == alone
    return alone


def test_summary_in_pieces_is_summary_one_at_a_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = str(lines_file(tmp_path / "reports.jsonl", 400))
    for by in ("project", "model", "hardware", "country", "month"):
        for fmt in ("text", "csv", "json"):
            code, out, err = both_ways(
                capsys, monkeypatch, "summary", source, "--by", by, "--format", fmt
            )
            assert code == 1
    assert err.splitlines()[:3] == [
        f"skipped: {source}:6: invalid report: column 1: expected JSON, got a syntax error: expecting value",
        f"skipped: {source}:11: invalid report: task: required field is missing (expected an object)",
        f"skipped: {source}:62: invalid report: task: required field is missing (expected an object)",
    ]
    assert len(err.splitlines()) == 8 + 5
    rows = json.loads(out)
    assert [row["group"] for row in rows][-1] == "(total)"
    assert rows[-1]["runs"] == 400


def test_a_file_named_twice_is_numbered_from_one_each_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = str(lines_file(tmp_path / "reports.jsonl", 120))
    other = str(lines_file(tmp_path / "other.jsonl", 30))
    code, out, err = both_ways(capsys, monkeypatch, "summary", source, other, source)
    assert code == 1
    assert out.splitlines()[-1].split()[:2] == ["(total)", "270"]
    alone = {name: both_ways(capsys, monkeypatch, "summary", name)[2] for name in (source, other)}
    assert err == alone[source] + alone[other] + alone[source]
    assert alone[other].count("\n") == 2


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--format", "markdown"],
        ["--format", "latex", "--project", "project-2"],
        ["--since", "2026-07-01"],
        ["--project", "project-3", "--since", "2026-11-01"],
    ],
)
def test_statement_in_pieces_is_the_statement_one_at_a_time(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    options: list[str],
) -> None:
    source = str(lines_file(tmp_path / "reports.jsonl", 300))
    code, out, _ = both_ways(capsys, monkeypatch, "statement", source, *options)
    assert code == 1 and "The computations reported here (" in out


def test_nothing_valid_or_nothing_selected_in_pieces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"header": {}}\nnot json\n', encoding="utf-8")
    for command in ("summary", "statement"):
        assert both_ways(capsys, monkeypatch, command, str(bad)) == (
            2,
            "",
            f"skipped: {bad}:1: invalid report: task: required field is missing (expected an object)\n"
            f"skipped: {bad}:2: invalid report: column 1: expected JSON, got a syntax error: expecting value\n"
            f"Error: No valid report at {bad}: 2 invalid. Run `boamps validate` on them to see every problem.\n",
        )
    source = str(lines_file(tmp_path / "reports.jsonl", 20))
    code, out, err = both_ways(capsys, monkeypatch, "statement", source, "--project", "nobody")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "Error: No report to state at the selection: none of the 20 reports is of project "
        "nobody. Check --project and --since against the reports."
    )


def test_small_files_stdin_and_folders_of_json_are_read_one_at_a_time(tmp_path: Path) -> None:
    source = lines_file(tmp_path / "reports.jsonl", 10)
    assert pieces.big_json_lines([str(source)]) is None  # small
    (tmp_path / "one.json").write_text(json.dumps(make_report()), encoding="utf-8")
    assert pieces.big_json_lines([str(tmp_path)]) is None  # a .json among them
    assert pieces.big_json_lines(["-"]) is None


def test_pieces_end_after_a_line_end_and_cover_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"a" * 10 + b"\n" + b"b" * 100 + b"\n\n" + b"c" * 5)
    found = pieces.spans(str(path), 8)
    assert [(s.start, s.end) for s in found] == [(0, 11), (11, 112), (112, 118)]
    assert pieces.spans(str(tmp_path / "lines.jsonl"), 1000)[0].end == 118


def test_the_section_memo_answers_as_schema_errors() -> None:
    memo = SectionMemo()
    base = make_report(full=True)
    assert memo.errors(base) == [] == schema_errors(base)
    for seed in range(600):  # every second report damaged, after its sections were memoised
        _, damaged = mutate(base, seed)
        assert memo.errors(damaged) == schema_errors(damaged), seed
        assert memo.errors(base) == []
    # NaN and infinity are written null by orjson: such a section is never memoised
    nulled = copy.deepcopy(base)
    nulled["environment"]["powerSourceCarbonIntensity"] = None
    for value in (math.nan, math.inf):
        bad = copy.deepcopy(base)
        bad["environment"]["powerSourceCarbonIntensity"] = value
        assert memo.errors(bad) == schema_errors(bad)
        assert memo.errors(nulled) == schema_errors(nulled) != []
    assert memo.errors({"task": {}}) == schema_errors({"task": {}})
    assert memo.errors([]) == schema_errors([])
    huge = copy.deepcopy(base)
    huge["task"]["taskStage"] = 10**30  # beyond orjson: checked without its text
    assert memo.errors(huge) == schema_errors(huge) != []


def test_the_section_memo_stays_bounded() -> None:
    memo = SectionMemo()
    base = make_report(full=True)
    for index in range(3000):
        report = copy.deepcopy(base)
        report["environment"]["country"] = f"country-{index}"
        assert memo.errors(report) == []
    assert len(memo._clean) <= SectionMemo.MEMO_SECTIONS


def test_the_hardware_memo_gives_the_labels_of_figures() -> None:
    memo = HardwareMemo()
    base = make_report(full=True)
    for seed in range(300):
        _, damaged = mutate(base, seed)
        try:
            expected = figures(damaged)
        except (AttributeError, TypeError):  # figures are read from valid reports only
            continue
        assert figures(damaged, memo) == expected, seed
    other = copy.deepcopy(base)
    for measure in other["measures"]:
        measure["measurementMethod"] = "wattmeter"  # a CPU count is then processors
    assert figures(other, memo) == figures(other)
    assert figures(base, memo) == figures(base)
