"""RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON value, so that a hash
of a report does not depend on key order, spacing or how a number happened to be written."""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any

import orjson

from ..errors import BoampsError


class CanonicalError(BoampsError, ValueError):
    """A value JCS cannot represent: NaN, infinities, lone surrogates, non-JSON types."""


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical form of a JSON value, as UTF-8 bytes."""
    try:
        return _quick(value).encode("utf-8")
    except (_Slow, RecursionError):  # what the quick way does not take: the careful way says where
        parts: list[str] = []
        _write(value, parts, "$")
        return "".join(parts).encode("utf-8")


# orjson's text of JSON values, keys sorted: JCS's but for what `canonical_json_parsed` fixes
# or leaves to `canonical_json`
_ORJSON = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)
_WHOLE_FLOAT = re.compile(rb"\.0(?=[,}\]]|\Z)")  # 100.0 is 100 in JCS
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_SIXTEEN = b"0" * 16


def _refuse(value: Any) -> Any:
    raise TypeError


def canonical_json_parsed(value: Any) -> bytes:
    """`canonical_json` of a value of JSON types only (dict, list, str, int, float, bool,
    None), as a JSON parser makes them, five times faster: orjson's text with sorted keys,
    which is JCS's but for the numbers written `100.0` (fixed here: `100`), and for what goes
    the careful way: numbers with an exponent, -0.0, integers of 16 digits or more (JCS
    writes the nearest double), null (NaN and the infinities are null to orjson), strings
    that hold a quote or end with a backslash, characters beyond the BMP (JCS orders keys by
    UTF-16 units, orjson by code points)."""
    try:
        data = orjson.dumps(value, option=_ORJSON, default=_refuse)
    except (TypeError, orjson.JSONEncodeError):
        return canonical_json(value)
    if b'\\"' in data or (not data.isascii() and max(data) >= 0xF0):
        return canonical_json(value)
    # without an escaped quote, every quote starts or ends a string: the even pieces are
    # what lies between strings (numbers, literals, punctuation)
    pieces = data.split(b'"')
    between = b'"'.join(pieces[0::2])
    if (
        b"e+" in between
        or b"e-" in between
        or b"-0.0" in between
        or b"null" in between
        or _long_integer(between)
    ):
        return canonical_json(value)
    if b".0" not in between:
        return data
    pieces[0::2] = _WHOLE_FLOAT.sub(b"", between).split(b'"')
    return b'"'.join(pieces)


def _long_integer(between: bytes) -> bool:
    """Whether a number of 16 digits or more before its point is among the numbers of
    `between` (digits after a point, 0.30000000000000004, are written alike by both)."""
    zeros = between.translate(_DIGITS_AS_ZERO)
    at = zeros.find(_SIXTEEN)
    while at >= 0:
        if at == 0 or zeros[at - 1] not in b".0":
            return True
        at = zeros.find(_SIXTEEN, at + 16)
    return False


class _Slow(Exception):
    pass


# escapes as JSON.stringify does: `"`, `\\`, \b \f \n \r \t, other controls as \u00xx
_QUOTE = json.encoder.encode_basestring


def _quick(value: Any) -> str:
    """`_write` for the common case, without keeping the place of each value (a store hashes
    every report it takes in): ASCII keys, strings without lone surrogates. Anything else,
    and any value JCS refuses, raises _Slow."""
    kind = type(value)
    if kind is str:
        if not value.isascii():
            try:
                value.encode("utf-16-be")
            except UnicodeEncodeError:  # a lone surrogate
                raise _Slow from None
        return str(_QUOTE(value))
    if kind is dict:
        if not all(type(key) is str and key.isascii() for key in value):
            raise _Slow
        # for ASCII keys, UTF-16 order is code point order
        return "{" + ",".join(f"{_QUOTE(key)}:{_quick(value[key])}" for key in sorted(value)) + "}"
    if kind is list or kind is tuple:
        return "[" + ",".join(map(_quick, value)) + "]"
    if kind is float:
        text = repr(value)
        # repr and ECMAScript agree on plain decimals (1e-4 to 1e16) but for a trailing ".0"
        if "e" not in text and "n" not in text and value != 0:
            return text[:-2] if text.endswith(".0") else text
    if kind is float or kind is int:
        try:
            return number(value)
        except CanonicalError:
            raise _Slow from None
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    raise _Slow


def _write(value: Any, out: list[str], where: str) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value, where))
    elif isinstance(value, (int, float)):
        out.append(number(value, where))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out, f"{where}[{index}]")
        out.append("]")
    elif isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise CanonicalError("Object key is not a string", where, repr(key))
        out.append("{")
        # JCS orders keys by their UTF-16 code units; UTF-16-BE bytes compare the same way
        for index, key in enumerate(sorted(value, key=lambda k: _utf16(k, where))):
            if index:
                out.append(",")
            out.append(_string(key, where))
            out.append(":")
            _write(value[key], out, f"{where}.{key}")
        out.append("}")
    else:
        raise CanonicalError("Not a JSON value", where, type(value).__name__)


def _utf16(text: str, where: str) -> bytes:
    try:
        return text.encode("utf-16-be")
    except UnicodeEncodeError:
        raise CanonicalError(
            "String holds a lone surrogate", where, ascii(text), "I-JSON forbids them."
        ) from None


def _string(text: str, where: str) -> str:
    _utf16(text, where)
    chars = ['"']
    for char in text:
        if char in _ESCAPES:
            chars.append(_ESCAPES[char])
        elif char < " ":
            chars.append(f"\\u{ord(char):04x}")
        else:
            chars.append(char)
    chars.append('"')
    return "".join(chars)


def number(value: int | float, where: str = "$") -> str:
    """ECMAScript's Number.prototype.toString of the IEEE 754 double nearest `value`."""
    try:
        double = float(value)
    except OverflowError:
        raise CanonicalError("Number out of the double range", where, value) from None
    if not math.isfinite(double):
        raise CanonicalError("Number is not finite", where, value, "JSON has no NaN or Infinity.")
    if double == 0:
        return "0"
    sign = "-" if double < 0 else ""
    # repr gives the shortest digits that round-trip, the digits ECMAScript picks too
    _, digit_tuple, exponent = Decimal(repr(abs(double))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = int(exponent) + k  # value = 0.digits x 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        power = n - 1
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        text = f"{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"
    return sign + text
