"""The command line as a whole: documented commands, a light start, a clean CI script."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

from boamps_carbon.cli import build_parser


def commands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### (\S+)", readme, flags=re.MULTILINE))
    assert set(commands()) <= documented


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys\nfrom boamps_carbon.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'codecarbon', 'pydantic', 'jinja2', 'numpy') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_validate_imports_no_heavy_module(tmp_path) -> None:
    report = ROOT / "examples" / "report.json"
    code = (
        "import sys\nfrom boamps_carbon.cli import main\n"
        f"main(['validate', {str(report)!r}])\n"
        "print(sorted(m for m in ('pandas', 'codecarbon', 'pydantic', 'numpy') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running the tests", 1)[1]
    command = re.search(r"```sh\n(.+?)\n```", section, flags=re.DOTALL).group(1)  # type: ignore[union-attr]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in ci_lines


def test_module_and_console_script_share_main() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "boamps_carbon 0.1.0\n"
