"""`dashboard`, `compare` and `rate` read a store with `--db URL` exactly as they read the same
reports from files: a real SQLite file, and PostgreSQL when $BOAMPS_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from boamps_carbon.cli import main
from tests.store_support import report, store_url

BY = "task.algorithms[0].quantization"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(params=["sqlite", "postgres"])
def filled(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[str, Path]:
    """(store URL, the same reports as JSON Lines): two variants, three runs each."""
    url = store_url(request.param, tmp_path)
    reports = [
        report(
            number,
            quantization="fp32" if number % 2 else "int8",
            energy=0.5 + number / 10,
            start=f"2026-03-{number + 1:02d} 10:00:00",
            project="alpha" if number < 4 else "beta",
        )
        for number in range(1, 7)
    ]
    files = tmp_path / "files.jsonl"
    files.write_text("".join(json.dumps(r) + "\n" for r in reports), encoding="utf-8")
    code, _, err = run(capsys, "store", "import", str(files), "--db", url)
    assert code == 0, err
    return url, files


def test_compare_from_a_store_is_compare_from_files(
    filled: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, files = filled
    for fmt in ("text", "markdown", "json", "csv"):
        options = ["--by", BY, "--baseline", "fp32", "--format", fmt]
        from_db = run(capsys, "compare", "--db", url, *options)
        assert from_db == run(capsys, "compare", str(files), *options)
        assert from_db[0] == 0
    assert run(capsys, "compare", "--db", url, "--by", BY, "--format", "csv")[0] == 0
    out = run(capsys, "compare", "--db", url, "--by", BY, "--format", "csv")[1]
    assert out.splitlines()[1].startswith("fp32,energy,kWh,3,0,")


def test_dashboard_from_a_store_is_the_dashboard_from_files(
    filled: tuple[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, files = filled
    for options in ([], ["--project", "beta"], ["--since", "2020-01-01"]):
        from_db = run(capsys, "dashboard", "--db", url, "-o", "-", *options)
        from_files = run(capsys, "dashboard", str(files), "-o", "-", *options)
        assert from_db == from_files
        assert from_db[0] == 0 and from_db[1].startswith("<!DOCTYPE html>")
    page = tmp_path / "page.html"
    assert run(capsys, "dashboard", "--db", url, "-o", str(page)) == (0, "", f"wrote {page}\n")


def test_rate_from_a_store_names_each_report_by_its_id(
    filled: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, files = filled
    code, out, err = run(capsys, "rate", "--db", url, "--format", "json")
    assert (code, err) == (0, "")
    from_db = [json.loads(line) for line in out.splitlines()]
    from_files = [
        json.loads(line)
        for line in run(capsys, "rate", str(files), "--format", "json")[1].splitlines()
    ]
    assert [r["reportId"] for r in from_db] == [r["reportId"] for r in from_files]
    assert all(re.fullmatch(r".+\[[0-9a-f-]{36}\]", r["file"]) for r in from_db)
    assert [{**r, "file": ""} for r in from_db] == [{**r, "file": ""} for r in from_files]


def test_files_and_a_store_together_or_neither_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    for command in (["dashboard"], ["compare", "--by", BY], ["rate"]):
        assert run(capsys, *command, "a.jsonl", "--db", url) == (
            2,
            "",
            f"Error: Reports from two places at --db: {url} and a.jsonl. Give REPORT files or --db, not both.\n",
        )
        assert run(capsys, *command) == (
            2,
            "",
            "Error: No reports at REPORT: none given. Give report files, folders or -, or --db URL.\n",
        )
    missing = tmp_path / "nowhere.db"
    assert run(capsys, "dashboard", "--db", str(missing), "-o", "-") == (
        2,
        "",
        f"Error: No such store at {missing}: no such file. Check --db, or add reports first with `boamps store import`.\n",
    )
    assert not missing.exists()
