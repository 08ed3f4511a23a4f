"""What converting a row gives, and the pieces of output: plain records that the engine
(`conversion`), its fast path (`fast/`), the writers and the reports share, so that none of
them imports another's module to name them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .validation.problems import Problem

if TYPE_CHECKING:
    from .assemble import Assembled
    from .fieldmap import FieldEngine
    from .fieldmap.engine import Mark
    from .fieldmap.transforms import RunContext
    from .schema import SchemaVersion
    from .sources.codecarbon_csv import Record


@dataclass
class Rejected:
    row: int
    line: int
    values: list[str]
    reason: str
    # the reason as a problem of the catalogue: its code, the CSV column and value it is about
    code: str = "bad-value"
    column: str = ""
    value: str = ""

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # by its fields, not its __dict__: a worker sends back millions of them
        fields = (self.row, self.line, self.values, self.reason, self.code, self.column)
        return type(self), (*fields, self.value)


class RejectedRows(list[Rejected]):
    """Rejected rows, pickled a field at a time: a worker sends back millions of them."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        fields = ("row", "line", "values", "reason", "code", "column", "value")
        return _rejected_rows, tuple([getattr(r, name) for r in self] for name in fields)


def _rejected_rows(*fields: list[Any]) -> RejectedRows:
    return RejectedRows(map(Rejected, *fields))


@dataclass
class Outcome:
    """What the ordinary path makes of one record: a report, or the reason it has none."""

    report: dict[str, Any] | None
    rejected: Rejected | None
    warnings: list[str]
    notes: list[Problem] = field(default_factory=list)  # the warnings as problems


@dataclass
class Output:
    """Some converted reports as JSON Lines (UTF-8), or only their count when a worker
    wrote them to the output already."""

    reports: int
    data: bytes = b""
    written: bool = False


class RowConverter(Protocol):
    """What the fast path asks of a conversion: the ordinary path, one row at a time."""

    version: SchemaVersion

    @property
    def field_engine(self) -> FieldEngine: ...

    @property
    def project_column(self) -> int: ...

    def run_context(self) -> RunContext: ...

    def assembled(
        self, record: Record, engine: FieldEngine, run: RunContext, mark: Mark | None = None
    ) -> Assembled: ...

    def outcome(self, record: Record, run: RunContext) -> Outcome: ...
