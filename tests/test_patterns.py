"""The pattern tables: hardware names and platform strings as CodeCarbon writes them."""

from __future__ import annotations

import csv
import io
import json
import re
from importlib import resources

import pytest
from conftest import shared

from boamps_carbon.fieldmap.lookup import lookup_table

CPU = [
    ("Intel(R) Xeon(R) Gold 6226R CPU @ 2.90GHz", ("intel", "xeon", "gold 6226R")),
    ("Intel(R)Xeon(R)Gold6226RCPU@2.90GHz", ("intel", "xeon", "gold 6226R")),  # spaces lost
    ("Xeon Gold 6238", ("intel", "xeon", "gold 6238")),
    ("Intel(R) Xeon(R) Platinum 8480+", ("intel", "xeon", "platinum 8480")),
    ("Intel Xeon CPU Max 9480", ("intel", "xeon", "max 9480")),
    ("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", ("intel", "xeon", "E5-2680 v4")),
    ("Intel Xeon E-2378G", ("intel", "xeon", "E-2378G")),
    ("Intel Xeon D-1749NT", ("intel", "xeon", "D-1749NT")),
    ("Intel Xeon 6503P-B", ("intel", "xeon", "6503P-B")),
    ("Intel Xeon Phi 7210", ("intel", "xeon phi", "7210")),
    ("Intel(R) Xeon(R) CPU @ 2.20GHz", ("intel", "xeon", None)),  # the cloud hides the model
    ("Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz", ("intel", "core", "i7-7700K")),
    ("Core i7-8650U", ("intel", "core", "i7-8650U")),
    ("13th Gen Intel(R) Core(TM) i9-13900K", ("intel", "core", "i9-13900K")),
    ("Intel(R) Core(TM) i7 CPU 920 @ 2.67GHz", ("intel", "core", "i7-920")),
    ("Intel Core i9-9960X X-series", ("intel", "core", "i9-9960X")),
    ("Intel Core i7 processor 14701E", ("intel", "core", "i7-14701E")),
    ("Intel(R) Core(TM)2 Duo CPU E8400 @ 3.00GHz", ("intel", "core", "2 duo E8400")),
    ("Intel(R) Core(TM) Ultra 7 155H", ("intel", "core ultra", "7 155H")),
    ("Intel(R) Core(TM) m3-7Y30", ("intel", "core", "m3-7Y30")),
    ("Intel(R) Celeron(R) CPU N3350 @ 1.10GHz", ("intel", "celeron", "N3350")),
    ("Intel Pentium Silver N5000", ("intel", "pentium", "Silver N5000")),
    ("Intel(R) Atom(TM) CPU C3558 @ 2.20GHz", ("intel", "atom", "C3558")),
    ("Intel N100", ("intel", "n-series", "N100")),
    ("AMD EPYC 7742 64-Core Processor", ("amd", "epyc", "7742")),
    ("EPYC 7763", ("amd", "epyc", "7763")),
    ("AMD EPYC 7R13 Processor", ("amd", "epyc", "7R13")),
    ("AMD EPYC", ("amd", "epyc", None)),
    ("AMD Ryzen 7 7730U with Radeon Graphics", ("amd", "ryzen", "7 7730U")),
    ("AMD Ryzen Threadripper PRO 5995WX 64-Cores", ("amd", "ryzen threadripper", "PRO 5995WX")),
    ("AMD Ryzen AI 9 HX 370 w/ Radeon 890M", ("amd", "ryzen ai", "9 HX 370")),
    ("AMD Ryzen 5 6600HS\u200b", ("amd", "ryzen", "5 6600HS")),
    ("AMD Opteron(tm) Processor 6276", ("amd", "opteron", "6276")),
    ("AMD Athlon(tm) II X4 640 Processor", ("amd", "athlon", "II X4 640")),
    ("AMD Phenom II X6 1075T", ("amd", "phenom", "II X6 1075T")),
    ("AMD N970", ("amd", "phenom", "ii N970")),
    ("AMD FX(tm)-8350 Eight-Core Processor", ("amd", "fx", "8350")),
    ("FX-8350", ("amd", "fx", "8350")),
    ("7th Gen AMD PRO A12-9800 APU", ("amd", "a-series", "PRO A12-9800")),
    ("A6-6420K", ("amd", "a-series", "A6-6420K")),
    ("E2-7110", ("amd", "e-series", "E2-7110")),
    ("Apple M1", ("apple", "m1", "m1")),
    ("Apple M2 Max", ("apple", "m2", "m2 max")),
    ("ARMv8 Processor rev 1 (v8l)", ("arm", "armv8", None)),
    ("Cortex-A72", ("arm", "cortex", "a72")),
    ("Neoverse-N1", ("arm", "neoverse", "n1")),
    ("Ampere(R) Altra(R) Processor Q80-30", ("ampere", "altra", "Q80-30")),
    ("AWS Graviton3", ("aws", "graviton", "3")),
    ("Some Future Chip", (None, None, None)),
    ("4234", (None, None, None)),  # a model alone: no maker to tell
]
# NVIDIA's data-centre GPUs by architecture, named with or without NVIDIA or Tesla
GPU = [
    ("2 x Tesla V100S-PCIE-32GB", ("nvidia", "volta", "v100s")),
    ("1xTeslaV100S-PCIE-32GB", ("nvidia", "volta", "v100s")),  # spaces lost
    ("V100", ("nvidia", "volta", "v100")),
    ("1 x NVIDIA GeForce GTX 1050 Ti", ("nvidia", "geforce", "gtx 1050 ti")),
    ("1 x NVIDIA GeForce RTX 3060", ("nvidia", "geforce", "rtx 3060")),
    ("NVIDIA GeForce RTX 4090", ("nvidia", "geforce", "rtx 4090")),
    ("GeForce RTX 4090", ("nvidia", "geforce", "rtx 4090")),
    ("NVIDIA GeForce RTX 4090 Laptop GPU", ("nvidia", "geforce", "rtx 4090")),
    ("NVIDIA TITAN RTX", ("nvidia", "titan", "rtx")),
    ("1 x NVIDIA A100-SXM4-40GB", ("nvidia", "ampere", "a100")),
    ("A100-SXM4-80GB", ("nvidia", "ampere", "a100")),
    ("NVIDIA A10G", ("nvidia", "ampere", "a10g")),
    ("4 x NVIDIA L4", ("nvidia", "ada lovelace", "l4")),
    ("NVIDIA L40S", ("nvidia", "ada lovelace", "l40s")),
    ("1 x Tesla T4", ("nvidia", "turing", "t4")),
    ("T4", ("nvidia", "turing", "t4")),
    ("8 x NVIDIA H100 80GB HBM3", ("nvidia", "hopper", "h100")),
    ("8 x NVIDIA H800", ("nvidia", "hopper", "h800")),
    ("H100", ("nvidia", "hopper", "h100")),
    ("NVIDIA GH200 480GB", ("nvidia", "grace hopper", "gh200")),
    ("NVIDIA B200", ("nvidia", "blackwell", "b200")),
    ("Tesla K80", ("nvidia", "kepler", "k80")),
    ("Tesla P100-PCIE-16GB", ("nvidia", "pascal", "p100")),
    ("1 x NVIDIA RTX A6000", ("nvidia", "rtx", "a6000")),
    ("RTX A6000", ("nvidia", "rtx", "a6000")),
    ("NVIDIA RTX 6000 Ada Generation", ("nvidia", "rtx", "6000 ada generation")),
    ("NVIDIA Quadro P4000", ("nvidia", "quadro", "p4000")),
    ("4 x AMD Instinct MI250X", ("amd", "instinct", "mi250x")),
    ("AMD Radeon RX 7900 XTX", ("amd", "radeon", "rx 7900 xtx")),
    ("Intel(R) Arc(TM) A770 Graphics", ("intel", "arc", "a770")),
    ("Intel(R) Data Center GPU Max 1550", ("intel", "data center gpu max", "1550")),
    ("Apple M1", ("apple", "m1", "m1")),
]
OS = [
    ("Linux-5.15.0-116-generic-x86_64-with-glibc2.35", ("linux", None, None)),
    ("Linux-5.10.217-205.860.amzn2.x86_64-x86_64-with-glibc2.31", ("linux", "amazonlinux", "2")),
    ("Linux-4.18.0-513.el8.x86_64-x86_64-with-glibc2.28", ("linux", "rhel", "8")),
    ("Linux-5.15.153.1-microsoft-standard-WSL2-x86_64-with-glibc2.35", ("linux", "wsl2", None)),
    ("Linux-4.9.253-tegra-aarch64-with-glibc2.29", ("linux", "l4t", None)),
    ("macOS-12.5.1-arm64-arm-64bit", ("macos", "macos", "12.5.1")),
    ("Darwin-23.1.0", ("macos", None, None)),
    ("Windows-10-10.0.19044-SP0", ("windows", "windows 10", "10.0.19044")),
    ("Windows-11-10.0.26100-SP0", ("windows", "windows 11", "10.0.26100")),
    ("Plan9", (None, None, None)),
]


