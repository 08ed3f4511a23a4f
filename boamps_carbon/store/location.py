"""Where the store is: a SQLAlchemy URL from the caller, $BOAMPS_DB, or the user data folder."""

from __future__ import annotations

import os
import re
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


# `scheme://` as RFC 3986 spells a scheme; two letters at least, so that `C://x` stays a path
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+)://")
# user:password@ as SQLAlchemy reads it: the password runs to the first @
_PASSWORD = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*):[^@]*@")


def without_password(text: str) -> str:
    """A URL exactly as given, but for its password, shown `***` (as SQLAlchemy shows it)."""
    return _PASSWORD.sub(r"\1:***@", text)


def check_url(text: str, where: str = "--db") -> None:
    """Refuses a URL of a database that is not supported (`mysql://...`, `bogus://x`), which
    would otherwise be taken for a file path: named as given, without its password."""
    from .errors import StoreError

    found = _SCHEME.match(text)
    if found and not is_url(text):
        raise StoreError(
            "Not a database URL",
            where,
            without_password(text),
            f"{found.group(1)}:// is not supported: use a file path, sqlite:///PATH or "
            "postgresql://USER@HOST/DB.",
        )


def is_url(text: str) -> bool:
    """A database URL (`sqlite:///x.db`, `postgresql://...`), as opposed to a file path."""
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.split("+")[0] in ("sqlite", "postgresql", "postgres")


class StoreUrl(str):
    """A store's SQLAlchemy URL that remembers the text it was given as (`given`), so that
    messages name the database as the user wrote it, not with the driver added here."""

    given: str

    def __new__(cls, url: str, given: str) -> StoreUrl:
        made = super().__new__(cls, url)
        made.given = given
        return made

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return StoreUrl, (str(self), self.given)


def resolve_url(url: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL of the store: `url` (a URL or a SQLite file path), else $BOAMPS_DB,
    else `reports.db` in the user data folder. A bare `postgresql://` gets the psycopg driver.
    Raises StoreError for the URL of another database."""
    chosen = os.fspath(url) if url is not None else os.environ.get(ENV) or ""
    where = "--db" if url is not None or not chosen else f"${ENV}"
    if not chosen:
        chosen = str(data_folder() / FILE_NAME)
    check_url(chosen, where)
    if not is_url(chosen):
        return "sqlite:///" + str(Path(chosen).expanduser())
    scheme, _, rest = chosen.partition("://")
    if scheme in ("postgresql", "postgres"):
        return StoreUrl("postgresql+psycopg://" + rest, chosen)
    return StoreUrl(chosen, chosen)
