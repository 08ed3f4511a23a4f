"""The store's ledger: one hash-chained entry for every report the store takes in or removes,
written in the transaction that stores or removes it, so that `Store.verify` can tell what
was changed in the database behind the store's back.

An entry is {seq, time, action, reportId, reportSeq, reportSha256, prev, hash}, hashed and
chained as the entries of a ledger file are (`trust.ledger`): `action` is "add" (the report
stored as row `reportSeq`) or "remove" (that row removed, `removes`: the seq of the entry that
added it); `reportSha256` is the SHA-256 of the report's RFC 8785 canonical JSON. Writers of a
store take its write lock first, so entries are numbered one writer at a time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, func, inspect, select

from .. import fastjson
from ..trust.canonical import CanonicalError, canonical_json_parsed
from ..trust.ledger import (
    GENESIS,
    LedgerError,
    Tampering,
    Verification,
    _utc_now,
    check_chain,
    check_expect_head,
    report_sha256,
)
from ..trust.rating import rate
from .tables import ledger, reports

STORE_FIELDS = ("seq", "time", "action", "reportId", "reportSeq", "reportSha256", "prev", "hash")
PAGE = 1000
PRINTED_BY = "boamps store verify"  # the command that prints a store's head
UNDETECTABLE = (
    "the last entries and their reports removed together cannot be detected without "
    "--expect-head (the head hash printed by an earlier `boamps store verify`)"
)


def _head(conn: Connection) -> tuple[int, str]:
    text = conn.execute(select(ledger.c.entry).order_by(ledger.c.seq.desc()).limit(1)).scalar()
    if text is None:
        return 0, GENESIS
    entry = json.loads(text)
    return int(entry["seq"]), str(entry["hash"])


def _append(
    conn: Connection, entries: list[dict[str, Any]], forms: list[str] | None = None
) -> None:
    """Appends entries; `forms`: their canonical forms to fill (`add_entry_form`), if known."""
    seq, prev = _head(conn)
    rows = []
    time = _utc_now()
    for index, entry in enumerate(entries):
        seq += 1
        entry = {"seq": seq, "time": time, **entry, "prev": prev}
        # `entry_hash`'s bytes (the entry holds JSON values only), the quick ways
        canonical = (
            (forms[index] % (prev, entry["reportSeq"], seq, time)).encode("utf-8")
            if forms is not None and seq <= EXACT and entry["reportSeq"] <= EXACT
            else canonical_json_parsed(entry)
        )
        entry["hash"] = prev = hashlib.sha256(canonical).hexdigest()
        rows.append((seq, entry["reportSeq"], _entry_text(entry)))
    if not rows:
        return
    if conn.dialect.name == "sqlite":  # the driver's executemany, past SQLAlchemy's rows
        conn.exec_driver_sql("INSERT INTO ledger (seq, report_seq, entry) VALUES (?, ?, ?)", rows)
    else:
        conn.execute(ledger.insert(), [{"seq": a, "report_seq": b, "entry": c} for a, b, c in rows])


def _entry_text(entry: dict[str, Any]) -> str:
    try:  # the standard module's text of such an entry, faster
        return orjson.dumps(entry).decode("utf-8")
    except orjson.JSONEncodeError:  # a lone surrogate in an id: the standard way
        return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def record_added(
    conn: Connection, rows: list[dict[str, Any]], forms: list[str] | None = None
) -> None:
    """Entries for report rows just inserted (each with seq, report_id, and the SHA-256 of
    its canonical JSON `sha256` (`report_digest`) or its text `document`); `forms`: the
    rows' `add_entry_form`s, when made already."""
    _append(
        conn,
        [
            {
                "action": "add",
                "reportId": row["report_id"],
                "reportSeq": row["seq"],
                "reportSha256": row.get("sha256")
                or _document_sha256(row["document"], row["report_id"]),
            }
            for row in rows
        ],
        forms,
    )


# integers JSON numbers hold exactly (RFC 8785 writes larger ones as the nearest double)
EXACT = 2**53
# an add entry's keys in RFC 8785's order (UTF-16 code units), and the JSON of the values
# that need no escapes (hex digests, the time, integers): `add_entry_form` fills the rest
_ADD_ENTRY = (
    '{{"action":"add","prev":"%s","reportId":{report_id},"reportSeq":%d,'
    '"reportSha256":"{sha256}","seq":%d,"time":"%s"}}'
)


