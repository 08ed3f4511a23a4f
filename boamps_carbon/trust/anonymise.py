"""Copies of reports fit for open data: names become keyed pseudonyms, places and times
coarsened, free text scrubbed (share) or dropped (strict).

Pseudonyms are HMAC-SHA256 of the value under a secret key the user keeps: the same name and
key give the same pseudonym, so series stay linkable; without the key they cannot be reversed
or checked against guesses. (A shift or a plain hash of a name could be.)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BoampsError

LEVELS = ("share", "strict")
KEY_BYTES = 32
# where names of people, teams and projects sit, and the kind their pseudonym says
NAMES = {
    ("header", "publisher", "name"): "publisher",
    ("header", "publisher", "division"): "division",
    ("header", "publisher", "projectName"): "project",
    ("task", "dataset", "owner"): "owner",
}
# where a model or data set was kept often names an internal host: dropped at both levels
DROPPED = {
    ("header", "publisher", "publicKey"),
    ("environment", "location"),
    ("task", "algorithms", "algorithmUri"),
    ("task", "dataset", "sourceUri"),
}
COORDINATES = {("environment", "latitude"), ("environment", "longitude")}
TIMESTAMPS = {("header", "reportDatetime"), ("measures", "measurementDateTime")}
FREE_TEXT = {("task", "taskDescription"), ("task", "algorithms", "foundationModelUri")}
REPORT_ID = ("header", "reportId")
# an address, or a user at a host with no domain (`jdoe@gpu-node-17`, `root@vm`)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*")
# a user's home folder inside a path: `/home/jdoe/...`, `/Users/jdoe/...`, `C:\\Users\\jdoe\\...`
HOME = re.compile(r"(?<![\w.-])((?:/home|/Users|[A-Za-z]:\\Users)[/\\])([^/\\\s]+)")
# Lamarr's experiment ids: project___user___host (user and host must never leak)
JOINED_ID = re.compile(r"[^\s/]+___[^\s/]+___[^\s/]+")
TIMESTAMP = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T]")


class AnonymiseError(BoampsError):
    """A key file that cannot be read or made."""


@dataclass
class Anonymised:
    report: dict[str, Any]
    changes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (path, action) -> n


# ---------------------------------------------------------------- keys


def read_key(path: str | os.PathLike[str]) -> bytes:
    target = Path(path)
    try:
        text = target.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise AnonymiseError(
            "Key file not found", str(target), None, "Give --new-key to make one, and keep it."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not ASCII text"
        raise AnonymiseError("Cannot read key file", str(target), reason, "") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise AnonymiseError(
            "Key file does not hold a key",
            str(target),
            f"{len(text)} characters",
            "A key is at least 32 hexadecimal digits; make one with --new-key.",
        )
    return key


def new_key(path: str | os.PathLike[str]) -> bytes:
    """A random key written to `path` (mode 0600); never overwrites."""
    key = secrets.token_bytes(KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise AnonymiseError(
            "Key file already exists", str(path), None, "Leave out --new-key to use it."
        ) from None
    except OSError as exc:
        raise AnonymiseError("Cannot write key file", str(path), exc.strerror, "") from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key.hex() + "\n")
    return key


def pseudonym(key: bytes, kind: str, value: str) -> str:
    digest = hmac.new(key, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}-{digest[:16]}"


def report_id(key: bytes, value: str) -> str:
    digest = hmac.new(key, f"reportId\0{value}".encode(), hashlib.sha256).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


# ---------------------------------------------------------------- reports


def anonymise(report: dict[str, Any], key: bytes, level: str = "share") -> Anonymised:
    """A new report (the input is left alone) and what changed, per field."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    done = Anonymised({})
    done.report = _walk(report, (), "", key, level, done.changes)
    return done


# (field path, what was done) -> how many times
Changes = Counter[tuple[str, str]]


def _walk(
    value: Any, keys: tuple[str, ...], path: str, key: bytes, level: str, changes: Changes
) -> Any:
    if isinstance(value, dict):
        out = {}
        for name, item in value.items():
            inner = (*keys, name)
            where = f"{path}.{name}" if path else name
            kept = _field(item, inner, where, key, level, changes)
            if kept is not _DROP:
                out[name] = kept
        return out
    if isinstance(value, list):
        return [_walk(item, keys, f"{path}[]", key, level, changes) for item in value]
    return value


_DROP = object()


def _field(
    value: Any, keys: tuple[str, ...], where: str, key: bytes, level: str, changes: Changes
) -> Any:
    if keys in DROPPED or (level == "strict" and (keys in COORDINATES or keys in FREE_TEXT)):
        changes[(where, "dropped")] += 1
        return _DROP
    if isinstance(value, (dict, list)):
        return _walk(value, keys, where, key, level, changes)
    if keys in NAMES and isinstance(value, str):
        changes[(where, "pseudonymised")] += 1
        return pseudonym(key, NAMES[keys], value)
    if keys == REPORT_ID and isinstance(value, str):
        changes[(where, "re-derived")] += 1
        return report_id(key, value)
    if keys in COORDINATES and isinstance(value, (int, float)) and not isinstance(value, bool):
        changes[(where, "rounded to 1°")] += 1
        return float(round(value))
    if keys in TIMESTAMPS and isinstance(value, str):
        match = TIMESTAMP.match(value)
        if match is None:
            changes[(where, "dropped (not a timestamp)")] += 1
            return _DROP
        year, month, day = match.groups()
        day = "01" if level == "strict" else day
        changes[
            (where, "coarsened to the month" if level == "strict" else "coarsened to the day")
        ] += 1
        return f"{year}-{month}-{day} 00:00:00"
    if isinstance(value, str):
        scrubbed = EMAIL.sub(lambda m: pseudonym(key, "email", m.group(0)), value)
        scrubbed = JOINED_ID.sub(lambda m: pseudonym(key, "id", m.group(0)), scrubbed)
        scrubbed = HOME.sub(lambda m: m.group(1) + pseudonym(key, "user", m.group(2)), scrubbed)
        if scrubbed != value:
            changes[(where, "names inside replaced")] += 1
        return scrubbed
    return value
