"""Who may do what: writes need a token that may write; reads need a token only when the
service is private. Tokens are those of `boamps store token create`, checked by the store."""

from __future__ import annotations

from typing import Any

from .problems import ApiProblem

_CHALLENGE = {"WWW-Authenticate": "Bearer"}
CREATE_HINT = "Send Authorization: Bearer TOKEN, with a token from `boamps store token create`."


def secret_of(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header; None when there is no header."""
    if authorization is None:
        return None
    scheme, _, secret = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _unauthorized("Not a bearer token in the Authorization header.", CREATE_HINT)
    return secret.strip()


def check(store: Any, authorization: str | None, *, write: bool) -> None:
    """Raises the 401 or 403 problem when the request may not go on."""
    secret = secret_of(authorization)
    if secret is None:
        what = (
            "Writing needs a token" if write else "This service is private: reading needs a token"
        )
        raise _unauthorized(f"{what}.", CREATE_HINT)
    token = store.check_token(secret)
    if token is None:
        raise _unauthorized("Unknown or revoked token.", "Check the token, or ask for a new one.")
    if write and token.read_only:
        raise ApiProblem(
            403,
            "forbidden",
            f"Token {token.name!r} is read-only: it may not write.",
            "Use a token made without --read-only.",
        )


def _unauthorized(message: str, hint: str) -> ApiProblem:
    problem = ApiProblem(401, "unauthorized", message, hint)
    problem.headers = dict(_CHALLENGE)
    return problem
