"""Where outputs go: one overwrite rule, file names that are files, folders staged beside
their target and claimed in one step, report file names that keep their id."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from boamps_carbon.cli import main
from boamps_carbon.writers import ReportWriter, file_name

EXAMPLES = ROOT / "examples"
REPORT = EXAMPLES / "report.json"
EMISSIONS = EXAMPLES / "emissions.csv"
CONTEXT = EXAMPLES / "context.json"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def convert(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return run(capsys, "convert", str(EMISSIONS), "--context", str(CONTEXT), *args)


def report() -> dict[str, object]:
    data: dict[str, object] = json.loads(REPORT.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("name", ["out.json", "out.JSON"])
def test_convert_to_a_json_name_is_an_error_not_a_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    target = tmp_path / name
    assert convert(capsys, "-o", str(target)) == (
        2,
        "",
        f"Error: One report per .json file at {target}: several reports to write. Give a "
        ".jsonl file or a folder (a name without a file suffix).\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_convert_to_another_file_suffix_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.txt"
    assert convert(capsys, "-o", str(target)) == (
        2,
        "",
        f"Error: Not an output for reports at {target}: a .txt file. Give a .jsonl file or a "
        "folder (a name without a file suffix).\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_an_upper_case_jsonl_name_is_a_json_lines_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.JSONL"
    assert convert(capsys, "-o", str(target))[0] == 0
    assert target.is_file() and len(target.read_text(encoding="utf-8").splitlines()) == 3


def test_a_dangling_symlink_is_replaced_only_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.jsonl"
    target.symlink_to(tmp_path / "nowhere")
    assert convert(capsys, "-o", str(target)) == (
        2,
        "",
        f"Error: Output file exists at {target}: not overwritten. Use --force to replace it, "
        "or choose another -o.\n",
    )
    assert target.is_symlink()
    assert convert(capsys, "-o", str(target), "--force")[0] == 0
    assert not target.is_symlink() and target.is_file()


def test_a_dangling_symlink_as_rejects_is_kept_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rejects = tmp_path / "rejects.csv"
    rejects.symlink_to(tmp_path / "nowhere")
    assert convert(capsys, "-o", str(tmp_path / "r.jsonl"), "--rejects", str(rejects)) == (
        2,
        "",
        f"Error: Rejects file exists at {rejects}: not overwritten. Use --force to replace it, "
        "or choose another --rejects.\n",
    )


def test_force_with_a_folder_at_a_report_name_commits_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports"
    assert convert(capsys, "-o", str(out))[0] == 0
    names = sorted(p.name for p in out.iterdir())
    for path in out.iterdir():
        path.write_text("old\n", encoding="utf-8")
    (out / names[1]).unlink()
    (out / names[1]).mkdir()
    assert convert(capsys, "-o", str(out), "--force") == (
        2,
        "",
        f"Error: Output is a folder at {out / names[1]}: where a report's file goes. Move that "
        "folder away, or choose another -o.\n",
    )
    assert [(out / n).read_text(encoding="utf-8") for n in (names[0], names[2])] == ["old\n"] * 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_a_folder_is_staged_beside_its_target_never_inside(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    writer = ReportWriter(str(out))
    writer.write(report())
    staged = [p.name for p in tmp_path.iterdir() if p.name != "reports"]
    assert len(staged) == 1 and staged[0].startswith(".reports.boamps-staging-")
    assert list(out.iterdir()) == []
    # a run killed now leaves its staging folder; reading the parent does not count it
    done = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"Error: No report files at {tmp_path}:")
    writer.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]
    assert [p.name for p in out.iterdir()] == [file_name(report())]


def test_a_new_folder_is_claimed_whole_with_the_umask_permissions(tmp_path: Path) -> None:
    out = tmp_path / "new" / "reports"
    writer = ReportWriter(str(out))
    writer.write(report())
    writer.commit()
    assert oct(out.stat().st_mode & 0o777) == oct(0o777 & ~_umask())
    assert sorted(p.name for p in out.parent.iterdir()) == ["reports"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Two runs of `convert` racing for one new folder, many times: one process converts the file
# once (the uncontested result, and every module the runs need imported), then forks the two
# runs of each attempt. An attempt costs two forks rather than two interpreters' start-up
# (20 attempts took 36 s that way), and both runs reach the folder at once.
RACE = """
import json, os, sys
from boamps_carbon.cli import main

arguments, single, folders = json.loads(sys.argv[1])
assert main([*arguments, "-o", single]) == 0


def started(argv):
    read, write = os.pipe()
    sys.stdout.flush(), sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the run: its standard error into the pipe, its standard output nowhere
        code = 3
        try:
            os.close(read)
            os.dup2(write, 2)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
            code = main(argv)
        finally:
            sys.stdout.flush(), sys.stderr.flush()
            os._exit(code)
    os.close(write)
    return pid, read


