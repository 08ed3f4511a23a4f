"""The store's ledger: every report stored or removed gets a chained entry in the same
transaction; `boamps store verify` names what was changed in the database behind the store's
back (reports edited, deleted, added; ledger rows edited, deleted); `boamps ledger verify
LEDGER --db` checks a ledger file against the reports of a store. Tampering is done on the
database itself: sqlite3 for SQLite files, SQL for PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from boamps_carbon import Store
from boamps_carbon.cli import main
from boamps_carbon.store.ledger import verify
from tests.store_support import report, store_url

ID1 = "00000000-0000-0000-0000-000000000001"
ID2 = "00000000-0000-0000-0000-000000000002"
ID3 = "00000000-0000-0000-0000-000000000003"


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    found = store_url(request.param, tmp_path)
    with Store(found) as store:
        store.add([report(1), report(2), report(3)])
    return found


def tamper(url: str, sql: str, *params: object) -> None:
    """Runs `sql` on the database directly, past the store."""
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.execute(sql, params)
        return
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(sql.replace("?", "%s"), params)
    engine.dispose()


def fetch(url: str, sql: str) -> str:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return str(conn.execute(sql).fetchone()[0])
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        found = str(conn.exec_driver_sql(sql).scalar())
    engine.dispose()
    return found


def check(url: str) -> str:
    with Store(url) as store:
        result = verify(store)
    return "ok" if result.tampering is None else str(result.tampering)


def test_an_untouched_store_verifies(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with Store(url) as store:
        result = verify(store)
        where = store.where
    assert (result.ok, result.entries, result.reports, result.head_seq) == (True, 3, 3, 3)
    assert main(["store", "verify", "--db", url]) == 0
    captured = capsys.readouterr()
    assert captured.out == (
        f"{where}: 3 reports and 3 ledger entries ok; head seq 3 {result.head}\n"
    )
    assert captured.err == (
        "note: the last entries and their reports removed together cannot be detected without "
        "--expect-head (the head hash printed by an earlier `boamps store verify`)\n"
    )
    assert main(["store", "verify", "--db", url, "--expect-head", result.head]) == 0
    assert capsys.readouterr().err == ""


def test_removals_replacements_and_corrections_are_recorded(url: str) -> None:
    with Store(url) as store:
        assert store.delete(ID3) == 1
        store.add([report(4)])  # takes row 3 again: its report was removed
        store.add([report(1, energy=0.7)], replace=True)
        store.add([report(2, energy=0.9, status="corrective")])
        result = verify(store)
    assert (result.ok, result.entries, result.reports) == (True, 8, 4)
    actions = [
        (e["action"], e["reportSeq"], e.get("removes")) for e in map(json.loads, entries(url))
    ]
    assert actions == [
        ("add", 1, None),
        ("add", 2, None),
        ("add", 3, None),
        ("remove", 3, 3),
        ("add", 3, None),
        ("remove", 1, 1),
        ("add", 4, None),
        ("add", 5, None),
    ]


def entries(url: str) -> list[str]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return [row[0] for row in conn.execute("SELECT entry FROM ledger ORDER BY seq")]
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        found = [row[0] for row in conn.exec_driver_sql("SELECT entry FROM ledger ORDER BY seq")]
    engine.dispose()
    return found


def test_an_edited_report_is_named(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    document = fetch(url, "SELECT document FROM reports WHERE seq = 2")
    tamper(url, "UPDATE reports SET document = ? WHERE seq = 2", document.replace("0.5", "0.4"))
    assert check(url) == (
        f"store row 2 (seq 2): edited-report: report '{ID2}' no longer has the SHA-256 its "
        "entry recorded"
    )
    assert main(["store", "verify", "--db", url]) == 1
    assert "TAMPERED at store row 2 (seq 2): edited-report" in capsys.readouterr().out


def test_one_byte_of_a_report_is_detected(url: str) -> None:
    document = fetch(url, "SELECT document FROM reports WHERE seq = 1")
    changed = document.replace('"france"', '"francf"')
    assert len(changed) == len(document) and changed != document
    tamper(url, "UPDATE reports SET document = ? WHERE seq = 1", changed)
    assert check(url).startswith("store row 1 (seq 1): edited-report")


def test_a_report_deleted_behind_the_store_is_named(url: str) -> None:
    tamper(url, "DELETE FROM reports WHERE seq = 2")
    assert check(url) == (
        f"ledger row 2 (seq 2): missing-report: report '{ID2}' (store row 2) is no longer in "
        "the store, and no entry removed it: it was deleted behind the store's back"
    )


def test_the_last_report_deleted_is_named(url: str) -> None:
    tamper(url, "DELETE FROM reports WHERE seq = 3")
    assert check(url).startswith("ledger row 3 (seq 3): missing-report: report '" + ID3)


def test_a_report_added_behind_the_store_is_named(url: str) -> None:
    document = fetch(url, "SELECT document FROM reports WHERE seq = 3")
    tamper(
        url,
        "INSERT INTO reports (seq, report_id, current, added_at, content_sha256, report_status,"
        " report_datetime, project, task_stage, task_family, model, algorithms, quantization,"
        " hardware, country, energy_kwh, document) VALUES (9, 'smuggled', ?, '', '', '', '', '',"
        " '', '', '', '', '', '', '', 0, ?)",
        True,
        document,
    )
    assert check(url) == (
        "store row 9: unrecorded-report: report 'smuggled' is in the store but not in its "
        "ledger: it was added behind the store's back"
    )


def test_an_edited_ledger_row_is_named(url: str) -> None:
    entry = fetch(url, "SELECT entry FROM ledger WHERE seq = 2")
    digest = json.loads(entry)["reportSha256"]
    changed = entry.replace(digest, ("0" if digest[0] != "0" else "1") + digest[1:])
    tamper(url, "UPDATE ledger SET entry = ? WHERE seq = 2", changed)
    assert check(url) == "ledger row 2 (seq 2): edited-entry: its content does not match its hash"


def test_an_edited_report_seq_column_is_named(url: str) -> None:
    tamper(url, "UPDATE ledger SET report_seq = 7 WHERE seq = 1")
    assert check(url) == (
        "ledger row 1 (seq 1): edited-entry: its report_seq column says 7, the entry 1"
    )


def test_a_deleted_ledger_row_is_named(url: str) -> None:
    tamper(url, "DELETE FROM ledger WHERE seq = 2")
    assert check(url) == "ledger row 3 (seq 3): deleted: seq 2 missing before it"


def test_a_rewritten_chain_is_named(url: str) -> None:
    # a report edited and its entry rehashed to match: the next entry's prev no longer does
    from boamps_carbon.trust.ledger import entry_hash

    entry = json.loads(fetch(url, "SELECT entry FROM ledger WHERE seq = 2"))
    entry["reportSha256"] = "f" * 64
    entry["hash"] = entry_hash(entry)
    tamper(url, "UPDATE ledger SET entry = ? WHERE seq = 2", json.dumps(entry))
    assert check(url).startswith("ledger row 3 (seq 3): broken-chain: prev ")


def test_entries_and_reports_cut_from_the_end_need_the_head(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(url) as store:
        head = verify(store).head
    tamper(url, "DELETE FROM reports WHERE seq = 3")
    tamper(url, "DELETE FROM ledger WHERE seq = 3")
    # the rows of its measures left behind are named
    assert check(url) == (
        "store row 3: edited-measures: the table measures has rows for store row 3, which "
        "holds no report"
    )
    tamper(url, "DELETE FROM measures WHERE report_seq = 3")
    tamper(url, "DELETE FROM components WHERE report_seq = 3")
    assert check(url) == "ok"
    assert main(["store", "verify", "--db", url, "--expect-head", head]) == 1
    assert capsys.readouterr().out.endswith(
        f"TAMPERED at ledger row 3: truncated: the expected head {head[:12]}… is not in the "
        "ledger, which ends at seq 2 (" + verify_head(url)[:12] + "…): entries were cut from "
        "the end, or the head belongs to another ledger\n"
    )


def verify_head(url: str) -> str:
    with Store(url) as store:
        return verify(store).head


def test_concurrent_writers_keep_one_chain(url: str) -> None:
    def write(first: int) -> None:
        with Store(url) as store:
            for number in range(first, first + 5):
                store.add([report(number)])

    threads = [threading.Thread(target=write, args=(start,)) for start in (10, 20, 30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Store(url) as store:
        result = verify(store)
    assert (result.ok, result.entries, result.reports) == (True, 18, 18)


def test_ledger_file_against_a_store(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for number in (1, 2):
        path = tmp_path / f"r{number}.json"
        path.write_text(json.dumps(report(number), indent=2))
        files.append(str(path))
    ledger = tmp_path / "ledger.jsonl"
    assert main(["ledger", "append", str(ledger), *files]) == 0
    capsys.readouterr()
    assert main(["ledger", "verify", str(ledger), "--db", url]) == 0
    assert capsys.readouterr().out.startswith(f"{ledger}: 2 entries ok; head seq 2 ")
    document = fetch(url, "SELECT document FROM reports WHERE seq = 2")
    tamper(url, "UPDATE reports SET document = ? WHERE seq = 2", document.replace("0.5", "0.6"))
    assert main(["ledger", "verify", str(ledger), "--db", url]) == 1
    with Store(url) as store:
        where = store.where
    assert capsys.readouterr().out == (
        f"{ledger}: TAMPERED at line 2 (seq 2): edited-report: report '{ID2}' in {where} no "
        "longer has the SHA-256 the entry recorded\n"
    )
    tamper(url, "DELETE FROM reports WHERE seq = 1")
    assert main(["ledger", "verify", str(ledger), "--db", url]) == 1
    assert capsys.readouterr().out == (
        f"{ledger}: TAMPERED at line 1 (seq 1): missing-report: report '{ID1}' is not in {where}\n"
    )


def test_verify_refuses_a_bad_head_and_a_missing_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.db"
    assert main(["store", "verify", "--db", str(missing), "--expect-head", "abc"]) == 2
    assert capsys.readouterr().err == (
        "Error: Expected head is not a SHA-256 hash at --expect-head: abc. Give the 64 "
        "hexadecimal digits printed by `boamps store verify`.\n"
    )
    assert main(["store", "verify", "--db", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"Error: No such store at {missing}: no such file. Check --db, or add reports first "
        "with `boamps store import`.\n"
    )


def test_ledger_verify_takes_one_place_for_the_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    ledger.write_text("", encoding="utf-8")
    store = tmp_path / "x.db"
    Store(store).close()
    arguments = ["ledger", "verify", str(ledger), "--reports", str(tmp_path), "--db", str(store)]
    assert main(arguments) == 2
    assert capsys.readouterr().err == (
        "Error: Two places to find the reports at --reports and --db. Give one of them.\n"
    )


WRITER = """
import sys
from pathlib import Path
from boamps_carbon import Store
from tests.store_support import report

