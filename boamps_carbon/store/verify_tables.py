"""What `store verify` checks beyond the ledger and the report rows: the tables derived from
each report's text (`measures`, `components`) and the revisions of each report id (the
columns `current` and `superseded_by`), so that an edit of those behind the store's back is
named like an edited report.

The ledger records adds and removals, not which revision supersedes which: the revisions are
checked against the rules the store keeps (exactly one current revision per report id; a
superseded row names a later row of its id, or one whose removal the ledger recorded, as
`--replace` removes the current revision and keeps the older ones)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Table, and_, case, func, or_, select

from ..trust.ledger import Tampering
from .rows import COMPONENT_COLUMNS, MEASURE_COLUMNS, component_rows, measure_rows
from .tables import components, measures, reports

PAGE = 1000
UNIT = "store row"


def _paged(conn: Connection, table: Table, names: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    """(report_seq, *names) of every row, in (report_seq, idx) order, a page at a time."""
    columns = [table.c.report_seq, *(table.c[name] for name in names)]
    last: tuple[int, int] | None = None
    while True:
        query = select(*columns).order_by(table.c.report_seq, table.c.idx).limit(PAGE)
        if last is not None:
            query = query.where(
                or_(
                    table.c.report_seq > last[0],
                    and_(table.c.report_seq == last[0], table.c.idx > last[1]),
                )
            )
        rows = [tuple(row) for row in conn.execute(query)]
        yield from rows
        if len(rows) < PAGE:
            return
        last = (rows[-1][0], rows[-1][1])


class _Part:
    """One derived table, read alongside the report rows (both in row order)."""

    def __init__(
        self, conn: Connection, table: Table, names: tuple[str, ...], derive: Any, noun: str
    ) -> None:
        self.name, self.names, self.derive, self.noun = table.name, names, derive, noun
        self.kind = f"edited-{table.name}"
        self.rows = _paged(conn, table, names)
        self.ahead: tuple[Any, ...] | None = next(self.rows, None)

    def orphan(self, before: int | None) -> Tampering | None:
        """Rows of a report row that is not there (below `before`; None: any left)."""
        if self.ahead is not None and (before is None or self.ahead[0] < before):
            return Tampering(
                self.ahead[0],
                None,
                self.kind,
                f"the table {self.name} has rows for store row {self.ahead[0]}, which holds "
                "no report",
                UNIT,
            )
        return None

    def check(self, seq: int, report_id: str, data: Any) -> Tampering | None:
        found = self.orphan(seq)
        if found is not None:
            return found
        stored = []
        while self.ahead is not None and self.ahead[0] == seq:
            stored.append(self.ahead[1:])
            self.ahead = next(self.rows, None)
        expected = [tuple(row) for row in self.derive(data)] if isinstance(data, dict) else []
        reason = self._difference(stored, expected)
        if reason is None:
            return None
        return Tampering(seq, None, self.kind, f"report {report_id!r}: {reason}", UNIT)

    def _difference(
        self, stored: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]
    ) -> str | None:
        if len(stored) != len(expected):
            return (
                f"the table {self.name} has {len(stored)} rows for it, its text "
                f"{len(expected)} {self.noun}"
            )
        for have, want in zip(stored, expected, strict=True):
            for name, value, wanted in zip(self.names, have, want, strict=True):
                if value != wanted:
                    return (
                        f"its {self.name} row {have[0]} column {name} holds {value!r}, its text "
                        f"says {wanted!r}"
                    )
        return None


class DerivedTables:
    """`check(seq, report_id, data)` for each report row in row order, then `leftover()`."""

    def __init__(self, conn: Connection) -> None:
        self.parts = [
            _Part(conn, measures, MEASURE_COLUMNS, measure_rows, "measures"),
            _Part(conn, components, COMPONENT_COLUMNS, component_rows, "components"),
        ]

    def check(self, seq: int, report_id: str, data: Any) -> Tampering | None:
        for part in self.parts:
            found = part.check(seq, report_id, data)
            if found is not None:
                return found
        return None

    def leftover(self) -> Tampering | None:
        for part in self.parts:
            found = part.orphan(None)
            if found is not None:
                return found
        return None


def check_revisions(conn: Connection, removed_rows: set[int]) -> Tampering | None:
    """The first report id without exactly one current revision (`current-revisions`), or
    the first row whose superseded_by breaks the rules (`superseded-by`). `removed_rows`:
    the rows the ledger recorded as removed, which a superseded row may still name."""
    return _current_revisions(conn) or _superseded_by(conn, removed_rows)


def _current_revisions(conn: Connection) -> Tampering | None:
    is_current = func.sum(case((reports.c.current, 1), else_=0))
    found = conn.execute(
        select(reports.c.report_id, is_current, func.count(), func.max(reports.c.seq))
        .group_by(reports.c.report_id)
        .having(is_current != 1)
        .order_by(func.min(reports.c.seq))
        .limit(1)
    ).first()
    if found is None:
        return None
    report_id, current, count, last = found
    if not current:
        return Tampering(
            last,
            None,
            "current-revisions",
            f"report {report_id!r} has no current revision: "
            + (f"its {count} rows are all" if count > 1 else "its only row is")
            + " marked superseded",
            UNIT,
        )
    seqs = list(
        conn.execute(
            select(reports.c.seq)
            .where(reports.c.report_id == report_id, reports.c.current)
            .order_by(reports.c.seq)
        ).scalars()
    )
    return Tampering(
        seqs[-1],
        None,
        "current-revisions",
        f"report {report_id!r} has {len(seqs)} current revisions: store rows "
        f"{', '.join(map(str, seqs))}",
        UNIT,
    )


def _superseded_by(conn: Connection, removed_rows: set[int]) -> Tampering | None:
    row = reports.c

    def bad(seq: int, report_id: str, reason: str) -> Tampering:
        return Tampering(seq, None, "superseded-by", f"report {report_id!r}: {reason}", UNIT)

    found = conn.execute(
        select(row.seq, row.report_id, row.superseded_by)
        .where(row.current, row.superseded_by.is_not(None))
        .order_by(row.seq)
        .limit(1)
    ).first()
    if found is not None:
        return bad(
            found[0], found[1], f"it is the current revision, yet superseded_by says {found[2]}"
        )
    empty = conn.execute(
        select(row.seq, row.report_id)
        .where(~row.current, row.superseded_by.is_(None))
        .order_by(row.seq)
        .limit(1)
    ).first()
    if empty is not None:
        return bad(empty[0], empty[1], "it is marked superseded, yet superseded_by is empty")
    later = reports.alias("later")
    suspects = conn.execute(
        select(row.seq, row.report_id, row.superseded_by, later.c.report_id)
        .select_from(reports.outerjoin(later, later.c.seq == row.superseded_by))
        .where(
            ~row.current,
            row.superseded_by.is_not(None),
            or_(
                later.c.seq.is_(None),
                later.c.report_id != row.report_id,
                row.superseded_by <= row.seq,
            ),
        )
        .order_by(row.seq)
    )
    for seq, report_id, by, later_id in suspects:
        if by > seq and by in removed_rows:
            continue  # its successor was removed (`--replace`), as the ledger recorded
        if by <= seq:
            reason = f"superseded_by says {by}, not a later row"
        elif later_id is None:
            reason = f"superseded_by says {by}, a row that is not there and was never removed"
        else:
            reason = f"superseded_by says {by}, a row of report {later_id!r}"
        return bad(seq, report_id, reason)
    return None
