"""Reading a CodeCarbon tracker into a snapshot: plain data, captured right after stop().

CodeCarbon's hardware objects are private (`_hardware`, `CPU._mode`, GPU devices) and change
between versions: every read here is defensive, and what cannot be read is left out. Tests
for hardware this machine lacks (GPUs, Apple chips, Windows) feed recorded snapshots to the
same functions that read this one.
"""

from __future__ import annotations

import csv
import logging
from functools import cache
from typing import Any

from ..errors import BoampsError
from ..resources import schemas_dir
from . import platform as platform_facts

log = logging.getLogger("boamps_carbon")


class TrackerError(BoampsError):
    """A tracker that has no measurement to report."""


def _safe(read: Any, default: Any = None) -> Any:
    try:
        return read()
    except Exception:  # private attributes of another package: any failure means unknown
        return default


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _hardware_item(item: Any) -> dict[str, Any]:
    kind = type(item).__name__
    described: dict[str, Any] = {"type": kind}
    if kind == "CPU":
        described.update(
            mode=_safe(lambda: item._mode),
            model=_safe(lambda: item._model),
            tdp=_plain(_safe(lambda: item._tdp)),
            generic_tdp=_safe(lambda: bool(item._is_generic_tdp)),
        )
    elif kind == "GPU":
        described["devices"] = [_gpu_device(d) for d in _safe(lambda: item.devices.devices, [])]
    elif kind == "AppleSiliconChip":
        described.update(model=_safe(lambda: item._model), chip_part=_safe(lambda: item.chip_part))
    return {key: value for key, value in described.items() if value is not None}


def _gpu_device(device: Any) -> dict[str, Any]:
    details = _safe(device.get_static_details, {}) or {}
    return {
        "vendor": type(device).__name__,
        "name": _plain(details.get("name")),
        "total_memory": _plain(details.get("total_memory")),
    }


def snapshot(tracker: Any, emissions: Any = None) -> dict[str, Any]:
    """What a stopped tracker measured and knows, as JSON-ready data. `emissions` (an
    EmissionsData) stands for the final one when a handler gets it before the tracker has it."""
    data = emissions if emissions is not None else getattr(tracker, "final_emissions_data", None)
    values = _safe(lambda: dict(data.values)) if data is not None else None
    if not values:
        raise TrackerError(
            "The tracker has no measurement",
            type(tracker).__name__,
            "final_emissions_data is missing",
            "Start the tracker, run the work, and make sure stop() succeeded "
            "(CodeCarbon logs the reason when it fails).",
        )
    conf = _safe(lambda: dict(tracker._conf), {}) or {}
    machine = platform_facts.capture()
    if not platform_facts.has_cpu_model(values.get("cpu_model")):
        machine["cpu_model"] = platform_facts.describe_cpu()
    return {
        "codecarbon_version": _plain(values.get("codecarbon_version")),
        "offline": type(tracker).__name__.startswith("Offline")
        or bool(conf.get("country_iso_code")),
        "emissions": {key: _plain(value) for key, value in values.items()},
        "hardware": [_hardware_item(h) for h in _safe(lambda: list(tracker._hardware), [])],
        "cpu_physical_count": _plain(conf.get("cpu_physical_count")),
        "platform": machine,
    }


@cache
def _methods() -> tuple[dict[str, str], ...]:
    with open(
        schemas_dir() / "tables" / "tracking-methods.csv", encoding="utf-8", newline=""
    ) as handle:
        return tuple(csv.DictReader(handle))


def tracking_methods(hardware: list[dict[str, Any]]) -> tuple[dict[str, str], list[str]]:
    """{"cpu": "rapl", "gpu": "nvml"} from a snapshot's hardware, and warnings for unknowns."""
    found: dict[str, str] = {}
    warnings: list[str] = []
    for item in hardware:
        kinds = [d.get("vendor", "") for d in item.get("devices", [])] or [item.get("type", "")]
        mode = item.get("mode", item.get("chip_part", ""))
        for kind in kinds:
            rows = [
                r
                for r in _methods()
                if r["hardware"] == kind and (r["mode"] == "" or r["mode"] == mode)
            ]
            if rows:
                found.setdefault(rows[0]["component"], rows[0]["method"])
            elif item.get("type") in ("CPU", "GPU", "AppleSiliconChip"):
                warnings.append(f"unknown tracking method for {kind} {mode!r}: left out")
    return found, warnings


def gpu_inventory(hardware: list[dict[str, Any]]) -> dict[str, Any]:
    """Count, name and memory per GPU (GB) of the GPUs the tracker saw, when it saw any."""
    devices = [d for item in hardware for d in item.get("devices", [])]
    if not devices:
        return {}
    names = sorted({str(d.get("name")) for d in devices if d.get("name")})
    inventory: dict[str, Any] = {"nbComponent": len(devices)}
    if len(names) == 1:
        inventory["componentName"] = f"{len(devices)} x {names[0]}"
    memories = {d.get("total_memory") for d in devices}
    if len(memories) == 1:
        memory = memories.pop()
        if isinstance(memory, (int, float)) and memory > 0:
            inventory["memorySize"] = round(memory / 2**30, 2)  # NVML gives bytes; GB per GPU
    return inventory
