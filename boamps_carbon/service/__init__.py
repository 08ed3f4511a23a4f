"""The HTTP service (`boamps serve`): a store shared over HTTP, on FastAPI and uvicorn.

Imported only when serving: FastAPI stays off the command line's start-up path. Every route
calls the library (`Store`, `validate`, `convert`); nothing here knows more than it does."""

from __future__ import annotations

from .app import DEFAULT_MAX_BODY, create_app

__all__ = ["DEFAULT_MAX_BODY", "create_app"]
