"""Schema versions and the steps between them: a small runner of our own.

A database records its version in `boamps_schema_version`. Opening it runs every step above
that version, in one write transaction, so concurrent openers migrate once. Each step is frozen
once released: version 1's tables are written out here as they were, not taken from
`tables.py`, so that migrating an old file is tested against what old files really hold.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    inspect,
    select,
    text,
    update,
)

from . import tables
from .tables import CURRENT_VERSION, Key


def v1_metadata() -> MetaData:
    """The tables of schema version 1 (no tokens, no `quality` column), as released."""
    meta = MetaData()
    Table(
        "boamps_schema_version",
        meta,
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("applied_at", Text, nullable=False),
    )
    Table(
        "reports",
        meta,
        Column("seq", Key, primary_key=True, autoincrement=False),
        Column("report_id", Text, nullable=False),
        Column("current", Boolean, nullable=False),
        Column("superseded_by", Key, nullable=True),
        Column("added_at", Text, nullable=False),
        Column("content_sha256", Text, nullable=False),
        Column("report_status", Text, nullable=False),
        Column("report_datetime", Text, nullable=False),
        Column("project", Text, nullable=False),
        Column("task_stage", Text, nullable=False),
        Column("task_family", Text, nullable=False),
        Column("model", Text, nullable=False),
        Column("algorithms", Text, nullable=False),
        Column("quantization", Text, nullable=False),
        Column("hardware", Text, nullable=False),
        Column("country", Text, nullable=False),
        Column("start_time", Text, nullable=True),
        Column("end_time", Text, nullable=True),
        Column("energy_kwh", Float, nullable=False),
        Column("emissions_kg", Float, nullable=True),
        Column("duration_s", Float, nullable=True),
        Column("nb_request", Float, nullable=True),
        Column("measured_accuracy", Float, nullable=True),
        Column("document", Text, nullable=False),
        # one index serves the current revision and the history; writers hold the write
        # lock while they check ids, so no second current revision can slip in
        Index("reports_id", "report_id"),
        # covers a summary by project: read from the index alone, not from the rows that
        # hold whole reports
        Index(
            "reports_project",
            "project",
            "start_time",
            "current",
            "energy_kwh",
            "emissions_kg",
            "duration_s",
        ),
        Index("reports_start", "start_time"),
        Index("reports_stage_family", "task_stage", "task_family"),
    )
    for table in (tables.measures, tables.components):  # unchanged since version 1
        table.to_metadata(meta)
    return meta


def _to_v1(conn: Connection) -> None:
    v1_metadata().create_all(conn)


def _to_v2(conn: Connection) -> None:
    """Tokens for the service; the report's `quality` as a column, filled from stored reports."""
    tables.tokens.create(conn)
    conn.execute(text("ALTER TABLE reports ADD COLUMN quality TEXT"))
    conn.execute(text("CREATE INDEX reports_country ON reports (country)"))
    for seq, document in _stored_documents(conn):
        quality = json.loads(document).get("quality")
        if quality is not None:
            conn.execute(
                update(tables.reports)
                .where(tables.reports.c.seq == seq)
                .values(quality=str(quality))
            )


def _stored_documents(conn: Connection) -> Iterator[tuple[int, str]]:
    """(seq, document) of every stored report row, read in slices so that memory stays flat
    however many there are (each slice read whole before the caller updates its rows)."""
    last = -1
    while True:
        rows = conn.execute(
            select(tables.reports.c.seq, tables.reports.c.document)
            .where(tables.reports.c.seq > last)
            .order_by(tables.reports.c.seq)
            .limit(1000)
        ).all()
        if not rows:
            return
        yield from ((seq, document) for seq, document in rows)
        last = rows[-1][0]