url, folder = sys.argv[1], Path(sys.argv[2])
with Store(url) as store:
    round = 0
    while not (folder / "stop").exists():
        round += 1
        # replace the first reports (their rows removed, new rows added), then add new ones
        store.add([report(n, energy=0.5 + round) for n in range(1, 6)], replace=True)
        store.add([report(1000 + 2 * round + k) for k in range(2)])
        (folder / "next").write_text(str(round))
        (folder / "next").replace(folder / "written")  # whole, for the test to read
"""


def test_verify_while_another_process_writes_says_ok(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # verify reads one snapshot: rows replaced or added meanwhile are neither missing nor
    # unrecorded; small pages make many reads, each a chance for a writer to come between
    monkeypatch.setattr("boamps_carbon.store.ledger.PAGE", 2)
    with Store(url) as store:
        store.add([report(n) for n in range(4, 40)])
    folder = tmp_path / "writer"
    folder.mkdir()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(folder)], cwd=Path(__file__).parent.parent
    )
    try:
        deadline = time.monotonic() + 60
        while not (folder / "written").exists():
            assert writer.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        with Store(url) as store:
            for _ in range(8):
                found = verify(store)
                assert found.tampering is None, str(found.tampering)
                # the rows matched are those of the entries up to the head it checked
                assert found.reports == found.entries - 2 * len(found.removed)
        rounds = int((folder / "written").read_text())
    finally:
        (folder / "stop").write_text("")
        writer.wait(timeout=60)
    assert writer.returncode == 0
    assert rounds > 1  # the writer did write while verify ran


def test_edited_columns_are_named(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # the text is untouched, the columns that `summary --db` adds up are not
    tamper(url, "UPDATE reports SET energy_kwh = 5000 WHERE seq = 2")
    assert check(url) == (
        f"store row 2 (seq 2): edited-columns: report '{ID2}': its column energy_kwh holds "
        "5000.0, its text says 0.5"
    )
    tamper(url, "UPDATE reports SET energy_kwh = 0.5, project = 'other' WHERE seq = 2")
    assert check(url) == (
        f"store row 2 (seq 2): edited-columns: report '{ID2}': its column project holds "
        "'other', its text says 'alpha'"
    )
    tamper(url, "UPDATE reports SET project = 'alpha' WHERE seq = 2")
    tamper(url, "UPDATE reports SET rating = 'gold' WHERE seq = 3")
    rating = fetch(url, "SELECT rating FROM reports WHERE seq = 1")
    assert check(url) == (
        f"store row 3 (seq 3): edited-columns: report '{ID3}': its column rating holds "
        f"'gold', its text rates {rating!r}"
    )
    assert main(["store", "verify", "--db", url]) == 1
    assert capsys.readouterr().out.endswith(f"its text rates {rating!r}\n")


def test_a_dropped_ledger_is_named(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    tamper(url, "DROP TABLE ledger")
    assert check(url) == (
        "ledger row 1: missing-ledger: the table 'ledger' is gone: it was dropped behind the "
        "store's back"
    )
    assert main(["store", "verify", "--db", url]) == 1
    assert capsys.readouterr().out.endswith(
        ": TAMPERED at ledger row 1: missing-ledger: the table 'ledger' is gone: it was "
        "dropped behind the store's back\n"
    )
