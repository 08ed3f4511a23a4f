"""The store's tables as they are now (schema version `CURRENT_VERSION`).

`migrations.py` builds them step by step; a test checks that the migrated database and these
definitions agree. Times are BoAmps' own text form, `YYYY-MM-DD HH:MM:SS`, which sorts like time.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    text,
)

CURRENT_VERSION = 5

# an exact 64-bit key on PostgreSQL, SQLite's own integer key there
Key = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

schema_version = Table(
    "boamps_schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", Text, nullable=False),
)

# one row per revision of a report; `current` marks the one that counts, the others are history
reports = Table(
    "reports",
    metadata,
    Column("seq", Key, primary_key=True, autoincrement=False),
    Column("report_id", Text, nullable=False),
    Column("current", Boolean, nullable=False),
    Column("superseded_by", Key, nullable=True),
    Column("added_at", Text, nullable=False),
    # of the stored text: equal texts are the same report at once; other texts are compared
    # by content only when their ids meet
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
    Column("quality", Text, nullable=True),
    Column("document", Text, nullable=False),
    # version 4: the rating (`boamps rate`) when the report was stored: its temporal
    # indicator ages, so it is the rating as of `added_at`
    Column("rating", Text, nullable=True),
    # version 3: one current revision per report id, held by the database itself (a unique
    # index over the current rows only), and the older revisions found by id (each row is
    # in one of the two, so that adding costs no more than one index on the id did). The
    # SQLite condition is written as queries write `current` there, so that they use it.
    Index(
        "reports_current_id",
        "report_id",
        unique=True,
        sqlite_where=text("current = 1"),
        postgresql_where=text("current"),
    ),
    Index(
        "reports_history_id",
        "report_id",
        sqlite_where=text("current = 0"),
        postgresql_where=text("NOT current"),
    ),
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
    Index("reports_country", "country"),
    Index("reports_rating", "rating"),
)

measures = Table(
    "measures",
    metadata,
    Column("report_seq", Key, primary_key=True, autoincrement=False),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("method", Text, nullable=False),
    Column("version", Text, nullable=True),
    Column("energy_kwh", Float, nullable=True),
    Column("duration_s", Float, nullable=True),
    Column("start_time", Text, nullable=True),
    Column("cpu_tracking_mode", Text, nullable=True),
    Column("gpu_tracking_mode", Text, nullable=True),
)

components = Table(
    "components",
    metadata,
    Column("report_seq", Key, primary_key=True, autoincrement=False),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("component_type", Text, nullable=False),
    Column("component_name", Text, nullable=True),
    Column("nb_component", Float, nullable=True),
    Column("manufacturer", Text, nullable=True),
    Column("family", Text, nullable=True),
    Column("memory_size", Float, nullable=True),
)

# version 2: access tokens for the service; only a hash of each secret is kept
tokens = Table(
    "tokens",
    metadata,
    Column("token_id", Text, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("secret_sha256", Text, nullable=False, unique=True),
    Column("read_only", Boolean, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("revoked_at", Text, nullable=True),
)

# version 4: the store's ledger (`store/ledger.py`), one hash-chained entry per report stored
# or removed; `entry` is the entry's JSON text, which its hash covers, `report_seq` a copy of
# its reportSeq to find a report's entries
ledger = Table(
    "ledger",
    metadata,
    Column("seq", Key, primary_key=True, autoincrement=False),
    Column("report_seq", Key, nullable=True),
    Column("entry", Text, nullable=False),
    Index("ledger_report", "report_seq"),
)
