"""The first pass over a CSV, piece by piece: where each piece's rows and lines start,
which run_ids are unique (a report id must be known before the first report is written),
the file's encoding and its content hash, all found by the workers at once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from ..sources.codecarbon_csv import Scan, UnreadableCsv
from ..sources.encodings import CODEC
from ..sources.run_ids import (
    Halves,
    RepeatFinder,
    UniqueRunIds,
    uuid_halves,
    uuid_halves_of_bytes,
)
from .chunks import HEADER_LINES, Body, Piece, line_ends, needs_strip, quote_count
from .pool import ordered_map, start_early

HASH = -1  # the task that hashes the file rather than count a piece
HASH_BLOCK = 1 << 20
NO_IDS = uuid_halves([])
UUID_LENGTH = 36


@dataclass
class PlacedPiece:
    piece: Piece
    first_row: int  # rows before this piece
    first_line: int  # lines before this piece
    plain: bool


@dataclass
class PlacedPieces:
    body: Body
    pieces: list[PlacedPiece]
    unique_run_ids: UniqueRunIds


@dataclass
class _Count:
    rows: int
    lines: int
    plain: bool
    ids: Halves
    utf8: bool  # the piece is valid UTF-8 (ASCII included)
    ascii: bool
    broken: UnreadableCsv | None = None  # its line counted from the piece's start
    open_at_end: bool = False  # broken at its last line: maybe a cut inside a quoted field
    odd_quotes: bool = False  # an odd number of quote characters in the piece


def prepass(body: Body, workers: int) -> PlacedPieces:
    """Counts every piece, and settles the source's Scan (encoding and hash). The file is
    cut at line ends first, without reading it; the workers count each piece's quotes, and
    when a cut falls between quotes the file is cut again by `Body.pieces`, which reads
    it: the same pieces either way."""
    if workers > 1 and body.several_pieces():
        start_early()  # while this process cuts the file
    try:
        return _prepass(body, workers, body.newline_pieces(), checked=True)
    except _QuotedCut:
        return _prepass(body, workers, body.pieces(), checked=False)


class _QuotedCut(Exception):
    """A cut at a line end falls between quotes: the file is cut again."""


def _prepass(body: Body, workers: int, pieces: list[Piece], checked: bool) -> PlacedPieces:
    column = body.header.index("run_id") if "run_id" in body.header else -1
    tasks = [HASH, *range(len(pieces))]
    workers = workers if len(pieces) > 1 else 1  # a small file is not worth a process
    results = ordered_map(partial(_task, body, pieces, column), tasks, workers)
    try:
        digest = next(results)
        assert isinstance(digest, str)
        finder, utf8 = RepeatFinder(), True
        counts: list[_Count] = []
        mended = []
        counted = _even_cuts(results) if checked else results
        for piece, count in _mended(body, pieces, counted, column):
            if count.ascii:  # the same whatever the encoding: its ids are counted at once
                finder.add(count.ids)
                count.ids = NO_IDS
            utf8 = utf8 and count.utf8
            mended.append(piece)
            counts.append(count)
    finally:
        results.close()  # the workers stop at once when a cut was wrong
    pieces = mended
    scan = body.settle(utf8)
    body.source.scan = Scan(scan.encoding, digest)
    for index, count in enumerate(counts):
        if not count.ascii:
            if not utf8:  # read as UTF-8 first, it is cp1252 after all: read it again
                count = counts[index] = _count(body, pieces[index], column)
            finder.add(count.ids)
    return PlacedPieces(body, _placed(pieces, counts), UniqueRunIds.from_finder(finder))


def _even_cuts(results: Iterator[Any]) -> Iterator[Any]:
    """The counts, as long as an even number of quotes comes before each cut."""
    odd = False
    for count in results:
        if odd:
            raise _QuotedCut
        odd ^= count.odd_quotes
        yield count


def _mended(
    body: Body, pieces: list[Piece], results: Iterator[Any], column: int
) -> Iterator[tuple[Piece, _Count]]:
    """The pieces with their counts, as the workers give them. A piece cut inside a quoted
    field (a stray quote in an unquoted field fools the cutter) ends in the middle of that
    field: it is read again with the pieces after it, in this process, until it ends well."""
    following = zip(pieces, results, strict=True)
    for piece, count in following:
        while count.broken is not None and count.open_at_end:
            more = next(following, None)
            if more is None:
                break
            piece = Piece(piece.start, more[0].end)
            count = _count(body, piece, column)
        yield piece, count


def _placed(pieces: list[Piece], counts: list[_Count]) -> list[PlacedPiece]:
    placed = []
    rows, lines = 0, HEADER_LINES
    for piece, count in zip(pieces, counts, strict=True):
        if count.broken is not None:
            broken = count.broken
            raise UnreadableCsv(broken.label, lines + broken.line, broken.reason)
        placed.append(PlacedPiece(piece, rows, lines, count.plain))
        rows, lines = rows + count.rows, lines + count.lines
    return placed


def _task(body: Body, pieces: list[Piece], column: int, index: int) -> _Count | str:
    if index == HASH:
        return _sha256(body)
    return _count(body, pieces[index], column)


def _sha256(body: Body) -> str:
    digest = hashlib.sha256()
    for start in range(0, body.buffer.size, HASH_BLOCK):
        digest.update(body.buffer.read(start, min(start + HASH_BLOCK, body.buffer.size)))
    return digest.hexdigest()


def _count(body: Body, piece: Piece, column: int) -> _Count:
    raw = body.buffer.read(piece.start, piece.end)
    count = _counted(body, raw, column)
    count.odd_quotes = quote_count(raw) % 2 == 1
    return count


def _counted(body: Body, raw: bytes, column: int) -> _Count:
    ascii_only = raw.isascii()
    utf8 = ascii_only or (body.encoding == "utf-8" and _is_utf8(raw))
    fields = body.fields(raw, [column], utf8)
    if fields is not None:
        found = _uuids(fields.array(column)) if column >= 0 else NO_IDS
        if found is None:
            found = _ids(fields.values(column))
        return _Count(fields.size, fields.size, True, found, utf8, ascii_only)
    text = raw.decode("utf-8" if utf8 else CODEC)
    try:
        records = list(body.records(text, 0, 0))
    except UnreadableCsv as exc:
        lines = _line_count(text)
        return _Count(0, lines, False, NO_IDS, utf8, ascii_only, exc, exc.line >= lines)
    ids = [r.values[column] for r in records if column >= 0 and not r.reason]
    return _Count(len(records), _line_count(text), False, _ids(ids), utf8, ascii_only)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _uuids(values: Any) -> Halves | None:
    """The halves of a column (pyarrow) of UUIDs, read from its bytes: no text made; None
    unless every value is one."""
    import numpy as np

    if values.num_chunks != 1 or values.null_count:
        return None
    chunk = values.chunk(0)
    size, start = len(chunk), chunk.offset
    _, offsets_buffer, data = chunk.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int32, size + 1, 4 * start)
    first, last = int(offsets[0]), int(offsets[-1])
    if not size or last - first != UUID_LENGTH * size:
        return None
    if (np.diff(offsets) != UUID_LENGTH).any():
        return None
    raw = np.frombuffer(data, np.uint8, last - first, first).reshape(size, UUID_LENGTH)
    return uuid_halves_of_bytes(raw)


def _ids(ids: list[str]) -> Halves:
    return uuid_halves([value.strip() for value in ids] if needs_strip(ids) else ids)


def _line_count(text: str) -> int:
    """Lines as the csv module counts them: ended by LF, CR or CR LF."""
    return line_ends(text) + (1 if text and text[-1] not in "\r\n" else 0)
