"""The service's readings of stored reports: the dashboard page and comparisons, made as the
CLI makes them (`boamps dashboard --db`, `boamps compare --db`) from the reports the filters
of GET /reports select, streamed from the store.

A stored report the schema refuses (one stored as BoAmps 1.0, say) is left out of a reading
as `--db` leaves it out on the CLI, and never silently: the response's `Boamps-Skipped`
header counts them and names the first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..errors import InputError, NoReportError
from ..printable import printable
from ..sources.reports import ReportDocument
from ..store import Store, StoreError
from .problems import ApiProblem, from_error

COMPARE_FORMATS = {
    "json": "application/json",
    "text": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def _selected(store: Store, given: dict[str, Any]) -> Iterator[ReportDocument]:
    for item in store.query(**given):
        yield ReportDocument(f"{store.where}[{item.report_id}]", None, item.report)


class Skipped:
    """The reports a reading left out, as a response header."""

    def __init__(self) -> None:
        self.count = 0
        self.first = ""

    def __call__(self, where: str, problem: str) -> None:
        self.count += 1
        if not self.first:
            self.first = printable(f"{where}: {problem}")[:200]

    def headers(self) -> dict[str, str]:
        if not self.count:
            return {}
        # a header is latin-1: anything else in a name is escaped
        text = f"{self.count}; first: {self.first}".encode("ascii", "backslashreplace")
        return {"Boamps-Skipped": text.decode("ascii")}


def _asked(given: dict[str, Any]) -> str:
    """The query parameters that selected the reports, as they were given."""
    asked = [f"{name}={value}" for name, value in given.items() if name != "where" and value]
    asked += [f"where={path}={value}" for path, value in given.get("where", [])]
    return printable(", ".join(asked))[:300] if asked else "no filter"


def _failed(error: InputError, given: dict[str, Any], version: str, skipped: Skipped) -> ApiProblem:
    """The 400 problem of a reading, in the service's terms, with the skipped reports' header
    (the reports left out are often why nothing is left)."""
    if isinstance(error, NoReportError):
        if skipped.count:
            hint = (
                f"{skipped.count} selected reports are invalid under BoAmps {version} (see "
                "Boamps-Skipped): give schema_version=VERSION they follow, or fix them."
            )
        else:
            hint = "No stored report matches: check the query parameters with GET /reports."
        failed = ApiProblem(400, "bad-request", f"{error.what} at query: {_asked(given)}.", hint)
    else:
        failed = from_error(400, "bad-request", error)
    failed.headers = skipped.headers() or None
    return failed


def dashboard_page(store: Store, given: dict[str, Any], version: str, skipped: Skipped) -> bytes:
    """The dashboard of the selected reports: 400 when none is selected."""
    from ..readings.dashboard import dashboard

    try:
        page = dashboard(_selected(store, given), version=version, on_invalid=skipped)
        return page.encode("utf-8")
    except InputError as error:
        raise _failed(error, given, version, skipped) from None
    except StoreError as error:
        raise from_error(503, "store-unavailable", error) from None


def comparison(
    store: Store,
    given: dict[str, Any],
    by: str,
    baseline: str | None,
    metrics: list[str] | None,
    fmt: str,
    seed: int,
    version: str,
    skipped: Skipped,
) -> bytes:
    """The comparison of the selected reports in `fmt`, the bytes `boamps compare` prints."""
    from ..readings import compare

    try:
        frame = compare.compare(
            _selected(store, given),
            by,
            baseline=baseline,
            metrics=metrics,
            seed=seed,
            version=version,
            on_invalid=skipped,
        )
    except InputError as error:
        raise _failed(error, given, version, skipped) from None
    except StoreError as error:
        raise from_error(503, "store-unavailable", error) from None
    writers = {
        "text": lambda: compare.as_text(frame),
        "markdown": lambda: compare.as_text(frame, markdown=True),
        "json": lambda: compare.as_json(frame),
        "csv": lambda: compare.as_csv(frame),
    }
    return writers[fmt]().encode("utf-8")
