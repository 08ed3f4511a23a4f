"""A tamper-evident ledger of reports: JSON Lines, each entry chained to the one before by
hash, optionally signed with Ed25519.

An entry is {seq, time, reportId, file, reportSha256, prev, hash[, signature]}: `reportSha256`
is the SHA-256 of the report's RFC 8785 canonical JSON, `hash` the SHA-256 of the canonical
entry without `hash` and `signature`, `prev` the `hash` of the entry before (64 zeros for the
first). The signature (base64) signs the 32 bytes of `hash`. A verifier trusts only the public
key it is given, never anything written in the ledger.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BoampsError
from ..io import parse_json_bytes, write_all
from .canonical import CanonicalError, canonical_json

GENESIS = "0" * 64
FIELDS = ("seq", "time", "reportId", "file", "reportSha256", "prev", "hash")
UNDETECTABLE = (
    "entries cut from the end cannot be detected without --expect-head "
    "(the head hash printed by `boamps ledger append`)"
)


class LedgerError(BoampsError):
    """A ledger, report or key that cannot be read or written (not a tampering)."""


@dataclass(frozen=True)
class Tampering:
    """The first bad entry found and why."""

    line: int
    seq: int | None
    kind: str  # edited-entry, edited-report, missing-report, deleted, inserted, reordered,
    # broken-chain, bad-signature, unsigned, not-an-entry, truncated
    reason: str
    unit: str = "line"  # what `line` counts: a file's lines, a store's ledger rows

    def __str__(self) -> str:
        seq = "" if self.seq is None else f" (seq {self.seq})"
        return f"{self.unit} {self.line}{seq}: {self.kind}: {self.reason}"


@dataclass
class Verification:
    entries: int = 0
    head: str = GENESIS
    head_seq: int = 0
    tampering: Tampering | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.tampering is None


# ---------------------------------------------------------------- hashing


def report_sha256(report: Any, where: str = "report") -> str:
    try:
        return hashlib.sha256(canonical_json(report)).hexdigest()
    except CanonicalError as exc:
        raise LedgerError(exc.what, f"{where}: {exc.where}", exc.value, exc.hint) from None


def entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k not in ("hash", "signature")}
    return hashlib.sha256(canonical_json(body)).hexdigest()


# ---------------------------------------------------------------- keys


def _crypto() -> Any:
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:  # pragma: no cover - the [ledger] extra is missing
        raise LedgerError(
            "Signing needs the cryptography package",
            "",
            None,
            "Install it: pip install 'boamps-carbon[ledger]'.",
        ) from None
    return serialization, ed25519


def generate_keys(prefix: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write PREFIX.key (private, mode 0600) and PREFIX.pub (public), both PEM; never overwrite."""
    serialization, ed25519 = _crypto()
    private_path, public_path = Path(f"{prefix}.key"), Path(f"{prefix}.pub")
    for path in (private_path, public_path):
        if path.exists():
            raise LedgerError(
                "Key file already exists", str(path), None, "Choose another prefix with -o."
            )
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    try:
        fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(private)
        public_path.write_bytes(public)
    except OSError as exc:
        private_path.unlink(missing_ok=True)
        raise LedgerError(
            "Cannot write key file", str(exc.filename or prefix), exc.strerror, ""
        ) from None
    return private_path, public_path


def _load_key(path: str | os.PathLike[str], private: bool) -> Any:
    serialization, ed25519 = _crypto()
    kind = "private" if private else "public"
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise LedgerError(
            f"Cannot read {kind} key", str(path), exc.strerror, "Check the path."
        ) from None
    try:
        key = (
            serialization.load_pem_private_key(data, password=None)
            if private
            else serialization.load_pem_public_key(data)
        )
    except (ValueError, TypeError) as exc:
        raise LedgerError(
            f"Not a PEM {kind} key",
            str(path),
            str(exc).split("\n")[0].rstrip("."),
            "Make one with `boamps ledger keygen`.",
        ) from None
    expected = ed25519.Ed25519PrivateKey if private else ed25519.Ed25519PublicKey
    if not isinstance(key, expected):
        raise LedgerError(
            f"Not an Ed25519 {kind} key",
            str(path),
            type(key).__name__,
            "Make one with `boamps ledger keygen`.",
        )
    return key


# ---------------------------------------------------------------- append


