from __future__ import annotations

import sys
from pathlib import Path

import pytest

from boamps_carbon.schema import SchemaVersion

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
SHARED = ROOT.parent / "shared" / "fixtures" / "public"

sys.path.insert(0, str(TESTS))  # the factories module


def shared(*parts: str) -> Path:
    """A path under ../shared/fixtures/public, or skip the test when that folder is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"public fixtures not found at {SHARED} (clone the project beside ../shared)")
    return SHARED.joinpath(*parts)


@pytest.fixture(params=list(SchemaVersion), ids=lambda v: f"boamps-{v.value}")
def version(request: pytest.FixtureRequest) -> SchemaVersion:
    """Runs a test once for every schema version the package ships."""
    return request.param