def lookup(table: str, kind: str | None, name: str) -> tuple[str | None, ...]:
    fields = (
        ("manufacturer", "family", "series")
        if kind
        else ("os", "distribution", "distributionVersion")
    )
    prefix = f"{table}/{kind}" if kind else table
    return tuple(lookup_table(f"{prefix}/{field}", "test")(name) for field in fields)


@pytest.mark.parametrize(("name", "expected"), CPU)
def test_cpu_names(name: str, expected: tuple[str | None, ...]) -> None:
    assert lookup("hardware-patterns", "cpu", name) == expected


@pytest.mark.parametrize(("name", "expected"), GPU)
def test_gpu_names(name: str, expected: tuple[str | None, ...]) -> None:
    assert lookup("hardware-patterns", "gpu", name) == expected


@pytest.mark.parametrize(("name", "expected"), OS)
def test_platform_strings(name: str, expected: tuple[str | None, ...]) -> None:
    assert lookup("os-patterns", None, name) == expected


# the words that tell a CPU's maker: the maker, or a family only one maker sells
MAKER_IN_NAME = re.compile(
    r"\b(?:Intel|AMD|Apple|ARMv\d+|Cortex|Neoverse|Ampere|Graviton|Xeon|Core|Celeron|Pentium|"
    r"Atom|Itanium|Quark|EPYC|Ryzen|Athlon|Opteron|Phenom|Turion|Sempron|Duron)\b"
    r"|\bFX[- ]\d|(?:^|\s)(?:PRO )?[AE]\d{0,2}(?: PRO| Micro)?-\d",
    re.IGNORECASE,
)
# names of a known maker that tell no family or no model, and what they get
WITHOUT_FAMILY_OR_MODEL = {
    "AMD 3015Ce": ("amd", None, None),
    "AMD 3015e": ("amd", None, None),
    "AMD 3020e": ("amd", None, None),
    "Intel A100": ("intel", None, None),
    "Intel A110": ("intel", None, None),
    "Intel Aubrey Isle": ("intel", None, None),
    "Intel EP80579 Integrated": ("intel", "ep80579", None),
    "ARMv8 Processor rev 0 (v8l)": ("arm", "armv8", None),
    # from the public files
    "ARMv8 Processor rev 1 (v8l)": ("arm", "armv8", None),
    "Intel(R) Xeon(R) CPU @ 2.30GHz": ("intel", "xeon", None),
}


