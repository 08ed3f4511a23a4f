"""The routes: each reads its request, calls the library in a worker thread, and answers JSON.

Store calls run in at most STORE_THREADS threads at once (fewer than the store's connection
pool), so that a crowd of clients waits in line instead of failing for want of a connection.
"""

from __future__ import annotations

import functools
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BoampsError
from ..schema import DEFAULT_VERSION, parse_version
from ..store import Store, StoreConflict, StoreError
from ..store.filters import GROUPS
from ..validation import validate
from ..validation.problems import problem
from ..version import __version__
from . import access
from .limits import MB, BodyLimit
from .problems import ApiProblem, from_error, on_bad_request, on_http_error, on_unexpected
from .readings import COMPARE_FORMATS, Skipped, comparison, dashboard_page

DEFAULT_MAX_BODY = 50 * MB
STORE_THREADS = 8
MAX_LIMIT = 1000
# media types that say "JSON Lines"; any other body is one JSON document, or JSON Lines when it
# holds several JSON values one per line
JSON_LINES_TYPES = {
    "application/x-ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/json-lines",
}
REJECTS_SHOWN = 20
CONVERT_FIELDS = {"csv", "context", "measures", "schema_version", "group_by"}
T = TypeVar("T")
Auth = Annotated[str | None, Header(description="Bearer TOKEN")]
Where = Annotated[list[str], Query(description="PATH=VALUE: any report field (repeatable)")]


class Filters:
    """The filters of GET /reports, /summary, /dashboard and /compare (those of `boamps store
    query`), declared once for FastAPI's checks and the OpenAPI page; `_filters` reads them."""

    def __init__(
        self,
        project: str | None = None,
        stage: str | None = None,
        family: str | None = None,
        algorithm: str | None = None,
        quantization: str | None = None,
        hardware: str | None = None,
        country: str | None = None,
        since: str | None = None,
        until: str | None = None,
        where: Where = [],  # noqa: B006 (FastAPI gives each request its own)
    ) -> None:
        self.values: dict[str, str | None] = {
            "project": project,
            "stage": stage,
            "family": family,
            "algorithm": algorithm,
            "quantization": quantization,
            "hardware": hardware,
            "country": country,
            "since": since,
            "until": until,
        }
        self.where = where


ReportFilters = Annotated[Filters, Depends()]
FILTERS = tuple(Filters().values)

DESCRIPTION = """BoAmps reports kept in a store, over HTTP.

Writes need `Authorization: Bearer TOKEN` (tokens from `boamps store token create`); reads
are open unless the service runs with `--private`. Every error is a JSON problem object:
`{"code", "message", "hint", ...}`."""

CONVERT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["csv"],
                    "properties": {
                        "csv": {"type": "string", "format": "binary"},
                        "context": {"type": "string", "format": "binary"},
                        "measures": {"type": "string", "enum": ["total", "components"]},
                        "schema_version": {"type": "string", "default": DEFAULT_VERSION.value},
                        "group_by": {
                            "type": "string",
                            "enum": ["run_id", "project_name", "experiment_id"],
                        },
                    },
                }
            }
        },
    }
}
REPORTS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


