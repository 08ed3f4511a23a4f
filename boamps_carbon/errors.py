"""Typed exceptions raised by the library. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from typing import Any


class BoampsError(Exception):
    """Base of every error the library raises on purpose.

    `what`, `where`, `value` and `hint` build the one-line message people read:
    ``<what> at <where>: <value>. <hint>``.
    """

    def __init__(self, what: str, where: str = "", value: object = None, hint: str = "") -> None:
        self.what = what
        self.where = where
        self.value = value
        self.hint = hint
        super().__init__(self.message)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        # rebuilt from its parts, not its message, when it crosses from a worker process
        return type(self), (self.what, self.where, self.value, self.hint)

    @property
    def message(self) -> str:
        text = self.what
        if self.where:
            text += f" at {self.where}"
        if self.value is not None:
            text += f": {self.value}"
        text += "."
        if self.hint:
            text += f" {self.hint}"
        return text


class UnknownSchemaVersionError(BoampsError, ValueError):
    """A schema version that this package does not ship."""


class ReportLoadError(BoampsError):
    """A report that cannot be read: not JSON, not an object, or not a valid report."""

    def __init__(
        self,
        what: str,
        where: str = "",
        value: object = None,
        hint: str = "",
        problems: list[Any] | None = None,
    ) -> None:
        self.problems = problems or []
        super().__init__(what, where, value, hint)


class InputError(BoampsError):
    """Bad input data: unreadable file, malformed row, impossible value."""


class NoReportError(InputError):
    """A reading (dashboard, comparison) left with no report: none selected, or none valid.
    Its own type so that the service can say it in terms of its query parameters."""
