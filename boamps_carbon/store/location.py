"""Where the store is: a SQLAlchemy URL from the caller, $BOAMPS_DB, or the user data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ENV = "BOAMPS_DB"
FILE_NAME = "reports.db"


def data_folder() -> Path:
    """The platform's folder for a user's application data, ours inside it."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "boamps_carbon"


def is_url(text: str) -> bool:
    """A database URL (`sqlite:///x.db`, `postgresql://...`), as opposed to a file path."""
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.split("+")[0] in ("sqlite", "postgresql", "postgres")


def resolve_url(url: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL of the store: `url` (a URL or a SQLite file path), else $BOAMPS_DB,
    else `reports.db` in the user data folder. A bare `postgresql://` gets the psycopg driver."""
    chosen = os.fspath(url) if url is not None else os.environ.get(ENV) or ""
    if not chosen:
        chosen = str(data_folder() / FILE_NAME)
    if not is_url(chosen):
        return "sqlite:///" + str(Path(chosen).expanduser())
    scheme, _, rest = chosen.partition("://")
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + rest
    return chosen