def codecarbon_cpu_names() -> list[str]:
    """The CPU names of CodeCarbon's own power table, as the installed package ships it."""
    table = resources.files("codecarbon") / "data" / "hardware" / "cpu_power.csv"
    if not table.is_file():
        pytest.skip("the installed codecarbon ships no data/hardware/cpu_power.csv")
    return [row["Name"] for row in csv.DictReader(io.StringIO(table.read_text("utf-8")))]


def test_codecarbon_cpu_names_of_a_known_maker_are_parsed() -> None:
    names = codecarbon_cpu_names()
    assert len(names) > 4800
    known = [n for n in names if MAKER_IN_NAME.search(n)]
    incomplete = {
        name: found for name in known if not all(found := lookup("hardware-patterns", "cpu", name))
    }
    assert incomplete == {
        name: expected for name, expected in WITHOUT_FAMILY_OR_MODEL.items() if name in set(known)
    }
    # the rest are model numbers alone ("4234", "1075T", "TL-64"): no maker to read, none
    # guessed
    alone = [n for n in names if not MAKER_IN_NAME.search(n)]
    assert len(alone) == len(names) - len(known) == 96
    assert {lookup("hardware-patterns", "cpu", n) for n in alone} == {(None, None, None)}


def test_codecarbon_cpu_names_sample() -> None:
    names = set(codecarbon_cpu_names())
    sample = {
        "Intel Xeon Gold 6238": ("intel", "xeon", "gold 6238"),
        "Intel Xeon Platinum 8562Y+": ("intel", "xeon", "platinum 8562Y"),
        "Intel Xeon E5-2699 v3": ("intel", "xeon", "E5-2699 v3"),
        "Intel Core i3-N305": ("intel", "core", "i3-N305"),
        "Intel Core 2 Quad Q9450": ("intel", "core", "2 quad Q9450"),
        "Intel Core Duo LV L2400": ("intel", "core", "duo L2400"),
        "Intel Pentium 4 HT 3.0E": ("intel", "pentium", "4 HT 3.0E"),
        "Intel Itanium 9560": ("intel", "itanium", "9560"),
        "Intel Quark SoC X1000": ("intel", "quark", "SoC X1000"),
        "AMD EPYC 9654": ("amd", "epyc", "9654"),
        "AMD Ryzen 9 7950X3D": ("amd", "ryzen", "9 7950X3D"),
        "AMD Ryzen AI Max+ 395": ("amd", "ryzen ai", "Max+ 395"),
        "AMD Ryzen 7 4980U Microsoft Surface Edition": ("amd", "ryzen", "7 4980U"),
        "AMD A10-7860K and Near Silent Thermal Solution": ("amd", "a-series", "A10-7860K"),
        "AMD Turion 64 ML-30": ("amd", "turion", "64 ML-30"),
        "AMD Opteron 4274 HE": ("amd", "opteron", "4274 HE"),
        "AMD Athlon 64 3300+": ("amd", "athlon", "64 3300+"),
        "AMD 880K": ("amd", "athlon", "x4 880K"),
        "AMD B97": ("amd", "phenom", "ii B97"),
        "AMD C-50": ("amd", "c-series", "C-50"),
        "6th Gen FX-8800P APU": ("amd", "fx", "8800P"),
        "Apple M3": ("apple", "m3", "m3"),
    }
    assert {name: lookup("hardware-patterns", "cpu", name) for name in sample} == sample
    assert set(sample) <= names


