"""Anonymised copies: keyed pseudonyms, coarse places and times, nothing identifying left."""

from __future__ import annotations

import hashlib
import hmac
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES

from boamps_carbon.cli import main
from boamps_carbon.trust.anonymise import anonymise, pseudonym, report_id
from boamps_carbon.validation import validate

KEY = bytes(range(32))
SECRETS = ["jdoe", "gpu-node-07", "Jane", "example.org", "Paris 15e", "48.8582", "2.3387",
           "Climate Lab", "9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73", "07:12:40", "07:11:38",
           "-----BEGIN", "NLP team", "climate-llm", "cluster.local", "jane", "Doe",
           "https://"]  # fmt: skip


def identifying() -> dict[str, Any]:
    report = json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))
    report["header"]["publisher"].update(
        name="Climate Lab",
        division="NLP team",
        projectName="climate-llm___jdoe___gpu-node-07.cluster.local",
        publicKey="-----BEGIN PUBLIC KEY-----",
    )
    report["task"]["taskDescription"] = (
        "Run by jane.doe@example.org, see climate-llm___jdoe___gpu-node-07 for details"
    )
    report["task"]["dataset"][0]["owner"] = "Jane Doe"
    report["task"]["algorithms"][0]["algorithmUri"] = "https://gpu-node-07.example.org/model"
    report["environment"].update(latitude=48.8582, longitude=2.3387, location="Paris 15e")
    return report


def test_pseudonyms_are_keyed_hmacs() -> None:
    digest = hmac.new(KEY, b"project\0climate", hashlib.sha256).hexdigest()
    assert pseudonym(KEY, "project", "climate") == f"project-{digest[:16]}"
    assert pseudonym(KEY, "project", "climate") == "project-" + digest[:16]
    assert pseudonym(bytes(32), "project", "climate") != pseudonym(KEY, "project", "climate")
    assert report_id(KEY, "abc") == report_id(KEY, "abc")
    assert len(report_id(KEY, "abc")) == 36 and report_id(KEY, "abc")[14] == "4"


def test_share_level() -> None:
    source = identifying()
    done = anonymise(source, KEY, "share")
    report = done.report
    text = json.dumps(report, ensure_ascii=False)
    assert [s for s in SECRETS if s in text] == []
    assert validate(report).errors == []
    publisher = report["header"]["publisher"]
    assert publisher == {
        "name": pseudonym(KEY, "publisher", "Climate Lab"),
        "division": pseudonym(KEY, "division", "NLP team"),
        "projectName": pseudonym(KEY, "project", "climate-llm___jdoe___gpu-node-07.cluster.local"),
        "confidentialityLevel": "public",
    }
    assert report["header"]["reportId"] == report_id(KEY, "9d3c1f0e-7b2a-4e58-b1c4-6a0f2e8d5b73")
    assert report["header"]["reportDatetime"] == "2026-11-22 00:00:00"
    assert report["measures"][0]["measurementDateTime"] == "2026-11-22 00:00:00"
    assert report["measures"][0]["measurementDuration"] == 61.37
    assert report["environment"] == {
        "country": "france", "powerSourceCarbonIntensity": 21.7, "latitude": 49.0, "longitude": 2.0
    }  # fmt: skip
    assert report["task"]["taskDescription"] == (
        f"Run by {pseudonym(KEY, 'email', 'jane.doe@example.org')}, see "
        f"{pseudonym(KEY, 'id', 'climate-llm___jdoe___gpu-node-07')} for details"
    )
    assert source["header"]["publisher"]["name"] == "Climate Lab"  # the input is left alone
    assert dict(done.changes) == {
        ("header.reportId", "re-derived"): 1,
        ("header.reportDatetime", "coarsened to the day"): 1,
        ("header.publisher.name", "pseudonymised"): 1,
        ("header.publisher.projectName", "pseudonymised"): 1,
        ("header.publisher.division", "pseudonymised"): 1,
        ("header.publisher.publicKey", "dropped"): 1,
        ("task.algorithms[].algorithmUri", "dropped"): 1,
        ("task.dataset[].owner", "pseudonymised"): 1,
        ("task.taskDescription", "names inside replaced"): 1,
        ("measures[].measurementDateTime", "coarsened to the day"): 1,
        ("environment.latitude", "rounded to 1°"): 1,
        ("environment.longitude", "rounded to 1°"): 1,
        ("environment.location", "dropped"): 1,
    }


def test_strict_level() -> None:
    report = anonymise(identifying(), KEY, "strict").report
    text = json.dumps(report, ensure_ascii=False)
    assert [s for s in SECRETS if s in text] == []
    assert validate(report).errors == []
    assert report["header"]["reportDatetime"] == "2026-11-01 00:00:00"
    assert report["measures"][0]["measurementDateTime"] == "2026-11-01 00:00:00"
    assert report["environment"] == {"country": "france", "powerSourceCarbonIntensity": 21.7}
    assert "taskDescription" not in report["task"]


