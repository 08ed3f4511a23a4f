"""`rate` on a measured 0 kWh (rated) and on a location that only names the country again
(carbon-ops' region codes: no site)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from conftest import EXAMPLES
from test_sources import LEDGER, ledger_context

import boamps_carbon
from boamps_carbon.conversion import convert
from boamps_carbon.trust.rating import rating_of

TODAY = dt.date(2026, 11, 29)


def example(**environment: Any) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((EXAMPLES / "report.json").read_text(encoding="utf-8"))
    report["environment"].update(environment)
    return report


def test_a_measured_zero_is_rated() -> None:
    report = example()
    report["measures"][0]["powerConsumption"] = 0.0
    rating = boamps_carbon.rate(report, today=TODAY)
    assert (rating.rating, rating.missing) == ("bronze", [])
    assert [(i.name, i.score) for i in rating.indicators] == [
        ("reliability", 5),
        ("completeness", 2),
        ("temporal", 2),
        ("geographical", 2),
        ("technological", 2),
    ]
    assert rating_of(report, TODAY) == "bronze"
    del report["measures"][0]["powerConsumption"]  # no energy at all: still unrated
    rating = boamps_carbon.rate(report, today=TODAY)
    assert (rating.rating, rating.missing) == ("unrated", ["no measure gives an energy in kWh"])


def test_carbon_ops_region_codes_are_no_site() -> None:
    found = [c.report for c in convert(LEDGER, ledger_context())]
    assert [(r["environment"]["country"], r["environment"]["location"]) for r in found] == [
        ("FRA", "FR"),
        ("DEU", "DE"),
        ("FRA", "FR"),
    ]
    geographical = [boamps_carbon.rate(r, today=TODAY).indicators[3] for r in found]
    assert [(i.score, i.reason, i.advice) for i in geographical] == [
        (2, "country FRA, no site", "give the region or site (environment.location)"),
        (2, "country DEU, no site", "give the region or site (environment.location)"),
        (2, "country FRA, no site", "give the region or site (environment.location)"),
    ]


@pytest.mark.parametrize(
    ("environment", "score", "reason"),
    [
        ({"country": "france", "location": "France"}, 2, "country france, no site"),
        ({"country": "france", "location": "fr"}, 2, "country france, no site"),
        ({"country": "FRA", "location": "FRA "}, 2, "country FRA, no site"),
        ({"country": "france", "location": "Paris"}, 1, "site given (Paris)"),
        ({"country": "USA", "location": "US-CA"}, 1, "site given (US-CA)"),
        ({"country": "france", "location": "eu-west-3"}, 1, "site given (eu-west-3)"),
        ({"country": "france", "location": "ZZ"}, 1, "site given (ZZ)"),
    ],
)
def test_what_a_location_says(environment: dict[str, str], score: int, reason: str) -> None:
    indicator = boamps_carbon.rate(example(**environment), today=TODAY).indicators[3]
    assert (indicator.score, indicator.reason) == (score, reason)
