"""Reports whose defaults are valid, for every schema version; tests change what they test."""

from __future__ import annotations

import copy
from typing import Any

from boamps_carbon.schema import SchemaVersion

_V11_MINIMAL: dict[str, Any] = {
    "header": {
        "reportId": "0b7e6c1a-5d1e-4f0a-9c35-2a8b0f6d4e11",
        "reportDatetime": "2026-03-02 10:15:00",
        "publisher": {"confidentialityLevel": "public"},
    },
    "task": {
        "taskStage": "training",
        "taskFamily": "imageClassification",
        "algorithms": [{"algorithmName": "resnet18"}],
        "dataset": [{"dataUsage": "input", "dataType": "image"}],
    },
    "measures": [{"measurementMethod": "codecarbon", "powerConsumption": 0.0421}],
    "infrastructure": {
        "infraType": "onPremise",
        "components": [{"componentType": "cpu", "nbComponent": 8}],
    },
}

# every field of 1.1 filled with a plausible value
_V11_FULL: dict[str, Any] = {
    "header": {
        "licensing": "CC-BY-4.0",
        "formatVersion": "1.1",
        "formatVersionSpecificationUri": "https://github.com/Boavizta/BoAmps",
        "reportId": "4a1f3e2d-9b8c-4d7e-8f60-112233445566",
        "reportDatetime": "2026-03-02 10:15:00",
        "reportStatus": "final",
        "publisher": {
            "name": "Example Lab",
            "division": "Green AI",
            "projectName": "resnet-bench",
            "confidentialityLevel": "internal",
            "publicKey": "ssh-ed25519 AAAAC3Nz",
        },
    },
    "task": {
        "taskStage": "inference",
        "taskFamily": "chatbot",
        "nbRequest": 100,
        "algorithms": [
            {
                "trainingType": "supervisedLearning",
                "algorithmType": "llm",
                "algorithmName": "transformer",
                "algorithmUri": "https://example.org/model",
                "foundationModelName": "mistral-7b",
                "foundationModelUri": "https://example.org/fm",
                "parametersNumber": 7.2,
                "framework": "vllm",
                "frameworkVersion": "0.6.3",
                "classPath": "vllm.LLM",
                "layersNumber": 32,
                "epochsNumber": 0,
                "optimizer": "adam",
                "quantization": "fp16",
            }
        ],
        "dataset": [
            {
                "dataUsage": "input",
                "dataType": "token",
                "dataFormat": "json",
                "dataSize": 0.002,
                "dataQuantity": 1200,
                "shape": "(100, 12)",
                "source": "public",
                "sourceUri": "https://example.org/data",
                "owner": "Example Lab",
            },
            {"dataUsage": "output", "dataType": "token", "dataQuantity": 30500},
        ],
        "measuredAccuracy": 0.91,
        "estimatedAccuracy": "good",
        "taskDescription": "Answering 100 support questions",
    },
    "measures": [
        {
            "measurementMethod": "codecarbon",
            "manufacturer": "none",
            "version": "3.3.2",
            "cpuTrackingMode": "rapl",
            "gpuTrackingMode": "nvml",
            "averageUtilizationCpu": 0.42,
            "averageUtilizationGpu": 0.87,
            "powerCalibrationMeasurement": 0.0012,
            "durationCalibrationMeasurement": 60,
            "powerConsumption": 0.0356,
            "measurementDuration": 412.5,
            "measurementDateTime": "2026-03-02 10:08:07",
        },
    ],
    "system": {"os": "linux", "distribution": "ubuntu", "distributionVersion": "22.04"},
    "software": {"language": "python", "version": "3.11.7"},
    "infrastructure": {
        "infraType": "publicCloud",
        "cloudProvider": "ovh",
        "cloudInstance": "t2-45",
        "cloudService": "none",
        "components": [
            {
                "componentName": "Intel(R) Xeon(R) Gold 6226R CPU @ 2.90GHz",
                "componentType": "cpu",
                "nbComponent": 2,
                "manufacturer": "intel",
                "family": "xeon",
                "series": "gold 6226R",
                "share": 1,
            },
            {
                "componentName": "2 x Tesla V100S-PCIE-32GB",
                "componentType": "gpu",
                "nbComponent": 2,
                "memorySize": 32,
                "manufacturer": "nvidia",
                "family": "volta",
                "series": "v100s",
                "share": 0.5,
            },
            {"componentType": "ram", "nbComponent": 1, "memorySize": 86.5},
        ],
    },
    "environment": {
        "country": "france",
        "latitude": 48.85,
        "longitude": 2.35,
        "location": "paris",
        "powerSupplierType": "public",
        "powerSource": "nuclear",
        "powerSourceCarbonIntensity": 21.7,
    },
    "quality": "high",
}

