"""Big JSON Lines read as typed records (`render.typed`) give exactly what reading each
report the ordinary way gives: the same valid reports, the same problems for the others, the
same numbers to the last bit, the same groups, bands and hardware first seen."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
from factories import make_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutations import mutate

from boamps_carbon.render import pieces, typed
from boamps_carbon.render.figures import Totals
from boamps_carbon.schema import SchemaVersion
from boamps_carbon.validation import schema_errors

TALLY_FIELDS = ("lines", "read", "skipped", "groups", "seen")
ARRAY_FIELDS = ("group", "energy", "duration", "emissions", "known", "band_low", "band_high")


def tallies_both_ways(
    path: Path, version: SchemaVersion, by: str | None, **selection: Any
) -> tuple[list[pieces.PieceTally], list[pieces.PieceTally]]:
    """The tallies of `path`'s pieces read as typed records, and the ordinary way."""
    spans = pieces.spans(str(path), 3000)
    fast = pieces.Tally(spans, version.value, by, **selection)
    plain = pieces.Tally(spans, version.value, by, **selection, records=False)
    return [fast(i) for i in range(len(spans))], [plain(i) for i in range(len(spans))]


def assert_same(fast: list[pieces.PieceTally], ordinary: list[pieces.PieceTally]) -> None:
    assert len(fast) == len(ordinary)
    for one, other in zip(fast, ordinary, strict=True):
        for name in TALLY_FIELDS:
            assert getattr(one, name) == getattr(other, name), name
        for name in ARRAY_FIELDS:
            mine, theirs = getattr(one, name), getattr(other, name)
            if mine is None or theirs is None:
                assert mine is None and theirs is None, name
                continue
            assert mine.dtype == theirs.dtype, name
            assert mine.tobytes() == theirs.tobytes(), name  # to the last bit


def write_lines(path: Path, reports: list[Any], extra: list[str] = ()) -> Path:  # type: ignore[assignment]
    lines = [json.dumps(r, ensure_ascii=False) for r in reports] + list(extra)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("version", list(SchemaVersion))
def test_a_line_decodes_only_when_the_schema_takes_it(version: SchemaVersion) -> None:
    decoder = typed.decoder(version)
    assert decoder is not None
    for full in (False, True):
        base = make_report(version, full=full)
        assert schema_errors(base, version) == []
        decoder.decode(json.dumps(base).encode())  # valid: read as a record
        for seed in range(1500):
            kind, damaged = mutate(base, seed)
            try:
                text = json.dumps(damaged, allow_nan=False).encode()
            except ValueError:
                continue
            try:
                decoder.decode(text)
            except typed.refused():
                continue
            # what decodes is valid (the rest goes the ordinary way, which says why)
            assert schema_errors(damaged, version) == [], (seed, kind)


@pytest.mark.parametrize("version", list(SchemaVersion))
@pytest.mark.parametrize("by", [None, "project", "model", "hardware", "country", "month"])
def test_mutated_reports_read_as_records_give_the_ordinary_tallies(
    tmp_path: Path, version: SchemaVersion, by: str | None
) -> None:
    reports = []
    for seed in range(300):
        base = make_report(version, full=seed % 2 == 0)
        reports.append(base if seed % 3 else mutate(base, seed)[1])
    extra = ["", "not json", '{"header": {}}', "[1, 2]", '{"a": 1}{"b": 2}', "\ufeff{}"]
    path = tmp_path / "reports.jsonl"
    lines = []
    for index, report in enumerate(reports):
        try:
            lines.append(json.dumps(report, allow_nan=False))
        except ValueError:
            continue
        if index % 40 == 0:
            lines.append(extra[index // 40 % len(extra)])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_same(*tallies_both_ways(path, version, by))


energies = st.one_of(
    st.floats(min_value=-1e6, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -0.0, 0.0, 5e-324, 1e308, 0.1]),
)
texts = st.text(max_size=12)


@st.composite
def reports(draw: st.DrawFn) -> dict[str, Any]:
    report = make_report(full=draw(st.booleans()))
    header = report.setdefault("header", {})
    header["reportDatetime"] = draw(st.sampled_from(["2026-01-15T10:00:00", "2025-12-31", ""]))
    header.setdefault("publisher", {})["projectName"] = draw(st.sampled_from(["a", "b", "", "é"]))
    report["task"]["algorithms"][0]["algorithmName"] = draw(texts)
    measures = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        measure = copy.deepcopy(report["measures"][0])
        measure["powerConsumption"] = draw(energies)
        if draw(st.booleans()):
            measure["measurementDuration"] = draw(energies.filter(lambda v: v >= 0))
        else:
            measure.pop("measurementDuration", None)
        measure["measurementMethod"] = draw(st.sampled_from(["codecarbon", "wattmeter", "x"]))
        if draw(st.booleans()):
            measure.pop("powerCalibrationMeasurement", None)
        measures.append(measure)
    report["measures"] = measures
    environment = report.setdefault("environment", {"country": "france"})
    environment["country"] = draw(st.sampled_from(["france", "France", "de", ""]))
    if draw(st.booleans()):
        environment["powerSourceCarbonIntensity"] = draw(energies.filter(lambda v: v >= 0))
    else:
        environment.pop("powerSourceCarbonIntensity", None)
    report["infrastructure"]["infraType"] = draw(st.sampled_from(["onPremise", "publicCloud"]))
    return report


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(reports(), min_size=1, max_size=30), st.sampled_from([None, "project", "hardware"]))
def test_random_reports_give_the_same_sums_both_ways(
    tmp_path: Path, batch: list[dict[str, Any]], by: str | None
) -> None:
    path = write_lines(tmp_path / "random.jsonl", batch)
    fast, ordinary = tallies_both_ways(path, SchemaVersion.V1_1, by)
    assert_same(fast, ordinary)
    # and the caller's sums of them: those of adding each report in turn
    summed, one_by_one = Totals.banded(), Totals.banded()
    for tally in fast:
        pieces.add_tally([summed], tally)
        assert summed.band is not None and one_by_one.band is not None
        if by is None:
            pieces.add_bands(summed.band, tally)
        for index, energy in enumerate(tally.energy.tolist()):
            flags = int(tally.known[index])
            one_by_one.add_numbers(
                energy,
                float(tally.duration[index]) if flags & 1 else None,
                float(tally.emissions[index]) if flags & 2 else None,
            )
            if by is None:
                one_by_one.band.add(
                    float(tally.band_low[index]), float(tally.band_high[index]), energy
                )
    names = ["runs", "energy_kwh", "duration_s", "emissions_kg", "runs_without_duration"]
    names += ["energy_with_duration_kwh", "energy_with_intensity_kwh"]
    assert [same(getattr(summed, n), getattr(one_by_one, n)) for n in names] == [True] * 7
    assert vars(summed.band).keys() == vars(one_by_one.band).keys()
    for name, value in vars(summed.band).items():
        assert same(value, getattr(one_by_one.band, name)), name