def create_app(
    store_url: str | None = None, *, private: bool = False, max_body: int = DEFAULT_MAX_BODY
) -> FastAPI:
    """The service over the store at `store_url` (default: `Store()`'s). `private`: reads need
    a token too. `max_body`: the largest request body, in bytes (larger ones get 413)."""
    store = Store(store_url)
    limiter = anyio.CapacityLimiter(STORE_THREADS)

    async def in_thread(function: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(functools.partial(function, *args), limiter=limiter)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        yield
        store.close()

    app = FastAPI(
        title="boamps_carbon", version=__version__, description=DESCRIPTION, lifespan=lifespan
    )
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_bad_request)
    app.add_exception_handler(Exception, on_unexpected)
    app.state.store = store

    async def allow(authorization: str | None, *, write: bool) -> None:
        if write or private:
            await in_thread(_checked_access, store, authorization, write)

    @app.get("/health")
    async def health() -> dict[str, Any]:
        """Whether the service and its store answer."""
        version = await in_thread(_unavailable_as_503, store.version)
        return {"status": "ok", "version": __version__, "schema_version": version}

    @app.post("/reports", status_code=201, openapi_extra=REPORTS_BODY)
    async def post_reports(
        request: Request,
        schema_version: str = DEFAULT_VERSION.value,
        replace: bool = False,
        authorization: Auth = None,
    ) -> dict[str, Any]:
        """One report (JSON) or many (JSON Lines): each validated as `boamps validate` does,
        then all stored in one transaction, or none when any is invalid (422) or conflicts
        with a stored one (409)."""
        _known(request, {"schema_version", "replace"})
        await allow(authorization, write=True)
        body = await request.body()
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        lines = True if media in JSON_LINES_TYPES else None
        return await in_thread(_add_reports, store, body, lines, schema_version, replace)

    @app.post("/convert", status_code=201, openapi_extra=CONVERT_BODY)
    async def post_convert(request: Request, authorization: Auth = None) -> dict[str, Any]:
        """A CodeCarbon CSV (multipart field `csv`, with an optional `context` file and the
        options `measures`, `schema_version`, `group_by` of `boamps convert`) converted, and
        its reports stored in one transaction; the rows not converted are counted and named."""
        _known(request, set())
        await allow(authorization, write=True)
        try:
            form = await request.form(max_files=2, max_fields=10)
        except ApiProblem:
            raise
        except Exception as error:  # a body that is not a form: the parser's own words
            raise ApiProblem(
                400,
                "bad-request",
                f"Not a multipart form: {error}.",
                "Send multipart/form-data with the CSV in the field `csv`.",
            ) from None
        try:
            unknown = sorted(set(form.keys()) - CONVERT_FIELDS)
            if unknown:
                raise ApiProblem(
                    400,
                    "bad-request",
                    f"Unknown form field: {unknown[0]!r}.",
                    f"Use {', '.join(sorted(CONVERT_FIELDS))}.",
                )
            csv_file, context_file = form.get("csv"), form.get("context")
            if not isinstance(csv_file, UploadFile):
                raise ApiProblem(
                    400,
                    "bad-request",
                    "No CSV file in the form field `csv`.",
                    "Send the CodeCarbon CSV as a file in the field `csv`.",
                )
            if context_file is not None and not isinstance(context_file, UploadFile):
                raise ApiProblem(
                    400,
                    "bad-request",
                    "The form field `context` is not a file.",
                    "Send the context (JSON) as a file.",
                )
            options = {
                name: str(form[name])
                for name in ("measures", "schema_version", "group_by")
                if name in form
            }
            return await in_thread(_convert, store, csv_file, context_file, options)
        finally:
            await form.close()

    @app.get("/reports")
    async def get_reports(
        request: Request,
        filters: ReportFilters,
        limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = 100,
        after: Annotated[str | None, Query(description="`next` of the previous page")] = None,
        authorization: Auth = None,
    ) -> Response:
        """The current reports matching every filter (those of `boamps store query`), in the
        order they were stored, a page at a time: `{"reports": [...], "count": N, "next":
        CURSOR or null}`; ask for the next page with `after=CURSOR`."""
        _known(request, {*FILTERS, "where", "limit", "after"})
        await allow(authorization, write=False)
        given = _filters(filters)
        return await in_thread(_page, store, given, limit, after)

    @app.get("/reports/{report_id}")
    async def get_report(report_id: str, authorization: Auth = None) -> Response:
        """A stored report, its current revision, byte for byte as it was stored."""
        await allow(authorization, write=False)
        found = await in_thread(_unavailable_as_503, store.get, report_id)
        if found is None:
            raise ApiProblem(
                404,
                "not-found",
                f"No report with id {report_id!r}.",
                "List the stored reports with GET /reports.",
            )
        return Response(found.text.encode("utf-8"), media_type="application/json")

    @app.get("/summary")
    async def get_summary(
        request: Request,
        filters: ReportFilters,
        by: Annotated[str, Query(description=" | ".join(GROUPS))] = "project",
        authorization: Auth = None,
    ) -> dict[str, Any]:
        """Totals per group of the current reports matching the filters, added up by the
        database: the rows of `boamps summary --db`."""
        _known(request, {*FILTERS, "where", "by"})
        await allow(authorization, write=False)
        if by not in GROUPS:
            raise ApiProblem(
                400,
                "bad-request",
                f"Unknown grouping at by: {by!r}.",
                f"Use one of: {', '.join(GROUPS)}.",
            )
        given = _filters(filters)
        return await in_thread(_summary, store, by, given)

    @app.get("/dashboard")
    async def get_dashboard(
        request: Request,
        filters: ReportFilters,
        schema_version: str = DEFAULT_VERSION.value,
        authorization: Auth = None,
    ) -> Response:
        """The page of `boamps dashboard --db` (one self-contained HTML file, inline SVG, no
        script) over the current reports matching the filters of GET /reports."""
        _known(request, {*FILTERS, "where", "schema_version"})
        await allow(authorization, write=False)
        version = _version(schema_version)
        given = _filters(filters)
        await in_thread(_checked_filters, store, given)
        skipped = Skipped()
        page = await in_thread(dashboard_page, store, given, version, skipped)
        return Response(page, media_type="text/html; charset=utf-8", headers=skipped.headers())

    @app.get("/compare")
    async def get_compare(
        request: Request,
        filters: ReportFilters,
        by: Annotated[str, Query(description="the field naming each run's group")],
        baseline: str | None = None,
        metric: Annotated[
            list[str] | None,
            Query(description="energy | emissions | duration | energy-per-request | accuracy"),
        ] = None,
        format: Annotated[str, Query(description=" | ".join(COMPARE_FORMATS))] = "json",
        seed: int = 0,
        schema_version: str = DEFAULT_VERSION.value,
        authorization: Auth = None,
    ) -> Response:
        """The output of `boamps compare --db` (json by default, or text, markdown, csv) over
        the current reports matching the filters of GET /reports."""
        names = {"by", "baseline", "metric", "format", "seed", "schema_version"}
        _known(request, {*FILTERS, "where", *names})
        await allow(authorization, write=False)
        if format not in COMPARE_FORMATS:
            raise ApiProblem(
                400,
                "bad-request",
                f"Unknown format at format: {format[:80]!r}.",
                f"Use one of: {', '.join(COMPARE_FORMATS)}.",
            )
        version = _version(schema_version)
        given = _filters(filters)
        await in_thread(_checked_filters, store, given)
        skipped = Skipped()
        body = await in_thread(
            comparison, store, given, by, baseline, metric, format, seed, version, skipped
        )
        return Response(body, media_type=COMPARE_FORMATS[format], headers=skipped.headers())

    return app


