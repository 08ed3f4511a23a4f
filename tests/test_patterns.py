"""The pattern tables: hardware names and platform strings as CodeCarbon writes them."""

from __future__ import annotations

import pytest

from boamps_carbon.fieldmap.lookup import lookup_table

CPU = [
    ("Intel(R) Xeon(R) Gold 6226R CPU @ 2.90GHz", ("intel", "xeon", "gold 6226R")),
    ("Intel(R) Xeon(R) Platinum 8480+", ("intel", "xeon", "platinum 8480")),
    ("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", ("intel", "xeon", "E5-2680 v4")),
    ("Intel(R) Xeon(R) CPU @ 2.20GHz", ("intel", "xeon", None)),
    ("Intel(R) Core(TM) i7-7700K CPU @ 4.20GHz", ("intel", "core", "i7-7700K")),
    ("13th Gen Intel(R) Core(TM) i9-13900K", ("intel", "core", "i9-13900K")),
    ("Intel(R) Core(TM) Ultra 7 155H", ("intel", "core ultra", "7 155H")),
    ("AMD EPYC 7742 64-Core Processor", ("amd", "epyc", "7742")),
    ("AMD EPYC", ("amd", "epyc", None)),
    ("AMD Ryzen 7 7730U with Radeon Graphics", ("amd", "ryzen", "7 7730U")),
    ("AMD Ryzen Threadripper PRO 5995WX 64-Cores", ("amd", "ryzen threadripper", "PRO 5995WX")),
    ("Apple M1", ("apple", "m1", "m1")),
    ("Apple M2 Max", ("apple", "m2", "m2 max")),
    ("ARMv8 Processor rev 1 (v8l)", ("arm", "armv8", None)),
    ("Neoverse-N1", ("arm", "neoverse", "n1")),
    ("Some Future Chip", (None, None, None)),
]
GPU = [
    ("2 x Tesla V100S-PCIE-32GB", ("nvidia", "tesla", "v100s")),
    ("1 x NVIDIA GeForce GTX 1050 Ti", ("nvidia", "geforce", "gtx 1050 ti")),
    ("1 x NVIDIA GeForce RTX 3060", ("nvidia", "geforce", "rtx 3060")),
    ("1 x NVIDIA A100-SXM4-40GB", ("nvidia", "a100", None)),
    ("4 x NVIDIA L4", ("nvidia", "l4", None)),
    ("1 x Tesla T4", ("nvidia", "tesla", "t4")),
    ("8 x NVIDIA H100 80GB HBM3", ("nvidia", "h100", None)),
    ("1 x NVIDIA RTX A6000", ("nvidia", "rtx", "a6000")),
    ("4 x AMD Instinct MI250X", ("amd", "instinct", "mi250x")),
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