def add_entry_form(report_id: str, sha256: str) -> str:
    """The canonical JSON of the entry that will record a report's add, as a %-template of
    (prev, reportSeq, seq, time), for numbers up to EXACT: made with the report's other rows
    (in a worker), so that the writer, which chains entries one by one, only fills it in.
    `sha256`: hex."""
    quoted = canonical_json_parsed(report_id).decode("utf-8").replace("%", "%%")
    return _ADD_ENTRY.format(report_id=quoted, sha256=sha256)


def report_digest(value: Any, report_id: str) -> str:
    """The SHA-256 of a report's canonical JSON, as `report_sha256` gives it, from the value
    a JSON parser made of its stored text."""
    try:
        return hashlib.sha256(canonical_json_parsed(value)).hexdigest()
    except CanonicalError as exc:
        raise LedgerError(exc.what, f"{report_id}: {exc.where}", exc.value, exc.hint) from None


def document_value(data: bytes, text: str, report_id: str) -> Any:
    """The value of a stored text (given as its bytes and as text), as `json.loads` reads it."""
    value = fastjson.fast(data)
    if value is not fastjson.SLOW:
        return value
    try:
        return json.loads(text)
    except ValueError as exc:  # a caller's pair whose text is not JSON
        raise LedgerError("Stored report is not JSON", report_id, str(exc), "") from None


def record_removed(conn: Connection, seqs: list[int]) -> None:
    """Entries for report rows about to be removed: call it before they go."""
    entries = []
    for start in range(0, len(seqs), 500):
        part = seqs[start : start + 500]
        added = _adding_entries(conn, part)
        for seq, report_id in conn.execute(
            select(reports.c.seq, reports.c.report_id)
            .where(reports.c.seq.in_(part))
            .order_by(reports.c.seq)
        ):
            entry = added.get(seq)
            entries.append(
                {
                    "action": "remove",
                    "reportId": report_id,
                    "reportSeq": seq,
                    "reportSha256": entry["reportSha256"] if entry else None,
                    "removes": entry["seq"] if entry else None,
                }
            )
    _append(conn, entries)


def _adding_entries(conn: Connection, seqs: list[int]) -> dict[int, dict[str, Any]]:
    """The last entry that added each of these report rows."""
    found: dict[int, dict[str, Any]] = {}
    for text in conn.execute(
        select(ledger.c.entry).where(ledger.c.report_seq.in_(seqs)).order_by(ledger.c.seq)
    ).scalars():
        entry = json.loads(text)
        if entry.get("action") == "add":
            found[entry["reportSeq"]] = entry
    return found


def _document_sha256(document: str, report_id: str) -> str:
    try:
        data = json.loads(document)
    except ValueError as exc:  # a stored text that is not JSON: only when edited behind us
        raise LedgerError("Stored report is not JSON", report_id, str(exc), "") from None
    return report_sha256(data, report_id)


def record_all(conn: Connection) -> None:
    """Entries for every report row already stored (a store migrated to version 4)."""
    last = -1
    while True:
        rows = [
            dict(row)
            for row in conn.execute(
                select(reports.c.seq, reports.c.report_id, reports.c.document)
                .where(reports.c.seq > last)
                .order_by(reports.c.seq)
                .limit(PAGE)
            ).mappings()
        ]
        if not rows:
            return
        record_added(conn, rows)
        last = rows[-1]["seq"]


# ---------------------------------------------------------------- verify


@dataclass
class StoreVerification(Verification):
    """The chain's verification, then the reports': `tampering` names the first problem."""

    reports: int = 0
    removed: set[int] = field(default_factory=set)  # entry seqs of adds later removed


