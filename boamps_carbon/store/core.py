"""`Store`: BoAmps reports kept in a database (SQLite by default, PostgreSQL, any SQLAlchemy URL).

Every add is one transaction: all of its reports or none. A report is stored as the text it came
in (given bytes or text, the same bytes come out) beside the columns people filter and add up.
"""

from __future__ import annotations

import json
import operator
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, func, select, update

from . import filters, parallel, tokens
from .engine import open_engine, shown, sqlite_file, transaction
from .errors import StoreConflict, StoreError
from .incoming import Pending, derive
from .ledger import record_added, record_removed
from .location import data_folder, resolve_url
from .migrations import migrate, now_text, version_of
from .records import StoredReport
from .rows import COMPONENT_COLUMNS, MEASURE_COLUMNS, REPORT_COLUMNS, content_sha256
from .tables import CURRENT_VERSION, components, measures, reports

# reports handled per round trip within an add's one transaction; as many texts make an
# add big enough for worker processes
BATCH = 2000
# texts a worker reads at a time (small: the first are written soon, the last wait little)
CHUNK = 250
# reports read per round trip when streaming a query
PAGE = 1000
# conflicting ids a StoreConflict names when an add keeps no ids (the rest are counted)
NAMED_CONFLICTS = 1000
OUTCOMES = ("added", "unchanged", "superseded", "replaced")