def _read_report(path: Path) -> tuple[Any, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LedgerError(
            "Cannot read report", str(path), exc.strerror, "Check the path."
        ) from None
    data, problems = parse_json_bytes(raw)
    if problems:
        raise LedgerError(
            "Report is not valid JSON", f"{path}: {problems[0].path}", problems[0].message, ""
        )
    if not isinstance(data, dict):
        raise LedgerError(
            "Report is not a JSON object", str(path), type(data).__name__, "Give BoAmps reports."
        )
    return data, report_sha256(data, str(path))


def _utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def append(
    ledger: str | os.PathLike[str],
    reports: Iterable[str | os.PathLike[str]],
    key: str | os.PathLike[str] | None = None,
    clock: Callable[[], str] = _utc_now,
) -> list[dict[str, Any]]:
    """Append one entry per report, all at once, under an exclusive lock; returns the entries
    written (the last one's `hash` is the new head). Every report is read and hashed before
    the ledger is touched, so a bad report leaves the ledger as it was."""
    signer = _load_key(key, private=True) if key is not None else None
    hashed = []
    for name in reports:
        path = Path(name)
        data, digest = _read_report(path)
        header = data.get("header")
        report_id = header.get("reportId") if isinstance(header, dict) else None
        hashed.append((path.name, report_id if isinstance(report_id, str) else None, digest))
    path = Path(ledger)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    except OSError as exc:
        raise LedgerError(
            "Cannot open ledger", str(path), exc.strerror, "Check the path."
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_entry(fd, path)
        _check_signing(path, last, signer, key)
        seq, prev = (int(last["seq"]), str(last["hash"])) if last else (0, GENESIS)
        written, lines = [], []
        for name, report_id, digest in hashed:
            seq += 1
            entry: dict[str, Any] = {
                "seq": seq,
                "time": clock(),
                "reportId": report_id,
                "file": name,
                "reportSha256": digest,
                "prev": prev,
            }
            entry["hash"] = prev = entry_hash(entry)
            if signer is not None:
                entry["signature"] = base64.b64encode(signer.sign(bytes.fromhex(prev))).decode()
            written.append(entry)
            lines.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")
        try:
            # one write of every line: readers never see half a batch from a live writer
            write_all(fd, "".join(lines).encode("utf-8"))
            os.fsync(fd)
        except OSError as exc:
            raise LedgerError("Cannot write ledger", str(path), exc.strerror, "") from None
    finally:
        os.close(fd)  # releases the lock
    return written


def _check_signing(
    path: Path, last: dict[str, Any] | None, signer: Any, key: str | os.PathLike[str] | None
) -> None:
    """A ledger is signed throughout or not at all, by one key: appending otherwise would
    leave entries that `verify --key` calls tampered. `last`: the ledger's last entry."""
    if last is None:
        return
    signed = "signature" in last
    if not signed and signer is not None:
        raise LedgerError(
            "Ledger is not signed",
            str(path),
            f"entries 1 to {last['seq']} carry no signature",
            "Append without --key, or start a new ledger to sign its entries.",
        )
    if signed and signer is None:
        raise LedgerError(
            "Ledger is signed",
            str(path),
            f"entry {last['seq']} carries a signature",
            "Give --key with the private key its entries were signed with.",
        )
    if signed and _check_signature(signer.public_key(), last) is not None:
        raise LedgerError(
            "Key did not sign this ledger",
            str(key),
            f"entry {last['seq']} of {path} is signed with another key",
            "Give --key with the private key its entries were signed with.",
        )


def _last_entry(fd: int, path: Path) -> dict[str, Any] | None:
    """The ledger's last entry (None: no entry yet), read backwards from its end only."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    tail = b""
    position = size
    while position > 0:
        step = min(65536, position)
        position -= step
        tail = os.pread(fd, step, position) + tail
        if tail.count(b"\n") >= 2 or position == 0:
            break
    if not tail.endswith(b"\n"):
        raise LedgerError(
            "Ledger ends with an incomplete line",
            str(path),
            None,
            "Run `boamps ledger verify` and repair it before appending.",
        )
    last = tail[:-1].rsplit(b"\n", 1)[-1]
    data, problems = parse_json_bytes(last)
    if problems or not isinstance(data, dict) or not _is_entry(data):
        raise LedgerError(
            "Ledger's last line is not an entry",
            str(path),
            None,
            "Run `boamps ledger verify` before appending.",
        )
    return data


def _is_entry(data: dict[str, Any], fields: tuple[str, ...] = FIELDS) -> bool:
    return (
        all(name in data for name in fields)
        and type(data["seq"]) is int
        and isinstance(data["hash"], str)
        and isinstance(data["prev"], str)
        and isinstance(data["reportSha256"], str)
    )


# ---------------------------------------------------------------- verify


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise LedgerError(
            "Cannot read ledger", str(path), exc.strerror, "Check the path."
        ) from None
    with handle:
        yield from enumerate(handle, 1)


def verify(
    ledger: str | os.PathLike[str],
    reports: str | os.PathLike[str] | None = None,
    key: str | os.PathLike[str] | None = None,
    expect_head: str | None = None,
    check: Callable[[dict[str, Any]], tuple[str, str] | None] | None = None,
) -> Verification:
    """Check the whole chain; stops at the first bad entry. Streams the ledger. Each entry's
    report is checked against the file it names in the folder `reports`, or by `check`
    (given an entry: None, or the kind and reason of a tampering), such as
    `boamps_carbon.store.ledger.matching(store)` for the reports of a store."""
    verifier = _load_key(key, private=False) if key is not None else None
    folder = Path(reports) if reports is not None else None
    if folder is not None and not folder.is_dir():
        raise LedgerError("Reports folder not found", str(folder), None, "Check --reports.")
    if folder is not None and check is not None:
        raise LedgerError(
            "Two places to find the reports", "--reports and --db", None, "Give one of them."
        )
    expect_head = check_expect_head(expect_head)
    if folder is not None:
        check = FolderReports(folder).check
    return check_chain(_lines(Path(ledger)), verifier, expect_head, check)


def check_expect_head(
    expect_head: str | None, printed_by: str = "boamps ledger append"
) -> str | None:
    """`expect_head` in lower case; LedgerError when it is not a SHA-256 hash (the hint names
    `printed_by`, the command that prints heads of this kind of ledger)."""
    if expect_head is None:
        return None
    expect_head = expect_head.strip().lower()
    if len(expect_head) != 64 or any(c not in "0123456789abcdef" for c in expect_head):
        raise LedgerError(
            "Expected head is not a SHA-256 hash",
            "--expect-head",
            expect_head,
            f"Give the 64 hexadecimal digits printed by `{printed_by}`.",
        )
    return expect_head


def check_chain(
    lines: Iterator[tuple[int, bytes]],
    verifier: Any = None,
    expect_head: str | None = None,
    check: Callable[[dict[str, Any]], tuple[str, str] | None] | None = None,
    *,
    fields: tuple[str, ...] = FIELDS,
    unit: str = "line",
    undetectable: str = UNDETECTABLE,
) -> Verification:
    """The chain of entries given as (number, JSON text) in their order: the rules of every
    ledger, a file's or a store's; `check` looks at each entry's report. Stops at the first
    bad entry."""
    result = Verification()
    head_seen_at: int | None = 0 if expect_head == GENESIS else None
    signed = 0
    pending: tuple[int, bytes] | None = None

    def bad(number: int, seq: int | None, kind: str, reason: str) -> Verification:
        result.tampering = Tampering(number, seq, kind, reason, unit)
        return result

    while True:
        item = pending if pending is not None else next(lines, None)
        pending = None
        if item is None:
            break
        number, raw = item
        entry, why = _parse(raw, fields)
        if entry is None:
            return bad(number, None, "not-an-entry", why)
        seq = entry["seq"]
        expected = result.head_seq + 1
        if entry_hash(entry) != entry["hash"]:
            return bad(number, seq, "edited-entry", "its content does not match its hash")
        if seq != expected:
            if seq > expected:
                pending = next(lines, None)
                following = _parse(pending[1], fields)[0] if pending is not None else None
                if following is not None and following["seq"] < seq:
                    kind, reason = "reordered", f"seq {seq} comes before seq {following['seq']}"
                else:
                    missing = f"seq {expected}" + (f" to {seq - 1}" if seq - 1 > expected else "")
                    kind, reason = "deleted", f"{missing} missing before it"
            else:
                kind = "inserted" if seq == result.head_seq else "reordered"
                reason = f"seq {seq} after seq {result.head_seq}"
            return bad(number, seq, kind, reason)
        if entry["prev"] != result.head:
            return bad(
                number,
                seq,
                "broken-chain",
                f"prev {entry['prev'][:12]}… is not the hash of seq {result.head_seq} "
                f"({result.head[:12]}…): an entry before it was replaced, inserted or removed",
            )
        if verifier is not None:
            problem = _check_signature(verifier, entry)
            if problem is not None:
                return bad(number, seq, *problem)
        signed += "signature" in entry
        if check is not None:
            problem = check(entry)
            if problem is not None:
                return bad(number, seq, *problem)
        result.entries, result.head, result.head_seq = result.entries + 1, entry["hash"], seq
        if expect_head is not None and entry["hash"] == expect_head:
            head_seen_at = seq
    if expect_head is None:
        result.notes.append(undetectable)
    elif head_seen_at is None:
        return bad(
            result.entries + 1,
            None,
            "truncated",
            f"the expected head {expect_head[:12]}… is not in the ledger, which ends at seq "
            f"{result.head_seq} ({result.head[:12]}…): entries were cut from the end, or the "
            "head belongs to another ledger",
        )
    elif head_seen_at < result.head_seq:
        result.notes.append(
            f"the expected head is seq {head_seen_at}; "
            f"{result.head_seq - head_seen_at} entries were appended since"
        )
    if verifier is None and signed:
        result.notes.append(f"{signed} signatures not checked: give the public key with --key")
    return result


def _parse(raw: bytes, fields: tuple[str, ...] = FIELDS) -> tuple[dict[str, Any] | None, str]:
    data, problems = parse_json_bytes(raw)
    if problems:
        return None, f"not JSON ({problems[0].message})"
    if not isinstance(data, dict) or not _is_entry(data, fields):
        return None, "not a ledger entry (" + ", ".join(fields) + " expected)"
    return data, ""


def _check_signature(verifier: Any, entry: dict[str, Any]) -> tuple[str, str] | None:
    from cryptography.exceptions import InvalidSignature

    signature = entry.get("signature")
    if not isinstance(signature, str):
        return "unsigned", "no signature, and a key was given"
    try:
        verifier.verify(base64.b64decode(signature, validate=True), bytes.fromhex(entry["hash"]))
    except (InvalidSignature, binascii.Error, ValueError):
        return "bad-signature", "the signature does not match the given public key"
    return None


class FolderReports:
    """The reports of a folder, matched to entries by content, not by file name: reports
    of different folders often share one (`run-a/report.json`, `run-b/report.json`), and an
    entry records the name alone. An entry's report is the file it names when that file
    still has the recorded SHA-256 (nothing else is read); else any `*.json` below the folder
    that has it, from an index of the SHA-256 and reportId of each, made once on first need
    (about 150 bytes a report)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.digests: set[str] | None = None
        self.ids: dict[str, Path] = {}  # reportId: the first file (in sorted order) with it
        self.unreadable: dict[str, tuple[Path, str]] = {}  # file name: path, why

    def check(self, entry: dict[str, Any]) -> tuple[str, str] | None:
        name, digest, report_id = entry["file"], entry["reportSha256"], entry["reportId"]
        named = self._named(name)
        named_id: Any = None  # the reportId of the file the entry names
        if named is not None and named.is_file():
            try:
                data, found = _read_report(named)
            except LedgerError:
                found = None  # told below, unless another file has the content
            else:
                if found == digest:
                    return None
                header = data.get("header")
                named_id = header.get("reportId") if isinstance(header, dict) else None
        if digest in self._index():
            return None
        same_id = self.ids.get(report_id) if isinstance(report_id, str) else None
        if same_id is not None:
            return "edited-report", f"{same_id} no longer has the SHA-256 the entry recorded"
        if isinstance(name, str) and name in self.unreadable:
            path, why = self.unreadable[name]
            return "edited-report", f"{path} can no longer be read: {why}"
        if named is not None and named.is_file():
            note = ""
            if isinstance(report_id, str) and named_id != report_id:
                note = f" (it has reportId {named_id!r}, the entry {report_id!r})"
            return "edited-report", f"{named} no longer has the SHA-256 the entry recorded{note}"
        return "missing-report", f"{name!r} not found in {self.folder}"

    def _named(self, name: Any) -> Path | None:
        """The file the entry names, directly in the folder; None for a name with a folder
        in it (`../x`), which an entry never records."""
        if isinstance(name, str) and name and Path(name).name == name:
            return self.folder / name
        return None

    def _index(self) -> set[str]:
        if self.digests is None:
            self.digests = set()
            for path in sorted(self.folder.rglob("*.json")):
                if not path.is_file():
                    continue
                try:
                    data, digest = _read_report(path)
                except LedgerError as exc:
                    self.unreadable.setdefault(path.name, (path, exc.what))
                    continue
                self.digests.add(digest)
                header = data.get("header")
                report_id = header.get("reportId") if isinstance(header, dict) else None
                if isinstance(report_id, str):
                    self.ids.setdefault(report_id, path)
        return self.digests