def verify(store: Any, expect_head: str | None = None) -> StoreVerification:
    """The store's ledger against its reports: the chain (an edited, deleted or inserted
    entry), then every report row against the entry that added it (an edited report, a
    report row deleted or added behind the store's back). Everything is read in one read
    transaction, so that writers at work meanwhile are not taken for tampering: on SQLite
    (write-ahead log) a reader sees the database as at its first read, on PostgreSQL the
    transaction is REPEATABLE READ. Within it the chain is read twice, a page at a time; only
    the entries of removed reports are held."""
    from .engine import snapshot

    expect_head = check_expect_head(expect_head, PRINTED_BY)
    with snapshot(store.engine, store.url) as conn:
        if not inspect(conn).has_table(ledger.name):
            # the store made it when it was created or migrated: only dropped behind its back
            gone = StoreVerification()
            gone.tampering = Tampering(
                1,
                None,
                "missing-ledger",
                "the table 'ledger' is gone: it was dropped behind the store's back",
                "ledger row",
            )
            return gone
        return _verify(conn, expect_head, _rated_since(conn))


def _rated_since(conn: Connection) -> str | None:
    """When the store was migrated to version 4: rows added before were rated then."""
    from .tables import schema_version

    return conn.execute(
        select(schema_version.c.applied_at).where(schema_version.c.version == 4)
    ).scalar()


def _verify(
    conn: Connection, expect_head: str | None, rated_since: str | None
) -> StoreVerification:
    result = StoreVerification()
    removed: set[int] = set()
    removed_rows: set[int] = set()  # report rows whose removal an entry records
    column: dict[str, Any] = {}

    def rows() -> Iterator[tuple[int, bytes]]:
        for row, text, report_seq in _ledger_rows(conn):
            column["report_seq"] = report_seq
            yield row, text.encode("utf-8")

    def note_removal(entry: dict[str, Any]) -> tuple[str, str] | None:
        if entry.get("action") not in ("add", "remove"):
            return "edited-entry", f"unknown action {entry.get('action')!r}"
        if entry["reportSeq"] != column["report_seq"]:
            return (
                "edited-entry",
                f"its report_seq column says {column['report_seq']!r}, the entry "
                f"{entry['reportSeq']!r}",
            )
        if entry["action"] == "remove" and isinstance(entry.get("removes"), int):
            removed.add(entry["removes"])
        if entry["action"] == "remove" and isinstance(entry["reportSeq"], int):
            removed_rows.add(entry["reportSeq"])
        return None

    chain = check_chain(
        rows(),
        None,
        expect_head,
        note_removal,
        fields=STORE_FIELDS,
        unit="ledger row",
        undetectable=UNDETECTABLE,
    )
    result.entries, result.head, result.head_seq = chain.entries, chain.head, chain.head_seq
    result.tampering, result.notes, result.removed = chain.tampering, chain.notes, removed
    if chain.tampering is not None:
        return result
    result.tampering = _match_reports(conn, removed, result, rated_since)
    if result.tampering is None:
        from .verify_tables import check_revisions

        result.tampering = check_revisions(conn, removed_rows)
    return result


def _ledger_rows(conn: Connection) -> Iterator[tuple[int, str, int | None]]:
    last = 0
    while True:
        rows = conn.execute(
            select(ledger.c.seq, ledger.c.report_seq, ledger.c.entry)
            .where(ledger.c.seq > last)
            .order_by(ledger.c.seq)
            .limit(PAGE)
        ).all()
        for seq, report_seq, text in rows:
            yield seq, text, report_seq
        if len(rows) < PAGE:
            return
        last = rows[-1][0]


def _added_entries(conn: Connection, removed: set[int]) -> Iterator[dict[str, Any]]:
    """The entries of reports added and not removed since, in ledger order (which is the
    order of their report rows: a row number is reused only after its report was removed)."""
    for _, text, _ in _ledger_rows(conn):
        entry = json.loads(text)
        if entry["action"] == "add" and entry["seq"] not in removed:
            yield entry


def _report_rows(conn: Connection) -> Iterator[Any]:
    last = 0
    others = [c for c in reports.c if c.name not in ("seq", "report_id", "document")]
    while True:
        rows = conn.execute(
            select(reports.c.seq, reports.c.report_id, reports.c.document, *others)
            .where(reports.c.seq > last)
            .order_by(reports.c.seq)
            .limit(PAGE)
        ).all()
        yield from rows
        if len(rows) < PAGE:
            return
        last = rows[-1][0]