@dataclass
class AddResult:
    """What an add did, by report id, in input order. `superseded`: a corrective report took
    the place of a stored one (kept as history); `replaced`: `replace=True` overwrote one.
    `counts`: how many of each; an add told not to keep ids (`ids=False`) leaves the lists
    empty and keeps only these counts."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    keep_ids: bool = True

    def note(self, outcome: str, report_id: str) -> None:
        self.counts[outcome] += 1
        if self.keep_ids:
            getattr(self, outcome).append(report_id)

    @property
    def stored(self) -> int:
        """How many reports this add wrote."""
        return self.counts["added"] + self.counts["superseded"] + self.counts["replaced"]


class Conflicts:
    """The conflicting ids of an add: all of them, or when ids are not kept, the first
    NAMED_CONFLICTS and a count (memory stays flat, however many conflict)."""

    def __init__(self, keep_all: bool) -> None:
        self.ids: list[str] = []
        self.count = 0
        self.keep_all = keep_all

    def note(self, report_id: str) -> None:
        self.count += 1
        if self.keep_all or len(self.ids) < NAMED_CONFLICTS:
            self.ids.append(report_id)


class Adding:
    """Reports being added within one transaction; see `Store.adding`. Texts wait, unread,
    until BATCH of them have come: then worker processes make their rows and those of the
    texts after them (`parallel`), a CHUNK at a time, while this process writes them in
    order; an add of fewer makes its rows here. A report that is no text (a dict) is made
    here, after those before it are written."""

    def __init__(
        self,
        store: Store,
        conn: Connection,
        replace: bool,
        ids: bool = True,
        workers: int | None = None,
    ) -> None:
        self.store, self.conn, self.replace = store, conn, replace
        self.result = AddResult(keep_ids=ids)
        self.conflicts = Conflicts(keep_all=ids)
        self.position = 0
        # either reports made here or texts not yet read, never both: each is written
        # before the other kind is taken
        self.batch: list[Pending] = []
        self.texts: list[Any] = []  # str or bytes
        self.texts_start = 0  # the position of the first
        self.workers = parallel.workers_wanted() if workers is None else workers
        self.derivers: parallel.Derivers | None = None
        self.next_seq = int(conn.execute(select(func.max(reports.c.seq))).scalar() or 0) + 1

    def add(self, item: Any) -> None:
        self.position += 1
        text = _as_text(item) if self.workers > 1 else None
        if text is None:
            self._settle_texts()
            self.batch.append(derive(item, self.position))
            if len(self.batch) >= BATCH:
                self._flush()
            return
        self._flush()
        if not self.texts:
            self.texts_start = self.position
        self.texts.append(text)
        if self.derivers is None and len(self.texts) >= BATCH:
            self.derivers = parallel.Derivers(self.workers)
        if self.derivers is not None and len(self.texts) >= CHUNK:
            self._hand_out()

    def _hand_out(self) -> None:
        assert self.derivers is not None
        for start in range(0, len(self.texts), CHUNK):
            self.derivers.submit(self.texts_start + start, self.texts[start : start + CHUNK])
            if self.derivers.full():
                self._write(self.derivers.oldest())
        self.texts = []

    def _settle_texts(self) -> None:
        """Writes the texts not yet written: through the workers, or read here."""
        if self.derivers is not None:
            self._hand_out()
            while self.derivers:
                self._write(self.derivers.oldest())
        elif self.texts:
            texts, self.texts = self.texts, []
            for offset, text in enumerate(texts):
                self.batch.append(derive(text, self.texts_start + offset))
                if len(self.batch) >= BATCH:
                    self._flush()
            self._flush()

    def _flush(self) -> None:
        if self.batch:
            self._write(self.batch)
            self.batch = []

    def _write(self, batch: list[Pending]) -> None:
        self.next_seq = self.store._add_batch(
            self.conn, batch, self.next_seq, self.replace, self.result, self.conflicts
        )

    def close(self) -> None:
        """Stops the workers, if any (after `finish`, or when the add failed)."""
        if self.derivers is not None:
            self.derivers.close()
            self.derivers = None

    def finish(self) -> None:
        self._settle_texts()
        self._flush()
        if self.conflicts.count:
            conflicts, count = self.conflicts.ids, self.conflicts.count
            shown_ids = ", ".join(conflicts[:5]) + (f" and {count - 5} more" if count > 5 else "")
            raise StoreConflict(
                "Report ids already stored with other content",
                self.store.where,
                shown_ids,
                "Nothing was written. Give corrective reports (reportStatus corrective), or "
                "overwrite them (store import --replace, convert --force).",
                report_ids=conflicts,
            )


def _as_text(item: Any) -> str | bytes | bytearray | None:
    """The report as a text a worker can read: a text itself, or a pair's text (with
    workers, the text of a pair is read again there); None for a dict."""
    if isinstance(item, (str, bytes, bytearray)):
        return item
    if (
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], dict)
        and isinstance(item[1], (str, bytes, bytearray))
    ):
        return item[1]
    return None


# a report's revisions: the current one and the older ones, each found through its own
# index on the id (see tables.reports)
_REVISIONS = (reports.c.current, ~reports.c.current)
# the current revisions of some ids (a list bound at once, not one parameter per id to build)
_CURRENT_OF = select(reports.c.seq, reports.c.report_id, reports.c.content_sha256).where(
    reports.c.current, reports.c.report_id.in_(bindparam("ids", expanding=True))
)
# the columns a store add fills before the report's own (`rows.report_row`)
_BOOKKEEPING = (
    "seq",
    "report_id",
    "current",
    "superseded_by",
    "added_at",
    "content_sha256",
    "document",
)


class Store:
    """BoAmps reports in a database.

    `url`: a SQLAlchemy URL (`sqlite:///reports.db`, `postgresql://user@host/db`) or a SQLite
    file path; by default `$BOAMPS_DB`, else `reports.db` in the user data folder
    (`~/.local/share/boamps_carbon/` on Linux). The tables are created, or migrated from an
    older version, on first use. `create=False` refuses a SQLite file that does not exist
    (for readers, so that a mistyped path is an error, not a new empty store). Raises
    StoreError when the database cannot be used.
    """

    def __init__(self, url: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        self.url = resolve_url(url)
        if url is None and not os.environ.get("BOAMPS_DB") and create:
            data_folder().mkdir(parents=True, exist_ok=True)
        if not create:
            missing = sqlite_file(self.url)
            if missing is not None and not missing.exists():
                raise StoreError(
                    "No such store",
                    str(missing),
                    "no such file",
                    "Check --db, or add reports first with `boamps store import`.",
                )
        self.engine = open_engine(self.url)
        self.dialect = self.engine.dialect.name
        self._ready()

    @property
    def where(self) -> str:
        """The store as people may see it: its file, or its URL without password."""
        return shown(self.url)

    def close(self) -> None:
        """Releases the connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _ready(self) -> None:
        with transaction(self.engine, self.url, write=False) as conn:
            found = version_of(conn)
        if found > CURRENT_VERSION:
            raise StoreError(
                "Store made by a newer boamps_carbon",
                self.where,
                f"schema version {found}, this one knows up to {CURRENT_VERSION}",
                "Upgrade boamps_carbon.",
            )
        if found < CURRENT_VERSION:
            with transaction(self.engine, self.url, write=True) as conn:
                migrate(conn)  # checks the version again, inside the write lock

    def version(self) -> int:
        """The store's schema version."""
        with transaction(self.engine, self.url, write=False) as conn:
            return version_of(conn)

    # -- writing -----------------------------------------------------------------------------

    def add(
        self,
        reports_in: Iterable[Any],
        *,
        replace: bool = False,
        ids: bool = True,
        workers: int | None = None,
    ) -> AddResult:
        """Stores reports in one transaction: dicts, JSON texts or bytes (kept as given, and
        given back byte for byte), or pairs (dict, its JSON text or bytes) for callers that
        parsed them already.

        A report whose id is stored with the same content (whatever its spacing or key order)
        is `unchanged`. With other content it is a conflict, unless it says
        `reportStatus: corrective` (it supersedes the stored one, which stays as history) or
        `replace` is true (it overwrites it). Any conflict raises StoreConflict naming every
        conflicting id, and nothing is written. The reports are not validated here: validate
        them first (`boamps_carbon.validate`), as `boamps store import` does. `ids=False`:
        the result only counts (its id lists stay empty) and a conflict names the first
        NAMED_CONFLICTS ids, so that memory stays flat however many reports come.

        When more than BATCH texts come, worker processes make the rows of the next ones
        while this process writes (`workers`: how many; 1: none; by default one per core, at
        most two, in a process running one thread, which forks them at once, and none in
        others). They read a pair's text again: give the dict that text holds.
        """
        with self.adding(replace=replace, ids=ids, workers=workers) as adding:
            for item in reports_in:
                adding.add(item)
        return adding.result

    @contextmanager
    def adding(
        self, *, replace: bool = False, ids: bool = True, workers: int | None = None
    ) -> Iterator[Adding]:
        """A transaction to add reports one at a time (`adding.add(report)`), as `add` does:
        committed when the block ends (`adding.result` then says what happened), rolled back
        if it raises. For writers that produce reports as they go, such as `convert`."""
        with transaction(self.engine, self.url, write=True) as conn:
            adding = Adding(self, conn, replace, ids, workers)
            try:
                yield adding
                adding.finish()
            finally:
                adding.close()

    def _add_batch(
        self,
        conn: Connection,
        batch: list[Pending],
        next_seq: int,
        replace: bool,
        result: AddResult,
        conflicts: Conflicts,
    ) -> int:
        ids = list({item.report_id for item in batch})
        # id -> (seq, digest of its text, its text when it came in this batch)
        stored: dict[str, tuple[int, str, str | None]] = {}
        for start in range(0, len(ids), 500):
            for seq, report_id, digest in self._current_of(conn, ids[start : start + 500]):
                stored[report_id] = (seq, digest, None)
        added_at = now_text()
        # rows of _BOOKKEEPING then the report's columns; None: replaced within this batch
        rows: list[tuple[Any, ...] | None] = []
        written: list[Pending] = []  # the report of each row
        retired: list[tuple[int, int]] = []  # (old seq, superseded by seq)
        dropped: list[int] = []
        pending: dict[str, int] = {}  # id -> index in rows, for repeats within the batch
        for item in batch:
            report_id = item.report_id
            before = stored.get(report_id)
            if before is not None and self._same(conn, before, item.digest, item.text):
                result.note("unchanged", report_id)
                continue
            if before is not None:
                if replace:
                    if report_id in pending:
                        # replaced earlier in this batch: forget the row not yet written
                        rows[pending.pop(report_id)] = None
                    else:
                        dropped.append(before[0])
                    result.note("replaced", report_id)
                elif item.corrective:
                    if report_id in pending:
                        older = rows[pending[report_id]]
                        assert older is not None
                        rows[pending[report_id]] = (older[0], older[1], False, next_seq, *older[4:])
                    else:
                        retired.append((before[0], next_seq))
                    result.note("superseded", report_id)
                else:
                    conflicts.note(report_id)
                    continue
            else:
                result.note("added", report_id)
            pending[report_id] = len(rows)
            stored[report_id] = (next_seq, item.digest, item.text)
            rows.append(
                (
                    next_seq,
                    report_id,
                    True,
                    None,
                    added_at,
                    item.digest,
                    item.text,
                    *item.row,
                )
            )
            written.append(item)
            next_seq += 1
        if conflicts.count or not rows:
            return next_seq  # nothing to write (on a conflict, the caller raises)
        if dropped:
            self._delete_seqs(conn, dropped)
        for old, by in retired:
            conn.execute(
                update(reports).where(reports.c.seq == old).values(current=False, superseded_by=by)
            )
        kept = [(row, item) for row, item in zip(rows, written, strict=True) if row is not None]
        self._insert(conn, reports, (*_BOOKKEEPING, *REPORT_COLUMNS), [row for row, _ in kept])
        # the store's ledger, in the same transaction
        record_added(
            conn,
            [{"seq": r[0], "report_id": r[1], "sha256": item.ledger_sha256} for r, item in kept],
            [item.entry_form for _, item in kept],
        )
        self._insert(
            conn,
            measures,
            ("report_seq", *MEASURE_COLUMNS),
            [(row[0], *part) for row, item in kept for part in item.measures],
        )
        self._insert(
            conn,
            components,
            ("report_seq", *COMPONENT_COLUMNS),
            [(row[0], *part) for row, item in kept for part in item.components],
        )
        return next_seq

    def _current_of(self, conn: Connection, ids: list[str]) -> Any:
        """(seq, report_id, content_sha256) of the current revisions of these ids."""
        if self.dialect != "sqlite":
            return conn.execute(_CURRENT_OF, {"ids": ids})
        # the driver's own, past SQLAlchemy's rendering of one parameter per id; the
        # condition is the partial index's own (tables.reports)
        return conn.exec_driver_sql(
            "SELECT seq, report_id, content_sha256 FROM reports WHERE current = 1 AND "
            f"report_id IN ({', '.join('?' for _ in ids)})",
            tuple(ids),
        )

    def _same(
        self, conn: Connection, before: tuple[int, str, str | None], digest: str, text: str
    ) -> bool:
        """Whether a stored revision says what `text` says: the same text, or texts that
        differ only in spacing and key order (compared only when the texts differ)."""
        seq, stored_digest, stored_text = before
        if stored_digest == digest:
            return True
        if stored_text is None:
            stored_text = conn.execute(
                select(reports.c.document).where(reports.c.seq == seq)
            ).scalar()
        return content_sha256(json.loads(stored_text or "null")) == content_sha256(json.loads(text))

    def _insert(
        self,
        conn: Connection,
        table: Table,
        names: Sequence[str],
        rows: list[tuple[Any, ...]],
    ) -> None:
        if not rows:
            return
        if self.dialect != "sqlite":
            conn.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])
            return
        # the bulk path: the driver's executemany, past SQLAlchemy's per-row work; the
        # names are our own columns, the values parameters
        statement = (
            f"INSERT INTO {table.name} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        conn.exec_driver_sql(statement, rows)

    @staticmethod
    def _delete_seqs(conn: Connection, seqs: list[int]) -> None:
        record_removed(conn, seqs)  # the store's ledger, in the same transaction
        for start in range(0, len(seqs), 500):
            part = seqs[start : start + 500]
            conn.execute(delete(measures).where(measures.c.report_seq.in_(part)))
            conn.execute(delete(components).where(components.c.report_seq.in_(part)))
            conn.execute(delete(reports).where(reports.c.seq.in_(part)))

    def delete(self, report_id: str) -> int:
        """Removes a report and its history; returns how many revisions went (0: not stored)."""
        with transaction(self.engine, self.url, write=True) as conn:
            seqs = [
                seq
                for condition in _REVISIONS
                for seq in conn.execute(
                    select(reports.c.seq).where(reports.c.report_id == report_id, condition)
                ).scalars()
            ]
            self._delete_seqs(conn, seqs)
        return len(seqs)

    # -- reading -----------------------------------------------------------------------------

    def get(self, report_id: str) -> StoredReport | None:
        """The current revision of a report, or None when no such id is stored."""
        with transaction(self.engine, self.url, write=False) as conn:
            row = (
                conn.execute(
                    select(reports).where(reports.c.current, reports.c.report_id == report_id)
                )
                .mappings()
                .first()
            )
        return None if row is None else self._stored(dict(row))

    def history(self, report_id: str) -> list[StoredReport]:
        """Every revision of a report, oldest first (the last one is current)."""
        with transaction(self.engine, self.url, write=False) as conn:
            rows = [
                dict(row)
                for condition in _REVISIONS
                for row in conn.execute(
                    select(reports).where(reports.c.report_id == report_id, condition)
                ).mappings()
            ]
        return [self._stored(row) for row in sorted(rows, key=operator.itemgetter("seq"))]

    @staticmethod
    def _stored(row: dict[str, Any]) -> StoredReport:
        text = row.pop("document")
        return StoredReport(row["report_id"], text, row, str(row["seq"]))

    def query(
        self,
        *,
        project: str | None = None,
        stage: str | None = None,
        family: str | None = None,
        algorithm: str | None = None,
        quantization: str | None = None,
        hardware: str | None = None,
        country: str | None = None,
        since: str | None = None,
        until: str | None = None,
        where: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        limit: int | None = None,
        after: str | None = None,
    ) -> Iterator[StoredReport]:
        """The current reports that match every filter given, in the order they were stored,
        streamed (read a page at a time, so memory stays flat).

        `project`, `stage` (taskStage), `family` (taskFamily), `country` (any case): equal;
        `algorithm` and `quantization`: one of the report's algorithms has it; `hardware`: a
        part of the hardware summary (`2 x Tesla V100 (GPU)`), any case; `since`/`until`:
        the first measure starts within (`YYYY-MM-DD`, a date alone for `until` covers the
        day); `where`: {dotted path of any BoAmps field: value as text}. `limit`: at most so
        many; `after`: the `cursor` of the last report of the previous page. Filter values
        are bound parameters, never SQL text. Raises StoreError on an unknown field, a bad
        value or cursor, when called (before the first report is read).
        """
        condition = filters.conditions(
            self.dialect,
            project=project,
            stage=stage,
            family=family,
            algorithm=algorithm,
            quantization=quantization,
            hardware=hardware,
            country=country,
            since=since,
            until=until,
            where=where,
        )
        last = self._cursor(after)
        if limit is not None and limit < 0:
            raise StoreError("Negative limit", "limit", limit, "Give 0 or more.")
        # the checks above run now, the reading as the caller iterates
        return self._pages(condition, last, limit)

    def _pages(self, condition: Any, last: int, left: int | None) -> Iterator[StoredReport]:
        while left is None or left > 0:
            size = PAGE if left is None else min(PAGE, left)
            with transaction(self.engine, self.url, write=False) as conn:
                rows = [
                    dict(row)
                    for row in conn.execute(
                        select(reports)
                        .where(reports.c.current, reports.c.seq > last, condition)
                        .order_by(reports.c.seq)
                        .limit(size)
                    ).mappings()
                ]
            for row in rows:
                yield self._stored(row)
            if len(rows) < size:
                return
            last = rows[-1]["seq"]
            if left is not None:
                left -= len(rows)

    @staticmethod
    def _cursor(after: str | None) -> int:
        if after is None:
            return 0
        if not after.isdigit() or len(after) > 19:
            raise StoreError(
                "Bad cursor", "after", repr(after), "Use the cursor of a report from a query."
            )
        return int(after)

    def count(self, **filters_given: Any) -> int:
        """How many current reports match the filters of `query`."""
        condition = filters.conditions(self.dialect, **filters_given)
        with transaction(self.engine, self.url, write=False) as conn:
            return int(
                conn.execute(
                    select(func.count()).select_from(reports).where(reports.c.current, condition)
                ).scalar()
                or 0
            )

    def stats(self) -> dict[str, Any]:
        """What the store holds: where it is, its schema version, how many current reports and
        older revisions, projects, the first and last start, total energy and emissions (None
        when some energy has no carbon intensity), and active tokens."""
        from .tables import tokens as token_table

        current = reports.c.current
        with transaction(self.engine, self.url, write=False) as conn:
            version = version_of(conn)
            row = conn.execute(
                select(
                    func.count(),
                    func.count(func.distinct(reports.c.project)),
                    func.min(reports.c.start_time),
                    func.max(reports.c.start_time),
                    func.sum(reports.c.energy_kwh),
                    func.sum(reports.c.emissions_kg),
                    func.count(reports.c.emissions_kg),
                ).where(current)
            ).one()
            history = conn.execute(
                select(func.count()).select_from(reports).where(~current)
            ).scalar()
            active = conn.execute(
                select(func.count())
                .select_from(token_table)
                .where(token_table.c.revoked_at.is_(None))
            ).scalar()
        runs, projects, first, last, energy, emissions, with_intensity = row
        return {
            "store": self.where,
            "schema_version": version,
            "reports": int(runs),
            "older_revisions": int(history or 0),
            "projects": int(projects),
            "first_start": first,
            "last_start": last,
            "energy_kwh": float(energy or 0.0),
            "emissions_kg": float(emissions or 0.0) if with_intensity == runs else None,
            "active_tokens": int(active or 0),
        }

    def summary(self, by: str = "project", **filters_given: Any) -> list[dict[str, Any]]:
        """Totals per group of current reports, computed by the database, in the same rows as
        `boamps summary` (group, runs, energy_kwh, emissions_kg, duration_s, mean_power_w),
        in the order their first report was stored (as `boamps summary` lists the groups of
        the reports `query` gives). `by`: project, model, hardware, country or month; the filters
        are those of `query`. Emissions are None for a group where some energy has no carbon
        intensity; mean power counts the reports that give their duration."""
        if by not in filters.GROUPS:
            raise StoreError(
                "Unknown grouping", "by", repr(by), f"Use one of: {', '.join(filters.GROUPS)}."
            )
        condition = filters.conditions(self.dialect, **filters_given)
        group = filters.GROUPS[by].label("grp")
        timed = reports.c.duration_s.is_not(None)
        with_intensity = reports.c.emissions_kg.is_not(None)
        from sqlalchemy import case

        statement = (
            select(
                group,
                func.count().label("runs"),
                func.sum(reports.c.energy_kwh).label("energy"),
                func.sum(reports.c.emissions_kg).label("emissions"),
                func.sum(case((with_intensity, 0.0), else_=reports.c.energy_kwh)).label(
                    "uncovered"
                ),
                func.sum(case((timed, reports.c.duration_s), else_=0.0)).label("duration"),
                func.sum(case((timed, reports.c.energy_kwh), else_=0.0)).label("timed_energy"),
            )
            .where(reports.c.current, condition)
            .group_by(group)
            .order_by(func.min(reports.c.seq))
        )
        with transaction(self.engine, self.url, write=False) as conn:
            found = conn.execute(statement).all()
        rows: list[dict[str, Any]] = []
        for name, runs, energy, emissions, uncovered, duration, timed_energy in found:
            rows.append(
                {
                    "group": name or "(not stated)",
                    "runs": int(runs),
                    "energy_kwh": float(energy or 0.0),
                    "emissions_kg": float(emissions or 0.0) if (uncovered or 0) <= 0 else None,
                    "duration_s": float(duration or 0.0),
                    "mean_power_w": float(timed_energy) * 3.6e6 / float(duration)
                    if duration and duration > 0
                    else None,
                }
            )
        return rows

    def export(
        self, target: str | os.PathLike[str], *, force: bool = False, **filters_given: Any
    ) -> int:
        """Writes the current reports matching the filters of `query` to `target`: a `.jsonl`
        file, a `.parquet` file (the columns of `render --format tables`'s reports table;
        needs pyarrow) or a folder (one file per report, its stored text byte for byte).
        The output appears whole or not at all; an existing one is replaced only with
        `force`. Returns how many reports were written."""
        from .export import export

        return export(self, os.fspath(target), force=force, filters=filters_given)

    # -- tokens ------------------------------------------------------------------------------

    def create_token(self, name: str, *, read_only: bool = False) -> str:
        """A new access token for the service, returned once: only its SHA-256 is stored.
        Names are unique; raises StoreError when `name` is taken or empty."""
        with transaction(self.engine, self.url, write=True) as conn:
            return tokens.create(conn, name, read_only)

    def list_tokens(self) -> list[tokens.TokenInfo]:
        """Every token, revoked ones included, oldest first (by the second; then by name),
        never their secrets."""
        with transaction(self.engine, self.url, write=False) as conn:
            return tokens.listed(conn)

    def revoke_token(self, name_or_id: str) -> tokens.TokenInfo:
        """Revokes a token by its name or id; raises StoreError when there is no such token."""
        with transaction(self.engine, self.url, write=True) as conn:
            return tokens.revoke(conn, name_or_id)

    def check_token(self, secret: str) -> tokens.TokenInfo | None:
        """The token's details when `secret` is a valid, unrevoked token; None otherwise."""
        with transaction(self.engine, self.url, write=False) as conn:
            return tokens.check(conn, secret)