def _to_v3(conn: Connection) -> None:
    """One current revision per report id, enforced by a unique index over the current rows
    (version 2 had only a plain index on the id, and relied on writers taking the write lock).
    A database that somehow holds several current revisions of an id keeps the newest as
    current and the others as its history, as a corrective report would have left them."""
    reports = tables.reports
    newer = reports.alias("newer")
    newest = (
        select(func.max(newer.c.seq))
        .where(newer.c.report_id == reports.c.report_id, newer.c.current)
        .scalar_subquery()
    )
    conn.execute(
        update(reports)
        .where(reports.c.current, reports.c.seq < newest)
        .values(current=False, superseded_by=newest)
    )
    sqlite = conn.dialect.name == "sqlite"
    current, older = ("current = 1", "current = 0") if sqlite else ("current", "NOT current")
    conn.execute(text("DROP INDEX reports_id"))
    conn.execute(
        text(f"CREATE UNIQUE INDEX reports_current_id ON reports (report_id) WHERE {current}")
    )
    conn.execute(text(f"CREATE INDEX reports_history_id ON reports (report_id) WHERE {older}"))


def _to_v4(conn: Connection) -> None:
    """The rating as a column, filled from stored reports (rated as of the migration); the
    store's ledger, with an entry for every report row already stored."""
    from ..trust.rating import rate
    from .ledger import record_all

    conn.execute(text("ALTER TABLE reports ADD COLUMN rating TEXT"))
    conn.execute(text("CREATE INDEX reports_rating ON reports (rating)"))
    for seq, document in _stored_documents(conn):
        report = json.loads(document)
        if isinstance(report, dict):
            conn.execute(
                update(tables.reports)
                .where(tables.reports.c.seq == seq)
                .values(rating=rate(report, explain=False).rating)
            )
    tables.ledger.create(conn)
    record_all(conn)


def _to_v5(conn: Connection) -> None:
    """Ratings again under the rules of version 5 (a measured 0 kWh is rated; a place that
    only repeats the country is no site): each row rated as of the day `store verify` rates
    it (the day it was added, or the day of the version 4 migration for older rows), so that
    a store rated under the old rules is not taken for an edited one."""
    import datetime as dt

    from ..trust.rating import rating_of

    reports = tables.reports
    rated_since = conn.execute(
        select(tables.schema_version.c.applied_at).where(tables.schema_version.c.version == 4)
    ).scalar()
    last = -1
    while True:
        rows = conn.execute(
            select(reports.c.seq, reports.c.document, reports.c.added_at, reports.c.rating)
            .where(reports.c.seq > last)
            .order_by(reports.c.seq)
            .limit(1000)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        for seq, document, added_at, rating in rows:
            report = json.loads(document)
            if not isinstance(report, dict):
                continue
            day = added_at if rated_since is None or added_at >= rated_since else rated_since
            try:
                on = dt.date.fromisoformat(str(day)[:10])
            except ValueError:
                continue  # not a time: `store verify` names the row
            found = rating_of(report, on)
            if found != rating:
                conn.execute(update(reports).where(reports.c.seq == seq).values(rating=found))


# STEPS[n] takes a database from version n - 1 to version n
STEPS: dict[int, Callable[[Connection], None]] = {
    1: _to_v1,
    2: _to_v2,
    3: _to_v3,
    4: _to_v4,
    5: _to_v5,
}
assert sorted(STEPS) == list(range(1, CURRENT_VERSION + 1))


def now_text() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def version_of(conn: Connection) -> int:
    """The database's schema version: 0 when it holds none of our tables."""
    if not inspect(conn).has_table(tables.schema_version.name):
        return 0
    found: Any = conn.execute(
        select(tables.schema_version.c.version)
        .order_by(tables.schema_version.c.version.desc())
        .limit(1)
    ).scalar()
    return int(found or 0)


def migrate(conn: Connection) -> int:
    """Runs the steps the database lacks, inside the caller's write transaction; returns the
    version found before. A database newer than this code is refused by the caller."""
    found = version_of(conn)
    for version in sorted(v for v in STEPS if v > found):
        STEPS[version](conn)
        conn.execute(tables.schema_version.insert().values(version=version, applied_at=now_text()))
    return found
