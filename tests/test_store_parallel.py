"""A big add whose rows worker processes make: the same store as one process makes, the
same errors, named at the same place, and nothing written when one is raised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from boamps_carbon import Store, StoreConflict, StoreError
from boamps_carbon.store.ledger import verify
from boamps_carbon.store.tables import reports
from tests.store_support import report, store_url

ROOT = Path(__file__).resolve().parent.parent
# reports per batch and per worker's chunk here, so that a few hundred make many of each
BATCH, CHUNK = 40, 15


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("boamps_carbon.store.core.BATCH", BATCH)
    monkeypatch.setattr("boamps_carbon.store.core.CHUNK", CHUNK)


def items() -> list[Any]:
    """300 reports in every form `add` takes, with a repeat, a corrective one and a dict."""
    out: list[Any] = []
    for n in range(1, 301):
        item = report(n, project=f"p{n % 7}", energy=0.001 * n, country=("france", "spain")[n % 2])
        line = json.dumps(item, separators=(",", ":"))
        if n == 120:
            out.append(item)  # a dict: made by the adding process, after those handed out
        elif n == 150:
            out.append((item, line.encode("utf-8")))  # a pair
        elif n == 170:
            out.append(b"\xef\xbb\xbf" + json.dumps(item, indent=2).encode("utf-8"))
        elif n % 3:
            out.append(line)
        else:
            out.append(line.encode("utf-8"))
    out.append(out[10])  # the same text again: unchanged
    corrected = report(20, energy=7.0, status="corrective")
    out.append(json.dumps(corrected))  # supersedes report 20, added in the first batch
    return out


def contents(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as conn:
        columns = [c.name for c in reports.c if c.name != "added_at"]
        ledger = [
            json.loads(entry)
            for entry in conn.execute(text("SELECT entry FROM ledger ORDER BY seq")).scalars()
        ]
        return {
            "reports": [
                tuple(row)
                for row in conn.execute(
                    text(f"SELECT {', '.join(columns)} FROM reports ORDER BY seq")
                )
            ],
            "measures": [
                tuple(row)
                for row in conn.execute(text("SELECT * FROM measures ORDER BY report_seq, idx"))
            ],
            "components": [
                tuple(row)
                for row in conn.execute(text("SELECT * FROM components ORDER BY report_seq, idx"))
            ],
            "ledger": [
                (e["seq"], e["action"], e["reportId"], e["reportSeq"], e["reportSha256"])
                for e in ledger
            ],
        }


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_workers_store_what_one_process_stores(kind: str, tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    with Store(store_url(kind, tmp_path)) as alone:
        result = alone.add(items(), workers=1)
        expected = contents(alone)
        expected_result = result.counts
    with Store(store_url(kind, tmp_path / "one")) as store:
        with store.adding(workers=2) as adding:
            for item in items():
                adding.add(item)
            assert adding.derivers is not None  # the workers made most batches
        assert (
            adding.result.counts
            == expected_result
            == {
                "added": 300,
                "unchanged": 1,
                "superseded": 1,
                "replaced": 0,
            }
        )
        assert contents(store) == expected
        assert len(expected["reports"]) == 301 and len(expected["components"]) == 602
        checked = verify(store)
        assert (checked.ok, checked.reports, checked.entries) == (True, 301, 301)
        assert store.get(report(170)["header"]["reportId"]).text.startswith("{\n  ")


@pytest.mark.parametrize(
    ("position", "item", "message"),
    [
        (
            250,
            "{",
            "Report is not JSON at report 250: Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1). Nothing was written.",
        ),
        (261, b"[1]", "Report is not a JSON object at report 261: list. Nothing was written."),
        (
            299,
            '{"header": {}}',
            "Report without an id at report 299: header.reportId: None. Every stored report "
            "needs a header.reportId; nothing was written.",
        ),
    ],
)
def test_a_bad_report_a_worker_meets_is_named_and_nothing_is_written(
    tmp_path: Path, position: int, item: Any, message: str
) -> None:
    given = items()
    given[position - 1] = item
    with Store(store_url("sqlite", tmp_path)) as store:
        with pytest.raises(StoreError) as caught:
            store.add(given, workers=2)
        assert caught.value.message == message
        assert store.count() == 0
        assert contents(store)["ledger"] == []


def test_a_conflict_among_the_workers_batches_is_named(tmp_path: Path) -> None:
    with Store(store_url("sqlite", tmp_path)) as store:
        store.add([report(400)])
        given = items()
        given[235] = json.dumps(report(400, energy=9.0))
        with pytest.raises(StoreConflict) as caught:
            store.add(given, workers=2)
        assert caught.value.report_ids == [report(400)["header"]["reportId"]]
        assert store.count() == 1
