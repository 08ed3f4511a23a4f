"""`rating_of`, the store's remembered rating: always `rate(...).rating`, whatever it reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from boamps_carbon.trust import rating as rating_module
from boamps_carbon.trust.rating import rate, rating_of

DAYS = st.sampled_from([dt.date(2026, 11, 29), dt.date(2031, 1, 1)])
ENERGY = st.one_of(
    st.none(),
    st.just(0),
    st.just(0.0),
    st.just(-1.5),
    st.just(True),
    st.floats(min_value=1e-9, max_value=1e3),
    st.integers(min_value=1, max_value=10),
    st.text(max_size=3),
)
MODES = st.sampled_from([None, "cpuLoad", "rapl", "nvml", "constant", "bogus", ""])
MEASURES = st.lists(
    st.fixed_dictionaries(
        {
            "measurementMethod": st.sampled_from(
                ["codecarbon", "CodeCarbon", "wattmeter", "scaphandre", "", None]
            ),
            "powerConsumption": ENERGY,
        },
        optional={
            "unit": st.sampled_from(["kWh", "Wh", "J", "FLOPS"]),
            "measurementDateTime": st.sampled_from(
                ["2026-03-02 10:00:00", "2026-03-02 23:59:59", "2022-01-01 00:00:00", "bad", 5]
            ),
            "measurementDuration": st.sampled_from([100.0, None, "x"]),
            "powerCalibrationMeasurement": st.sampled_from([0.1, None]),
            "cpuTrackingMode": MODES,
            "gpuTrackingMode": MODES,
            "cpuEnergy": ENERGY,
            "gpuEnergy": ENERGY,
            "ramEnergy": ENERGY,
        },
    ),
    max_size=3,
)
COMPONENTS = st.lists(
    st.fixed_dictionaries(
        {"componentType": st.sampled_from(["cpu", "gpu", "ram", "GPU"])},
        optional={
            "componentName": st.sampled_from(["Xeon", "", "A100"]),
            "series": st.sampled_from(["Gold 6130", ""]),
            "manufacturer": st.sampled_from(["Intel", "NVIDIA"]),
            "nbComponent": st.integers(min_value=1, max_value=300),
        },
    ),
    max_size=3,
)
ENVIRONMENT = st.fixed_dictionaries(
    {},
    optional={
        "country": st.sampled_from(["france", "canada", "Canada", ""]),
        "latitude": st.sampled_from([46.8, 48.85, float("nan"), None]),
        "longitude": st.sampled_from([-71.2, 2.35]),
        "location": st.sampled_from(["Paris", "", "eu-west-3"]),
        "powerSourceCarbonIntensity": st.sampled_from([50.0, 0, -1, float("inf"), None, "50"]),
    },
)
REPORTS = st.fixed_dictionaries(
    {
        "header": st.fixed_dictionaries({"reportId": st.uuids().map(str)}),
        "measures": st.one_of(MEASURES, st.none(), st.just("no list")),
        "infrastructure": st.fixed_dictionaries(
            {"components": COMPONENTS},
            optional={"infraType": st.sampled_from(["onPremise", "publicCloud", "other"])},
        ),
        "environment": ENVIRONMENT,
    },
    optional={"quality": st.sampled_from(["high", "low"])},
)


@settings(max_examples=400, deadline=None)
@given(report=REPORTS, today=DAYS)
def test_remembered_ratings_are_the_ratings(report: dict[str, Any], today: dt.date) -> None:
    expected = rate(report, today, explain=False).rating
    assert rating_of(report, today) == expected
    assert rating_of(report, today) == expected  # remembered, if it could be


def test_reports_that_differ_in_what_is_not_read_share_a_rating() -> None:
    rating_module._MEMO.clear()
    today = dt.date(2026, 11, 29)
    first: dict[str, Any] = {
        "header": {"reportId": "a"},
        "measures": [
            {
                "measurementMethod": "codecarbon",
                "powerConsumption": 0.5,
                "measurementDateTime": "2026-03-02 10:00:00",
            }
        ],
        "infrastructure": {"components": [{"componentType": "cpu", "componentName": "Xeon"}]},
        "environment": {"country": "france", "powerSourceCarbonIntensity": 50.0},
    }
    second = {**first, "header": {"reportId": "b"}, "measures": [{**first["measures"][0]}]}
    second["measures"][0].update(powerConsumption=7, measurementDateTime="2026-03-02 23:00:00")
    assert rating_of(first, today) == rating_of(second, today) == "bronze"
    assert len(rating_module._MEMO) == 1
    # a measured 0 kWh is an energy: the same key
    third = {**first, "measures": [{**first["measures"][0], "powerConsumption": 0.0}]}
    assert rating_of(third, today) == "bronze"
    assert len(rating_module._MEMO) == 1
    # no energy: another key, and unrated
    fourth = {**first, "measures": [{**first["measures"][0], "powerConsumption": None}]}
    assert rating_of(fourth, today) == rate(fourth, today).rating == "unrated"
    assert len(rating_module._MEMO) == 2


def test_an_infinite_lone_energy_is_not_remembered_as_a_finite_one() -> None:
    """A BoAmps 1.0 measure of 1e306 GWh is an infinite energy: its band cannot be said, and
    the report rates lower than the same report measuring 1 kWh, whichever comes first."""
    import copy
    import json

    from conftest import ROOT

    base = json.loads((ROOT / "examples" / "report.json").read_text(encoding="utf-8"))
    base["header"]["formatVersion"] = "1.0"
    measure = base["measures"][0]
    measure.pop("cpuTrackingMode", None)
    measure.update(
        powerCalibrationMeasurement=0.0001,
        durationCalibrationMeasurement=10,
        measurementMethod="wattmeter",
    )
    base["environment"].update(
        powerSourceCarbonIntensity=50, latitude=48.8, longitude=2.3, location="Paris"
    )
    for component in base["infrastructure"]["components"]:
        component.setdefault("series", "x")
        component.setdefault("componentName", "y")
    finite, infinite = copy.deepcopy(base), copy.deepcopy(base)
    finite["measures"][0].update(powerConsumption=1.0, unit="kWh")
    infinite["measures"][0].update(powerConsumption=1e306, unit="GWh")
    day = dt.date(2026, 11, 29)
    expected = (rate(finite, day, explain=False).rating, rate(infinite, day, explain=False).rating)
    assert expected == ("gold", "bronze")
    for first, second in ((finite, infinite), (infinite, finite)):
        rating_module._MEMO.clear()
        found = {id(r): rating_of(r, day) for r in (first, second)}
        assert (found[id(finite)], found[id(infinite)]) == expected
