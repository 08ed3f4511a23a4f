"""The service over HTTP: a real `boamps serve` process on a free loopback port, driven with
httpx, over a SQLite file and (when $BOAMPS_TEST_POSTGRES_URL is set) PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from boamps_carbon.store import Store
from boamps_carbon.store.migrations import CURRENT_VERSION
from tests.service_support import ROOT, Server, free_port, fresh, serving
from tests.store_support import store_url

EXAMPLES = ROOT / "examples"
WRITE_HINT = "Send Authorization: Bearer TOKEN, with a token from `boamps store token create`."
MAX_BODY_MB = 12
NDJSON = {"Content-Type": "application/x-ndjson"}


@dataclass
class Service:
    server: Server
    writer: str
    reader: str
    revoked: str

    def client(self, token: str | None = None) -> httpx.Client:
        return self.server.client(token)


def _tokens(db: str) -> tuple[str, str, str]:
    with Store(db) as store:
        writer = store.create_token("writer")
        reader = store.create_token("reader", read_only=True)
        revoked = store.create_token("gone")
        store.revoke_token("gone")
    return writer, reader, revoked


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    folder = tmp_path_factory.mktemp(f"service-{request.param}")
    db = store_url(request.param, folder)
    tokens = _tokens(db)
    with serving(db, folder / "server.log", "--max-body", str(MAX_BODY_MB)) as server:
        yield Service(server, *tokens)


def lines(*reports: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in reports)


def ids(*reports: dict[str, Any]) -> list[str]:
    return [r["header"]["reportId"] for r in reports]


def added(*reports: dict[str, Any]) -> dict[str, Any]:
    return {
        "stored": len(reports),
        "ids": ids(*reports),
        "added": ids(*reports),
        "unchanged": [],
        "superseded": [],
        "replaced": [],
    }


# -- health, docs, routes --------------------------------------------------------------------


def test_health(service: Service) -> None:
    answer = httpx.get(f"{service.server.url}/health")
    assert (answer.status_code, answer.json()) == (
        200,
        {"status": "ok", "version": "0.1.0", "schema_version": CURRENT_VERSION},
    )


def test_openapi_docs_list_every_endpoint(service: Service) -> None:
    with service.client() as client:
        assert client.get("/docs").status_code == 200
        paths = client.get("/openapi.json").json()["paths"]
    assert sorted(paths) == [
        "/compare",
        "/convert",
        "/dashboard",
        "/health",
        "/reports",
        "/reports/{report_id}",
        "/summary",
    ]


def test_unknown_route_and_method(service: Service) -> None:
    with service.client() as client:
        missing = client.get("/nowhere")
        wrong = client.delete("/reports")
    assert (missing.status_code, missing.json()) == (
        404,
        {
            "code": "not-found",
            "message": "No such endpoint at /nowhere.",
            "hint": "See the endpoints at /docs.",
        },
    )
    assert (wrong.status_code, wrong.json()) == (
        405,
        {
            "code": "method-not-allowed",
            "message": "Method not allowed at /reports.",
            "hint": "See the endpoints at /docs.",
        },
    )


# -- tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "status", "message"),
    [
        (None, 401, "Writing needs a token."),
        ("boamps_wrong", 401, "Unknown or revoked token."),
        ("revoked", 401, "Unknown or revoked token."),
        ("reader", 403, "Token 'reader' is read-only: it may not write."),
    ],
)
def test_writing_needs_a_token_that_may_write(
    service: Service, token: str | None, status: int, message: str
) -> None:
    secret = {"revoked": service.revoked, "reader": service.reader}.get(token or "", token)
    one = fresh("tokens")
    with service.client(secret) as client:
        answer = client.post("/reports", json=one)
        assert client.get(f"/reports/{one['header']['reportId']}").status_code == 404
    hint = {
        "Writing needs a token.": WRITE_HINT,
        "Unknown or revoked token.": "Check the token, or ask for a new one.",
    }.get(message, "Use a token made without --read-only.")
    code = "unauthorized" if status == 401 else "forbidden"
    assert (answer.status_code, answer.json()) == (
        status,
        {"code": code, "message": message, "hint": hint},
    )
    if status == 401:
        assert answer.headers["www-authenticate"] == "Bearer"


def test_not_a_bearer_token(service: Service) -> None:
    answer = httpx.post(
        f"{service.server.url}/reports", json={}, headers={"Authorization": "Basic dXNlcg=="}
    )
    assert (answer.status_code, answer.json()) == (
        401,
        {
            "code": "unauthorized",
            "message": "Not a bearer token in the Authorization header.",
            "hint": WRITE_HINT,
        },
    )


# -- POST /reports ---------------------------------------------------------------------------


def test_one_report_is_stored_and_comes_back_byte_for_byte(service: Service) -> None:
    one = fresh("single")
    sent = json.dumps(one, indent=3).encode("utf-8") + b"\n"
    with service.client(service.writer) as client:
        first = client.post("/reports", content=sent, headers={"Content-Type": "application/json"})
        again = client.post("/reports", json=one)
        back = client.get(f"/reports/{one['header']['reportId']}")
    assert (first.status_code, first.json()) == (201, added(one))
    assert (again.status_code, again.json()) == (
        201,
        {
            "stored": 0,
            "ids": ids(one),
            "added": [],
            "unchanged": ids(one),
            "superseded": [],
            "replaced": [],
        },
    )
    assert (back.status_code, back.headers["content-type"], back.content) == (
        200,
        "application/json",
        sent,
    )


@pytest.mark.parametrize("content_type", ["application/x-ndjson", "application/json"])
def test_json_lines_declared_or_detected(service: Service, content_type: str) -> None:
    batch = [fresh(f"lines-{content_type}") for _ in range(3)]
    with service.client(service.writer) as client:
        answer = client.post(
            "/reports", content=lines(*batch), headers={"Content-Type": content_type}
        )
        listed = client.get("/reports", params={"project": f"lines-{content_type}"})
    assert (answer.status_code, answer.json()) == (201, added(*batch))
    assert [r["header"]["reportId"] for r in listed.json()["reports"]] == ids(*batch)


def test_invalid_reports_get_the_problems_of_validate_and_nothing_is_stored(
    service: Service, tmp_path: Path
) -> None:
    good, bad, also_bad = fresh("invalid"), fresh("invalid"), fresh("invalid")
    bad["measures"][0]["powerConsumption"] = "lots"
    del also_bad["task"]
    body = lines(good, bad, also_bad)
    with service.client(service.writer) as client:
        answer = client.post("/reports", content=body, headers=NDJSON)
        stored = client.get(f"/reports/{good['header']['reportId']}")
    (tmp_path / "batch.jsonl").write_bytes(body)
    validated = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "validate", "--format", "json", "batch.jsonl"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # this package, not an installed one
        capture_output=True,
        text=True,
    )
    expected = []
    for line in validated.stdout.splitlines():
        record = json.loads(line)
        if not record["valid"]:
            del record["file"]
            expected.append(record)
    assert [r["line"] for r in expected] == [2, 3]
    assert (answer.status_code, answer.json()) == (
        422,
        {
            "code": "invalid-reports",
            "message": "2 of 3 reports are invalid: none was stored.",
            "hint": "Fix the reports listed in `invalid` (each with the problems `boamps "
            "validate --format json` gives) and send the request again.",
            "stored": [],
            "invalid": expected,
        },
    )
    assert stored.status_code == 404


def _invalid(record: dict[str, Any], count: int = 1) -> dict[str, Any]:
    return {
        "code": "invalid-reports",
        "message": f"{count} of {count} reports are invalid: none was stored.",
        "hint": "Fix the reports listed in `invalid` (each with the problems `boamps "
        "validate --format json` gives) and send the request again.",
        "stored": [],
        "invalid": [{"valid": False, "version": "1.1", **record, "warnings": []}],
    }


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            b"not json",
            [
                {
                    "path": "line 1, column 1",
                    "code": "not-json",
                    "message": "expected JSON, got a syntax error: expecting value",
                }
            ],
        ),
        (
            b"[1, 2]",
            [
                {
                    "path": "",
                    "code": "not-object",
                    "message": "expected a JSON object, got an array of 2 items",
                }
            ],
        ),
        (
            b'"a report"',
            [
                {
                    "path": "",
                    "code": "not-object",
                    "message": 'expected a JSON object, got the string "a report"',
                }
            ],
        ),
        (
            b"[" * 200_000 + b"]" * 200_000,
            [
                {
                    "path": "line 1, column 65",
                    "code": "too-deep",
                    "message": "expected at most 64 levels of nested objects and arrays, "
                    "got level 65",
                    "hint": "Nest objects and arrays at most 64 levels deep.",
                }
            ],
        ),
        (
            b"\xff\xfe{}",
            [
                {
                    "path": "line 1, column 1",
                    "code": "not-utf8",
                    "message": "expected UTF-8 text, got the byte 0xff",
                    "hint": "Save the file as UTF-8",
                },
                {
                    "path": "line 1, column 1",
                    "code": "not-json",
                    "message": "expected JSON, got a syntax error: expecting value",
                },
            ],
        ),
    ],
    ids=["not-json", "array", "string", "deep-nesting", "not-utf8"],
)
def test_bodies_that_are_not_reports(
    service: Service, body: bytes, errors: list[dict[str, str]]
) -> None:
    with service.client(service.writer) as client:
        answer = client.post("/reports", content=body)
    # `validate --format json` always writes a problem's hint, null when it has none
    errors = [{**error, "hint": error.get("hint")} for error in errors]
    assert (answer.status_code, answer.json()) == (422, _invalid({"errors": errors}))


def test_a_lone_surrogate_is_a_problem_of_the_report(service: Service) -> None:
    one = fresh("surrogate")
    one["header"]["publisher"]["projectName"] = "sent\ud800"
    with service.client(service.writer) as client:
        # json.dumps writes the lone surrogate as its escape, `\ud800`
        answer = client.post("/reports", content=json.dumps(one).encode())
        back = client.get(f"/reports/{one['header']['reportId']}")
    error = {
        "path": "header.publisher.projectName",
        "code": "lone-surrogate",
        "message": 'expected valid Unicode text, got a lone surrogate in "sent\\ud800"',
        "hint": "Replace the character; JSON text must be valid Unicode (RFC 7493)",
    }
    assert (answer.status_code, answer.json()) == (422, _invalid({"errors": [error]}))
    assert back.status_code == 404


def test_deep_nesting_inside_a_report(service: Service) -> None:
    one = fresh("deep")
    deep: Any = "bottom"
    for _ in range(900):
        deep = {"in": deep}
    one["environment"]["notes"] = deep
    with service.client(service.writer) as client:
        answer = client.post("/reports", json=one)
        back = client.get(f"/reports/{one['header']['reportId']}")
    # JSON deeper than 64 levels is refused where it is read, as `boamps validate` does
    errors = answer.json()["invalid"][0]["errors"]
    assert (answer.status_code, [e["code"] for e in errors]) == (422, ["too-deep"])
    assert errors[0]["message"] == (
        "expected at most 64 levels of nested objects and arrays, got level 65"
    )
    assert back.status_code == 404


def test_a_ten_megabyte_string(service: Service) -> None:
    huge, named = fresh("huge"), fresh("huge")
    huge["quality"] = "x" * 10_000_000  # not one of the allowed values
    named["header"]["publisher"]["name"] = "n" * 10_000_000  # any text: stored
    with service.client(service.writer) as client:
        refused = client.post("/reports", json=huge)
        stored = client.post("/reports", json=named)
        back = client.get(f"/reports/{named['header']['reportId']}")
    assert (refused.status_code, refused.json()["invalid"][0]["errors"]) == (
        422,
        [
            {
                "path": "quality",
                "code": "enum",
                "message": 'expected one of "high", "medium", "low", got '
                '"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx..."',
                "hint": None,
            }
        ],
    )
    assert len(refused.content) < 2000
    assert (stored.status_code, stored.json()["added"]) == (201, ids(named))
    assert back.json() == named


def test_a_report_without_id(service: Service) -> None:
    one = fresh("no-id")
    del one["header"]["reportId"]
    with service.client(service.writer) as client:
        answer = client.post("/reports", json=one)
    assert (answer.status_code, answer.json()) == (
        422,
        _invalid(
            {
                "errors": [
                    {
                        "path": "header.reportId",
                        "code": "required",
                        "message": "required field is missing (expected a report id)",
                        "hint": "The store keeps reports by their id: give each one a reportId",
                    }
                ]
            }
        ),
    )


def test_an_empty_body(service: Service) -> None:
    with service.client(service.writer) as client:
        answer = client.post("/reports", content=b"\n\n", headers=NDJSON)
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "code": "bad-request",
            "message": "No report in the request body.",
            "hint": "Send one report as JSON, or several as JSON Lines.",
        },
    )


def test_conflict_corrective_and_replace(service: Service) -> None:
    one, other = fresh("conflict"), fresh("conflict")
    changed = json.loads(json.dumps(one))
    changed["quality"] = "high"
    with service.client(service.writer) as client:
        assert client.post("/reports", json=one).status_code == 201
        conflict = client.post("/reports", content=lines(other, changed), headers=NDJSON)
        assert client.get(f"/reports/{other['header']['reportId']}").status_code == 404
        changed["header"]["reportStatus"] = "corrective"
        corrective = client.post("/reports", json=changed)
        changed["quality"] = "low"
        replaced = client.post("/reports", json=changed, params={"replace": "true"})
        back = client.get(f"/reports/{one['header']['reportId']}").json()
    assert (conflict.status_code, conflict.json()) == (
        409,
        {
            "code": "conflict",
            "message": "Report ids already stored with other content: "
            f"{one['header']['reportId']}.",
            "hint": "Nothing was stored. Send corrective reports (header.reportStatus "
            "corrective), or replace=true (POST /reports) to overwrite.",
            "stored": [],
            "report_ids": ids(one),
        },
    )
    assert (corrective.status_code, corrective.json()["superseded"]) == (201, ids(one))
    assert (replaced.status_code, replaced.json()["replaced"]) == (201, ids(one))
    assert back["quality"] == "low"


def test_unknown_schema_version(service: Service) -> None:
    with service.client(service.writer) as client:
        answer = client.post("/reports", json=fresh("v"), params={"schema_version": "9.9"})
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "code": "bad-request",
            "message": "Unknown BoAmps schema version at schema_version: '9.9'.",
            "hint": "Use one of: 1.1, 1.0.",
        },
    )


def test_bodies_over_the_limit(service: Service) -> None:
    expected = {
        "code": "too-large",
        "message": f"Request body over the limit: more than {MAX_BODY_MB} MB.",
        "hint": "Send fewer reports per request, or start the service with a larger --max-body.",
    }
    size = MAX_BODY_MB * 1024 * 1024 + 1
    sent: list[int] = []

    def streamed() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(size // 65536 + 1):
            sent.append(65536)
            yield b" " * 65536

    with service.client(service.writer) as client:
        declared = client.post("/reports", content=b" " * size)
        chunked = client.post("/reports", content=streamed())
        form = client.post("/convert", files={"csv": ("big.csv", b"x" * size)})
        assert client.get("/health").status_code == 200
    for answer in (declared, chunked, form):
        assert (answer.status_code, answer.json()) == (413, expected)


def test_the_limit_is_checked_while_the_body_streams(service: Service) -> None:
    """The answer comes while the client is still sending: the body was not read whole."""
    import socket
    from urllib.parse import urlsplit

    address = urlsplit(service.server.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as raw:
        raw.sendall(
            b"POST /reports HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n"
            + f"Authorization: Bearer {service.writer}\r\n\r\n".encode()
        )
        chunk = b" " * 65536
        for _ in range(MAX_BODY_MB * 16 + 1):  # just over the limit, and the body never ends
            raw.sendall(b"10000\r\n" + chunk + b"\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            part = raw.recv(65536)
            if not part:
                break
            answer += part
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0].split(b" ")[:2] == [b"HTTP/1.1", b"413"]
    assert json.loads(body)["code"] == "too-large"


# -- GET /reports, /reports/{id}, /summary ---------------------------------------------------


@pytest.fixture(scope="module")
def queried(service: Service) -> list[dict[str, Any]]:
    batch = [
        fresh("query-a", stage="training", country="france", energy=1.0),
        fresh("query-a", stage="inference", country="germany", energy=2.0),
        fresh("query-b", stage="training", country="france", energy=4.0, quantization="q8"),
        fresh("query-b", stage="training", country="FRANCE", energy=8.0),
        fresh("query-c", stage="training", country="spain", energy=16.0),
    ]
    with service.client(service.writer) as client:
        assert client.post("/reports", content=lines(*batch), headers=NDJSON).status_code == 201
    return batch


def _listed(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [r["header"]["reportId"] for r in answer.json()["reports"]]


def test_query_filters(service: Service, queried: list[dict[str, Any]]) -> None:
    a1, a2, b1, b2, c1 = ids(*queried)
    with service.client() as client:
        assert _listed(client.get("/reports", params={"project": "query-a"})) == [a1, a2]
        both = {"project": "query-b", "country": "france"}
        assert _listed(client.get("/reports", params=both)) == [b1, b2]
        assert _listed(client.get("/reports", params={"quantization": "q8"})) == [b1]
        where = [("where", "header.publisher.projectName=query-c")]
        assert _listed(client.get("/reports", params=where)) == [c1]
        numbers = [("where", "measures.powerConsumption=2"), ("project", "query-a")]
        assert _listed(client.get("/reports", params=numbers)) == [a2]


def test_query_pages_with_cursors(service: Service, queried: list[dict[str, Any]]) -> None:
    seen: list[str] = []
    pages = []
    after = None
    with service.client() as client:
        while True:
            params = [("limit", "2"), *([("after", after)] if after else [])]
            answer = client.get("/reports", params=params).json()
            pages.append(answer["count"])
            seen += [r["header"]["reportId"] for r in answer["reports"]]
            after = answer["next"]
            if after is None:
                break
        everything = client.get("/reports", params={"limit": 1000}).json()
    assert seen == [r["header"]["reportId"] for r in everything["reports"]]
    assert set(ids(*queried)) <= set(seen)
    assert pages[:-1] == [2] * (len(pages) - 1) and pages[-1] in (1, 2)
    assert everything["next"] is None


@pytest.mark.parametrize(
    ("params", "message", "hint"),
    [
        (
            {"projcet": "query-a"},
            "Unknown query parameter: 'projcet'.",
            "This endpoint takes: after, algorithm, country, family, hardware, limit, "
            "project, quantization, since, stage, until, where.",
        ),
        (
            {"limit": "1001"},
            "Bad request at query.limit: '1001'.",
            "Input should be less than or equal to 1000. See /docs.",
        ),
        (
            {"limit": "many"},
            "Bad request at query.limit: 'many'.",
            "Input should be a valid integer, unable to parse string as an integer. See /docs.",
        ),
        (
            {"where": "task.taskStage"},
            "Not PATH=VALUE at where: 'task.taskStage'.",
            "Write where=task.taskStage=training.",
        ),
        (
            {"where": "task.nope=1"},
            "Unknown report field at where: 'task.nope'.",
            None,
        ),
        ({"since": "yesterday"}, "Not a date at since: 'yesterday'.", None),
        ({"after": "x'; DROP TABLE reports;--"}, None, None),
    ],
)
def test_bad_queries(
    service: Service, params: dict[str, str], message: str | None, hint: str | None
) -> None:
    with service.client() as client:
        answer = client.get("/reports", params=params)
    body = answer.json()
    assert (answer.status_code, body["code"]) == (400, "bad-request")
    assert set(body) == {"code", "message", "hint"}
    if message is not None:
        assert body["message"] == message
    if hint is not None:
        assert body["hint"] == hint


@pytest.mark.parametrize(
    "name", ["project", "stage", "family", "algorithm", "quantization", "hardware", "country"]
)
def test_sql_metacharacters_in_every_filter_are_values(
    service: Service, queried: list[dict[str, Any]], name: str
) -> None:
    hostile = "x' OR '1'='1'; DROP TABLE reports; --%_\\\""
    with service.client() as client:
        answer = client.get("/reports", params={name: hostile})
        summary = client.get("/summary", params={name: hostile})
        where = client.get("/reports", params={"where": f"task.taskStage={hostile}"})
        after = client.get("/reports", params={"project": "query-a"})
    assert (answer.status_code, answer.json()) == (200, {"reports": [], "count": 0, "next": None})
    assert (summary.status_code, summary.json()) == (200, {"by": "project", "groups": []})
    assert (where.status_code, where.json()["count"]) == (200, 0)
    assert _listed(after) == ids(*queried[:2])


def test_get_a_missing_report(service: Service) -> None:
    with service.client() as client:
        answer = client.get("/reports/no-such-id")
    assert (answer.status_code, answer.json()) == (
        404,
        {
            "code": "not-found",
            "message": "No report with id 'no-such-id'.",
            "hint": "List the stored reports with GET /reports.",
        },
    )


@pytest.mark.parametrize("by", ["project", "model", "hardware", "country", "month"])
def test_summary_is_the_stores(service: Service, queried: list[dict[str, Any]], by: str) -> None:
    with service.client() as client:
        answer = client.get("/summary", params={"by": by, "project": "query-b"})
    with Store(service.server.db) as store:
        expected = store.summary(by, project="query-b")
    assert (answer.status_code, answer.json()) == (200, {"by": by, "groups": expected})
    if by == "project":
        assert [(g["group"], g["runs"], g["energy_kwh"]) for g in expected] == [
            ("query-b", 2, 12.0)
        ]


def test_summary_by_something_else(service: Service) -> None:
    with service.client() as client:
        answer = client.get("/summary", params={"by": "colour"})
    assert (answer.status_code, answer.json()) == (
        400,
        {
            "code": "bad-request",
            "message": "Unknown grouping at by: 'colour'.",
            "hint": "Use one of: project, model, hardware, country, month, rating.",
        },
    )


# -- GET /dashboard, /compare ----------------------------------------------------------------


def _cli(tmp_path: Path, reports: list[dict[str, Any]], *args: str) -> bytes:
    """What `boamps ARGS FILE` prints for `reports` written to a .jsonl file."""
    source = tmp_path / "selected.jsonl"
    source.write_bytes(lines(*reports))
    done = subprocess.run(
        [sys.executable, "-m", "boamps_carbon", *args, str(source)],
        capture_output=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_dashboard_is_the_clis_page_of_the_selected_reports(
    service: Service, queried: list[dict[str, Any]], tmp_path: Path
) -> None:
    with service.client() as client:
        answer = client.get("/dashboard", params={"project": "query-a"})
        where = client.get("/dashboard", params={"where": "header.publisher.projectName=query-a"})
        none = client.get("/dashboard", params={"project": "nobody"})
        misspelt = client.get("/dashboard", params={"projcet": "query-a"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert "boamps-skipped" not in answer.headers
    assert answer.content == _cli(tmp_path, queried[:2], "dashboard", "-o", "-")
    assert where.text == answer.text
    assert (none.status_code, none.json()["code"]) == (400, "bad-request")
    assert none.json()["message"].startswith("No report to show at ")
    assert (misspelt.status_code, misspelt.json()["message"]) == (
        400,
        "Unknown query parameter: 'projcet'.",
    )


@pytest.mark.parametrize("fmt", ["json", "text", "markdown", "csv"])
def test_compare_is_the_clis_comparison_of_the_selected_reports(
    service: Service, queried: list[dict[str, Any]], tmp_path: Path, fmt: str
) -> None:
    options = ["--by", "task.taskStage", "--metric", "energy", "--metric", "emissions"]
    params = [
        ("by", "task.taskStage"),
        ("metric", "energy"),
        ("metric", "emissions"),
        ("project", "query-a"),
        ("format", fmt),
    ]
    with service.client() as client:
        answer = client.get("/compare", params=params)
    assert answer.status_code == 200, answer.text
    expected = _cli(tmp_path, queried[:2], "compare", *options, "--format", fmt)
    assert answer.content == expected
    media = {"json": "application/json", "text": "text/plain", "markdown": "text/markdown"}
    assert answer.headers["content-type"].startswith(media.get(fmt, "text/csv"))
    if fmt == "json":
        assert [(row["group"], row["metric"], row["runs"]) for row in answer.json()] == [
            ("inference", "energy", 1),
            ("training", "energy", 1),
            ("inference", "emissions", 1),
            ("training", "emissions", 1),
        ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"project": "query-a"}, "Bad request at query.by."),
        ({"by": "task.taskStage", "format": "yaml"}, "Unknown format at format: 'yaml'."),
        (
            {"by": "task.taskStage", "baseline": "testing", "project": "query-a"},
            "Unknown baseline at baseline: 'testing'.",
        ),
        (
            {"by": "task.taskStage", "metric": "speed"},
            "Unknown metric at metric: 'speed'.",
        ),
        ({"by": "task.taskStage", "since": "yesterday"}, "Not a date at since: 'yesterday'."),
        ({"by": "task.taskStage", "baseline_": "x"}, "Unknown query parameter: 'baseline_'."),
    ],
)
def test_bad_comparisons(
    service: Service, queried: list[dict[str, Any]], params: dict[str, str], message: str
) -> None:
    with service.client() as client:
        answer = client.get("/compare", params=params)
    assert (answer.status_code, answer.json()["code"]) == (400, "bad-request")
    assert answer.json()["message"] == message


def test_reports_the_schema_refuses_are_counted_in_a_header(service: Service) -> None:
    from boamps_carbon.schema import SchemaVersion
    from tests.factories import make_report

    older = make_report(SchemaVersion.V1_0)
    older["header"]["reportId"] = "00000000-0000-4000-8000-00000000a100"
    older["header"]["publisher"] = {
        "projectName": "mixed-versions",
        "confidentialityLevel": "public",
    }
    newer = fresh("mixed-versions")
    with service.client(service.writer) as client:
        stored = client.post("/reports", json=older, params={"schema_version": "1.0"})
        assert stored.status_code == 201, stored.text
        assert client.post("/reports", json=newer).status_code == 201
    with service.client() as client:
        page = client.get("/dashboard", params={"project": "mixed-versions"})
        compared = client.get(
            "/compare", params={"project": "mixed-versions", "by": "task.taskStage"}
        )
        wrong = client.get("/dashboard", params={"schema_version": "9.9"})
    with Store(service.server.db) as store:
        where = store.where
    skipped = (
        f"1; first: {where}[00000000-0000-4000-8000-00000000a100]: "
        "task.dataset[0].dataUsage: required field is missing (expected a string)"
    )
    assert (page.status_code, page.headers["boamps-skipped"]) == (200, skipped)
    assert (compared.status_code, compared.headers["boamps-skipped"]) == (200, skipped)
    assert [row["runs"] for row in compared.json()] == [1]
    assert (wrong.status_code, wrong.json()["message"]) == (
        400,
        "Unknown BoAmps schema version at schema_version: '9.9'.",
    )


def test_a_reading_left_with_no_report_says_why_in_query_terms(service: Service) -> None:
    from boamps_carbon.schema import SchemaVersion
    from tests.factories import make_report

    older = make_report(SchemaVersion.V1_0)
    older["header"]["reportId"] = "00000000-0000-4000-8000-00000000a101"
    older["header"]["publisher"] = {"projectName": "older-only", "confidentialityLevel": "public"}
    with service.client(service.writer) as client:
        stored = client.post("/reports", json=older, params={"schema_version": "1.0"})
        assert stored.status_code == 201, stored.text
    where = "header.publisher.projectName=older-only"
    with service.client() as client:
        page = client.get("/dashboard", params={"project": "older-only", "where": where})
        compared = client.get("/compare", params={"project": "older-only", "by": "task.taskStage"})
        nothing = client.get("/dashboard", params={"project": "nothing"})
    with Store(service.server.db) as store:
        skipped = (
            f"1; first: {store.where}[00000000-0000-4000-8000-00000000a101]: "
            "task.dataset[0].dataUsage: required field is missing (expected a string)"
        )
    hint = (
        "1 selected reports are invalid under BoAmps 1.1 (see Boamps-Skipped): "
        "give schema_version=VERSION they follow, or fix them."
    )
    assert (page.status_code, page.headers["boamps-skipped"], page.json()) == (
        400,
        skipped,
        {
            "code": "bad-request",
            "message": f"No report to show at query: project=older-only, where={where}.",
            "hint": hint,
        },
    )
    assert (compared.status_code, compared.headers["boamps-skipped"], compared.json()) == (
        400,
        skipped,
        {
            "code": "bad-request",
            "message": "No report to compare at query: project=older-only.",
            "hint": hint,
        },
    )
    assert (nothing.status_code, "boamps-skipped" in nothing.headers, nothing.json()) == (
        400,
        False,
        {
            "code": "bad-request",
            "message": "No report to show at query: project=nothing.",
            "hint": "No stored report matches: check the query parameters with GET /reports.",
        },
    )


# -- POST /convert ---------------------------------------------------------------------------


def test_convert_a_codecarbon_csv(service: Service) -> None:
    files = {
        "csv": ("emissions.csv", (EXAMPLES / "emissions.csv").read_bytes()),
        "context": ("context.json", (EXAMPLES / "context.json").read_bytes()),
    }
    with service.client(service.writer) as client:
        answer = client.post("/convert", files=files, data={"measures": "total"})
        again = client.post("/convert", files=files)
        listed = client.get("/reports", params={"project": "sentiment-train"})
    converted = [
        "96f75a4f-a769-47bb-86cf-6130539c8123",
        "e8d49d0a-bbdd-4669-91a4-8c365e3eab84",
        "2071ab09-6bbf-4972-91f1-966a596d293b",
    ]
    assert (answer.status_code, answer.json()) == (
        201,
        {
            "file": "emissions.csv",
            "rows": 3,
            "converted": 3,
            "rejected": 0,
            "rejects": [],
            "warnings": [],
            "stored": 3,
            "added": converted,
            "unchanged": [],
            "superseded": [],
            "replaced": [],
        },
    )
    assert (again.status_code, again.json()["unchanged"]) == (201, converted)
    assert _listed(listed) == converted[:2]


def test_convert_counts_and_names_rejected_rows(service: Service) -> None:
    text = (EXAMPLES / "emissions.csv").read_text(encoding="utf-8").splitlines()
    header, first = text[0], text[1]
    broken = first.split(",")
    energy = header.split(",").index("energy_consumed")
    broken[energy] = "lots"
    body = "\n".join([header, first, ",".join(broken)]) + "\n"
    files = {
        "csv": ("part.csv", body.encode()),
        "context": ("context.json", (EXAMPLES / "context.json").read_bytes()),
    }
    with service.client(service.writer) as client:
        answer = client.post("/convert", files=files)
    found = answer.json()
    assert (answer.status_code, found["rows"], found["converted"], found["rejected"]) == (
        201,
        2,
        1,
        1,
    )
    assert [r["row"] for r in found["rejects"]] == [2]
    assert "energy_consumed" in found["rejects"][0]["reason"]


@pytest.mark.parametrize(
    ("files", "data", "status", "message"),
    [
        ({}, {"measures": "total"}, 400, "No CSV file in the form field `csv`."),
        (
            {"csv": ("a.csv", b"a,b\n1,2\n")},
            {"colour": "red"},
            400,
            "Unknown form field: 'colour'.",
        ),
        (
            {"csv": ("a.csv", (EXAMPLES / "emissions.csv").read_bytes())},
            {"measures": "some"},
            422,
            "Unknown measures mode at measures: 'some'.",
        ),
    ],
    ids=["no-csv", "unknown-field", "bad-option"],
)
def test_convert_bad_requests(
    service: Service, files: dict[str, Any], data: dict[str, str], status: int, message: str
) -> None:
    with service.client(service.writer) as client:
        answer = client.post("/convert", files=files or None, data=data)
    body = answer.json()
    assert (answer.status_code, body["message"]) == (status, message)
    assert body["code"] == ("bad-request" if status == 400 else "cannot-convert")


def test_convert_a_file_that_is_not_a_csv(service: Service) -> None:
    with service.client(service.writer) as client:
        answer = client.post("/convert", files={"csv": ("notes.csv", b"\x00\x01binary\x00")})
        plain = client.post("/convert", content=b"not a form")
    body = answer.json()
    assert (answer.status_code, body["code"], body["stored"]) == (422, "cannot-convert", [])
    assert "notes.csv" in body["message"] and "/tmp" not in body["message"]
    assert (plain.status_code, plain.json()["code"]) == (400, "bad-request")


def test_convert_needs_a_token(service: Service) -> None:
    with service.client(service.reader) as client:
        answer = client.post("/convert", files={"csv": ("a.csv", b"x")})
    assert (answer.status_code, answer.json()["code"]) == (403, "forbidden")


# -- many clients at once --------------------------------------------------------------------


def test_concurrent_clients_lose_nothing(service: Service) -> None:
    writers, batches, size = 6, 4, 25
    failures: list[str] = []
    posted: list[str] = []
    lock = threading.Lock()

    def write(number: int) -> None:
        with service.client(service.writer) as client:
            for _ in range(batches):
                batch = [fresh(f"crowd-{number}") for _ in range(size)]
                answer = client.post("/reports", content=lines(*batch), headers=NDJSON)
                read = client.get("/reports", params={"project": f"crowd-{number}"})
                with lock:
                    if answer.status_code != 201 or read.status_code != 200:
                        failures.append(f"{answer.status_code} {read.status_code}")
                    posted.extend(ids(*batch))

    def read() -> None:
        with service.client() as client:
            for _ in range(batches * 2):
                answer = client.get("/summary", params={"by": "project"})
                if answer.status_code != 200:
                    with lock:
                        failures.append(answer.text)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    threads += [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with service.client() as client:
        stored = []
        for number in range(writers):
            stored += _listed(
                client.get("/reports", params={"project": f"crowd-{number}", "limit": 1000})
            )
    assert sorted(stored) == sorted(posted)
    assert len(posted) == writers * batches * size


# -- a private service, the command line -----------------------------------------------------


def test_private_service_needs_a_token_to_read(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'private.db'}"
    writer, reader, revoked = _tokens(db)
    with serving(db, tmp_path / "server.log", "--private") as server:
        with server.client() as client:
            health = client.get("/health")
            anonymous = client.get("/reports")
        with server.client(revoked) as client:
            gone = client.get("/summary")
        one = fresh("private")
        with server.client(writer) as client:
            written = client.post("/reports", json=one)
        with server.client(reader) as client:
            read = client.get("/reports")
            write = client.post("/reports", json=fresh("private"))
    assert health.status_code == 200
    assert (anonymous.status_code, anonymous.json()) == (
        401,
        {
            "code": "unauthorized",
            "message": "This service is private: reading needs a token.",
            "hint": WRITE_HINT,
        },
    )
    assert (gone.status_code, gone.json()["message"]) == (401, "Unknown or revoked token.")
    assert (written.status_code, written.json()["added"]) == (201, ids(one))
    assert (read.status_code, read.json()) == (200, {"reports": [one], "count": 1, "next": None})
    assert write.status_code == 403
    assert (
        (tmp_path / "server.log")
        .read_text()
        .startswith(f"serving {tmp_path / 'private.db'} at http://127.0.0.1:")
    )


def test_a_database_that_fails_under_the_service_is_503(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "failing.db"
    writer, _, _ = _tokens(f"sqlite:///{db}")
    with serving(f"sqlite:///{db}", tmp_path / "server.log") as server:
        with sqlite3.connect(db) as conn:  # the tables go away behind the service's back
            conn.executescript("DROP TABLE measures; DROP TABLE components; DROP TABLE reports;")
        with server.client(writer) as client:
            read = client.get("/reports")
            write = client.post("/reports", json=fresh("failing"))
            health = client.get("/health")
    assert (read.status_code, read.json()) == (
        503,
        {
            "code": "store-unavailable",
            "message": f"Cannot reach the database at {db}: no such table: reports.",
            "hint": "Check that the database server is running; nothing was written.",
        },
    )
    assert (write.status_code, write.json()["code"], write.json()["stored"]) == (
        503,
        "store-unavailable",
        [],
    )
    assert health.status_code == 200


def _serve(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "boamps_carbon", "serve", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_refuses_a_port_in_use(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        done = _serve("--db", str(tmp_path / "r.db"), "--port", str(port))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"Error: Cannot listen at 127.0.0.1:{port}: Address already in use. "
        "Choose another --port, or a --host of this machine.\n"
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--port", "0"], "Error: Not a port at --port: 0. Give a number from 1 to 65535.\n"),
        (
            ["--max-body", "0"],
            "Error: Not a size at --max-body: 0.0. Give a number of MB above 0.\n",
        ),
    ],
)
def test_serve_refuses_bad_options(tmp_path: Path, options: list[str], message: str) -> None:
    done = _serve("--db", str(tmp_path / "r.db"), *options)
    assert (done.returncode, done.stderr) == (2, message)


def test_serve_refuses_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("not a database\n", encoding="utf-8")
    done = _serve("--db", str(tmp_path / "notes.db"), "--port", str(free_port()))
    assert (done.returncode, done.stderr) == (
        2,
        f"Error: Not a SQLite database at {tmp_path / 'notes.db'}: file is not a database. "
        "Point --db at a store file, or at a new path to create one.\n",
    )


def test_serve_defaults_and_a_light_start() -> None:
    from boamps_carbon.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.private, args.max_body, args.db) == (
        "127.0.0.1",
        8000,
        False,
        50,
        None,
    )
    code = (
        "import sys\nfrom boamps_carbon.cli import main\n"
        "try:\n    main(['serve', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette', 'sqlalchemy') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_readme_documents_every_serve_option_and_endpoint() -> None:
    from boamps_carbon.cli import build_parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### serve", 1)[1].split("\n### ", 1)[0]
    parser = build_parser()
    serve = next(a for a in parser._actions if a.dest == "command").choices["serve"]  # type: ignore[index]
    for action in serve._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert option in section, option
    for endpoint in ("POST /reports", "POST /convert", "GET /reports", "GET /reports/{id}"):
        assert endpoint in section
    for endpoint in ("GET /summary", "GET /health", "/docs"):
        assert endpoint in section


def test_readme_service_snippet_runs() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### serve", 1)[1].split("\n### ", 1)[0]
    code = re.search(r"```python\n(.+?)\n```", section, flags=re.DOTALL).group(1)  # type: ignore[union-attr]
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("serving ") and done.stderr.endswith("stopped\n")


@pytest.mark.parametrize("until", ["9999-12-31", "9999-12-31 23:59:59"])
def test_until_the_end_of_the_calendar(
    service: Service, queried: list[dict[str, Any]], until: str
) -> None:
    a1, a2, *_ = ids(*queried)
    with service.client() as client:
        found = client.get("/reports", params={"project": "query-a", "until": until})
        assert _listed(found) == [a1, a2]
        for path, extra in [
            ("/summary", {}),
            ("/dashboard", {}),
            ("/compare", {"by": "task.taskStage"}),
        ]:
            answer = client.get(path, params={"project": "query-a", "until": until, **extra})
            assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("path", ["/reports", "/summary", "/dashboard", "/compare"])
def test_an_overlong_filter_is_a_bad_request(service: Service, path: str) -> None:
    # 5,000 characters: over our limit, under uvicorn's own for a request's head (16 KiB with
    # h11, which may cut a longer one off before it reaches us)
    with service.client() as client:
        answer = client.get(
            path,
            params={"hardware": "x" * 5_000, "by": "task.taskStage"}
            if path == "/compare"
            else {"hardware": "x" * 5_000},
        )
    assert answer.status_code == 400
    assert answer.json() == {
        "code": "bad-request",
        "message": "Filter value too long at hardware: 5000 characters.",
        "hint": "Give at most 1000 characters.",
    }
