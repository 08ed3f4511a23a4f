"""The package says what it is: its dependencies are what it imports, its version is written
once, and what it ships carries the licence and the changelog and no stray files."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from conftest import ROOT

import boamps_carbon

tomllib = pytest.importorskip("tomllib")  # Python 3.11+
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGE = ROOT / "boamps_carbon"


def distribution_name(requirement: str) -> str:
    name = requirement.split(";")[0]
    for stop in "<>=!~[ @":
        name = name.split(stop)[0]
    return name.strip().lower().replace("_", "-")


def imported_distributions() -> dict[str, set[str]]:
    """distribution -> the package's modules importing it (imports inside functions too)."""
    owners = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "boamps_carbon":
                    continue
                for dist in owners.get(top, [top]):
                    found.setdefault(dist.lower().replace("_", "-"), set()).add(
                        str(path.relative_to(ROOT))
                    )
    return found


def test_what_is_imported_is_declared_and_what_is_declared_is_imported() -> None:
    core = {distribution_name(r) for r in PYPROJECT["project"]["dependencies"]}
    extras = {
        distribution_name(r)
        for group in PYPROJECT["project"].get("optional-dependencies", {}).values()
        for r in group
    }
    imported = imported_distributions()
    assert sorted(set(imported) - core - extras) == []
    assert sorted(core - set(imported)) == []


def test_the_version_is_written_once() -> None:
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "boamps_carbon/version.py"
    done = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout == f"boamps_carbon {boamps_carbon.__version__}\n"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{boamps_carbon.__version__}]" in changelog and "## [Unreleased]" in changelog


def test_built_wheel_and_sdist(tmp_path: Path) -> None:
    pytest.importorskip("hatchling", reason="hatchling builds without network (test extra)")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    version = boamps_carbon.__version__
    [wheel] = tmp_path.glob("*.whl")
    [sdist] = tmp_path.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = Parser().parsestr(
            archive.read(f"boamps_carbon-{version}.dist-info/METADATA").decode("utf-8")
        )
    assert metadata["Version"] == version
    assert metadata["License"] == "MIT"
    assert "License :: OSI Approved :: MIT License" in metadata.get_all("Classifier")
    assert metadata.get_all("Project-URL") == [
        "BoAmps format, https://github.com/Boavizta/BoAmps",
        "CodeCarbon, https://github.com/mlco2/codecarbon",
    ]
    assert any(r.startswith("numpy") for r in metadata.get_all("Requires-Dist"))
    assert f"boamps_carbon-{version}.dist-info/licenses/LICENSE" in names
    assert "boamps_carbon/templates/references.bib" in names
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"LICENSE", "CHANGELOG.md", "README.md", "examples/report.json"} <= members
    assert sorted(m for m in members if m.startswith("examples/")) == [
        "examples/context.json",
        "examples/emissions.csv",
        "examples/experiment-dashboard.png",
        "examples/experiment_context.json",
        "examples/experiment_quantization.py",
        "examples/report.json",
        "examples/track_training.py",
    ]


def test_a_test_writing_into_the_tree_fails_the_session(tmp_path: Path) -> None:
    """The conftest's check, run on a scratch checkout whose one test leaves a file behind."""
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "conftest.py").write_text(
        (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tests / "test_stray.py").write_text(
        "from conftest import ROOT\n\n\ndef test_stray():\n"
        "    (ROOT / 'out').mkdir()\n    (ROOT / 'out' / 'x.csv').write_text('x')\n",
        encoding="utf-8",
    )
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=60)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout
    assert "tests wrote into the source tree (write to tmp_path instead): out/\n" in done.stdout
    assert "1 passed" in done.stdout