def _edited_column(row: Any, data: Any, rated_since: str | None) -> str | None:
    """The first column of a report row that is not what the store derives from its text
    `data` (the rating as of the day the row was added, or rated, within a day for the
    clock's zone)."""
    from .rows import report_row

    day = row.added_at if rated_since is None or row.added_at >= rated_since else rated_since
    try:
        added = dt.date.fromisoformat(day[:10])
    except ValueError:
        return f"its column added_at holds {row.added_at!r}, not a time"
    expected = report_row(data, added)
    for name, value in expected.items():
        if name != "rating" and getattr(row, name) != value:
            return f"its column {name} holds {getattr(row, name)!r}, its text says {value!r}"
    if row.rating == expected["rating"]:
        return None
    ratings = {
        rate(data, added + dt.timedelta(days=shift), explain=False).rating for shift in (-1, 0, 1)
    }
    if row.rating not in ratings:
        shown = " or ".join(sorted(repr(r) for r in ratings))
        return f"its column rating holds {row.rating!r}, its text rates {shown}"
    return None


def _match_reports(
    conn: Connection, removed: set[int], result: StoreVerification, rated_since: str | None
) -> Tampering | None:
    """Merges the report rows with the entries that added them, and with the rows of the
    tables derived from them (`verify_tables`), all in row order."""
    from .verify_tables import DerivedTables

    entries = _added_entries(conn, removed)
    rows = _report_rows(conn)
    derived = DerivedTables(conn)
    entry, row = next(entries, None), next(rows, None)
    while entry is not None or row is not None:
        if row is None or (entry is not None and entry["reportSeq"] < row[0]):
            assert entry is not None
            return Tampering(
                entry["seq"],
                entry["seq"],
                "missing-report",
                f"report {entry['reportId']!r} (store row {entry['reportSeq']}) is no longer "
                "in the store, and no entry removed it: it was deleted behind the store's back",
                "ledger row",
            )
        if entry is None or row[0] < entry["reportSeq"]:
            return Tampering(
                row[0],
                None,
                "unrecorded-report",
                f"report {row[1]!r} is in the store but not in its ledger: it was added "
                "behind the store's back",
                "store row",
            )
        try:
            digest = _document_sha256(row[2], row[1])
        except LedgerError as exc:
            digest = f"unreadable ({exc.message})"
        if digest != entry["reportSha256"] or row[1] != entry["reportId"]:
            return Tampering(
                row[0],
                entry["seq"],
                "edited-report",
                f"report {row[1]!r} no longer has the SHA-256 its entry recorded"
                if row[1] == entry["reportId"]
                else f"report {entry['reportId']!r} is now named {row[1]!r}",
                "store row",
            )
        # the text's SHA-256 is the recorded one, so the text is JSON
        data = json.loads(row.document)
        edited = _edited_column(row, data, rated_since)
        if edited is not None:
            return Tampering(
                row[0],
                entry["seq"],
                "edited-columns",
                f"report {row[1]!r}: {edited}",
                "store row",
            )
        found = derived.check(row[0], row[1], data)
        if found is not None:  # the entry's seq, unless rows of no report were found
            seq = entry["seq"] if found.line == row[0] else None
            return Tampering(found.line, seq, found.kind, found.reason, found.unit)
        result.reports += 1
        entry, row = next(entries, None), next(rows, None)
    return derived.leftover()


def matching(store: Any) -> Any:
    """For `ledger verify --db`: a check of a ledger file's entry against the reports of the
    store (any stored revision of the entry's reportId may match)."""
    from .engine import transaction

    def check(entry: dict[str, Any]) -> tuple[str, str] | None:
        report_id = entry.get("reportId")
        if not isinstance(report_id, str):
            return "missing-report", "the entry names no reportId to look up in the store"
        with transaction(store.engine, store.url, write=False) as conn:
            documents = (
                conn.execute(
                    select(reports.c.document)
                    .where(reports.c.report_id == report_id)
                    .order_by(reports.c.seq)
                )
                .scalars()
                .all()
            )
        if not documents:
            return "missing-report", f"report {report_id!r} is not in {store.where}"
        for document in documents:
            try:
                if _document_sha256(document, report_id) == entry["reportSha256"]:
                    return None
            except LedgerError:
                continue
        return (
            "edited-report",
            f"report {report_id!r} in {store.where} no longer has the SHA-256 the entry recorded",
        )

    return check


def entry_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(ledger)).scalar() or 0)
