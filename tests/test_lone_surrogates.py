"""Lone surrogates: a JSON escape such as `\\ud800` gives a string no UTF-8 text can hold, which
I-JSON (RFC 7493) forbids. Reading such a report names it invalid (`lone-surrogate`, at the
string's or key's JSON path), and every command skips it as any invalid report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from boamps_carbon.cli import main
from boamps_carbon.io import parse_json_bytes
from boamps_carbon.printable import printable
from tests.service_support import ROOT
from tests.store_support import report

HINT = "Replace the character; JSON text must be valid Unicode (RFC 7493)"
SKIPPED = (
    "skipped: {path}: invalid report: header.publisher.projectName: expected valid Unicode "
    'text, got a lone surrogate in "sent\\ud800". ' + HINT
)


def _write(path: Path, value: dict[str, Any]) -> Path:
    # json.dumps writes a lone surrogate as its escape, as a hostile file would
    path.write_text(json.dumps(value), encoding="ascii")
    return path


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    bad = report(1, project="sent")
    bad["header"]["publisher"]["projectName"] = "sent\ud800"
    return _write(tmp_path / "bad.json", bad), _write(tmp_path / "good.json", report(2))


def test_parsing_names_each_lone_surrogate_at_its_path() -> None:
    data = b'{"a": ["ok", "CC\\ud800"], "\\udc00x": {"b": "\\ud83d\\ude00 fine"}}'
    value, problems = parse_json_bytes(data)
    assert value is None
    assert [(p.code, p.path, p.message, p.hint) for p in problems] == [
        (
            "lone-surrogate",
            "a[1]",
            'expected valid Unicode text, got a lone surrogate in "CC\\ud800"',
            HINT,
        ),
        (
            "lone-surrogate",
            "\\udc00x",
            'expected valid Unicode text, got a lone surrogate in the key "\\udc00x"',
            HINT,
        ),
    ]
    # a pair of surrogate escapes is one character: valid
    assert parse_json_bytes(b'{"b": "\\ud83d\\ude00"}') == ({"b": "\U0001f600"}, [])


def test_printable_shows_lone_surrogates_as_escapes() -> None:
    assert printable("a\ud800b\udfff\U0001f600") == "a\\ud800b\\udfff\U0001f600"


def test_validate_names_a_lone_surrogate_in_a_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    value = report(3)
    value["header"]["\udc00x"] = 1
    path = _write(tmp_path / "key.json", value)
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: header.\\udc00x: expected valid Unicode text, got a lone surrogate in "
        f'the key "\\udc00x". {HINT}',
        "0 valid, 1 invalid",
    ]


@pytest.mark.parametrize(
    "command",
    [
        ["summary"],
        ["summary", "--format", "csv"],
        ["summary", "--format", "json"],
        ["summary", "--by", "hardware"],
        ["summary", "--by", "rating"],
        ["statement"],
        ["compare", "--by", "header.publisher.projectName"],
        ["render", "--format", "csv"],
        ["render", "--format", "text"],
    ],
    ids=lambda c: " ".join(c),
)
def test_readers_skip_the_report_as_invalid(
    pair: tuple[Path, Path], command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    bad, good = pair
    assert main([*command, str(bad), str(good)]) == 1
    assert SKIPPED.format(path=bad) in capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("form", ["html", "dashboard"])
def test_pages_skip_the_report_as_invalid(
    pair: tuple[Path, Path], form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad, good = pair
    out = str(tmp_path / "page.html")
    command = ["dashboard"] if form == "dashboard" else ["render", "--format", "html"]
    assert main([*command, "-o", out, str(bad), str(good)]) == 1
    assert SKIPPED.format(path=bad) in capsys.readouterr().err.splitlines()


def test_summary_prints_on_a_strict_utf8_stdout(pair: tuple[Path, Path]) -> None:
    bad, good = pair
    done = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "summary", "--format", "csv", str(bad), str(good)],
        cwd=ROOT,
        capture_output=True,
        env={"PYTHONIOENCODING": "utf-8:strict", "PATH": ""},
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.decode().splitlines() == [SKIPPED.format(path=bad)]


def test_store_import_rejects_only_that_report(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad, good = pair
    db = str(tmp_path / "store.db")
    assert main(["store", "import", "--db", db, str(bad), str(good)]) == 1
    out = capsys.readouterr()
    assert out.err.splitlines() == [
        f"invalid: {bad}: header.publisher.projectName: expected valid Unicode text, got a "
        f'lone surrogate in "sent\\ud800". {HINT}',
        f"{db}: 2 reports, 1 added, 0 unchanged, 0 superseded, 0 replaced, 1 invalid",
    ]


def test_rate_and_tables_skip_the_report(
    pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad, good = pair
    assert main(["rate", str(bad), str(good)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{bad}: cannot rate: header.publisher.projectName: expected valid Unicode text, got "
        f'a lone surrogate in "sent\\ud800". {HINT}'
    ]
    folder = str(tmp_path / "tables")
    assert main(["render", "--format", "tables", "-o", folder, str(bad), str(good)]) == 1
    assert SKIPPED.format(path=bad) in capsys.readouterr().err.splitlines()


def test_json_lines_name_the_line(
    pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    bad, good = pair
    lines = bad.parent / "both.jsonl"
    lines.write_text(good.read_text() + "\n" + bad.read_text() + "\n", encoding="ascii")
    assert main(["validate", str(lines)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{lines}:2: header.publisher.projectName: expected valid Unicode text, got a lone "
        f'surrogate in "sent\\ud800". {HINT}',
        "1 valid, 1 invalid",
    ]