def _version(text: str) -> str:
    """A schema version the reading checks reports against: 400 for an unknown one."""
    try:
        return parse_version(text).value
    except BoampsError as error:
        raise from_error(400, "bad-request", error) from None


def _checked_access(store: Store, authorization: str | None, write: bool) -> None:
    _unavailable_as_503(access.check, store, authorization, write=write)


def _unavailable_as_503(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Runs a store call whose input is known good: a StoreError is then the database's."""
    try:
        return function(*args, **kwargs)
    except StoreError as error:
        raise from_error(503, "store-unavailable", error) from None


def _known(request: Request, names: set[str]) -> None:
    """A misspelt filter must not be ignored (it would return everything): unknown query
    parameters are refused."""
    for name in request.query_params:
        if name not in names:
            shown = ", ".join(sorted(names)) or "none"
            raise ApiProblem(
                400,
                "bad-request",
                f"Unknown query parameter: {name[:80]!r}.",
                f"This endpoint takes: {shown}.",
            )


def _filters(filters: Filters) -> dict[str, Any]:
    pairs = []
    for item in filters.where:
        path, sep, value = item.partition("=")
        if not sep or not path:
            raise ApiProblem(
                400,
                "bad-request",
                f"Not PATH=VALUE at where: {item[:80]!r}.",
                "Write where=task.taskStage=training.",
            )
        pairs.append((path, value))
    given: dict[str, Any] = {**filters.values, "where": pairs}
    return given


def _checked_filters(store: Store, given: dict[str, Any], after: str | None = None) -> None:
    """Every filter (and cursor) checked before the database is asked: a StoreError here is
    the request's fault (400), one after it the database's (503)."""
    try:
        for _ in store.query(**given, after=after, limit=0):
            pass
    except StoreError as error:
        raise from_error(400, "bad-request", error) from None


def _page(store: Store, given: dict[str, Any], limit: int, after: str | None) -> Response:
    _checked_filters(store, given, after)
    texts: list[str] = []
    cursor = None
    more = False
    found = store.query(**given, limit=limit + 1, after=after)
    try:
        for item in found:
            if len(texts) == limit:
                more = True
                break
            texts.append(item.text)
            cursor = item.cursor
    except StoreError as error:
        raise from_error(503, "store-unavailable", error) from None
    # the stored texts are JSON already (they were parsed when added): joined, not re-encoded
    body = (
        '{"reports":['
        + ",".join(texts)
        + f'],"count":{len(texts)},"next":{json.dumps(cursor if more else None)}}}'
    )
    return Response(body.encode("utf-8"), media_type="application/json")


def _summary(store: Store, by: str, given: dict[str, Any]) -> dict[str, Any]:
    _checked_filters(store, given)
    rows = _unavailable_as_503(store.summary, by, **given)
    return {"by": by, "groups": rows}


def _add_reports(
    store: Store, body: bytes, lines: bool | None, schema_version: str, replace: bool
) -> dict[str, Any]:
    from ..sources.reports import documents_from_bytes

    try:
        version = parse_version(schema_version)
    except BoampsError as error:
        raise from_error(400, "bad-request", error) from None
    texts: list[tuple[dict[str, Any], bytes]] = []
    ids: list[str] = []
    invalid: list[dict[str, Any]] = []
    count = 0
    # one document at a time; once one is invalid, only problems are kept
    for document in documents_from_bytes("body", body, json_lines=lines):
        count += 1
        if document.problems:
            from ..validation import ValidationResult

            result = ValidationResult(version.value, errors=list(document.problems))
        else:
            result = validate(document.data, version)
            report_id = _report_id(document.data)
            if result.valid and report_id is None:
                # valid BoAmps 1.1 may lack it, but the store keys reports by their id
                result.errors.append(
                    problem(
                        "required",
                        "header.reportId",
                        "The store keeps reports by their id: give each one a reportId",
                        expected="a report id",
                    )
                )
        if not result.valid:
            record: dict[str, Any] = {} if document.line is None else {"line": document.line}
            record.update(result.to_dict())
            invalid.append(record)
        elif not invalid:  # once one is invalid, nothing will be stored: stop keeping them
            texts.append((document.data, document.raw))  # parsed once: the store reuses it
            ids.append(str(report_id))
    if count == 0:
        raise ApiProblem(
            400,
            "bad-request",
            "No report in the request body.",
            "Send one report as JSON, or several as JSON Lines.",
        )
    if invalid:
        raise ApiProblem(
            422,
            "invalid-reports",
            f"{len(invalid)} of {count} reports are invalid: none was stored.",
            "Fix the reports listed in `invalid` (each with the problems `boamps validate "
            "--format json` gives) and send the request again.",
            stored=[],
            invalid=invalid,
        )
    try:
        added = store.add(texts, replace=replace)
    except StoreConflict as conflict:
        raise _conflict(conflict) from None
    except StoreError as error:
        raise from_error(503, "store-unavailable", error, stored=[]) from None
    return {"stored": added.stored, "ids": ids, **_outcome(added)}


def _conflict(conflict: StoreConflict) -> ApiProblem:
    # the store's words without its place (the server's file) or the command line's options
    return ApiProblem(
        409,
        "conflict",
        f"{conflict.what}: {conflict.value}.",
        "Nothing was stored. Send corrective reports (header.reportStatus corrective), or "
        "replace=true (POST /reports) to overwrite.",
        stored=[],
        report_ids=conflict.report_ids,
    )


def _report_id(report: Any) -> str | None:
    header = report.get("header") if isinstance(report, dict) else None
    found = header.get("reportId") if isinstance(header, dict) else None
    return found if isinstance(found, str) and found else None


def _outcome(result: Any) -> dict[str, list[str]]:
    return {
        "added": result.added,
        "unchanged": result.unchanged,
        "superseded": result.superseded,
        "replaced": result.replaced,
    }


def _convert(
    store: Store,
    csv_file: UploadFile,
    context_file: UploadFile | None,
    options: dict[str, str],
) -> dict[str, Any]:
    from ..conversion import convert

    with tempfile.TemporaryDirectory(prefix="boamps-convert-") as folder:
        name = _safe_name(csv_file.filename, "upload.csv")
        csv_path = _saved(csv_file, Path(folder) / name)
        context_path = None
        if context_file is not None:
            context_path = _saved(context_file, Path(folder) / "context" / "context.json")
        try:
            conversion = convert(
                csv_path,
                context_path,
                measures=options.get("measures", "total"),
                schema_version=options.get("schema_version", DEFAULT_VERSION.value),
                group_by=options.get("group_by") or None,
                workers=1,
            )
            # rejected rows are counted, the first few kept: memory stays flat
            conversion.on_reject = lambda rejected: None
            with store.adding() as adding:
                for converted in conversion:
                    adding.add(converted.report)
            result = adding.result
        except StoreConflict as conflict:
            raise _conflict(conflict) from None
        except StoreError as error:
            raise from_error(503, "store-unavailable", error, stored=[]) from None
        except BoampsError as error:
            refused = from_error(422, "cannot-convert", error, stored=[])
            _unplaced(refused.body, folder)
            raise refused from None
        body = {
            "file": name,
            "rows": conversion.converted + conversion.rejected_count,
            "converted": conversion.converted,
            "rejected": conversion.rejected_count,
            "rejects": [
                {"row": item.row, "reason": item.reason.replace(f"{folder}/", "")}
                for item in conversion.rejected[:REJECTS_SHOWN]
            ],
            "warnings": [
                {"message": message, "rows": [list(run) for run in rows.runs()]}
                for message, rows in conversion.warning_rows.items()
            ],
            "stored": result.stored,
            **_outcome(result),
        }
        _unplaced(body, folder)
        return body


def _unplaced(body: dict[str, Any], folder: str) -> None:
    """Names the uploaded files as the client did, not by their temporary place."""
    for key in ("message", "hint"):
        if isinstance(body.get(key), str):
            body[key] = body[key].replace(f"{folder}/context/", "").replace(f"{folder}/", "")


def _safe_name(name: str | None, default: str) -> str:
    base = Path(name or "").name
    return base if base and base not in (".", "..") and len(base) <= 200 else default


def _saved(upload: UploadFile, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    upload.file.seek(0)
    with path.open("wb") as out:
        for chunk in _chunks(upload):
            out.write(chunk)
    return path


def _chunks(upload: UploadFile) -> Iterator[bytes]:
    while chunk := upload.file.read(MB):
        yield chunk