def public_hardware_names() -> tuple[set[str], set[str]]:
    """Every CPU and GPU name in the public files: CodeCarbon CSVs' cpu_model and gpu_model,
    and reports' componentName."""
    root = shared()
    cpus: set[str] = set()
    gpus: set[str] = set()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", "replace")
        if path.suffix == ".csv":
            for row in csv.DictReader(io.StringIO(text)):
                cpus.add((row.get("cpu_model") or "").strip())
                gpus.add((row.get("gpu_model") or "").strip())
        elif path.suffix == ".json":
            try:
                _components(json.loads(text), cpus, gpus)
            except json.JSONDecodeError:
                continue
    return cpus - {""}, gpus - {""}


def _components(node: object, cpus: set[str], gpus: set[str]) -> None:
    if isinstance(node, dict):
        name, kind = node.get("componentName"), str(node.get("componentType", "")).lower()
        if isinstance(name, str) and kind in ("cpu", "gpu"):
            (cpus if kind == "cpu" else gpus).add(name.strip())
        for value in node.values():
            _components(value, cpus, gpus)
    elif isinstance(node, list):
        for value in node:
            _components(value, cpus, gpus)


def test_every_public_cpu_and_gpu_name_is_parsed() -> None:
    cpus, gpus = public_hardware_names()
    assert len(cpus) >= 13 and len(gpus) >= 9
    found = {name: lookup("hardware-patterns", "cpu", name) for name in cpus}
    found.update({name: lookup("hardware-patterns", "gpu", name) for name in gpus})
    incomplete = {name: value for name, value in found.items() if not all(value)}
    assert incomplete == {
        name: value for name, value in WITHOUT_FAMILY_OR_MODEL.items() if name in found
    }
    assert found["1xTeslaV100S-PCIE-32GB"] == ("nvidia", "volta", "v100s")


def test_hardware_patterns_repeat_nothing_without_bound() -> None:
    # a `*` or `+` lets a hostile name cost the cube of its length; `{0,24}` keeps it linear
    from boamps_carbon.resources import schemas_dir

    table = schemas_dir() / "tables" / "hardware-patterns.csv"
    with open(table, encoding="utf-8", newline="") as handle:
        patterns = [row["pattern"] for row in csv.DictReader(handle)]
    unbounded = []
    for pattern in patterns:
        bare = re.sub(r"\\.", "", pattern)  # escapes (\\+, \\*) are literal characters
        bare = re.sub(r"\[[^\]]*\]", "", bare)  # so are + and * in a class
        if re.search(r"[*+]", bare):
            unbounded.append(pattern)
    assert len(patterns) == 70 and unbounded == []
