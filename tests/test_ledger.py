"""The ledger: RFC 8785 canonical JSON, the hash chain, signatures and every tampering."""

from __future__ import annotations

import json
import multiprocessing
import stat
import struct
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES
from hypothesis import given
from hypothesis import strategies as st

from boamps_carbon.cli import main
from boamps_carbon.trust import ledger
from boamps_carbon.trust.canonical import CanonicalError, canonical_json, number

# ---------------------------------------------------------------- RFC 8785

# RFC 8785 appendix B: IEEE 754 bit patterns and the text ECMAScript gives them
NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


@pytest.mark.parametrize(("bits", "text"), NUMBERS)
def test_numbers_are_written_as_ecmascript_does(bits: str, text: str) -> None:
    assert number(struct.unpack(">d", bytes.fromhex(bits))[0]) == text


@pytest.mark.parametrize("bits", ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"])
def test_nan_and_infinities_are_refused(bits: str) -> None:
    with pytest.raises(CanonicalError, match=r"^Number is not finite at x: "):
        number(struct.unpack(">d", bytes.fromhex(bits))[0], "x")


def test_the_rfc_example_of_section_3_2_2() -> None:
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    assert (
        canonical_json(json.loads(source))
        == (
            '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
            '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
        ).encode()
    )


def test_keys_are_sorted_by_utf16_code_units_as_in_section_3_2_3() -> None:
    source = json.loads(
        '{"\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet'
        ' With Dagesh", "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080":'
        ' "Control", "\\u00f6": "Latin Small Letter O With Diaeresis"}'
    )
    values = list(json.loads(canonical_json(source)).values())
    assert values == [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ]


def test_integers_are_doubles_and_lone_surrogates_are_refused() -> None:
    assert canonical_json([1, -0.0, 10**21, 2**53 + 1]) == b"[1,0,1e+21,9007199254740992]"
    with pytest.raises(CanonicalError) as caught:
        canonical_json({"a": ["\ud800"]})
    assert caught.value.message == (
        "String holds a lone surrogate at $.a[0]: '\\ud800'. I-JSON forbids them."
    )


# ---------------------------------------------------------------- the chain

TIMES = iter(f"2026-01-01T00:00:{s:02d}Z" for s in range(60))


def clock() -> str:
    return next(TIMES)


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    report = json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))
    for index in range(1, 5):
        report["header"]["reportId"] = f"r{index}"
        (folder / f"r{index}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return folder


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    return ledger.generate_keys(tmp_path / "k")


def build(tmp_path: Path, reports: Path, key: Path | None = None) -> Path:
    path = tmp_path / "ledger.jsonl"
    ledger.append(path, sorted(reports.iterdir()), key=key, clock=lambda: "2026-01-01T00:00:00Z")
    return path


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def verify_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["ledger", "verify", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_entries_chain_by_hash(tmp_path: Path, reports: Path) -> None:
    path = build(tmp_path, reports)
    entries = [json.loads(line) for line in lines(path)]
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    assert [e["reportId"] for e in entries] == ["r1", "r2", "r3", "r4"]
    assert entries[0]["prev"] == "0" * 64
    assert [e["prev"] for e in entries[1:]] == [e["hash"] for e in entries[:-1]]
    report = json.loads((reports / "r1.json").read_text(encoding="utf-8"))
    assert entries[0]["reportSha256"] == ledger.report_sha256(report)
    assert list(entries[0]) == [
        "seq", "time", "reportId", "file", "reportSha256", "prev", "hash"
    ]  # fmt: skip
    # the hash does not depend on how the report was laid out
    assert ledger.report_sha256(json.loads(json.dumps(report))) == entries[0]["reportSha256"]


def test_a_sound_ledger_verifies(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    head = json.loads(lines(path)[-1])["hash"]
    code, out, err = verify_cli(capsys, str(path), "--reports", str(reports))
    assert (code, out) == (0, f"{path}: 4 entries ok; head seq 4 {head}\n")
    assert err == (
        "note: entries cut from the end cannot be detected without --expect-head (the head "
        "hash printed by `boamps ledger append`)\n"
    )
    code, out, err = verify_cli(capsys, str(path), "--expect-head", head)
    assert (code, err) == (0, "")


def test_append_prints_the_head(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "l.jsonl"
    assert main(["ledger", "append", str(path), str(reports / "r1.json")]) == 0
    head = json.loads(lines(path)[-1])["hash"]
    assert capsys.readouterr().out == (
        f"appended 1 entry to {path}; head seq 1 {head}\n"
        "keep the head hash elsewhere: verify --expect-head detects entries cut from the end\n"
    )


def tamper(path: Path, index: int, old: str, new: str) -> None:
    text = lines(path)
    assert old in text[index]
    text[index] = text[index].replace(old, new, 1)
    path.write_text("".join(text), encoding="utf-8")


def test_one_byte_edited_in_an_entry(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    tamper(path, 2, '"reportId":"r3"', '"reportId":"r5"')
    assert verify_cli(capsys, str(path)) == (
        1, f"{path}: TAMPERED at line 3 (seq 3): edited-entry: its content does not match its hash\n", ""
    )  # fmt: skip


def test_an_entry_edited_and_rehashed_breaks_the_chain(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    text = lines(path)
    entry = json.loads(text[1])
    old = entry["hash"]
    entry["reportId"] = "forged"
    entry["hash"] = ledger.entry_hash(entry)
    text[1] = json.dumps(entry, separators=(",", ":")) + "\n"
    path.write_text("".join(text), encoding="utf-8")
    assert verify_cli(capsys, str(path))[:2] == (
        1,
        f"{path}: TAMPERED at line 3 (seq 3): broken-chain: prev {old[:12]}… is not the hash "
        f"of seq 2 ({entry['hash'][:12]}…): an entry before it was replaced, inserted or removed\n",
    )


def test_one_byte_edited_in_a_report(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    report = reports / "r2.json"
    report.write_bytes(report.read_bytes().replace(b'"r2"', b'"r7"'))
    assert verify_cli(capsys, str(path), "--reports", str(reports))[:2] == (
        1,
        f"{path}: TAMPERED at line 2 (seq 2): edited-report: {report} no longer has the "
        "SHA-256 the entry recorded (it has reportId 'r7', the entry 'r2')\n",
    )
    # spacing and key order are not edits
    data = json.loads((reports / "r1.json").read_text(encoding="utf-8"))
    report.write_text(json.dumps(dict(reversed(list(data.items())))), encoding="utf-8")
    (reports / "r1.json").write_text(json.dumps(data, indent=7), encoding="utf-8")
    report.write_text(json.dumps(data).replace('"r1"', '"r2"'), encoding="utf-8")
    assert verify_cli(capsys, str(path), "--reports", str(reports))[0] == 0


def test_a_report_removed(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    (reports / "r4.json").unlink()
    assert verify_cli(capsys, str(path), "--reports", str(reports))[:2] == (
        1, f"{path}: TAMPERED at line 4 (seq 4): missing-report: 'r4.json' not found in {reports}\n"
    )  # fmt: skip


def test_an_entry_deleted(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    text = lines(path)
    path.write_text("".join(text[:1] + text[2:]), encoding="utf-8")
    assert verify_cli(capsys, str(path))[:2] == (
        1, f"{path}: TAMPERED at line 2 (seq 3): deleted: seq 2 missing before it\n"
    )  # fmt: skip
    path.write_text("".join(text[:1] + text[3:]), encoding="utf-8")
    assert verify_cli(capsys, str(path))[:2] == (
        1, f"{path}: TAMPERED at line 2 (seq 4): deleted: seq 2 to 3 missing before it\n"
    )  # fmt: skip


def test_entries_reordered(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    text = lines(path)
    path.write_text("".join([text[0], text[2], text[1], text[3]]), encoding="utf-8")
    assert verify_cli(capsys, str(path))[:2] == (
        1, f"{path}: TAMPERED at line 2 (seq 3): reordered: seq 3 comes before seq 2\n"
    )  # fmt: skip


def test_an_entry_inserted(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    text = lines(path)
    path.write_text("".join([*text[:2], text[1], *text[2:]]), encoding="utf-8")
    assert verify_cli(capsys, str(path))[:2] == (
        1, f"{path}: TAMPERED at line 3 (seq 2): inserted: seq 2 after seq 2\n"
    )  # fmt: skip


def test_truncation_is_seen_only_against_the_expected_head(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    text = lines(path)
    head = json.loads(text[-1])["hash"]
    kept = json.loads(text[1])["hash"]
    path.write_text("".join(text[:2]), encoding="utf-8")
    code, out, err = verify_cli(capsys, str(path))
    assert (code, out) == (0, f"{path}: 2 entries ok; head seq 2 {kept}\n")
    assert "entries cut from the end cannot be detected without --expect-head" in err
    assert verify_cli(capsys, str(path), "--expect-head", head)[:2] == (
        1,
        f"{path}: TAMPERED at line 3: truncated: the expected head {head[:12]}… is not in the "
        f"ledger, which ends at seq 2 ({kept[:12]}…): entries were cut from the end, or the "
        "head belongs to another ledger\n",
    )
    # an older head is fine: the ledger grew since
    path.write_text("".join(text), encoding="utf-8")
    assert verify_cli(capsys, str(path), "--expect-head", kept) == (
        0, f"{path}: 4 entries ok; head seq 4 {head}\n",
        "note: the expected head is seq 2; 2 entries were appended since\n",
    )  # fmt: skip


def test_signatures_checked_with_the_verifiers_key_only(
    tmp_path: Path, reports: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = keys
    path = build(tmp_path, reports, key=private)
    assert verify_cli(capsys, str(path), "--key", str(public))[0] == 0
    assert verify_cli(capsys, str(path))[2].endswith(
        "note: 4 signatures not checked: give the public key with --key\n"
    )
    # swapped keys: another key pair's public key
    other_private, other_public = ledger.generate_keys(tmp_path / "other")
    assert verify_cli(capsys, str(path), "--key", str(other_public))[:2] == (
        1, f"{path}: TAMPERED at line 1 (seq 1): bad-signature: the signature does not match the given public key\n"
    )  # fmt: skip
    # an entry rewritten and rehashed keeps the chain but not its signature
    text = lines(path)
    entry = json.loads(text[2])
    entry["reportId"] = "forged"
    entry["hash"] = ledger.entry_hash(entry)
    forged = tmp_path / "forged.jsonl"
    forged.write_text("".join(text[:2]) + json.dumps(entry) + "\n", encoding="utf-8")
    assert verify_cli(capsys, str(forged), "--key", str(public))[:2] == (
        1, f"{forged}: TAMPERED at line 3 (seq 3): bad-signature: the signature does not match the given public key\n"
    )  # fmt: skip
    # an entry signed with the forger's key (in a ledger of its own: `append` refuses to
    # sign with another key than the ledger's), put at the end
    ledger.append(tmp_path / "forgers.jsonl", [reports / "r1.json"], key=other_private)
    text = lines(path)
    tail = lines(tmp_path / "forgers.jsonl")[-1]
    (tmp_path / "swapped.jsonl").write_text("".join(text) + tail, encoding="utf-8")
    signed_by_other = json.loads(tail)
    signed_by_other.update(seq=5, prev=json.loads(text[-1])["hash"])
    signed_by_other["hash"] = ledger.entry_hash(signed_by_other)
    (tmp_path / "swapped.jsonl").write_text(
        "".join(text) + json.dumps(signed_by_other) + "\n", encoding="utf-8"
    )
    assert verify_cli(capsys, str(tmp_path / "swapped.jsonl"), "--key", str(public))[:2] == (
        1, f"{tmp_path / 'swapped.jsonl'}: TAMPERED at line 5 (seq 5): bad-signature: the signature does not match the given public key\n"
    )  # fmt: skip


def test_a_line_that_is_no_entry(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    with path.open("a", encoding="utf-8") as out:
        out.write('{"seq": 5}\n')
    assert verify_cli(capsys, str(path))[:2] == (
        1, f"{path}: TAMPERED at line 5: not-an-entry: not a ledger entry (seq, time, reportId, file, reportSha256, prev, hash expected)\n"
    )  # fmt: skip


def test_usage_errors_exit_2_and_leave_the_ledger_alone(
    tmp_path: Path, reports: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path, reports)
    before = path.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_text("[1]", encoding="utf-8")
    assert main(["ledger", "append", str(path), str(reports / "r1.json"), str(bad)]) == 2
    assert capsys.readouterr().err == (
        f"Error: Report is not a JSON object at {bad}: list. Give BoAmps reports.\n"
    )
    assert path.read_bytes() == before
    assert main(["ledger", "verify", str(tmp_path / "none.jsonl")]) == 2
    assert capsys.readouterr().err == (
        f"Error: Cannot read ledger at {tmp_path / 'none.jsonl'}: No such file or directory. "
        "Check the path.\n"
    )
    assert main(["ledger", "verify", str(path), "--expect-head", "abc"]) == 2
    assert capsys.readouterr().err == (
        "Error: Expected head is not a SHA-256 hash at --expect-head: abc. Give the 64 "
        "hexadecimal digits printed by `boamps ledger append`.\n"
    )
    assert main(["ledger", "verify", str(path), "--key", str(bad)]) == 2
    assert capsys.readouterr().err.startswith(f"Error: Not a PEM public key at {bad}: ")
    path.write_bytes(before + b'{"seq": 5')
    assert main(["ledger", "append", str(path), str(reports / "r1.json")]) == 2
    assert capsys.readouterr().err == (
        f"Error: Ledger ends with an incomplete line at {path}. Run `boamps ledger verify` "
        "and repair it before appending.\n"
    )


def test_keygen_writes_a_private_key_only_its_owner_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = tmp_path / "team"
    assert main(["ledger", "keygen", "-o", str(prefix)]) == 0
    assert capsys.readouterr().out == (
        f"wrote {prefix}.key (private, keep it secret) and {prefix}.pub\n"
    )
    assert stat.S_IMODE((tmp_path / "team.key").stat().st_mode) == 0o600
    assert (tmp_path / "team.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----\n")
    assert main(["ledger", "keygen", "-o", str(prefix)]) == 2
    assert capsys.readouterr().err == (
        f"Error: Key file already exists at {prefix}.key. Choose another prefix with -o.\n"
    )


def _append_many(path: str, report: str, times: int) -> None:
    for _ in range(times):
        ledger.append(path, [report])


def test_four_writers_at_once_keep_one_chain(tmp_path: Path, reports: Path) -> None:
    path = tmp_path / "shared.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_append_many, args=(str(path), str(reports / f"r{i}.json"), 25))
        for i in range(1, 5)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    result = ledger.verify(path, reports=reports)
    assert (result.ok, result.entries, result.head_seq) == (True, 100, 100)
    ids = [json.loads(line)["reportId"] for line in lines(path)]
    assert sorted(ids.count(f"r{i}") for i in range(1, 5)) == [25, 25, 25, 25]


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**60), max_value=2**60)
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)
def test_the_quick_way_writes_what_the_careful_way_writes(value: Any) -> None:
    from boamps_carbon.trust import canonical

    careful: list[str] = []
    try:
        canonical._write(value, careful, "$")
    except canonical.CanonicalError:
        with pytest.raises(canonical.CanonicalError):
            canonical.canonical_json(value)
        return
    assert canonical.canonical_json(value) == "".join(careful).encode("utf-8")


def test_a_signed_ledger_is_appended_to_with_its_own_key_only(
    tmp_path: Path, reports: Path, keys: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    private, public = keys
    path = build(tmp_path, reports, key=private)
    before = path.read_bytes()
    other_private, _ = ledger.generate_keys(tmp_path / "other")
    report = str(reports / "r1.json")
    assert main(["ledger", "append", str(path), report]) == 2
    assert capsys.readouterr().err == (
        f"Error: Ledger is signed at {path}: entry 4 carries a signature. Give --key with the "
        "private key its entries were signed with.\n"
    )
    assert main(["ledger", "append", str(path), report, "--key", str(other_private)]) == 2
    assert capsys.readouterr().err == (
        f"Error: Key did not sign this ledger at {other_private}: entry 4 of {path} is signed "
        "with another key. Give --key with the private key its entries were signed with.\n"
    )
    assert path.read_bytes() == before
    assert main(["ledger", "append", str(path), report, "--key", str(private)]) == 0
    assert verify_cli(capsys, str(path), "--key", str(public))[0] == 0
    (tmp_path / "plain").mkdir()
    unsigned = build(tmp_path / "plain", reports)
    assert main(["ledger", "append", str(unsigned), report, "--key", str(private)]) == 2
    assert capsys.readouterr().err == (
        f"Error: Ledger is not signed at {unsigned}: entries 1 to 4 carry no signature. Append "
        "without --key, or start a new ledger to sign its entries.\n"
    )


def test_reports_of_different_folders_with_one_file_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An entry records a file name only: reports are matched by content, below the folder."""
    data = json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))
    runs = tmp_path / "runs"
    for run, report_id in (("a", "id-a"), ("b", "id-b")):
        (runs / run).mkdir(parents=True)
        data["header"]["reportId"] = report_id
        (runs / run / "report.json").write_text(json.dumps(data), encoding="utf-8")
    path = tmp_path / "ledger.jsonl"
    assert (
        main(["ledger", "append", str(path), *(str(runs / r / "report.json") for r in "ab")]) == 0
    )
    capsys.readouterr()
    head = json.loads(lines(path)[-1])["hash"]
    assert verify_cli(capsys, str(path), "--reports", str(runs))[:2] == (
        0, f"{path}: 2 entries ok; head seq 2 {head}\n"
    )  # fmt: skip
    # one of them beside the folders, under the name both entries record: still sound
    (runs / "report.json").write_bytes((runs / "a" / "report.json").read_bytes())
    assert verify_cli(capsys, str(path), "--reports", str(runs))[0] == 0
    # b edited: named by its reportId, wherever it is
    edited = runs / "b" / "report.json"
    data["measures"][0]["powerConsumption"] = 9.9
    edited.write_text(json.dumps(data), encoding="utf-8")
    assert verify_cli(capsys, str(path), "--reports", str(runs))[:2] == (
        1,
        f"{path}: TAMPERED at line 2 (seq 2): edited-report: {edited} no longer has the SHA-256 "
        "the entry recorded\n",
    )
    # b gone: the file of that name is a's, which says so
    edited.unlink()
    assert verify_cli(capsys, str(path), "--reports", str(runs))[:2] == (
        1,
        f"{path}: TAMPERED at line 2 (seq 2): edited-report: {runs / 'report.json'} no longer "
        "has the SHA-256 the entry recorded (it has reportId 'id-a', the entry 'id-b')\n",
    )
    (runs / "report.json").unlink()
    assert verify_cli(capsys, str(path), "--reports", str(runs))[:2] == (
        1, f"{path}: TAMPERED at line 2 (seq 2): missing-report: 'report.json' not found in {runs}\n"
    )  # fmt: skip
    # b's content under another name, in the folder itself: found
    (runs / "b-copy.json").write_text(
        (runs / "a" / "report.json").read_text(encoding="utf-8").replace("id-a", "id-b"),
        encoding="utf-8",
    )
    assert verify_cli(capsys, str(path), "--reports", str(runs))[0] == 0
