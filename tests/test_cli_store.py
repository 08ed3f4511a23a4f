"""`boamps store` and `--db` on the commands that read reports: outputs, exit codes, bad input."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from boamps_carbon.cli import build_parser, main
from tests.store_support import report

ID1 = "00000000-0000-0000-0000-000000000001"
ID2 = "00000000-0000-0000-0000-000000000002"
EXAMPLE_ID = "9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def jsonl(path: Path, *reports: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in reports), encoding="utf-8")
    return path


def test_import_files_jsonl_folders_and_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "r.db"
    folder = tmp_path / "in"
    folder.mkdir()
    jsonl(folder / "a.jsonl", report(1), report(2, project="beta"))
    code, out, err = run(
        capsys,
        "store",
        "import",
        str(ROOT / "examples" / "report.json"),
        str(folder),
        "--db",
        str(db),
    )
    assert (code, out) == (0, "")
    assert err == f"{db}: 3 reports, 3 added, 0 unchanged, 0 superseded, 0 replaced, 0 invalid\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(json.dumps(report(1)).encode())))
    code, out, err = run(capsys, "store", "import", "-", "--db", str(db))
    assert (code, err) == (
        0,
        f"{db}: 1 reports, 0 added, 1 unchanged, 0 superseded, 0 replaced, 0 invalid\n",
    )


def test_import_names_invalid_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "r.db"
    bad = report(2)
    bad["measures"][0]["powerConsumption"] = "lots"
    source = jsonl(tmp_path / "mixed.jsonl", report(1), bad)
    (tmp_path / "mixed.jsonl").write_text(source.read_text() + "not json\n", encoding="utf-8")
    code, out, err = run(capsys, "store", "import", str(source), "--db", str(db))
    assert code == 1
    assert err.splitlines() == [
        f'invalid: {source}:2: measures[0].powerConsumption: expected a number, got the string "lots"',
        f"invalid: {source}:3: column 1: expected JSON, got a syntax error: expecting value",
        f"{db}: 3 reports, 1 added, 0 unchanged, 0 superseded, 0 replaced, 2 invalid",
    ]
    code, out, _ = run(capsys, "store", "query", "--db", str(db), "--format", "csv")
    assert [line.split(",")[0] for line in out.splitlines()] == ["report_id", ID1]


def test_conflict_writes_nothing_and_replace_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.db"
    run(capsys, "store", "import", str(jsonl(tmp_path / "a.jsonl", report(1))), "--db", str(db))
    changed = jsonl(tmp_path / "b.jsonl", report(2), report(1, energy=0.9))
    code, out, err = run(capsys, "store", "import", str(changed), "--db", str(db))
    assert (code, out) == (2, "")
    assert err == (
        f"Error: Report ids already stored with other content at {db}: {ID1}. Nothing was "
        "written. Give corrective reports (reportStatus corrective), or overwrite them "
        "(store import --replace, convert --force).\n"
    )
    assert run(capsys, "store", "query", "--db", str(db), "--format", "csv")[1].count("\n") == 2
    code, _, err = run(capsys, "store", "import", str(changed), "--db", str(db), "--replace")
    assert (code, err) == (
        0,
        f"{db}: 2 reports, 1 added, 0 unchanged, 0 superseded, 1 replaced, 0 invalid\n",
    )


@pytest.fixture
def filled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "r.db"
    source = jsonl(
        tmp_path / "in.jsonl",
        report(1, start="2026-01-10 09:00:00", quantization="int8"),
        report(2, project="beta", energy=0.25, start="2026-02-10 09:00:00", country="Germany"),
    )
    assert run(capsys, "store", "import", str(source), "--db", str(db))[0] == 0
    return db


def test_query_formats(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "store", "query", "--db", str(filled))
    assert (code, err) == (0, "")
    assert [json.loads(line) for line in out.splitlines()] == [
        report(1, start="2026-01-10 09:00:00", quantization="int8"),
        report(2, project="beta", energy=0.25, start="2026-02-10 09:00:00", country="Germany"),
    ]
    code, out, _ = run(
        capsys, "store", "query", "--db", str(filled), "--format", "csv", "--project", "beta"
    )
    assert out == (
        "report_id,project,task_stage,task_family,model,algorithms,quantization,hardware,country,"
        "start_time,end_time,energy_kwh,emissions_kg,duration_s,nb_request,measured_accuracy,"
        "quality,rating,report_status,cursor\r\n"
        f"{ID2},beta,training,imageClassification,resnet18,resnet18,,"
        '"Xeon Gold (2 logical CPUs), 16.0 GB RAM",Germany,2026-02-10 09:00:00,2026-02-10 09:01:40,'
        "0.25,0.0125,100.0,,,,bronze,,2\r\n"
    )
    code, out, _ = run(capsys, "store", "query", "--db", str(filled), "--format", "table")
    assert out == (
        "report_id                             project           task_stage  start_time             energy_kwh  emissions_kg\n"
        f"{ID1}  alpha             training    2026-01-10 09:00:00           0.5         0.025\n"
        f"{ID2}  beta              training    2026-02-10 09:00:00          0.25        0.0125\n"
    )


@pytest.mark.parametrize(
    ("options", "ids"),
    [
        (["--since", "2026-02-01"], [ID2]),
        (["--until", "2026-01-10"], [ID1]),
        (["--quantization", "int8"], [ID1]),
        (["--country", "GERMANY"], [ID2]),
        (["--hardware", "xeon"], [ID1, ID2]),
        (["--where", "environment.country=Germany"], [ID2]),
        (
            [
                "--where",
                "task.algorithms.quantization=int8",
                "--where",
                "header.publisher.projectName=alpha",
            ],
            [ID1],
        ),
        (["--where", "measures.powerConsumption=0.25"], [ID2]),
        (["--project", "alpha' OR '1'='1"], []),
        (["--where", 'header.publisher.projectName=x" OR 1=1; --'], []),
        (["--limit", "1"], [ID1]),
        (["--after", "1"], [ID2]),
    ],
)
def test_query_filters(
    filled: Path, capsys: pytest.CaptureFixture[str], options: list[str], ids: list[str]
) -> None:
    code, out, err = run(capsys, "store", "query", "--db", str(filled), "--format", "csv", *options)
    assert (code, err) == (0, "")
    assert [line.split(",")[0] for line in out.splitlines()[1:]] == ids


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--where", "task.nope=1"],
            "Error: Unknown report field at --where: 'task.nope'. Name a field of the BoAmps schema by its dotted path, such as header.publisher.projectName or task.algorithms.quantization.\n",
        ),
        (
            ["--where", "task.taskStage"],
            "Error: Not PATH=VALUE at --where: 'task.taskStage'. Write --where task.taskStage=training.\n",
        ),
        (
            ["--since", "2026-13-01"],
            "Error: Not a date at --since: '2026-13-01'. Use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (the reports' own time, no zone).\n",
        ),
        (["--limit", "-1"], "Error: Negative limit at --limit: -1. Give 0 or more.\n"),
        (
            ["--after", "x'--"],
            'Error: Bad cursor at after: "x\'--". Use the cursor of a report from a query.\n',
        ),
    ],
)
def test_query_bad_input(
    filled: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    for fmt in ("jsonl", "csv", "table"):  # nothing printed before the error
        assert run(capsys, "store", "query", "--db", str(filled), "--format", fmt, *options) == (
            2,
            "",
            message,
        )


def test_export_and_stats(filled: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import pyarrow.parquet as pq

    out_file = tmp_path / "all.parquet"
    assert run(capsys, "store", "export", "--db", str(filled), "-o", str(out_file)) == (
        0,
        "",
        f"{out_file}: 2 reports\n",
    )
    assert pq.read_table(out_file).column("header_publisher_projectName").to_pylist() == [
        "alpha",
        "beta",
    ]
    code, _, err = run(capsys, "store", "export", "--db", str(filled), "-o", str(out_file))
    assert (code, err) == (
        2,
        f"Error: Output exists at {out_file}: already there. Give --force to replace it.\n",
    )
    lines = tmp_path / "beta.jsonl"
    assert (
        run(capsys, "store", "export", "--db", str(filled), "-o", str(lines), "--project", "beta")[
            0
        ]
        == 0
    )
    assert [json.loads(x)["header"]["reportId"] for x in lines.read_text().splitlines()] == [ID2]
    code, out, _ = run(capsys, "store", "stats", "--db", str(filled))
    assert out == (
        f"store: {filled}\nschema_version: 5\nreports: 2\nolder_revisions: 0\nprojects: 2\n"
        "first_start: 2026-01-10 09:00:00\nlast_start: 2026-02-10 09:00:00\nenergy_kwh: 0.75\n"
        "emissions_kg: 0.0375\nactive_tokens: 0\n"
    )


def test_tokens(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "r.db")
    code, out, err = run(capsys, "store", "token", "create", "--name", "ci", "--db", db)
    assert code == 0 and re.fullmatch(r"boamps_[A-Za-z0-9_-]{43}\n", out)
    assert err == "token 'ci' created (read and write); it is shown only this once.\n"
    run(capsys, "store", "token", "create", "--name", "board", "--read-only", "--db", db)
    code, out, _ = run(capsys, "store", "token", "list", "--db", db)
    lines = out.splitlines()
    assert lines[0] == "id        name                  access      created              revoked"
    assert sorted(line.split()[1:3] for line in lines[1:]) == [
        ["board", "read-only"],
        ["ci", "read-write"],
    ]
    assert [line.split()[-1] for line in lines[1:]] == ["-", "-"]
    code, _, err = run(capsys, "store", "token", "revoke", "ci", "--db", db)
    assert code == 0 and err.startswith("token 'ci' (") and " revoked at " in err
    assert run(capsys, "store", "token", "revoke", "nope", "--db", db) == (
        2,
        "",
        "Error: No such token at token revoke: 'nope'. See `boamps store token list`.\n",
    )
    assert run(capsys, "store", "token", "create", "--name", "board", "--db", db)[2] == (
        "Error: Token name already used at --name: 'board'. Choose another name.\n"
    )


def test_bad_databases(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database, " * 100, encoding="utf-8")
    source = str(jsonl(tmp_path / "a.jsonl", report(1)))
    assert run(capsys, "store", "import", source, "--db", str(notes)) == (
        2,
        "",
        f"Error: Not a SQLite database at {notes}: file is not a database. Point --db at a store file, or at a new path to create one.\n",
    )
    assert notes.read_text(encoding="utf-8") == "not a database, " * 100
    missing = tmp_path / "nowhere.db"
    assert run(capsys, "store", "query", "--db", str(missing)) == (
        2,
        "",
        f"Error: No such store at {missing}: no such file. Check --db, or add reports first with `boamps store import`.\n",
    )
    assert not missing.exists()
    code, _, err = run(capsys, "summary", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 2 and err.startswith(
        "Error: Cannot reach the database at postgresql://nobody@127.0.0.1:1/none: "
    )


def test_locked_store_import_is_an_error_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "r.db"
    run(capsys, "store", "stats", "--db", str(db))  # missing: an error, and nothing created
    assert not db.exists()
    run(capsys, "store", "import", str(jsonl(tmp_path / "a.jsonl", report(1))), "--db", str(db))
    monkeypatch.setattr("boamps_carbon.store.engine.BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        code, _, err = run(
            capsys, "store", "import", str(jsonl(tmp_path / "b.jsonl", report(2))), "--db", str(db)
        )
    finally:
        holder.rollback()
        holder.close()
    assert (code, err) == (
        2,
        f"Error: The store is locked at {db}: database is locked. Another program held it for over 0.2 s; try again once it is done.\n",
    )
    assert run(capsys, "store", "query", "--db", str(db), "--format", "csv")[1].count("\n") == 2


def test_convert_into_a_store_then_summary_render_statement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    args = [
        "convert",
        str(ROOT / "examples" / "emissions.csv"),
        "--context",
        str(ROOT / "examples" / "context.json"),
    ]
    code, _, err = run(capsys, *args, "-o", url)
    assert code == 0 and err.endswith(f"wrote 3 reports to {url}\n")
    assert run(capsys, *args, "-o", url)[0] == 0  # the same reports again: unchanged
    files = tmp_path / "files.jsonl"
    assert run(capsys, *args, "-o", str(files))[0] == 0
    for by in ("project", "model", "hardware", "country", "month"):
        for fmt in ("text", "csv", "json"):
            from_db = run(capsys, "summary", "--db", url, "--by", by, "--format", fmt)
            from_files = run(capsys, "summary", str(files), "--by", by, "--format", fmt)
            assert from_db == from_files
            assert from_db[0] == 0
    assert run(capsys, "render", "--db", url, "--format", "csv") == run(
        capsys, "render", str(files), "--format", "csv"
    )
    assert run(capsys, "statement", "--db", url) == run(capsys, "statement", str(files))
    code, out, _ = run(capsys, "validate", "--db", url, "--format", "json")
    assert code == 0
    assert [json.loads(line)["file"] for line in out.splitlines()] == [
        f"{tmp_path / 'r.db'}[{json.loads(line)['header']['reportId']}]"
        for line in files.read_text(encoding="utf-8").splitlines()
    ]
    assert run(capsys, "validate", "--db", url)[1] == "3 valid, 0 invalid\n"
    assert run(capsys, "summary", str(files), "--db", url)[2] == (
        f"Error: Reports from two places at --db: {url} and {files}. Give REPORT files or --db, not both.\n"
    )
    assert run(capsys, "render") == (
        2,
        "",
        "Error: No reports at REPORT: none given. Give report files, folders or -, or --db URL.\n",
    )


def test_track_into_a_store(tmp_path: Path) -> None:
    from boamps_carbon import Store, track

    url = f"sqlite:///{tmp_path / 'r.db'}"
    with track(str(ROOT / "examples" / "context.json"), url, country_iso_code="FRA") as measured:
        sum(range(10000))
    assert measured.path == url
    with Store(url) as store:
        assert store.get(measured.report.header.report_id).report == measured.report.to_dict()


def test_store_help_imports_no_sqlalchemy() -> None:
    code = (
        "import sys\nfrom boamps_carbon.cli import main\n"
        "try:\n    main(['store', 'query', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('sqlalchemy', 'pyarrow', 'pandas') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.splitlines()[-1] == "[]"


def _options(parser) -> set[str]:
    found = set()
    for action in parser._actions:
        found.update(o for o in action.option_strings if o.startswith("--") and o != "--help")
        for sub in (
            (getattr(action, "choices", None) or {}).values()
            if hasattr(action, "choices") and isinstance(action.choices, dict)
            else []
        ):
            found |= _options(sub)
    return found


def test_readme_documents_every_store_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in ("store", "summary", "render", "statement", "validate"):
        for option in _options(commands[name]):
            assert option in readme, f"{name} {option}"


def test_readme_store_snippet_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### The store in Python", 1)[1]
    code = re.search(r"```python\n(.+?)\n```", section, flags=re.DOTALL).group(1)  # type: ignore[union-attr]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert (done.returncode, done.stderr) == (0, "")


def test_imported_files_come_out_byte_for_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "r.db")
    example = ROOT / "examples" / "report.json"
    crlf = tmp_path / "crlf.jsonl"
    crlf.write_bytes(b"\xef\xbb\xbf" + json.dumps(report(1)).encode() + b"\r\n")
    assert run(capsys, "store", "import", str(example), str(crlf), "--db", db)[0] == 0
    assert run(capsys, "store", "export", "--db", db, "-o", str(tmp_path / "out"))[0] == 0
    written = tmp_path / "out" / "examples-training-9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73.json"
    assert written.read_bytes() == example.read_bytes()
    code, out, _ = run(capsys, "store", "query", "--db", db)
    assert code == 0
    assert out.splitlines() == [
        json.dumps(
            json.loads(example.read_text(encoding="utf-8")),
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        json.dumps(report(1)),
    ]


def test_convert_into_a_store_conflicts_then_force_replaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.db"
    url = f"sqlite:///{db}"
    csv_file = str(ROOT / "examples" / "emissions.csv")
    context = json.loads((ROOT / "examples" / "context.json").read_text(encoding="utf-8"))
    assert context["quality"] == "low"
    assert (
        run(
            capsys,
            "convert",
            csv_file,
            "--context",
            str(ROOT / "examples" / "context.json"),
            "-o",
            url,
        )[0]
        == 0
    )
    context["quality"] = "medium"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(context), encoding="utf-8")
    code, out, err = run(capsys, "convert", csv_file, "--context", str(other), "-o", url)
    assert (code, out) == (2, "")
    assert err.startswith(f"Error: Report ids already stored with other content at {db}: ")

    def qualities() -> list[str]:
        lines = run(capsys, "store", "query", "--db", str(db))[1].splitlines()
        return [json.loads(line)["quality"] for line in lines]

    assert qualities() == ["low"] * 3  # nothing of the failed run was written
    # medium is better than cpuLoad allows: a warning, not an error
    assert run(capsys, "convert", csv_file, "--context", str(other), "-o", url, "--force")[0] == 0
    assert qualities() == ["medium"] * 3


def test_import_stops_whole_on_an_unreadable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.db"
    good = str(jsonl(tmp_path / "a.jsonl", report(1)))
    missing = str(tmp_path / "gone.jsonl")
    assert run(capsys, "store", "import", good, missing, "--db", str(db)) == (
        2,
        "",
        f"Error: Cannot read reports at {missing}: no such file or folder. Check the path.\n",
    )
    assert run(capsys, "store", "query", "--db", str(db))[1] == ""


def test_query_csv_and_table_neutralise_hostile_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.db"
    source = jsonl(
        tmp_path / "h.jsonl",
        report(1, project='=HYPERLINK("http://x")'),
        report(2, project="\x1b]0;pwn\x07\x1b[31mRED"),
        report(3, project="\u202eevil\x9b"),
    )
    assert run(capsys, "store", "import", str(source), "--db", str(db))[0] == 0
    code, out, _ = run(capsys, "store", "query", "--db", str(db), "--format", "csv")
    lines = out.split("\r\n")
    assert code == 0
    assert lines[1].split(",")[1] == '"\'=HYPERLINK(""http://x"")"'
    code, out, _ = run(capsys, "store", "query", "--db", str(db), "--format", "table")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\x9b" not in out
    assert out.splitlines()[2].split()[1] == "\\x1b]0;pwn\\x07\\…"
    assert out.splitlines()[3].split()[1] == "\\u202eevil\\x9b"


def _cli(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "boamps_carbon", *args],
        cwd=ROOT,
        text=True,
        check=False,
        **{"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs},  # type: ignore[arg-type]
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_full_or_closed_stdout_is_a_user_error_and_revokes_an_unseen_token(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    jsonl(tmp_path / "a.jsonl", report(1))
    assert _cli("store", "import", str(tmp_path / "a.jsonl"), "--db", str(db)).returncode == 0
    full = "Error: Cannot write at standard output: No space left on device. Redirect it to a file you can write to, or give -o FILE where the command has it.\n"
    closed = "Error: Cannot write at standard output: it is closed. Redirect it to a file you can write to, or give -o FILE where the command has it.\n"
    for args in (["store", "query"], ["store", "stats"], ["store", "token", "list"]):
        with open("/dev/full", "w") as sink:
            done = _cli(*args, "--db", str(db), stdout=sink)
        assert (done.returncode, done.stderr) == (2, full)
        done = subprocess.run(
            f"{sys.executable} -m boamps_carbon {' '.join(args)} --db {db} >&-",
            shell=True,
            cwd=ROOT,
            capture_output=False,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
        assert (done.returncode, done.stderr) == (2, closed)
    with open("/dev/full", "w") as sink:
        done = _cli("store", "token", "create", "--name", "lost", "--db", str(db), stdout=sink)
    assert (done.returncode, done.stderr) == (
        2,
        "token 'lost' revoked: its secret could not be shown.\n" + full,
    )
    listed = _cli("store", "token", "list", "--db", str(db)).stdout.splitlines()
    assert listed[1].split()[1] == "lost" and listed[1].split()[-1] != "-"


def test_until_the_end_of_the_calendar(filled: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for until in ("9999-12-31", "9999-12-31 23:59:59"):
        code, out, err = run(
            capsys, "store", "query", "--db", str(filled), "--format", "csv", "--until", until
        )
        assert (code, err) == (0, "")
        assert [line.split(",")[0] for line in out.splitlines()[1:]] == [ID1, ID2]
        out_file = filled.parent / "out.jsonl"
        code, _, err = run(
            capsys,
            "store",
            "export",
            "--db",
            str(filled),
            "--until",
            until,
            "-o",
            str(out_file),
            "--force",
        )
        assert (code, err) == (0, f"{out_file}: 2 reports\n")
        lines = out_file.read_text().splitlines()
        assert [json.loads(line)["header"]["reportId"] for line in lines] == [ID1, ID2]


@pytest.mark.parametrize("option", ["--hardware", "--project", "--country", "--since"])
def test_an_overlong_filter_is_refused(
    filled: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    assert run(capsys, "store", "query", "--db", str(filled), option, "x" * 60_000) == (
        2,
        "",
        f"Error: Filter value too long at {option}: 60000 characters. "
        "Give at most 1000 characters.\n",
    )


def test_a_failed_convert_leaves_no_store_it_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = next((ROOT / "tests" / "data" / "sources" / "carbontracker").glob("*_carbontracker.log"))
    db = tmp_path / "new.db"
    args = ["convert", str(ROOT / "examples" / "emissions.csv"), str(log)]
    code, out, err = run(
        capsys, *args, "--context", str(ROOT / "examples" / "context.json"), "-o", f"sqlite:///{db}"
    )
    assert (code, out) == (2, "")
    assert err.startswith("Error: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    # a store that was there before stays, with what it held
    assert (
        run(
            capsys,
            "convert",
            *args[1:2],
            "--context",
            str(ROOT / "examples" / "context.json"),
            "-o",
            f"sqlite:///{db}",
        )[0]
        == 0
    )
    code, _, _ = run(
        capsys, *args, "--context", str(ROOT / "examples" / "context.json"), "-o", f"sqlite:///{db}"
    )
    assert code == 2
    assert run(capsys, "store", "stats", "--db", str(db))[1].count("reports: 3\n") == 1
