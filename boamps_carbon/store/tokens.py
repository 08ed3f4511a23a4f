"""Access tokens for the service: a random secret shown once, stored as its SHA-256.

The secret has 256 random bits, so a plain SHA-256 cannot be reversed or guessed: no salt or
slow hash is needed (those protect short passwords). Lookup is by digest, then the digests are
compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, or_, select, update

from .errors import StoreError
from .migrations import now_text
from .tables import tokens

PREFIX = "boamps_"


@dataclass(frozen=True)
class TokenInfo:
    """A token without its secret."""

    token_id: str
    name: str
    read_only: bool
    created_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _info(row: Any) -> TokenInfo:
    return TokenInfo(row.token_id, row.name, bool(row.read_only), row.created_at, row.revoked_at)


def create(conn: Connection, name: str, read_only: bool) -> str:
    if not name or not name.strip() or len(name) > 200:
        raise StoreError(
            "Bad token name", "--name", repr(name), "Give a name of 1 to 200 characters."
        )
    if conn.execute(select(tokens.c.name).where(tokens.c.name == name)).first():
        raise StoreError("Token name already used", "--name", repr(name), "Choose another name.")
    secret = PREFIX + secrets.token_urlsafe(32)
    conn.execute(
        tokens.insert().values(
            token_id=secrets.token_hex(4),
            name=name,
            secret_sha256=_digest(secret),
            read_only=read_only,
            created_at=now_text(),
            revoked_at=None,
        )
    )
    return secret


def listed(conn: Connection) -> list[TokenInfo]:
    rows = conn.execute(select(tokens).order_by(tokens.c.created_at, tokens.c.name))
    return [_info(row) for row in rows]


def revoke(conn: Connection, name_or_id: str) -> TokenInfo:
    row = conn.execute(
        select(tokens).where(or_(tokens.c.name == name_or_id, tokens.c.token_id == name_or_id))
    ).first()
    if row is None:
        raise StoreError(
            "No such token", "token revoke", repr(name_or_id), "See `boamps store token list`."
        )
    if row.revoked_at is None:
        conn.execute(
            update(tokens).where(tokens.c.token_id == row.token_id).values(revoked_at=now_text())
        )
    found = conn.execute(select(tokens).where(tokens.c.token_id == row.token_id)).one()
    return _info(found)


def check(conn: Connection, secret: str) -> TokenInfo | None:
    if not isinstance(secret, str) or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    digest = _digest(secret)
    row = conn.execute(select(tokens).where(tokens.c.secret_sha256 == digest)).first()
    if row is None or not hmac.compare_digest(row.secret_sha256, digest) or row.revoked_at:
        return None
    return _info(row)
