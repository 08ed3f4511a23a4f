"""`canonical_json_parsed`, orjson's way to RFC 8785: the bytes `canonical_json` writes, always."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boamps_carbon.trust.canonical import CanonicalError, canonical_json, canonical_json_parsed

TRICKY_TEXT = st.text(
    st.sampled_from([*'a"\\\x00\x1f\x7f\u2028é\ue000\U0001f600.0,}]-e+', "\ud800"]),
    max_size=6,
)
NUMBERS = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.sampled_from([0.0, -0.0, 100.0, -7.0, 1e16, 1e21, 1e-6, 1e-7, 0.1, 2.0**53, -0.05])
)
VALUES = st.recursive(
    st.none() | st.booleans() | NUMBERS | st.text() | TRICKY_TEXT,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text() | TRICKY_TEXT, inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=600, deadline=None)
@given(value=VALUES)
def test_the_parsed_way_writes_what_the_careful_way_writes(value: Any) -> None:
    try:
        expected = canonical_json(value)
    except CanonicalError:
        with pytest.raises(CanonicalError):
            canonical_json_parsed(value)
        return
    assert canonical_json_parsed(value) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('{"b":100.0,"a":[0.0,1.5,"1.0,"]}', b'{"a":[0,1.5,"1.0,"],"b":100}'),
        ('{"x":-0.0,"y":1e16,"z":1e-7}', b'{"x":0,"y":10000000000000000,"z":1e-7}'),
        ('{"q":"say \\"2.0\\"","n":null}', b'{"n":null,"q":"say \\"2.0\\""}'),
        ('{"\\ud83d\\ude00":1,"\\ue000":2}', '{"😀":1,"\ue000":2}'.encode()),
        ("[9007199254740993, 12.0]", b"[9007199254740992,12]"),
        (
            '{"a":0.30000000000000004,"b":-12345678901234567,"c":[1234567890123456.8]}',
            b'{"a":0.30000000000000004,"b":-12345678901234568,"c":[1234567890123456.8]}',
        ),
    ],
)
def test_what_orjson_writes_otherwise_is_written_as_jcs_says(source: str, expected: bytes) -> None:
    value = json.loads(source)
    assert canonical_json_parsed(value) == canonical_json(value) == expected


@settings(max_examples=300, deadline=None)
@given(
    report_id=st.text(),
    removes=st.none() | st.integers(min_value=1, max_value=2**40),
)
def test_a_store_ledger_entry_is_written_as_the_standard_module_writes_it(
    report_id: str, removes: int | None
) -> None:
    from boamps_carbon.store.ledger import _entry_text

    entry = {"seq": 3, "time": "2026-11-29T12:00:00Z", "action": "remove", "reportId": report_id}
    entry.update(reportSeq=7, reportSha256=None, removes=removes, prev="0" * 64, hash="f" * 64)
    assert _entry_text(entry) == json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


@settings(max_examples=300, deadline=None)
@given(
    report_id=st.text() | TRICKY_TEXT.filter(lambda t: "\ud800" not in t),
    seq=st.integers(min_value=1, max_value=2**53),
    report_seq=st.integers(min_value=1, max_value=2**53),
)
def test_an_add_entry_form_filled_in_is_the_entry_canonical_json(
    report_id: str, seq: int, report_seq: int
) -> None:
    from boamps_carbon.store.ledger import add_entry_form

    sha, prev, time = "0f" * 32, "a1" * 32, "2026-11-29T12:00:00Z"
    entry = {"seq": seq, "time": time, "action": "add", "reportId": report_id}
    entry.update(reportSeq=report_seq, reportSha256=sha, prev=prev)
    filled = add_entry_form(report_id, sha) % (prev, report_seq, seq, time)
    assert filled.encode("utf-8") == canonical_json(entry)
