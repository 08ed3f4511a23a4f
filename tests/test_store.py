"""The report store, on a SQLite file and on a real PostgreSQL server."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from boamps_carbon import Store, StoreConflict, StoreError
from boamps_carbon.render.summary import summarise
from boamps_carbon.render.tables import tables
from boamps_carbon.store.ledger import verify as verify_ledger
from tests.store_support import report, store_url

ROOT = Path(__file__).resolve().parent.parent
ID1 = "00000000-0000-0000-0000-000000000001"
ID2 = "00000000-0000-0000-0000-000000000002"
ID3 = "00000000-0000-0000-0000-000000000003"


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    with Store(store_url(request.param, tmp_path)) as opened:
        yield opened


def ids(items) -> list[str]:
    return [item.report_id for item in items]


def test_add_is_idempotent_and_keeps_the_text(store: Store) -> None:
    text = (ROOT / "examples" / "report.json").read_bytes()
    first = store.add([text, report(1)])
    assert (first.added, first.unchanged) == (["9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73", ID1], [])
    # the same reports again, one as a dict with other spacing and key order: nothing new
    again = store.add([json.loads(text), report(1)])
    assert (again.added, again.unchanged, again.stored) == (
        [],
        ["9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73", ID1],
        0,
    )
    assert store.count() == 2
    stored = store.get("9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73")
    assert stored is not None and stored.text.encode("utf-8") == text
    assert stored.columns["project"] == "examples"
    assert stored.columns["energy_kwh"] == 0.000412
    assert stored.columns["emissions_kg"] == pytest.approx(0.000412 * 21.7 / 1000, rel=1e-12)
    assert stored.columns["start_time"] == "2026-11-22 07:11:38"
    assert stored.columns["end_time"] == "2026-11-22 07:12:39"
    assert (
        stored.columns["hardware"] == "Intel(R) Xeon(R) CPU @ 2.20GHz (2 logical CPUs), 24.0 GB RAM"
    )
    assert stored.columns["quality"] == "medium"
    assert store.get("no-such-id") is None


def test_conflict_is_named_and_nothing_is_written(store: Store) -> None:
    store.add([report(1), report(2)])
    changed = [report(3), report(1, energy=0.7), report(2, energy=0.9)]
    with pytest.raises(StoreConflict) as caught:
        store.add(changed)
    assert caught.value.report_ids == [ID1, ID2]
    assert caught.value.message == (
        f"Report ids already stored with other content at {store.where}: {ID1}, {ID2}. "
        "Nothing was written. Give corrective reports (reportStatus corrective), or "
        "overwrite them (store import --replace, convert --force)."
    )
    assert store.get(ID3) is None  # all or nothing: the new report went too
    assert store.count() == 2


def test_corrective_supersedes_and_keeps_history(store: Store) -> None:
    store.add([report(1, energy=0.5)])
    result = store.add([report(1, energy=0.6, status="corrective")])
    assert (result.superseded, result.added) == ([ID1], [])
    history = store.history(ID1)
    assert [h.columns["current"] for h in history] == [False, True]
    assert [h.report["measures"][0]["powerConsumption"] for h in history] == [0.5, 0.6]
    assert history[0].columns["superseded_by"] == history[1].columns["seq"]
    assert store.get(ID1).report["measures"][0]["powerConsumption"] == 0.6
    assert store.count() == 1
    assert store.summary()[0]["energy_kwh"] == 0.6  # history is not counted


def test_replace_overwrites(store: Store) -> None:
    store.add([report(1, energy=0.5)])
    result = store.add([report(1, energy=0.8)], replace=True)
    assert (result.replaced, result.added) == ([ID1], [])
    assert [h.report["measures"][0]["powerConsumption"] for h in store.history(ID1)] == [0.8]


def test_repeats_within_one_add(store: Store) -> None:
    result = store.add([report(1), report(1), report(1, energy=0.2, status="corrective")])
    assert (result.added, result.unchanged, result.superseded) == ([ID1], [ID1], [ID1])
    assert [h.columns["current"] for h in store.history(ID1)] == [False, True]
    result = store.add([report(2), report(2, energy=0.3)], replace=True)
    assert (result.added, result.replaced) == ([ID2], [ID2])
    assert [h.report["measures"][0]["powerConsumption"] for h in store.history(ID2)] == [0.3]
    with pytest.raises(StoreConflict):
        store.add([report(3), report(3, energy=0.3)])
    assert store.get(ID3) is None


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (b"[1]", "Report is not a JSON object at report 2: list. Nothing was written."),
        (
            "{",
            "Report is not JSON at report 2: Expecting property name enclosed in double quotes: line 1 column 2 (char 1). Nothing was written.",
        ),
        (
            {"header": {}},
            "Report without an id at report 2: header.reportId: None. Every stored report needs a header.reportId; nothing was written.",
        ),
    ],
)
def test_bad_reports_write_nothing(store: Store, item: object, message: str) -> None:
    with pytest.raises(StoreError) as caught:
        store.add([report(1), item])
    assert caught.value.message == message
    assert store.count() == 0


def test_filters(store: Store) -> None:
    store.add(
        [
            report(1, project="alpha", start="2026-01-15 08:00:00", quantization="int8"),
            report(2, project="beta", stage="inference", family="chatbot", country="Germany"),
            report(
                3,
                project="alpha",
                start="2026-03-01 00:00:00",
                algorithm="vit",
                quantization="fp32",
            ),
        ]
    )
    assert ids(store.query(project="alpha")) == [ID1, ID3]
    assert ids(store.query(stage="inference")) == [ID2]
    assert ids(store.query(family="chatbot")) == [ID2]
    assert ids(store.query(algorithm="vit")) == [ID3]
    assert ids(store.query(algorithm="resnet")) == []
    assert ids(store.query(quantization="int8")) == [ID1]
    assert ids(store.query(hardware="xeon gold")) == [ID1, ID2, ID3]
    assert ids(store.query(country="germany")) == [ID2]
    assert ids(store.query(since="2026-02-01")) == [ID2, ID3]
    assert ids(store.query(until="2026-01-15")) == [ID1]
    assert ids(store.query(until="2026-03-01 00:00:00")) == [ID1, ID3]
    assert ids(store.query(where={"task.algorithms.quantization": "fp32"})) == [ID3]
    assert ids(store.query(where={"environment.country": "Germany"})) == [ID2]
    assert ids(store.query(where={"measures.powerConsumption": "0.5"})) == [ID1, ID2, ID3]
    assert ids(store.query(where={"infrastructure.components.nbComponent": "2"})) == [ID1, ID2, ID3]
    assert ids(
        store.query(
            where=[("task.taskStage", "training"), ("header.publisher.projectName", "alpha")]
        )
    ) == [ID1, ID3]
    assert store.count(project="alpha") == 2


HOSTILE = ["' OR 1=1 --", '"; DROP TABLE reports; --', "%", "_", "\\", "alpha%", "'", "é\u202e"]


@pytest.mark.parametrize("value", HOSTILE)
def test_sql_metacharacters_are_values(store: Store, value: str) -> None:
    store.add([report(1), report(2, project="alpha%")])
    expected = [ID2] if value == "alpha%" else []
    for name in ("project", "stage", "family", "algorithm", "quantization", "country"):
        assert ids(store.query(**{name: value})) == (expected if name == "project" else [])
    assert ids(store.query(hardware=value)) == []
    assert ids(store.query(where={"header.publisher.projectName": value})) == expected
    assert ids(store.query(where={"task.algorithms.algorithmName": value})) == []
    assert store.count() == 2


def test_unknown_field_and_bad_values(store: Store) -> None:
    with pytest.raises(StoreError) as caught:
        list(store.query(hardware="a\x00b"))
    assert caught.value.message == (
        "NUL character in a filter at --hardware: 'a\\x00b'. Remove it from the value."
    )
    with pytest.raises(StoreError) as caught:
        list(store.query(where={"header.nope": "1"}))
    assert caught.value.message == (
        "Unknown report field at --where: 'header.nope'. Name a field of the BoAmps schema by "
        "its dotted path, such as header.publisher.projectName or task.algorithms.quantization."
    )
    with pytest.raises(StoreError) as caught:
        list(store.query(where={"measures.powerConsumption": "1; DROP"}))
    assert caught.value.message == (
        "Not a number at --where measures.powerConsumption: '1; DROP'. "
        "measures.powerConsumption holds numbers."
    )
    with pytest.raises(StoreError) as caught:
        list(store.query(since="yesterday"))
    assert caught.value.message == (
        "Not a date at --since: 'yesterday'. Use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS "
        "(the reports' own time, no zone)."
    )
    with pytest.raises(StoreError) as caught:
        list(store.query(after="1 OR 1"))
    assert caught.value.message == (
        "Bad cursor at after: '1 OR 1'. Use the cursor of a report from a query."
    )


def test_pages_with_a_cursor(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("boamps_carbon.store.core.PAGE", 2)  # several pages per query
    store.add([report(n) for n in range(1, 8)])
    assert len(list(store.query())) == 7
    first = list(store.query(limit=3))
    assert ids(first) == [f"00000000-0000-0000-0000-00000000000{n}" for n in (1, 2, 3)]
    rest = list(store.query(limit=3, after=first[-1].cursor))
    assert ids(rest) == [f"00000000-0000-0000-0000-00000000000{n}" for n in (4, 5, 6)]
    assert ids(store.query(after=rest[-1].cursor)) == ["00000000-0000-0000-0000-000000000007"]
    assert list(store.query(limit=0)) == []


def test_summary_agrees_with_boamps_summary(store: Store) -> None:
    reports = [
        report(1, project="alpha", energy=0.5, intensity=50.0, duration=100.0),
        report(2, project="alpha", energy=0.25, intensity=20.0, duration=None),
        report(3, project="beta", energy=1.0, intensity=None, duration=3600.0, country="Germany"),
        report(4, project="", energy=0.125, start="2026-04-01 00:00:00"),
    ]
    store.add(reports)
    for by in ("project", "model", "hardware", "country", "month"):
        expected = summarise(reports, by)
        found = store.summary(by)
        assert [r["group"] for r in found] == [r["group"] for r in expected]
        for mine, theirs in zip(found, expected, strict=True):
            assert mine.keys() == theirs.keys()
            for key, value in theirs.items():
                assert mine[key] == (
                    value if value is None or key == "group" else pytest.approx(value, rel=1e-12)
                )
    assert store.summary("project") == [
        {
            "group": "alpha",
            "runs": 2,
            "energy_kwh": 0.75,
            "emissions_kg": pytest.approx(0.03),
            "duration_s": 100.0,
            "mean_power_w": 18000.0,
        },
        {
            "group": "beta",
            "runs": 1,
            "energy_kwh": 1.0,
            "emissions_kg": None,
            "duration_s": 3600.0,
            "mean_power_w": 1000.0,
        },
        {
            "group": "(not stated)",
            "runs": 1,
            "energy_kwh": 0.125,
            "emissions_kg": 0.00625,
            "duration_s": 100.0,
            "mean_power_w": 4500.0,
        },
    ]
    assert store.summary("project", country="germany")[0]["group"] == "beta"
    with pytest.raises(StoreError, match=r"^Unknown grouping at by: 'team'"):
        store.summary("team")


def test_measures_and_components_tables(store: Store) -> None:
    from sqlalchemy import select

    from boamps_carbon.store.tables import components, measures

    store.add([report(1)])
    seq = store.get(ID1).columns["seq"]
    with store.engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(select(measures))] == [
            (seq, 0, "codecarbon", None, 0.5, 100.0, "2026-03-02 10:00:00", None, None)
        ]
        assert [tuple(r) for r in conn.execute(select(components).order_by(components.c.idx))] == [
            (seq, 0, "cpu", "Xeon Gold", 2.0, None, None, None),
            (seq, 1, "ram", None, 1.0, None, None, 16.0),
        ]
    assert store.delete(ID1) == 1
    assert store.delete(ID1) == 0
    with store.engine.connect() as conn:
        assert conn.execute(select(measures)).all() == []
        assert conn.execute(select(components)).all() == []


def test_export_jsonl_folder_parquet(store: Store, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    text = (ROOT / "examples" / "report.json").read_text(encoding="utf-8")
    store.add([text, report(1, quantization="int8")])
    assert store.export(tmp_path / "out.jsonl") == 2
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        json.loads(text),
        report(1, quantization="int8"),
    ]
    assert store.export(tmp_path / "folder", project="examples") == 1
    assert (
        tmp_path / "folder" / "examples-training-9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73.json"
    ).read_text(encoding="utf-8") == text
    assert store.export(tmp_path / "out.parquet") == 2
    table = pq.read_table(tmp_path / "out.parquet")
    reports_csv = tables([json.loads(text), report(1, quantization="int8")])["reports.csv"]
    assert table.column_names == reports_csv.splitlines()[0].split(",")
    assert table.column("reportId").to_pylist() == [
        "9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73",
        ID1,
    ]
    with pytest.raises(Exception, match="Output exists"):
        store.export(tmp_path / "out.parquet")
    assert store.export(tmp_path / "out.parquet", force=True, project="alpha") == 1
    # into a folder that holds other files: only with force, and the others stay
    (tmp_path / "folder" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(Exception, match="Output exists"):
        store.export(tmp_path / "folder")
    assert store.export(tmp_path / "folder", force=True) == 2
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == [
        "alpha-training-00000000-0000-0000-0000-000000000001.json",
        "examples-training-9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73.json",
        "notes.txt",
    ]
    assert (tmp_path / "folder" / "notes.txt").read_text(encoding="utf-8") == "mine"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert store.export(empty) == 2  # an empty folder is free


def test_export_folder_names_never_clash(store: Store, tmp_path: Path) -> None:
    # "a/b" and "a:b" both clean up to a_b: the third report takes its cursor (3), and that
    # name is already the own name of the second report, id a_b-3
    first, taken, alike = report(1), report(2), report(3)
    first["header"]["reportId"], taken["header"]["reportId"] = "a/b", "a_b-3"
    alike["header"]["reportId"] = "a:b"
    store.add([first, taken, alike])
    assert [item.cursor for item in store.query()] == ["1", "2", "3"]
    assert store.export(tmp_path / "out") == 3
    written = {
        p.name: json.loads(p.read_bytes())["header"]["reportId"]
        for p in (tmp_path / "out").iterdir()
    }
    assert written == {
        "alpha-training-a_b.json": "a/b",
        "alpha-training-a_b-3.json": "a_b-3",
        "alpha-training-a_b-3-1.json": "a:b",
    }


def test_tokens(store: Store) -> None:
    from sqlalchemy import select

    from boamps_carbon.store.tables import tokens

    secret = store.create_token("ci")
    reader = store.create_token("dashboard", read_only=True)
    assert secret.startswith("boamps_") and len(secret) == 50
    info = store.check_token(secret)
    assert (info.name, info.read_only, info.active) == ("ci", False, True)
    assert store.check_token(reader).read_only is True
    assert store.check_token(secret + "x") is None
    assert store.check_token("") is None
    with store.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(select(tokens))]
    assert all(secret not in str(row) for row in stored)  # only the hash is kept
    assert [t.name for t in store.list_tokens()] == ["ci", "dashboard"]
    with pytest.raises(
        StoreError, match=r"^Token name already used at --name: 'ci'\. Choose another name\.$"
    ):
        store.create_token("ci")
    revoked = store.revoke_token("ci")
    assert revoked.active is False
    assert store.check_token(secret) is None
    assert store.revoke_token(revoked.token_id).revoked_at == revoked.revoked_at
    with pytest.raises(
        StoreError,
        match=r"^No such token at token revoke: 'nope'\. See `boamps store token list`\.$",
    ):
        store.revoke_token("nope")


# -- SQLite files: defaults, migrations, bad files ---------------------------------------------


def test_default_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOAMPS_DB", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with Store() as store:
        store.add([report(1)])
    assert (tmp_path / "data" / "boamps_carbon" / "reports.db").is_file()
    monkeypatch.setenv("BOAMPS_DB", str(tmp_path / "elsewhere.db"))
    with Store() as store:
        assert store.where == str(tmp_path / "elsewhere.db")
        assert store.count() == 0


def test_migrates_a_version_1_file(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, insert, inspect

    from boamps_carbon.store import migrations, tables
    from boamps_carbon.store.rows import (
        COMPONENT_COLUMNS,
        MEASURE_COLUMNS,
        component_rows,
        content_sha256,
        measure_rows,
        report_row,
    )

    path = tmp_path / "v1.db"
    engine = create_engine(f"sqlite:///{path}")
    old = migrations.v1_metadata()
    stored = report(1, quality="high")
    row = report_row(stored)
    del row["quality"], row["rating"]  # version 1 had no such columns
    with engine.begin() as conn:
        old.create_all(conn)
        conn.execute(
            insert(old.tables["boamps_schema_version"]).values(
                version=1, applied_at="2026-01-01 00:00:00"
            )
        )
        conn.execute(
            insert(old.tables["reports"]).values(
                seq=1,
                report_id=ID1,
                current=True,
                superseded_by=None,
                added_at="2026-01-01 00:00:00",
                content_sha256=content_sha256(stored),
                document=json.dumps(stored),
                **row,
            )
        )
        # its measures and components, as version 1 stored them (`store verify` checks them)
        for name, columns, parts in (
            ("measures", MEASURE_COLUMNS, measure_rows(stored)),
            ("components", COMPONENT_COLUMNS, component_rows(stored)),
        ):
            conn.execute(
                insert(old.tables[name]),
                [dict(zip(("report_seq", *columns), (1, *part), strict=True)) for part in parts],
            )
    engine.dispose()
    with Store(path) as store:
        assert store.version() == 5
        assert store.get(ID1).columns["quality"] == "high"
        assert store.get(ID1).columns["rating"] == "bronze"
        checked = verify_ledger(store)
        assert (checked.ok, checked.entries, checked.reports) == (True, 1, 1)
        assert ids(store.query(project="alpha")) == [ID1]
        assert store.check_token(store.create_token("after-migration")).name == "after-migration"
        assert store.add([report(1, quality="high")]).unchanged == [ID1]
        found = inspect(store.engine)
        for table in tables.metadata.sorted_tables:
            assert sorted(c["name"] for c in found.get_columns(table.name)) == sorted(
                c.name for c in table.columns
            )
            assert sorted(i["name"] for i in found.get_indexes(table.name)) == sorted(
                i.name for i in table.indexes if i.name
            )


def _version_2_store(url: str, rows: list[tuple[int, dict, bool]]) -> None:
    """A store as version 2 left it (its own steps, frozen in migrations), holding `rows`:
    (seq, report, current)."""
    from sqlalchemy import MetaData, Table, create_engine, insert

    from boamps_carbon.store import migrations, tables
    from boamps_carbon.store.rows import content_sha256, report_row

    engine = create_engine(url)
    with engine.begin() as conn:
        for version, step in ((v, migrations.STEPS[v]) for v in (1, 2)):
            step(conn)
            conn.execute(
                insert(tables.schema_version).values(version=version, applied_at="2026-01-01")
            )
        old = Table("reports", MetaData(), autoload_with=conn)  # its version 2 columns
        for seq, stored, current in rows:
            row = {k: v for k, v in report_row(stored).items() if k in old.c}
            conn.execute(
                insert(old).values(
                    seq=seq,
                    report_id=stored["header"]["reportId"],
                    current=current,
                    superseded_by=None,
                    added_at="2026-01-01 00:00:00",
                    content_sha256=content_sha256(stored),
                    document=json.dumps(stored),
                    **row,
                )
            )
    engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_version_3_keeps_one_current_revision_per_id(kind: str, tmp_path: Path) -> None:
    from sqlalchemy import exc, insert, inspect

    from boamps_carbon.store import tables
    from boamps_carbon.store.rows import report_row

    url = store_url(kind, tmp_path)
    # version 2 could hold two current revisions of one id (only writers' locks kept it
    # from happening): the migration keeps the newest as current, the other as its history
    _version_2_store(
        url,
        [
            (1, report(1, energy=0.1), False),
            (2, report(1, energy=0.2), True),
            (3, report(2), True),
            (4, report(1, energy=0.4), True),
        ],
    )
    with Store(url) as store:
        assert store.version() == 5
        history = store.history(ID1)
        assert [(h.columns["seq"], h.columns["current"]) for h in history] == [
            (1, False),
            (2, False),
            (4, True),
        ]
        assert history[1].columns["superseded_by"] == 4
        assert history[0].columns["superseded_by"] is None  # history before stays as it was
        assert store.get(ID1).report["measures"][0]["powerConsumption"] == 0.4
        assert ids(store.query()) == [ID2, ID1]
        found = inspect(store.engine)
        assert sorted(i["name"] for i in found.get_indexes("reports")) == sorted(
            i.name for i in tables.reports.indexes if i.name
        )
        # the database itself refuses a second current revision of an id...
        duplicate = report(2, energy=0.9)
        with pytest.raises(exc.IntegrityError), store.engine.begin() as conn:
            conn.execute(
                insert(tables.reports).values(
                    seq=5,
                    report_id=ID2,
                    current=True,
                    superseded_by=None,
                    added_at="2026-01-01 00:00:00",
                    content_sha256="0" * 64,
                    document=json.dumps(duplicate),
                    **report_row(duplicate),
                )
            )
        # ...and takes older ones, which the store writes as before
        result = store.add([report(2, energy=0.9, status="corrective")])
        assert result.superseded == [ID2]
        assert [h.columns["current"] for h in store.history(ID2)] == [False, True]
        assert store.delete(ID1) == 3
        assert store.history(ID1) == []
        assert store.count() == 1


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_version_5_rates_again_what_version_4_rated_under_the_old_rules(
    kind: str, tmp_path: Path
) -> None:
    from sqlalchemy import text

    url = store_url(kind, tmp_path)
    with Store(url) as store:
        store.add([report(1, energy=0.0), report(2)])
        rated = {h.report_id: h.columns["rating"] for h in (store.get(ID1), store.get(ID2))}
        assert rated[ID1] != "unrated"
        # what version 4 left: the measured 0 kWh unrated, and no step 5 recorded
        with store.engine.begin() as conn:
            conn.execute(
                text("UPDATE reports SET rating = 'unrated' WHERE report_id = :id"), {"id": ID1}
            )
            conn.execute(text("DELETE FROM boamps_schema_version WHERE version = 5"))
    with Store(url) as store:
        assert store.version() == 5
        assert {h.report_id: h.columns["rating"] for h in (store.get(ID1), store.get(ID2))} == rated
        checked = verify_ledger(store)
        assert (checked.ok, checked.entries, checked.reports) == (True, 2, 2)


def test_new_sqlite_store_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    Store(tmp_path / "new.db").close()
    with sqlite3.connect(tmp_path / "new.db") as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (16384,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with sqlite3.connect(tmp_path / "old.db") as conn:
        conn.execute("CREATE TABLE notes (line TEXT)")  # a file made with the default pages
    with Store(tmp_path / "old.db") as store:
        store.add([report(1)])
        assert store.count() == 1
    with sqlite3.connect(tmp_path / "old.db") as conn:
        assert conn.execute("PRAGMA page_size").fetchone() == (4096,)


def test_newer_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO boamps_schema_version VALUES (9, '2030-01-01 00:00:00')")
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert caught.value.message == (
        f"Store made by a newer boamps_carbon at {path}: schema version 9, this one knows up to 5. "
        "Upgrade boamps_carbon."
    )


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are notes, not a database" * 100)
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert caught.value.message == (
        f"Not a SQLite database at {path}: file is not a database. Point --db at a store file, "
        "or at a new path to create one."
    )
    assert path.read_bytes() == b"these are notes, not a database" * 100


def test_read_only_database(tmp_path: Path) -> None:
    import os

    path = tmp_path / "ro.db"
    with Store(path) as store:
        store.add([report(1)])
    if os.geteuid() == 0:
        # root writes through file modes: open it read-only the SQLite way instead
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
    else:
        path.chmod(0o444)
        tmp_path.chmod(0o555)
        url = str(path)
    try:
        with Store(url) as store:
            assert store.count() == 1
            with pytest.raises(
                StoreError,
                match=r"^Cannot write to the store at .*attempt to write a readonly database\. Check the permissions of the file and of its folder\.$",
            ):
                store.add([report(2)])
            assert store.count() == 1
    finally:
        tmp_path.chmod(0o755)
        path.chmod(0o644)


def test_locked_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "busy.db"
    Store(path).close()
    monkeypatch.setattr("boamps_carbon.store.engine.BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Store(path) as store, pytest.raises(StoreError) as caught:
            store.add([report(1)])
        assert caught.value.message == (
            f"The store is locked at {path}: database is locked. Another program held it for "
            "over 0.2 s; try again once it is done."
        )
    finally:
        holder.rollback()
        holder.close()
    with Store(path) as store:
        assert store.count() == 0


def test_bad_url() -> None:
    with pytest.raises(StoreError, match=r"^Not a database URL at --db: sqlite://x:y:z"):
        Store("sqlite://x:y:z/")


WRITER = """
import sys
from boamps_carbon import Store
from tests.store_support import report

