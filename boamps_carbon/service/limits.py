"""Request bodies over the limit get 413, counted as they arrive: a body is never read whole
before it is measured, whatever its Content-Length says (or does not say)."""

from __future__ import annotations

import json
from typing import Any

from .problems import ApiProblem

MB = 1024 * 1024


def too_large(limit: int) -> ApiProblem:
    return ApiProblem(
        413,
        "too-large",
        f"Request body over the limit: more than {limit / MB:g} MB.",
        "Send fewer reports per request, or start the service with a larger --max-body.",
    )


class BodyLimit:
    """ASGI middleware: refuses a declared Content-Length over `limit` at once, and stops
    an undeclared or understated one as soon as the bytes received pass it."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(send)
                return
        received = 0
        started = False

        async def counted() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise too_large(self.limit)
            return message

        async def sending(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except ApiProblem as problem:  # raised where no route could answer it
            if started or problem.status_code != 413:
                raise
            await self._refuse(send)

    async def _refuse(self, send: Any) -> None:
        problem = too_large(self.limit)
        body = json.dumps(problem.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
