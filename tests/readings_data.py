"""Many varied reports, made quickly and the same every time: for the dashboard and compare."""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

from factories import make_report

MODELS = ["resnet18", "resnet50", "bert-base", "mistral-7b", "llama-3-8b", "t5-small"]
TYPES = ["neuralNetwork", "llm", "classicalMachineLearning"]
PROJECTS = [f"project-{i}" for i in range(24)]  # more than 15: an "others" bar
COUNTRIES = [("France", 56.0), ("Germany", 380.0), ("Sweden", 41.0), ("United States", 370.0)]
GPUS = ["NVIDIA A100-SXM4-40GB", "Tesla V100S-PCIE-32GB", None]


def many_reports(count: int, seed: int = 1, days: int = 120) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    base = make_report()
    start = dt.datetime(2026, 1, 1)
    for number in range(count):
        report = copy.deepcopy(base)
        when = start + dt.timedelta(minutes=rng.randrange(days * 24 * 60))
        report["header"]["reportId"] = f"00000000-0000-4000-8000-{number:012d}"
        report["header"]["reportDatetime"] = when.strftime("%Y-%m-%d %H:%M:%S")
        report["header"]["publisher"]["projectName"] = rng.choice(PROJECTS)
        algorithm = report["task"]["algorithms"][0]
        algorithm["algorithmName"] = rng.choice(MODELS)
        algorithm["algorithmType"] = rng.choice(TYPES)
        algorithm["quantization"] = rng.choice(["fp32", "int8"])
        report["task"]["taskStage"] = "inference"
        report["task"]["nbRequest"] = 1000
        quantized = algorithm["quantization"] == "int8"
        report["task"]["measuredAccuracy"] = round(
            0.80 + 0.02 * MODELS.index(algorithm["algorithmName"]) - (0.01 if quantized else 0), 3
        )
        energy = (0.5 + MODELS.index(algorithm["algorithmName"])) * (0.6 if quantized else 1.0)
        report["measures"][0]["powerConsumption"] = round(energy * rng.uniform(0.9, 1.1), 6)
        report["measures"][0]["measurementDuration"] = round(rng.uniform(60, 3600), 2)
        country, intensity = rng.choice(COUNTRIES)
        report["environment"] = {"country": country, "powerSourceCarbonIntensity": intensity}
        gpu = rng.choice(GPUS)
        if gpu:
            report["infrastructure"]["components"].append(
                {"componentType": "gpu", "componentName": gpu, "nbComponent": 1}
            )
        yield report
