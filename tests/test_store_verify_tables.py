"""`store verify` beyond the ledger: the revisions of each report id (`current`,
`superseded_by`) and the tables derived from each report's text (`measures`, `components`),
edited on the database itself, past the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from boamps_carbon import Store
from boamps_carbon.cli import main
from boamps_carbon.store.ledger import verify
from tests.store_support import report, store_url
from tests.test_store_ledger import check, tamper

ID1 = "00000000-0000-0000-0000-000000000001"
ID2 = "00000000-0000-0000-0000-000000000002"


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Rows: 1 (ID1, superseded by 3), 2 (ID2, superseded by 4), 3 (ID1, current),
    4 (ID2, removed by --replace), 5 (ID2, current)."""
    found = store_url(request.param, tmp_path)
    with Store(found) as store:
        store.add([report(1), report(2)])
        store.add([report(1, energy=0.7, status="corrective")])
        store.add([report(2, energy=0.8, status="corrective")])
        store.add([report(2, energy=0.9)], replace=True)
    return found


def rows(url: str) -> list[tuple[object, ...]]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        found = [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT seq, report_id, current, superseded_by FROM reports ORDER BY seq"
            )
        ]
    engine.dispose()
    return [(s, i, bool(c), b) for s, i, c, b in found]


def test_corrections_and_replacements_verify(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # row 2 still names row 4, which --replace removed (and the ledger recorded)
    assert rows(url) == [
        (1, ID1, False, 3),
        (2, ID2, False, 4),
        (3, ID1, True, None),
        (5, ID2, True, None),
    ]
    with Store(url) as store:
        result = verify(store)
    assert (result.ok, result.reports, result.entries) == (True, 4, 6)


def test_no_current_revision_is_named(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    tamper(url, "UPDATE reports SET current = ? WHERE seq = 3", False)
    assert check(url) == (
        f"store row 3: current-revisions: report '{ID1}' has no current revision: its 2 rows "
        "are all marked superseded"
    )
    assert main(["store", "verify", "--db", url]) == 1
    with Store(url) as store:
        where = store.where
    assert capsys.readouterr().out == (
        f"{where}: TAMPERED at store row 3: current-revisions: report '{ID1}' has no current "
        "revision: its 2 rows are all marked superseded\n"
    )


def test_two_current_revisions_are_named(url: str) -> None:
    tamper(url, "DROP INDEX reports_current_id")  # the database's own guard, dropped first
    tamper(url, "UPDATE reports SET current = ?, superseded_by = NULL WHERE seq = 2", True)
    assert check(url) == (
        f"store row 5: current-revisions: report '{ID2}' has 2 current revisions: store rows 2, 5"
    )


def test_superseded_by_edits_are_named(url: str) -> None:
    tamper(url, "UPDATE reports SET superseded_by = 1 WHERE seq = 3")
    assert check(url) == (
        f"store row 3: superseded-by: report '{ID1}': it is the current revision, yet "
        "superseded_by says 1"
    )
    tamper(url, "UPDATE reports SET superseded_by = NULL WHERE seq = 3")
    tamper(url, "UPDATE reports SET superseded_by = NULL WHERE seq = 1")
    assert check(url) == (
        f"store row 1: superseded-by: report '{ID1}': it is marked superseded, yet "
        "superseded_by is empty"
    )
    tamper(url, "UPDATE reports SET superseded_by = 5 WHERE seq = 1")
    assert check(url) == (
        f"store row 1: superseded-by: report '{ID1}': superseded_by says 5, a row of report '{ID2}'"
    )
    tamper(url, "UPDATE reports SET superseded_by = 9 WHERE seq = 1")
    assert check(url) == (
        f"store row 1: superseded-by: report '{ID1}': superseded_by says 9, a row that is not "
        "there and was never removed"
    )
    tamper(url, "UPDATE reports SET superseded_by = 1 WHERE seq = 1")
    assert check(url) == (
        f"store row 1: superseded-by: report '{ID1}': superseded_by says 1, not a later row"
    )
    tamper(url, "UPDATE reports SET superseded_by = 3 WHERE seq = 1")
    assert check(url) == "ok"


def test_edited_measures_and_components_are_named(url: str) -> None:
    tamper(url, "UPDATE measures SET energy_kwh = ? WHERE report_seq = 3", 0.0007)
    assert check(url) == (
        f"store row 3 (seq 3): edited-measures: report '{ID1}': its measures row 0 column "
        "energy_kwh holds 0.0007, its text says 0.7"
    )
    tamper(url, "UPDATE measures SET energy_kwh = ? WHERE report_seq = 3", 0.7)
    tamper(url, "UPDATE measures SET cpu_tracking_mode = 'machine' WHERE report_seq = 1")
    assert check(url) == (
        f"store row 1 (seq 1): edited-measures: report '{ID1}': its measures row 0 column "
        "cpu_tracking_mode holds 'machine', its text says None"
    )
    tamper(url, "DELETE FROM measures WHERE report_seq = 1")
    assert check(url) == (
        f"store row 1 (seq 1): edited-measures: report '{ID1}': the table measures has 0 rows "
        "for it, its text 1 measures"
    )
    tamper(url, "INSERT INTO measures (report_seq, idx, method) VALUES (1, 0, 'codecarbon')")
    tamper(
        url,
        "UPDATE measures SET energy_kwh = 0.5, start_time = '2026-03-02 10:00:00', "
        "duration_s = 100 WHERE report_seq = 1",
    )
    assert check(url) == "ok"
    tamper(url, "UPDATE components SET component_name = 'Epyc' WHERE report_seq = 5 AND idx = 0")
    assert check(url) == (
        f"store row 5 (seq 6): edited-components: report '{ID2}': its components row 0 column "
        "component_name holds 'Epyc', its text says 'Xeon Gold'"
    )
    tamper(
        url, "UPDATE components SET component_name = 'Xeon Gold' WHERE report_seq = 5 AND idx = 0"
    )
    tamper(url, "INSERT INTO components (report_seq, idx, component_type) VALUES (2, 2, 'gpu')")
    assert check(url) == (
        f"store row 2 (seq 2): edited-components: report '{ID2}': the table components has 3 "
        "rows for it, its text 2 components"
    )
    tamper(url, "DELETE FROM components WHERE report_seq = 2 AND idx = 2")
    # rows of no report: between report rows, and after the last
    tamper(url, "INSERT INTO measures (report_seq, idx, method) VALUES (4, 0, 'codecarbon')")
    assert check(url) == (
        "store row 4: edited-measures: the table measures has rows for store row 4, which "
        "holds no report"
    )
    tamper(url, "DELETE FROM measures WHERE report_seq = 4")
    tamper(url, "INSERT INTO components (report_seq, idx, component_type) VALUES (7, 0, 'cpu')")
    assert check(url) == (
        "store row 7: edited-components: the table components has rows for store row 7, which "
        "holds no report"
    )
