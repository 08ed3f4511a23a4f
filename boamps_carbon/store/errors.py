"""What the store raises: typed, with the one-line message of every BoampsError."""

from __future__ import annotations

from ..errors import BoampsError


class StoreError(BoampsError):
    """The store cannot do what was asked: not a database, locked, read-only, gone away,
    an unknown field in a filter, a bad cursor... Nothing was written."""


class StoreConflict(StoreError):
    """Reports whose id is stored with other content; `report_ids` names them all (the
    first `core.NAMED_CONFLICTS` when the add kept no ids).
    Nothing from the batch was written."""

    def __init__(
        self,
        what: str,
        where: str = "",
        value: object = None,
        hint: str = "",
        report_ids: list[str] | None = None,
    ) -> None:
        self.report_ids = list(report_ids or [])
        super().__init__(what, where, value, hint)

    def __reduce__(self) -> tuple[type, tuple[object, ...]]:
        return type(self), (self.what, self.where, self.value, self.hint, self.report_ids)