def same(one: float, other: float) -> bool:
    """Equal to the last bit (a NaN is its own equal: 1e308 + 1e308 - inf)."""
    return math.copysign(1, one) == math.copysign(1, other) and (
        one == other or (math.isnan(one) and math.isnan(other))
    )


def test_a_statement_selects_as_the_ordinary_reading(tmp_path: Path) -> None:
    batch = []
    for index in range(60):
        report = make_report(full=True)
        report["header"]["publisher"]["projectName"] = f"p{index % 3}"
        report["header"]["reportDatetime"] = f"2026-{index % 12 + 1:02d}-15T10:00:00"
        batch.append(report)
    path = write_lines(tmp_path / "reports.jsonl", batch)
    for selection in ({"project": "p1"}, {"since": "2026-06-01"}, {"project": "x"}):
        assert_same(*tallies_both_ways(path, SchemaVersion.V1_1, None, **selection))


def test_group_numbers_follow_the_rows(tmp_path: Path) -> None:
    batch = [make_report(full=True) for _ in range(5)]
    for index, report in enumerate(batch):
        report["header"]["publisher"]["projectName"] = "ba"[index % 2]
    path = write_lines(tmp_path / "reports.jsonl", batch)
    fast, _ = tallies_both_ways(path, SchemaVersion.V1_1, "project")
    assert [(t.groups, t.group.tolist()) for t in fast] == [
        (["b", "a"], [0, 1]),
        (["b", "a"], [0, 1]),
        (["b"], [0]),
    ]


values = st.one_of(energies, st.booleans(), st.none(), st.text(max_size=3))


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["powerConsumption", "measurementDuration", "unit", "measurementDateTime"]),
        st.one_of(values, st.sampled_from(["kWh", "Wh", "MJoule", "FLOPS"])),
    )
)
def test_the_figures_of_one_measure_are_those_of_any_number(measure: dict[str, Any]) -> None:
    from boamps_carbon.render.figures import _duration, measured
    from boamps_carbon.validation.semantic import energy_kwh

    energy, duration = measured([measure])
    assert same(energy, sum([energy_kwh(measure) or 0.0]))
    expected = _duration([measure])
    assert (duration is None) == (expected is None)
    if duration is not None and expected is not None:
        assert same(duration, expected) and type(duration) is type(expected)


def test_units_and_an_infinite_energy_give_the_ordinary_bands(tmp_path: Path) -> None:
    batch = []
    for index, (unit, power) in enumerate(
        [("kWh", 0.002), ("PJoule", 1e300), ("PJoule", 1e300), ("Wh", 5), ("FLOPS", 2.0)] * 3
    ):
        report = make_report(SchemaVersion.V1_0, full=True)
        report["measures"][0].update(unit=unit, powerConsumption=power)
        if index % 2:
            report["measures"][0].pop("powerCalibrationMeasurement")
        batch.append(report)
    path = write_lines(tmp_path / "reports.jsonl", batch)
    fast, ordinary = tallies_both_ways(path, SchemaVersion.V1_0, None)
    assert any(math.isinf(e) for t in fast for e in t.energy.tolist())
    assert_same(fast, ordinary)
    assert_same(*tallies_both_ways(path, SchemaVersion.V1_0, "hardware"))
