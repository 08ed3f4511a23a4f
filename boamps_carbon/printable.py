"""Text from reports and CSV files made safe to print for people.

A report is input: its strings can hold terminal escape sequences (ESC [ ... that recolour,
move the cursor, rewrite the title or the clipboard), carriage returns that overwrite a line,
or bidirectional overrides that show text in another order than it is. Every human-readable
output (text and Markdown renderings, statements, summaries, messages on stderr) passes the
values it prints through `printable`, which shows such characters as escapes (`\\x1b`)
instead of sending them to the terminal. Line feeds and tabs stay: they only lay text out.
A lone surrogate (which a JSON escape such as `\\ud800` can put in a string) cannot be written
as UTF-8 at all: it is shown as its escape too, so printing it never fails.
"""

from __future__ import annotations

import unicodedata

_KEPT = {"\n", "\t"}
# Unicode's bidirectional controls: harmless to a terminal, but they reorder what is shown
_BIDI = [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_TABLE: dict[int, str] = {
    code: _escape(code)
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), *_BIDI, *range(0xD800, 0xE000)]
    if chr(code) not in _KEPT
}
assert all(unicodedata.category(chr(c)) in ("Cc", "Cf", "Cs") for c in _TABLE)


def printable(text: str) -> str:
    """`text` with control characters (C0 and C1 but line feed and tab, and bidirectional
    controls, lone surrogates) shown as `\\xNN` / `\\uNNNN` escapes."""
    return text.translate(_TABLE)