url, worker = sys.argv[1], int(sys.argv[2])
with Store(url) as store:
    for round_ in range(20):
        # 25 reports of its own and 5 that every writer adds too, one transaction each time
        own = [report(100000 * (worker + 1) + 25 * round_ + n) for n in range(25)]
        shared = [report(5 * round_ + n, project="shared") for n in range(5)]
        store.add(own + shared)
"""


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_four_writers_at_once(kind: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    url = store_url(kind, tmp_path)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, str(worker)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(4)
    ]
    outcomes = [(w.wait(timeout=120), w.stderr.read()) for w in writers]
    for writer in writers:
        writer.stdout.close()
        writer.stderr.close()
    assert outcomes == [(0, "")] * 4
    with Store(url) as store:
        assert store.count() == 4 * 20 * 25 + 20 * 5
        assert store.count(project="shared") == 100
        assert store.summary()[0] == {
            "group": "alpha",
            "runs": 2000,
            "energy_kwh": pytest.approx(1000.0),
            "emissions_kg": pytest.approx(50.0),
            "duration_s": pytest.approx(200000.0),
            "mean_power_w": pytest.approx(18000.0),
        }


def test_postgres_going_away_mid_import_writes_nothing(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    url = store_url("postgres", tmp_path)
    killer = create_engine(url)

    def reports():
        yield from (report(n) for n in range(2, 2600))  # past one batch: some rows are sent
        with killer.begin() as conn:  # what a server restart does to our connection
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        yield report(3000)

    with Store(url) as store:
        store.add([report(1)])
        with pytest.raises(StoreError) as caught:
            store.add(reports())
        assert caught.value.message.startswith(f"Lost the database connection at {store.where}: ")
        assert caught.value.message.endswith(
            ". Check that the database server is running; nothing was written."
        )
    killer.dispose()
    with Store(url) as store:
        assert ids(store.query()) == [ID1]