def cli(*args: str) -> int:
    return main(["anonymise", *args])


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.json"
    source.write_text(json.dumps(identifying()), encoding="utf-8")
    key = tmp_path / "secret.key"
    out = tmp_path / "out"
    assert cli(str(source), "-o", str(out), "--key-file", str(key)) == 2
    assert capsys.readouterr().err == (
        f"Error: Key file not found at {key}. Give --new-key to make one, and keep it.\n"
    )
    assert not out.exists()
    assert cli(str(source), "-o", str(out), "--key-file", str(key), "--new-key") == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    err = capsys.readouterr().err
    assert err.splitlines()[:3] == [
        f"anonymised 1 report into {out} (share)",
        "  header.reportId: re-derived (1)",
        "  header.reportDatetime: coarsened to the day (1)",
    ]
    assert "  environment.location: dropped (1)" in err.splitlines()
    [written] = list(out.iterdir())
    first = written.read_text(encoding="utf-8")
    assert [s for s in SECRETS if s in first] == []
    # same input and key: the same copy (series stay linkable)
    again = tmp_path / "again"
    assert cli(str(source), "-o", str(again), "--key-file", str(key)) == 0
    assert [p.read_text(encoding="utf-8") for p in again.iterdir()] == [first]
    assert cli(str(source), "-o", str(again), "--key-file", str(key)) == 2
    assert capsys.readouterr().err.endswith(
        f"Error: Output exists at {again}. Give --force to write into that folder.\n"
    )
    assert (
        cli(str(source), "-o", str(again), "--key-file", str(key), "--force", "--level", "strict")
        == 0
    )
    assert cli(str(source), "-o", str(tmp_path / "x"), "--key-file", str(key), "--new-key") == 2
    assert capsys.readouterr().err.endswith(
        f"Error: Key file already exists at {key}. Leave out --new-key to use it.\n"
    )


def test_invalid_reports_are_named_and_not_copied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "k"
    key.write_text("ab" * 32, encoding="ascii")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"header": {}}), encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(identifying()), encoding="utf-8")
    out = tmp_path / "out"
    assert cli(str(bad), str(good), "-o", str(out), "--key-file", str(key)) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{bad}: not anonymised: invalid: ")
    assert err[1] == f"anonymised 1 report into {out} (share)"
    assert len(list(out.iterdir())) == 1
    # nothing valid: nothing written, not even the folder
    assert cli(str(bad), "-o", str(tmp_path / "none"), "--key-file", str(key)) == 2
    assert capsys.readouterr().err.splitlines()[1:] == [
        f"Error: No report anonymised at {bad}: 1 not valid. Fix the reports named above."
    ]
    assert not (tmp_path / "none").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    key.write_text("xyz", encoding="ascii")
    assert cli(str(good), "-o", str(tmp_path / "o2"), "--key-file", str(key)) == 2
    assert capsys.readouterr().err == (
        f"Error: Key file does not hold a key at {key}: 3 characters. A key is at least 32 "
        "hexadecimal digits; make one with --new-key.\n"
    )


def test_users_at_hosts_and_home_folders_are_replaced() -> None:
    source = json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))
    source["task"]["taskDescription"] = "run by root@vm from /home/jdoe/src and C:\\Users\\ann\\x"
    source["task"]["algorithms"][0]["classPath"] = "/home/jdoe/src/model.py"
    source["task"]["algorithms"][0]["foundationModelName"] = "jdoe@gpu-node-17"
    report = anonymise(source, KEY, "share").report
    assert report["task"]["taskDescription"] == (
        f"run by {pseudonym(KEY, 'email', 'root@vm')} from /home/{pseudonym(KEY, 'user', 'jdoe')}"
        f"/src and C:\\Users\\{pseudonym(KEY, 'user', 'ann')}\\x"
    )
    algorithm = report["task"]["algorithms"][0]
    assert algorithm["classPath"] == f"/home/{pseudonym(KEY, 'user', 'jdoe')}/src/model.py"
    assert algorithm["foundationModelName"] == pseudonym(KEY, "email", "jdoe@gpu-node-17")
    assert validate(report).errors == []
    text = json.dumps(report, ensure_ascii=False)
    assert [s for s in ("jdoe", "root@vm", "ann\\", "gpu-node-17") if s in text] == []


def test_a_long_run_of_word_characters_costs_linear_time() -> None:
    from boamps_carbon.trust.anonymise import EMAIL

    # each start inside the run is refused at once: no rescanning the run from every place
    assert EMAIL.search("a" * 200_000 + " b@c").group(0) == "b@c"
