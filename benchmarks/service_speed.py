"""The service under load: a real `boamps serve` process (one uvicorn worker, a SQLite file).

1. POST /reports in JSON Lines batches by one client: reports/s, against `Store.add` of the
   same reports in-process (the store alone, without HTTP and validation), measured in the
   same run. Target: at least 2,000 reports/s.
2. A bounded load: CLIENTS clients (threads, default 50) posting small batches and reading
   (GET /reports, GET /summary) for SECONDS (default 30); then every report is counted.
   Target: no error, nothing lost.

Usage: python benchmarks/service_speed.py [--reports N] [--batch B] [--clients C] [--seconds S]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from boamps_carbon.store import Store  # noqa: E402
from tests.service_support import fresh, serving  # noqa: E402

TARGET = 2_000


def jsonl(reports: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in reports)


def bulk(url: str, token: str, reports: list[dict], batch: int) -> float:
    import httpx

    bodies = [jsonl(reports[i : i + batch]) for i in range(0, len(reports), batch)]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        start = time.perf_counter()
        for body in bodies:
            answer = client.post("/reports", content=body)
            if answer.status_code != 201:
                raise SystemExit(f"POST /reports: {answer.status_code} {answer.text[:300]}")
        return len(reports) / (time.perf_counter() - start)


def baseline(reports: list[dict], batch: int, folder: Path) -> float:
    """The store alone: the same reports as text, added in the same batches."""
    texts = [json.dumps(r) for r in reports]
    with Store(f"sqlite:///{folder / 'baseline.db'}") as store:
        start = time.perf_counter()
        for i in range(0, len(texts), batch):
            store.add(texts[i : i + batch])
        return len(texts) / (time.perf_counter() - start)


class Load:
    """Clients that post and read until the time is up, counting what they did."""

    def __init__(self, url: str, token: str, seconds: float) -> None:
        self.url, self.token, self.deadline = url, token, time.monotonic() + seconds
        self.lock = threading.Lock()
        self.posted: dict[str, int] = {}
        self.requests = 0
        self.errors: list[str] = []

    def client(self, number: int) -> None:
        import httpx

        project = f"load-{number}"
        headers = {"Authorization": f"Bearer {self.token}"}
        done = posted = 0
        with httpx.Client(base_url=self.url, headers=headers, timeout=120) as client:
            while time.monotonic() < self.deadline:
                try:
                    batch = [fresh(project) for _ in range(20)]
                    answer = client.post(
                        "/reports",
                        content=jsonl(batch),
                        headers={"Content-Type": "application/x-ndjson"},
                    )
                    self._check(answer, 201)
                    posted += len(batch) if answer.status_code == 201 else 0
                    self._check(client.get("/reports", params={"project": project}), 200)
                    if done % 5 == 0:
                        self._check(client.get("/summary", params={"by": "project"}), 200)
                    done += 3
                except httpx.HTTPError as error:
                    with self.lock:
                        self.errors.append(f"{type(error).__name__}: {error}")
        with self.lock:
            self.posted[project] = posted
            self.requests += done

    def _check(self, answer: object, status: int) -> None:
        code = getattr(answer, "status_code", None)
        if code != status:
            with self.lock:
                self.errors.append(f"{code}: {getattr(answer, 'text', '')[:200]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=20_000, help="reports posted in bulk")
    parser.add_argument("--batch", type=int, default=1_000, help="reports per bulk request")
    parser.add_argument("--clients", type=int, default=50, help="clients of the load")
    parser.add_argument("--seconds", type=float, default=30, help="length of the load")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="boamps-service-bench-"))
    db = f"sqlite:///{folder / 'reports.db'}"
    with Store(db) as store:
        token = store.create_token("bench")
    reports = [fresh("bulk") for _ in range(args.reports)]
    base_rate = baseline(reports, args.batch, folder)
    with serving(db, folder / "server.log") as server:
        rate = bulk(server.url, token, reports, args.batch)
        load = Load(server.url, token, args.seconds)
        threads = [threading.Thread(target=load.client, args=(n,)) for n in range(args.clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    with Store(db) as store:
        lost = {
            project: count - store.count(project=project)
            for project, count in load.posted.items()
            if store.count(project=project) != count
        }
        total = store.count()
    expected = args.reports + sum(load.posted.values())
    ok = rate >= TARGET and not load.errors and not lost and total == expected
    print(f"bulk POST /reports: {args.reports} reports in batches of {args.batch}")
    print(f"  store alone:      {base_rate:,.0f} reports/s (Store.add, in-process)")
    print(f"  service:          {rate:,.0f} reports/s (HTTP, validation, store)")
    print(f"  ratio:            {rate / base_rate:.2f}x the store alone")
    print(f"  target {TARGET:,}/s:   {'met' if rate >= TARGET else 'MISSED'}")
    print(f"load: {args.clients} clients for {elapsed:.1f} s, posting 20 reports and reading")
    print(f"  requests:         {load.requests:,} ({load.requests / elapsed:,.0f}/s)")
    print(f"  reports posted:   {sum(load.posted.values()):,}")
    print(f"  errors:           {len(load.errors)}{': ' + load.errors[0] if load.errors else ''}")
    print(f"  stored in all:    {total:,} (expected {expected:,}; lost: {lost or 'none'})")
    print(f"result:             {'ok' if ok else 'FAILED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
