"""The README's snippets for compare, experiments and the dashboard run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

SECTIONS = ("### compare", "### Experiments: variants compared", "### dashboard")


def snippet(section: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    body = readme.split(section + "\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    found = re.findall(r"```python\n(.+?)\n```", body, flags=re.DOTALL)
    assert found, f"no Python snippet under {section}"
    return "\n".join(found)


@pytest.mark.parametrize("section", SECTIONS)
def test_snippet_runs(section: str, tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    done = subprocess.run(
        [sys.executable, "-c", snippet(section)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
