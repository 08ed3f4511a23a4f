from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from boamps_carbon.schema import SchemaVersion

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
EXAMPLES = ROOT / "examples"
# BOAMPS_SHARED_FIXTURES points elsewhere (a missing folder shows what skips without them)
SHARED = Path(
    os.environ.get("BOAMPS_SHARED_FIXTURES") or ROOT.parent / "shared" / "fixtures" / "public"
)

sys.path.insert(0, str(TESTS))  # the factories module

# No time limit per example for any property test: speed is measured in benchmarks/, and on
# a loaded machine an example that spills to disk took 436 ms against hypothesis's default
# of 200 ms, failing the run as "Unreliable test timings" (its slowness-of-generation check
# is relaxed to match, 30 s for the first ten examples)
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


def shared(*parts: str) -> Path:
    """A path under ../shared/fixtures/public, or skip the test when that folder is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"public fixtures not found at {SHARED} (clone the project beside ../shared)")
    return SHARED.joinpath(*parts)


@pytest.fixture(params=list(SchemaVersion), ids=lambda v: f"boamps-{v.value}")
def version(request: pytest.FixtureRequest) -> SchemaVersion:
    """Runs a test once for every schema version the package ships."""
    return request.param


# Tests write to tmp_path, never into the source tree: the session fails when the tree has
# files it did not have when the session began (caches aside).
_TREE = pytest.StashKey[set[str] | None]()
_CHANGED = pytest.StashKey[list[str]]()
CACHES = ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis", ".venv")


def _tree_state() -> set[str] | None:
    """`git status` of the checkout, ignored files included; None outside a git checkout."""
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--ignored=traditional", "--untracked-files=normal"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return {
        line
        for line in done.stdout.splitlines()
        if not any(
            part.startswith(CACHES) or part.endswith(".egg-info") for part in line[3:].split("/")
        )
    }


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_TREE] = _tree_state()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_TREE, None)
    after = _tree_state()
    if before is None or after is None:
        return
    changed = sorted(line[3:] for line in after - before)
    if changed:
        session.config.stash[_CHANGED] = changed
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    changed = terminalreporter.config.stash.get(_CHANGED, [])
    if changed:
        terminalreporter.section("source tree changed", red=True)
        terminalreporter.write_line(
            "tests wrote into the source tree (write to tmp_path instead): " + ", ".join(changed),
            red=True,
        )
