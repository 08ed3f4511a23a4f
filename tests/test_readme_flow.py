"""The README's whole way with the default store, run as it is written: convert a CSV into
the default store, query it, serve it, post a report with a token, read it back."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _flow() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("From a fresh clone, the whole way with the default store", 1)[1]
    return re.search(r"```sh\n(.+?)\n```", section, flags=re.DOTALL).group(1)  # type: ignore[union-attr]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_readme_flow_with_the_default_store(tmp_path: Path) -> None:
    # `boamps` is this checkout's; HOME and XDG_DATA_HOME make the default store a new one;
    # only the port is changed, to one that is free
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    (bin_folder / "boamps").write_text(
        f'#!/bin/sh\nexec {sys.executable} -m boamps_carbon "$@"\n', encoding="utf-8"
    )
    (bin_folder / "boamps").chmod(0o755)
    work = tmp_path / "clone"
    work.mkdir()
    (work / "examples").symlink_to(ROOT / "examples")
    env = {key: value for key, value in os.environ.items() if key != "BOAMPS_DB"}
    env.update(
        PATH=f"{bin_folder}{os.pathsep}{env['PATH']}",
        PYTHONPATH=str(ROOT),
        HOME=str(tmp_path / "home"),
        XDG_DATA_HOME=str(tmp_path / "home" / "data"),
    )
    script = _flow().replace("8000", str(_free_port()))
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    store = tmp_path / "home" / "data" / "boamps_carbon" / "reports.db"
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == [
        "report_id",
        "project",
        "task_stage",
        "start_time",
        "energy_kwh",
        "emissions_kg",
    ]
    # two of the CSV's three runs are of that project
    assert [line.split()[1:3] for line in lines[1:3]] == [["sentiment-train", "training"]] * 2
    assert lines[3] == (
        '{"stored":1,"ids":["9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73"],'
        '"added":["9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73"],"unchanged":[],"superseded":[],'
        '"replaced":[]}'
    )
    assert lines[4:] == ["the same bytes came back"]
    assert (
        f"examples/emissions.csv: 3 rows, 3 converted, 0 rejected\n"
        f"{store}: 3 reports, 3 added, 0 unchanged, 0 superseded, 0 replaced, 0 invalid\n"
    ) in done.stderr
    assert (work / "token.txt").read_text(encoding="utf-8").startswith("boamps_")
