"""A report as it comes into the store: read, hashed, and made into the store's rows, before
its batch is written. Plain functions of the report alone (no database), so that worker
processes can make them (`store.parallel`) while the store writes."""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

from .. import fastjson
from .errors import StoreError
from .ledger import add_entry_form, document_value, report_digest
from .rows import component_rows, measure_rows, report_row


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parsed(item: Any, position: int) -> tuple[dict[str, Any], str, bytes, bool]:
    """(report, its text, the text's UTF-8 bytes, whether the report was read here from that
    text) from a dict, JSON text or bytes, or a pair (dict, its JSON text or bytes) when the
    caller parsed it already."""
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], dict):
        report, raw = item
        text = text_of(raw, position)
        return report, text, _utf8(raw, text), False
    if isinstance(item, dict):
        from ..writers import report_json

        text = report_json(item, indent=None)
        return item, text, text.encode("utf-8"), False
    if isinstance(item, (bytes, bytearray, str)):
        data = item.encode("utf-8", "surrogatepass") if isinstance(item, str) else bytes(item)
        value = fastjson.fast(data)
        if value is not fastjson.SLOW:
            text = item if isinstance(item, str) else data.decode("utf-8")
        else:  # the standard parser, for its exact words on what is wrong
            text = text_of(item, position)
            try:
                value = json.loads(text, parse_constant=_no_constant)
            except (ValueError, RecursionError) as error:
                raise StoreError(
                    "Report is not JSON", f"report {position}", str(error), "Nothing was written."
                ) from None
            data = _utf8(item, text)
        if isinstance(value, dict):
            return value, text, data, True
        item = value
    raise StoreError(
        "Report is not a JSON object",
        f"report {position}",
        type(item).__name__,
        "Nothing was written.",
    )


def text_of(raw: Any, position: int) -> str:
    """The text a report is stored as, given as text or bytes (UTF-8, a byte order mark
    left out)."""
    if isinstance(raw, str):
        return raw
    try:
        return bytes(raw).decode("utf-8-sig")  # a byte order mark is not part of the report
    except UnicodeDecodeError as error:
        raise StoreError(
            "Report is not UTF-8", f"report {position}", str(error), "Nothing was written."
        ) from None


def _utf8(raw: Any, text: str) -> bytes:
    """The stored text's bytes: the given bytes themselves unless they began with a byte
    order mark (or were text)."""
    if isinstance(raw, (bytes, bytearray)) and not raw.startswith(b"\xef\xbb\xbf"):
        return bytes(raw)
    return text.encode("utf-8", "surrogatepass")


def _report_id(report: dict[str, Any], position: int) -> str:
    header = report.get("header")
    found = header.get("reportId") if isinstance(header, dict) else None
    if not isinstance(found, str) or not found:
        raise StoreError(
            "Report without an id",
            f"report {position}: header.reportId",
            repr(found),
            "Every stored report needs a header.reportId; nothing was written.",
        )
    return found


class Pending(NamedTuple):
    """A report waiting for its batch to be written: its rows are made, and the parsed
    report is let go (a batch of parsed reports, thousands of small objects each, would
    keep the garbage collector busy); its text is parsed again only when an id meets a
    stored one with another text. Tuples of plain values all through: the collector stops
    tracking them, so that a batch does not make it sweep the whole process."""

    report_id: str
    digest: str  # of the text
    ledger_sha256: str  # of the report's canonical JSON (`ledger.report_digest`)
    entry_form: str  # its ledger entry's canonical JSON, to fill in (`ledger.add_entry_form`)
    text: str
    corrective: bool
    row: tuple[Any, ...]  # of REPORT_COLUMNS
    measures: tuple[tuple[Any, ...], ...]
    components: tuple[tuple[Any, ...], ...]


def derive(item: Any, position: int) -> Pending:
    """A report (as `Store.add` takes it) at its position in the add, ready to be written.
    Raises StoreError (or LedgerError) naming the position when it cannot be stored."""
    report, text, data, read_here = _parsed(item, position)
    header = report.get("header")
    report_id = _report_id(report, position)
    # the ledger hashes what is stored: the text, read as `json.loads` reads it
    stored = report if read_here else document_value(data, text, report_id)
    sha256 = report_digest(stored, report_id)
    return Pending(
        report_id,
        hashlib.sha256(data).hexdigest(),
        sha256,
        add_entry_form(report_id, sha256),
        text,
        isinstance(header, dict) and header.get("reportStatus") == "corrective",
        tuple(report_row(report).values()),
        tuple(measure_rows(report)),
        tuple(component_rows(report)),
    )