_V10_MINIMAL: dict[str, Any] = {
    "header": {
        "formatVersion": "1.0",
        "reportId": "5c2d8e9f-1a2b-4c3d-9e8f-0a1b2c3d4e5f",
        "reportStatus": "draft",
        "reportDatetime": "2025-01-10 09:00:00",
    },
    "task": {
        "taskType": "training",
        "taskFamily": "classification",
        "taskStage": "training",
        "algorithms": [{"algorithmName": "randomForest"}],
        "dataset": [{"dataType": "tabular", "volume": 12, "volumeUnit": "megabyte"}],
    },
    "measures": [{"measurementMethod": "codecarbon", "unit": "kWh", "powerConsumption": 0.002}],
    "infrastructure": {
        "infraType": "onPremise",
        "components": [{"componentType": "cpu", "nbComponent": 4}],
    },
    "environment": {"country": "france"},
}

_V10_FULL: dict[str, Any] = {
    "header": {
        "licensing": "CC-BY-4.0",
        "formatVersion": "1.0.0",
        "formatVersionSpecificationUri": "x",
        "reportId": "5c2d8e9f-1a2b-4c3d-9e8f-0a1b2c3d4e5f",
        "reportDatetime": "2025-01-10 09:00:00",
        "reportStatus": "final",
        "publisher": {
            "name": "Lab",
            "division": "ML",
            "projectName": "p",
            "confidentialityLevel": "public",
            "publicKey": "k",
        },
    },
    "task": {
        "taskType": "training",
        "taskFamily": "classification",
        "taskStage": "training",
        "algorithms": [
            {
                "algorithmName": "randomForest",
                "framework": "sklearn",
                "frameworkVersion": "1.5.0",
                "classPath": "sklearn.ensemble.RandomForestClassifier",
                "hyperparameters": {
                    "tuningMethod": "gridSearch",
                    "values": [
                        {"hyperparameterName": "n_estimators", "hyperparameterValue": "100"}
                    ],
                },
                "quantization": 32,
            }
        ],
        "dataset": [
            {
                "dataType": "tabular",
                "fileType": "csv",
                "volume": 12,
                "volumeUnit": "megabyte",
                "items": 15000,
                "shape": [15000, 12],
                "source": "public",
                "sourceUri": "u",
                "owner": "o",
                "inferenceProperties": [
                    {
                        "nbRequest": 1,
                        "parametersNLP": {
                            "nbTokensInput": 10,
                            "nbWordsInput": 8,
                            "nbTokensOutput": 20,
                            "nbWordsOutput": 15,
                            "contextWindowsSize": 4096,
                            "cache": True,
                        },
                    }
                ],
            }
        ],
        "measuredAccuracy": 0.8,
        "estimatedAccuracy": "average",
    },
    "measures": [
        {
            "measurementMethod": "codecarbon",
            "manufacturer": "m",
            "version": "2.8.0",
            "cpuTrackingMode": "constant",
            "gpuTrackingMode": "nvml",
            "averageUtilizationCpu": 0.5,
            "averageUtilizationGpu": 0.25,
            "serverSideInference": "both",
            "unit": "kWh",
            "powerCalibrationMeasurement": 0.0001,
            "durationCalibrationMeasurement": 30,
            "powerConsumption": 0.002,
            "measurementDuration": 120,
            "measurementDateTime": "2025-01-10 08:58:00",
        }
    ],
    "system": {"os": "linux", "distribution": "debian", "distributionVersion": "12"},
    "software": {"language": "python", "version": "3.10.4"},
    "infrastructure": {
        "infraType": "onPremise",
        "cloudProvider": "none",
        "cloudInstance": "none",
        "components": [
            {
                "componentName": "AMD EPYC 7742",
                "componentType": "cpu",
                "nbComponent": 2,
                "memorySize": 0,
                "manufacturer": "amd",
                "family": "epyc",
                "series": "7742",
                "share": 1,
            }
        ],
    },
    "environment": {
        "country": "germany",
        "latitude": 52.5,
        "longitude": 13.4,
        "location": "berlin",
        "powerSupplierType": "public",
        "powerSource": "wind",
        "powerSourceCarbonIntensity": 380,
    },
    "quality": "medium",
    "$hash": {"hashAlgorithm": "SHA-256", "cryptographicAlgorithm": "RSA", "value": "abc"},
}

_BASES = {
    SchemaVersion.V1_1: (_V11_MINIMAL, _V11_FULL),
    SchemaVersion.V1_0: (_V10_MINIMAL, _V10_FULL),
}


def make_report(
    version: SchemaVersion = SchemaVersion.V1_1, *, full: bool = False, **sections: Any
) -> dict[str, Any]:
    """A valid report of `version`; keyword arguments replace whole top-level sections."""
    report = copy.deepcopy(_BASES[version][1 if full else 0])
    report.update(copy.deepcopy(sections))
    return report
