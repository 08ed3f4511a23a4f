"""Two folder converts racing for a folder that exists already, empty (made by `mkdir`
first): the reports then go in one by one, not in one rename. One run wins whole; the other
exits 2 having placed nothing, naming a report of the winner's; how many of the winner's it
saw depends on where the winner was when it looked, hence `[1-3] of 3`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

EMISSIONS = ROOT / "examples" / "emissions.csv"
CONTEXT = ROOT / "examples" / "context.json"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
COMMAND = [
    sys.executable,
    "-m",
    "boamps_carbon",
    "convert",
    str(EMISSIONS),
    "--context",
    str(CONTEXT),
]


def test_two_converts_racing_for_an_existing_empty_folder(tmp_path: Path) -> None:
    single = tmp_path / "single"
    subprocess.run([*COMMAND, "-o", str(single)], env=ENV, check=True, capture_output=True)
    expected = {p.name: p.read_bytes() for p in single.iterdir()}
    for attempt in range(3):
        out = tmp_path / f"race-{attempt}"
        out.mkdir()
        runs = [
            subprocess.Popen(
                [*COMMAND, "-o", str(out)],
                env=ENV,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = sorted((p.wait(), p.stderr.read() if p.stderr else "") for p in runs)
        assert [code for code, _ in results] == [0, 2], results
        assert re.fullmatch(
            rf"Error: Output file exists at {re.escape(str(out))}/[^/]+\.json: [1-3] of 3 "
            r"reports already there\. Use --force to replace them, or choose another -o\.\n",
            results[1][1],
        ), results[1][1]
        # the winner's reports, whole, and nothing of the loser's (not even its staging)
        assert {p.name: p.read_bytes() for p in out.iterdir()} == expected
    # no staging folder left beside them
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        *(f"race-{n}" for n in range(3)),
        "single",
    ]
