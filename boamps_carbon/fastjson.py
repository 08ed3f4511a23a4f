"""One JSON document from bytes, fast: orjson when it reads the text exactly as the standard
parser would, the standard parser (with its precise error places) otherwise.

orjson turns integers beyond 64 bits into floats, where Python's parser keeps them exact (and
the schema tells 2.0 from 2): a line with a run of 19 digits or more goes the standard way, as
does anything orjson refuses (the standard parser then says where and why, or accepts what
orjson is stricter about, such as a lone surrogate escape)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .io import parse_json_bytes
from .validation.problems import Problem

# every digit as 0: a run of 19 digits is then a plain substring search (a regex takes ten
# times as long on lines full of numbers)
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19

_orjson_loads: Callable[[bytes], Any] | None
try:
    from orjson import JSONDecodeError as _OrjsonError
    from orjson import loads as _orjson_loads
except ImportError:  # orjson is a dependency; a source checkout without it still reads JSON
    _orjson_loads = None


# what `fast` gives when orjson cannot stand in for the standard parser
SLOW = object()


def fast(data: bytes) -> Any:
    """The value of `data` read by orjson when it reads it exactly as the standard parser
    would; `SLOW` when the standard parser must read it (to say where it fails, or to keep
    long integers exact)."""
    if (
        _orjson_loads is not None
        and not data.startswith(b"\xef\xbb\xbf")
        and _LONG_RUN not in data.translate(_DIGITS_AS_ZERO)
    ):
        try:
            return _orjson_loads(data)
        except _OrjsonError:
            pass
    return SLOW


def parse(data: bytes) -> tuple[Any, list[Problem]]:
    """(value, problems) exactly as `io.parse_json_bytes` gives them, faster."""
    value = fast(data)
    return (value, []) if value is not SLOW else parse_json_bytes(data)


def loads(data: bytes) -> Any:
    """The value of valid JSON `data` (ValueError otherwise): the benchmarks' plain loop."""
    value, problems = parse(data)
    if problems:
        raise ValueError(str(problems[0]))
    return value
