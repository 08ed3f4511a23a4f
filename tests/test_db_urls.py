"""A database URL that is not SQLite's nor PostgreSQL's is an error naming it as given (its
password hidden), exit 2, on every command that takes one; never a file path to make."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from boamps_carbon import StoreError
from boamps_carbon.cli import main
from boamps_carbon.store import Store
from boamps_carbon.store.location import without_password

HINT = "use a file path, sqlite:///PATH or postgresql://USER@HOST/DB."
EXAMPLE = str(ROOT / "examples" / "report.json")

READERS = [
    ["summary"],
    ["dashboard"],
    ["compare", "--by", "header.reportId"],
    ["statement"],
    ["validate"],
    ["rate"],
    ["store", "import", EXAMPLE],
    ["store", "stats"],
    ["store", "query"],
    ["store", "export", "-o", "out.jsonl"],
    ["store", "verify"],
    ["store", "token", "create", "--name", "ci"],
    ["ledger", "verify", "ledger.jsonl"],
    ["serve"],
]


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_every_db_option_names_a_foreign_url_as_given(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--db", "bogus://user:s3cret/x@host//x"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        f"Error: Not a database URL at --db: bogus://user:***@host//x. bogus:// is not "
        f"supported: {HINT}\n",
    )
    assert list(tmp_path.iterdir()) == []  # no `bogus:` folder, no store


def test_the_environment_variable_and_bare_urls_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOAMPS_DB", "mysql://root@db.example/boamps")
    assert main(["store", "stats"]) == 2
    assert capsys.readouterr().err == (
        f"Error: Not a database URL at $BOAMPS_DB: mysql://root@db.example/boamps. mysql:// is not "
        f"supported: {HINT}\n"
    )
    with pytest.raises(StoreError) as caught:
        Store("bogus://x")
    assert caught.value.message == (
        f"Not a database URL at --db: bogus://x. bogus:// is not supported: {HINT}"
    )
    # a driver SQLAlchemy does not have: named without the password either
    with pytest.raises(
        StoreError, match=r"^Not a database URL at --db: postgresql\+nodriver://u:\*\*\*@h/db\. "
    ):
        Store("postgresql+nodriver://u:pw@h/db")
    assert list(tmp_path.iterdir()) == []


def test_convert_and_run_refuse_a_foreign_url_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    csv = str(ROOT / "examples" / "emissions.csv")
    context = str(ROOT / "examples" / "context.json")
    message = (
        f"Error: Not a database URL at -o: mysql://a:***@c/d. mysql:// is not supported: {HINT}\n"
    )
    assert main(["convert", csv, "--context", context, "-o", "mysql://a:b@c/d"]) == 2
    assert capsys.readouterr() == ("", message)
    assert main(["run", "-o", "mysql://a:b@c/d", "--", "true"]) == 2
    assert capsys.readouterr() == ("", message)
    assert list(tmp_path.iterdir()) == []


def test_without_password_keeps_everything_else() -> None:
    assert without_password("postgresql://u:p@h:5432/db?x=1") == "postgresql://u:***@h:5432/db?x=1"
    assert without_password("postgresql://u@h/db") == "postgresql://u@h/db"
    assert without_password("bogus://x") == "bogus://x"
    assert without_password("reports.db") == "reports.db"
    assert without_password("x://u:a/b:c@h/d@e") == "x://u:***@h/d@e"


def test_a_postgresql_url_is_named_as_given_not_with_the_driver_added(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import pickle

    from boamps_carbon.store.location import resolve_url

    for given in ("postgresql://nobody:pw@127.0.0.1:1/none", "postgres://nobody@127.0.0.1:1/none"):
        assert main(["summary", "--db", given]) == 2
        shown = without_password(given)
        assert capsys.readouterr().err.startswith(
            f"Error: Cannot reach the database at {shown}: connection failed: "
        )
    url = resolve_url("postgres://u:pw@h/db")
    assert (url, url.given) == ("postgresql+psycopg://u:pw@h/db", "postgres://u:pw@h/db")  # type: ignore[attr-defined]
    again = pickle.loads(pickle.dumps(url))
    assert (again, again.given) == (url, url.given)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("url", "port"),
    [("postgresql://u:pw@h:notaport/db", "notaport"), ("postgresql://u:pw@[::1/db", ":1")],
)
def test_a_url_sqlalchemy_cannot_read_is_named_too(
    url: str,
    port: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    shown = url.replace(":pw@", ":***@")
    message = (
        f"Error: Not a database URL at --db: {shown}. Use a file path, sqlite:///PATH or "
        f"postgresql://USER@HOST/DB (ValueError: invalid literal for int() with base 10: "
        f"'{port}').\n"
    )
    for command in (["store", "stats"], ["summary"]):
        assert main([*command, "--db", url]) == 2
        assert capsys.readouterr() == ("", message)
    csv = str(ROOT / "examples" / "emissions.csv")
    context = str(ROOT / "examples" / "context.json")
    assert main(["convert", csv, "--context", context, "-o", url]) == 2
    assert capsys.readouterr() == ("", message)
    assert list(tmp_path.iterdir()) == []
