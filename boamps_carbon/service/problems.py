"""Errors as JSON problem objects ({"code", "message", "hint", ...}): the only way a request
fails, whatever it sent; never a stack trace."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BoampsError

# starlette's own errors (unknown route, wrong method) by status
_HTTP_CODES = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}


class ApiProblem(StarletteHTTPException):
    """A failed request, as its problem object. An HTTPException, so that FastAPI passes it
    through as it is, even when raised while it reads a form."""

    def __init__(self, status: int, code: str, message: str, hint: str = "", **extra: Any) -> None:
        super().__init__(status, message)
        self.body: dict[str, Any] = {"code": code, "message": message, "hint": hint, **extra}


def sentence(error: BoampsError) -> str:
    """The error's `<what> at <where>: <value>.`, without its hint (the problem has its own).
    A place the library names as a CLI option (`--schema-version`) is the service's parameter
    of the same meaning (`schema_version`): the service has no such option."""
    where = error.where
    if where.startswith("--"):
        where = where[2:].replace("-", "_")
    text = error.what + (f" at {where}" if where else "")
    return text + (f": {error.value}" if error.value is not None else "") + "."


def from_error(status: int, code: str, error: BoampsError, **extra: Any) -> ApiProblem:
    return ApiProblem(status, code, sentence(error), error.hint, **extra)


def response(problem: ApiProblem) -> JSONResponse:
    return JSONResponse(problem.body, status_code=problem.status_code, headers=problem.headers)


async def on_http_error(request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, ApiProblem):
        return response(error)
    assert isinstance(error, StarletteHTTPException)
    code = _HTTP_CODES.get(error.status_code, "bad-request")
    message = {404: "No such endpoint", 405: "Method not allowed"}.get(
        error.status_code, str(error.detail)
    )
    hint = "See the endpoints at /docs."
    return response(ApiProblem(error.status_code, code, f"{message} at {request.url.path}.", hint))


async def on_bad_request(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's checks of parameters and forms, as one problem naming the first wrong one."""
    assert isinstance(error, RequestValidationError)
    found = list(error.errors())
    first = found[0] if found else {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    value = first.get("input")
    shown = repr(value) if isinstance(value, (str, int, float)) else None
    text = f"Bad request at {where}" + (f": {shown[:80]}" if shown else "")
    return response(
        ApiProblem(
            400,
            "bad-request",
            text + ".",
            f"{first.get('msg', 'Check the request')}. See /docs.",
        )
    )


async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
    # a bug of ours: the server's log has the traceback, the client one line
    return response(
        ApiProblem(
            500,
            "internal-error",
            f"Internal error {type(error).__name__} at {request.url.path}.",
            "Please report it; the server's log has the details.",
        )
    )
