"""The first pass over a CSV, piece by piece: where each piece's rows and lines start, and
which run_ids are unique (a report id must be known before the first report is written)."""

from __future__ import annotations

from dataclasses import dataclass

from ..sources.codecarbon_csv import CsvSource, UnreadableCsv
from ..sources.run_ids import Halves, UniqueRunIds, uuid_halves
from .chunks import Body, Piece, needs_strip
from .memory import keep_freed_memory
from .pool import ordered_map

HEADER_LINES = 1


@dataclass
class PlacedPiece:
    piece: Piece
    first_row: int  # rows before this piece
    first_line: int  # lines before this piece
    plain: bool


@dataclass
class Layout:
    body: Body
    pieces: list[PlacedPiece]
    unique_run_ids: UniqueRunIds


@dataclass
class _Count:
    rows: int
    lines: int
    plain: bool
    ids: Halves
    broken: UnreadableCsv | None = None  # its line counted from the piece's start


def prepass(source: CsvSource, header: list[str], workers: int) -> Layout | None:
    """None when the file's header is not a plain first line: then the pieces cannot be
    told apart from it, and the whole file is read the ordinary way."""
    body = Body(source, header)
    if not body.usable:
        return None
    keep_freed_memory()
    pieces = body.pieces()
    column = header.index("run_id") if "run_id" in header else -1
    placed, ids = [], []
    rows, lines = 0, HEADER_LINES
    counts = ordered_map(lambda i: _count(body, pieces[i], column), range(len(pieces)), workers)
    for piece, count in zip(pieces, counts, strict=True):
        if count.broken is not None:
            broken = count.broken
            raise UnreadableCsv(broken.label, lines + broken.line, broken.reason)
        placed.append(PlacedPiece(piece, rows, lines, count.plain))
        rows, lines = rows + count.rows, lines + count.lines
        ids.append(count.ids)
    return Layout(body, placed, UniqueRunIds.from_halves(ids))


def _count(body: Body, piece: Piece, column: int) -> _Count:
    text = body.text(piece)
    fields = body.fields(text)
    if fields is not None:
        ids = fields.values(column) if column >= 0 else []
        return _Count(fields.size, fields.size, True, _ids(ids))
    try:
        records = list(body.records(text, 0, 0))
    except UnreadableCsv as exc:
        return _Count(0, 0, False, uuid_halves([]), exc)
    ids = [r.values[column] for r in records if column >= 0 and not r.reason]
    return _Count(len(records), _line_count(text), False, _ids(ids))


def _ids(ids: list[str]) -> Halves:
    return uuid_halves([value.strip() for value in ids] if needs_strip(ids) else ids)


def _line_count(text: str) -> int:
    """Lines as the csv module counts them: ended by LF, CR or CR LF."""
    ends = text.count("\n") + text.count("\r") - text.count("\r\n")
    return ends + (1 if text and text[-1] not in "\r\n" else 0)