def finished(pid, read):
    with os.fdopen(read, encoding="utf-8") as err:
        text = err.read()
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), text


for folder in folders:
    runs = [started([*arguments, "-o", folder]) for _ in range(2)]
    print(json.dumps([finished(*run) for run in runs]), flush=True)
"""


def test_two_folder_converts_racing_for_a_new_folder(tmp_path: Path) -> None:
    arguments = ["convert", str(EMISSIONS), "--context", str(CONTEXT)]
    single = tmp_path / "single"
    folders = [tmp_path / f"race-{attempt}" for attempt in range(60)]
    done = subprocess.run(
        [sys.executable, "-c", RACE, json.dumps([arguments, str(single), list(map(str, folders))])],
        env=ENV,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    expected = {p.name: p.read_bytes() for p in single.iterdir()}
    assert len(expected) == 3
    attempts = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(attempts) == len(folders)
    for out, runs in zip(folders, attempts, strict=True):
        results = sorted(runs)
        assert [code for code, _ in results] == [0, 2], results
        # the loser names a report of the winner's; which one, and how many it saw, depends
        # on where the winner was when the loser looked
        assert re.fullmatch(
            rf"Error: Output file exists at {re.escape(str(out))}/[^/]+\.json: [1-3] of 3 "
            r"reports already there\. Use --force to replace them, or choose another -o\.\n",
            results[1][1],
        ), results[1][1]
        assert {p.name: p.read_bytes() for p in out.iterdir()} == expected
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def _named(project: str, report_id: str) -> dict[str, object]:
    data = report()
    header = dict(data["header"])  # type: ignore[call-overload]
    header["publisher"] = {**header["publisher"], "projectName": project}
    header["reportId"] = report_id
    return {**data, "header": header}


def test_a_long_project_name_keeps_the_report_id_whole() -> None:
    ids = ["6e0c9d3a-1f4b-4c55-9a0e-2b4f8f0f3a11", "6e0c9d3a-1f4b-4c55-9a0e-2b4f8f0f3a12"]
    names = [file_name(_named("p" * 300, i)) for i in ids]
    assert names[0] != names[1]
    for name, report_id in zip(names, ids, strict=True):
        assert name == "p" * 149 + f"-training-{report_id}.json"  # 200 characters


def test_a_very_long_report_id_keeps_its_start_and_a_hash() -> None:
    one, two = (file_name(_named("proj", "r" * 300 + end)) for end in "ab")
    assert one != two and len(one) <= 200 and len(two) <= 200
    assert one.startswith("proj-")


def _exists(path: Path, option: str = "-o") -> str:
    return (
        f"Error: Output file exists at {path}: not overwritten. Use --force to replace it, "
        f"or choose another {option}.\n"
    )


def test_init_context_keeps_an_edited_context_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = tmp_path / "context.json"
    context.write_text("// my edits\n{}\n", encoding="utf-8")
    assert run(capsys, "init-context", "-o", str(context)) == (2, "", _exists(context))
    assert context.read_text(encoding="utf-8") == "// my edits\n{}\n"
    code, _, err = run(capsys, "init-context", "-o", str(context), "--force")
    assert code == 0 and err.startswith(f"wrote {context};")
    assert context.read_text(encoding="utf-8").startswith("// boamps_carbon context")


@pytest.mark.parametrize("fmt", ["csv", "html"])
def test_render_keeps_an_existing_file_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = tmp_path / f"out.{fmt}"
    out.write_text("mine\n", encoding="utf-8")
    assert run(capsys, "render", "--format", fmt, "-o", str(out), str(REPORT)) == (
        2,
        "",
        _exists(out),
    )
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert run(capsys, "render", "--format", fmt, "-o", str(out), str(REPORT), "--force")[0] == 0
    assert out.read_text(encoding="utf-8") != "mine\n"


def test_render_tables_keep_existing_tables_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tables"
    assert run(capsys, "render", "--format", "tables", "-o", str(out), str(REPORT))[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "measures.csv").write_text("mine\n", encoding="utf-8")
    assert run(capsys, "render", "--format", "tables", "-o", str(out), str(REPORT)) == (
        2,
        "",
        _exists(out / "reports.csv"),
    )
    assert (out / "measures.csv").read_text(encoding="utf-8") == "mine\n"
    args = ("render", "--format", "tables", "-o", str(out), str(REPORT), "--force")
    assert run(capsys, *args)[0] == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_render_tables_to_a_file_name_make_no_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tables.csv"
    assert run(capsys, "render", "--format", "tables", "-o", str(out), str(REPORT)) == (
        2,
        "",
        f"Error: Related tables need a folder at {out}: a .csv file. Give a folder name "
        "without a file suffix.\n",
    )
    assert list(tmp_path.iterdir()) == []
