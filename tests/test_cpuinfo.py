"""py-cpuinfo names the CPU where CodeCarbon gives no model: checked on this machine's CPU."""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT
from test_collect import busy, new_tracker
from test_enrich import CONTEXT

from boamps_carbon.collect import build_report
from boamps_carbon.enrich.platform import cpu_description, describe_cpu, has_cpu_model
from boamps_carbon.enrich.tracker import snapshot

pytestmark = pytest.mark.skipif(
    not Path("/proc/cpuinfo").is_file() or platform.machine() not in ("x86_64", "AMD64"),
    reason="the CPU is read back from /proc/cpuinfo, on x86-64 Linux",
)


def proc_cpuinfo() -> dict[str, str]:
    """The first processor's fields, read independently of py-cpuinfo."""
    fields: dict[str, str] = {}
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def test_this_machines_cpu_by_brand_and_by_numbers() -> None:
    import cpuinfo

    facts = proc_cpuinfo()
    assert describe_cpu() == facts["model name"]
    info: dict[str, Any] = dict(cpuinfo.get_cpu_info())
    info["brand_raw"] = ""  # as when CodeCarbon gets no model name
    assert cpu_description(info) == (
        f"{facts['vendor_id']} family {facts['cpu family']} model {facts['model']} "
        f"stepping {facts['stepping']}"
    )
    assert cpu_description({"vendor_id_raw": "GenuineIntel"}) == ""
    assert cpu_description({}) == ""
    assert [has_cpu_model(n) for n in ("", " ", "Unknown", None, "AMD EPYC")] == [
        False,
        False,
        False,
        False,
        True,
    ]


def test_a_tracker_without_a_cpu_model_gets_this_machines() -> None:
    tracker = new_tracker()
    tracker.start()
    busy(0.3)
    tracker.stop()
    named = snapshot(tracker)
    assert "cpu_model" not in named["platform"]  # CodeCarbon named it: py-cpuinfo is not asked
    tracker.final_emissions_data.cpu_model = "Unknown"
    snap = snapshot(tracker)
    facts = proc_cpuinfo()
    assert snap["platform"]["cpu_model"] == facts["model name"]
    report, _ = build_report(snap, CONTEXT)
    cpu = report["infrastructure"]["components"][0]
    assert cpu["componentName"] == facts["model name"]
    maker = {"AuthenticAMD": "amd", "GenuineIntel": "intel"}.get(facts["vendor_id"])
    assert cpu.get("manufacturer") == maker


def test_a_recorded_machine_named_by_numbers() -> None:
    snap = json.loads((DATA / "snapshots" / "linux-unknown-cpu-mode.json").read_text("utf-8"))
    snap["emissions"]["cpu_model"] = ""
    snap["platform"]["cpu_model"] = "AuthenticAMD family 25 model 17 stepping 1"
    snap["platform"]["cpu_vendor"] = "AuthenticAMD"
    report, _ = build_report(snap, CONTEXT)
    assert report["infrastructure"]["components"][0] == {
        "componentName": "AuthenticAMD family 25 model 17 stepping 1",
        "componentType": "cpu",
        "nbComponent": 30,
        "manufacturer": "amd",
    }


def test_the_command_line_starts_without_py_cpuinfo() -> None:
    code = "import sys, boamps_carbon.cli; print('cpuinfo' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.stdout == "False\n", done.stderr
