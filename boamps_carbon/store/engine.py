"""Connections: SQLite set up for several writers at once, and database errors in words.

SQLite: write-ahead log (readers never wait for the writer), a 60 s busy timeout, and write
transactions opened with BEGIN IMMEDIATE, so that a writer takes the lock before it reads
anything: two writers can then never deadlock on an upgrade, which is what makes SQLite answer
"database is locked" at once instead of waiting. PostgreSQL: writers take a table lock first.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Connection, Engine, create_engine, event, exc, make_url

from .errors import StoreError

BUSY_TIMEOUT_S = 60
PAGE_SIZE = 16384
_WRITE = "boamps_write"


def shown(url: str) -> str:
    """The URL as people may see it: a SQLite file path, or the URL as it was given
    (`location.StoreUrl`), without its password."""
    from .location import without_password

    given = getattr(url, "given", None)
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError):  # a URL SQLAlchemy cannot read (port no number)
        return without_password(given if isinstance(given, str) else str(url))
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    if isinstance(given, str):
        return without_password(given)
    return parsed.render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory ones. Raises
    StoreError for a URL that cannot be read (a port that is no number)."""
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError) as error:
        raise StoreError(
            "Not a database URL",
            "--db",
            shown(url),
            "Use a file path, sqlite:///PATH or postgresql://USER@HOST/DB "
            f"({type(error).__name__}: {error}).",
        ) from None
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:" or parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def open_engine(url: str) -> Engine:
    try:
        engine = create_engine(url, future=True)
    except (exc.ArgumentError, exc.NoSuchModuleError, ValueError) as error:
        from .location import without_password

        raise StoreError(
            "Not a database URL",
            "--db",
            without_password(url),
            "Use a file path, sqlite:///PATH or postgresql://USER@HOST/DB "
            f"({type(error).__name__}: {error}).",
        ) from None
    except ImportError as error:
        raise StoreError(
            "Missing database driver",
            "--db",
            shown(url),
            f"Install it: pip install 'boamps-carbon[postgres]' ({error}).",
        ) from None
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine)
    return engine


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, record: Any) -> None:
        # we say when transactions begin (below), not the sqlite3 module
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        # a new file's pages (SQLite ignores it once the file has some, so before WAL mode,
        # which writes the first): with pages four times the default, adding reports (rows
        # of a kilobyte and more, six indexes) costs a fifth less
        cursor.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@contextmanager
def transaction(engine: Engine, url: str, *, write: bool) -> Iterator[Connection]:
    """One transaction, committed when the block ends, rolled back on any error; database
    errors come out as StoreError. Taking the write lock is retried while others hold it."""
    with translated(url, write=write):
        conn = _connect(engine).execution_options(**{_WRITE: write})
        try:
            trans = _begin(conn)
            try:
                if write and engine.dialect.name == "postgresql":
                    # one writer at a time: ids are checked and numbered inside the lock
                    # (an advisory lock needs no table: it also covers creating them)
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242424242)")
                yield conn
            except BaseException:
                trans.rollback()
                raise
            trans.commit()
        finally:
            conn.close()


@contextmanager
def snapshot(engine: Engine, url: str) -> Iterator[Connection]:
    """One read transaction that sees the database as it was at its first read, however
    long it lasts and whatever writers commit meanwhile: SQLite in WAL mode gives every read
    transaction that (the write-ahead log keeps the pages it sees); PostgreSQL needs
    REPEATABLE READ, asked for before the transaction's first query."""
    with transaction(engine, url, write=False) as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield conn


def _connect(engine: Engine) -> Connection:
    """A connection, retried like `_begin`: a new connection's own statements (journal mode)
    can meet a WAL that another process is recovering, which SQLite refuses at once rather
    than waiting for (seen with four writers opening one file under heavy load)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.01
    while True:
        try:
            return engine.connect()
        except exc.OperationalError as error:
            if "locked" not in str(error.orig) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _begin(conn: Connection) -> Any:
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.01
    while True:
        try:
            return conn.begin()  # BEGIN IMMEDIATE waits up to the busy timeout...
        except exc.OperationalError as error:
            # ...but SQLite may refuse at once (a WAL being reset by another process)
            if "locked" not in str(error.orig) or time.monotonic() > deadline:
                raise
            conn.rollback()
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


@contextmanager
def translated(url: str, *, write: bool) -> Iterator[None]:
    try:
        yield
    except exc.DBAPIError as error:
        _raise(error, url, write)


def _raise(error: exc.DBAPIError, url: str, write: bool) -> NoReturn:
    text = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    where = shown(url)
    low = text.lower()
    if "malformed" in low:
        raise StoreError(
            "Damaged SQLite database",
            where,
            text,
            "Restore it from a copy, or export what `sqlite3 FILE .recover` gets back.",
        ) from None
    if "file is not a database" in low:
        raise StoreError(
            "Not a SQLite database",
            where,
            text,
            "Point --db at a store file, or at a new path to create one.",
        ) from None
    if "readonly" in low or "read-only" in low or "read only" in low:
        raise StoreError(
            "Cannot write to the store",
            where,
            text,
            "Check the permissions of the file and of its folder.",
        ) from None
    if "locked" in low:
        raise StoreError(
            "The store is locked",
            where,
            text,
            f"Another program held it for over {BUSY_TIMEOUT_S} s; try again once it is done.",
        ) from None
    if "unable to open" in low:
        raise StoreError(
            "Cannot open the store", where, text, "Check that its folder exists."
        ) from None
    if isinstance(error, (exc.OperationalError, exc.InterfaceError)):
        raise StoreError(
            "Lost the database connection" if write else "Cannot reach the database",
            where,
            text,
            "Check that the database server is running; nothing was written.",
        ) from None
    raise StoreError(
        "Database error", where, f"{type(error.orig).__name__}: {text}", "Nothing was written."
    ) from None
