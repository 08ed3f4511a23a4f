"""Where the package's data folders (schemas, templates) are on this machine.

In a wheel they are copied inside the package; in a source checkout or an editable
install they stay at the top of the repository, beside the package.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"boamps_carbon data folder {name!r} is missing next to {_PACKAGE_DIR}; "
        "reinstall the package"
    )


def schemas_dir() -> Path:
    return data_dir("schemas")


def templates_dir() -> Path:
    return data_dir("templates")
