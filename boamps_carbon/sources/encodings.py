"""How a CSV that is not wholly UTF-8 is read: UTF-8 where its bytes are valid UTF-8, cp1252
where they are not.

CodeCarbon writes UTF-8, but files edited on Windows or appended to by an older run come
back partly in cp1252: `café` in UTF-8 on one line and `caf\\xe9` on the next. Reading the
whole file as cp1252 turns every UTF-8 `é` into `Ã©`, silently; reading it as UTF-8 fails.
So each byte sequence that is not valid UTF-8 is read as cp1252 (its five undefined bytes as
U+FFFD), and the rest as UTF-8. A file wholly in cp1252 reads as before, unless it holds a
pair of bytes that is also valid UTF-8 (a capital accented letter before a symbol, `Ã©`):
then the UTF-8 reading wins, the more likely one. Every path that decodes a CSV (the
ordinary reader and the fast path's pieces) uses this one codec, `CODEC`.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

CODEC = "boamps-utf-8-cp1252"
_ERRORS = "boamps-cp1252-fallback"


def _fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start : exc.end].decode("cp1252", "replace"), exc.end


def _decode(data: Any, errors: str = "strict", /) -> tuple[str, int]:
    return codecs.utf_8_decode(data, _ERRORS, True)


class _IncrementalDecoder(codecs.BufferedIncrementalDecoder):
    def _buffer_decode(self, data: Any, errors: str, final: bool) -> tuple[str, int]:
        # an incomplete sequence at the end of a block waits for the next block
        return codecs.utf_8_decode(data, _ERRORS, final)


def _search(name: str) -> codecs.CodecInfo | None:
    if name.replace("_", "-") != CODEC:
        return None
    utf8 = codecs.lookup("utf-8")
    return codecs.CodecInfo(
        name=CODEC,
        encode=utf8.encode,
        decode=_decode,
        incrementalencoder=utf8.incrementalencoder,
        incrementaldecoder=_IncrementalDecoder,
    )


codecs.register_error(_ERRORS, _fallback)
codecs.register(_search)


@dataclass
class Cp1252Lines:
    """The lines of a file that are not valid UTF-8 (read as cp1252): the first runs of
    them, as (first, last) line numbers, and how many there are in all."""

    runs: list[tuple[int, int]] = field(default_factory=list)
    count: int = 0
    utf8: bool = False  # some other line holds UTF-8 beyond ASCII

    @property
    def mixed(self) -> bool:
        return self.count > 0 and self.utf8


KEPT_RUNS = 8  # what a message shows; the count says the rest


def cp1252_lines(lines: Iterable[bytes]) -> Cp1252Lines:
    """Which lines (1 = the first) a mixed file has in cp1252; memory stays that of a line."""
    found = Cp1252Lines()
    for number, line in enumerate(lines, 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            found.count += 1
            if found.runs and found.runs[-1][1] + 1 == number:
                found.runs[-1] = (found.runs[-1][0], number)
            elif len(found.runs) < KEPT_RUNS:
                found.runs.append((number, number))
        else:
            found.utf8 = True
    return found
