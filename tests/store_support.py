"""Stores for tests: a SQLite file in tmp_path, and the PostgreSQL of $BOAMPS_TEST_POSTGRES_URL
(which `.ci/run` starts), emptied before each test."""

from __future__ import annotations

import copy
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.factories import make_report

POSTGRES_ENV = "BOAMPS_TEST_POSTGRES_URL"


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(
            f"{POSTGRES_ENV} is not set: no PostgreSQL to test against (.ci/run starts one)"
        )
    return url


def empty_postgres(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        for table in (
            "measures",
            "components",
            "tokens",
            "reports",
            "ledger",
            "boamps_schema_version",
        ):
            conn.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()
    return url


def store_url(kind: str, tmp_path: Path) -> str:
    if kind == "postgres":
        return empty_postgres(postgres_url())
    return f"sqlite:///{tmp_path / 'reports.db'}"


def report(
    number: int,
    *,
    project: str = "alpha",
    energy: float = 0.5,
    intensity: float | None = 50.0,
    duration: float | None = 100.0,
    start: str = "2026-03-02 10:00:00",
    stage: str = "training",
    family: str = "imageClassification",
    algorithm: str = "resnet18",
    quantization: str | None = None,
    country: str = "france",
    status: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A valid BoAmps 1.1 report whose id is fixed by `number`."""
    algo: dict[str, Any] = {"algorithmName": algorithm}
    if quantization is not None:
        algo["quantization"] = quantization
    measure: dict[str, Any] = {
        "measurementMethod": "codecarbon",
        "powerConsumption": energy,
        "measurementDateTime": start,
    }
    if duration is not None:
        measure["measurementDuration"] = duration
    env: dict[str, Any] = {"country": country}
    if intensity is not None:
        env["powerSourceCarbonIntensity"] = intensity
    result = make_report(
        measures=[measure],
        environment=env,
        infrastructure={
            "infraType": "onPremise",
            "components": [
                {"componentType": "cpu", "nbComponent": 2, "componentName": "Xeon Gold"},
                {"componentType": "ram", "nbComponent": 1, "memorySize": 16},
            ],
        },
    )
    result["header"]["reportId"] = str(uuid.UUID(int=number))
    result["header"]["publisher"]["projectName"] = project
    if status is not None:
        result["header"]["reportStatus"] = status
    result["task"].update(taskStage=stage, taskFamily=family, algorithms=[algo])
    for key, value in extra.items():
        result[key] = copy.deepcopy(value)
    return result
