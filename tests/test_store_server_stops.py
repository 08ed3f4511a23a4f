"""A PostgreSQL server that stops in the middle of an import: a throwaway cluster of this
test's own (never the one `.ci/run` or $BOAMPS_TEST_POSTGRES_URL name, which other tests
share), stopped with `pg_ctl -m immediate` while reports are being sent, then started
again: the import is an error naming the store, and nothing of it was written."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from boamps_carbon import Store, StoreError
from tests.store_support import report

BIN = Path("/usr/lib/postgresql/15/bin")
ID1 = "00000000-0000-0000-0000-000000000001"


class Cluster:
    """initdb, pg_ctl start and stop, as `.ci/run` does them (as `postgres` when root)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
                pytest.skip("running as root without a postgres user to run PostgreSQL as")
            shutil.chown(folder, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self._run(
            "initdb", "-D", str(folder / "data"), "-U", "boamps", "--auth=trust", "-E", "UTF8"
        )
        self.url = f"postgresql+psycopg://boamps@/postgres?host={folder}"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.prefix, str(BIN / tool), *args], check=True, capture_output=True, timeout=120
        )

    def start(self) -> None:
        options = f"-c listen_addresses='' -k {self.folder} -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "stop")


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not (BIN / "initdb").is_file():
        pytest.skip(f"no PostgreSQL 15 binaries in {BIN} (Debian's postgresql package)")
    folder = Path(tempfile.mkdtemp(prefix="boamps-pg-"))  # short: a socket path has a limit
    os.chmod(folder, 0o755)
    try:
        made = Cluster(folder)
        made.start()
        try:
            yield made
        finally:
            subprocess.run(
                [
                    *made.prefix,
                    str(BIN / "pg_ctl"),
                    "-D",
                    str(folder / "data"),
                    "-m",
                    "immediate",
                    "stop",
                ],
                capture_output=True,
                timeout=120,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_server_stopped_mid_import_writes_nothing(cluster: Cluster) -> None:
    def reports() -> Iterator[dict]:
        yield from (report(n) for n in range(2, 2600))  # past one batch: some rows are sent
        cluster.stop()
        yield from (report(n) for n in range(2600, 3000))

    with Store(cluster.url) as store:
        store.add([report(1)])
        where = store.where
        with pytest.raises(StoreError) as caught:
            store.add(reports())
    assert caught.value.message.startswith(f"Lost the database connection at {where}: ")
    assert caught.value.message.endswith(
        ". Check that the database server is running; nothing was written."
    )
    cluster.start()
    with Store(cluster.url) as store:
        assert [item.report_id for item in store.query()] == [ID1]
        assert store.stats()["older_revisions"] == 0
