"""fp32 against int8: the same small classifier, its forward pass in float32 and in int8
(quantized weights and activations, integer accumulation), each run measured by its own
CodeCarbon tracker, interleaved, then compared and drawn on a dashboard.

Run: python examples/experiment_quantization.py [OUTPUT_FOLDER]   (default: experiment/)
It writes OUTPUT/reports.jsonl, OUTPUT/dashboard.html and prints the comparison.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import boamps_carbon

HERE = Path(__file__).resolve().parent
FEATURES, HIDDEN, CLASSES, SAMPLES = 32, 64, 4, 20_000
PASSES = 8  # over the 15,000 test points a run: 120,000 requests


def make_data(seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Four Gaussian clouds in 32 dimensions, overlapping a little: a task a small network
    solves well but not perfectly."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 1.2, size=(CLASSES, FEATURES))
    labels = rng.integers(0, CLASSES, size=SAMPLES)
    points = centres[labels] + rng.normal(0, 2.0, size=(SAMPLES, FEATURES))
    return points.astype(np.float32), labels


def train(points: np.ndarray, labels: np.ndarray, seed: int = 7) -> list[np.ndarray]:
    """A one-hidden-layer network by full-batch gradient descent (a second or less)."""
    rng = np.random.default_rng(seed)
    w1 = rng.normal(0, 0.2, size=(FEATURES, HIDDEN)).astype(np.float32)
    b1 = np.zeros(HIDDEN, dtype=np.float32)
    w2 = rng.normal(0, 0.2, size=(HIDDEN, CLASSES)).astype(np.float32)
    b2 = np.zeros(CLASSES, dtype=np.float32)
    onehot = np.eye(CLASSES, dtype=np.float32)[labels]
    for _ in range(60):
        hidden = np.maximum(points @ w1 + b1, 0)
        logits = hidden @ w2 + b2
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        grad = (probabilities - onehot) / len(points)
        grad_hidden = (grad @ w2.T) * (hidden > 0)
        w2 -= 0.5 * hidden.T @ grad
        b2 -= 0.5 * grad.sum(axis=0)
        w1 -= 0.5 * points.T @ grad_hidden
        b1 -= 0.5 * grad_hidden.sum(axis=0)
    return [w1, b1, w2, b2]


def quantize(values: np.ndarray) -> tuple[np.ndarray, float]:
    """Symmetric per-tensor int8: values = scale * q, q in [-127, 127]."""
    scale = float(np.abs(values).max()) / 127 or 1.0
    return np.clip(np.round(values / scale), -127, 127).astype(np.int8), scale


def forward_fp32(weights: list[np.ndarray], points: np.ndarray) -> np.ndarray:
    w1, b1, w2, b2 = weights
    return np.argmax(np.maximum(points @ w1 + b1, 0) @ w2 + b2, axis=1)


def forward_int8(quantized: dict, points: np.ndarray) -> np.ndarray:
    """int8 inputs and weights, int32 sums, one rescale per layer."""
    q_points, s_points = quantize(points)
    acc = q_points.astype(np.int32) @ quantized["w1"].astype(np.int32)
    hidden = np.maximum(acc * (s_points * quantized["s1"]) + quantized["b1"], 0)
    q_hidden, s_hidden = quantize(hidden)
    acc = q_hidden.astype(np.int32) @ quantized["w2"].astype(np.int32)
    return np.argmax(acc * (s_hidden * quantized["s2"]) + quantized["b2"], axis=1)


def main(output: Path) -> None:
    points, labels = make_data()
    weights = train(points[:5000], labels[:5000])
    test_points, test_labels = points[5000:], labels[5000:]
    (q1, s1), (q2, s2) = quantize(weights[0]), quantize(weights[2])
    quantized = {"w1": q1, "s1": s1, "b1": weights[1], "w2": q2, "s2": s2, "b2": weights[3]}

    def run(forward, model) -> dict:  # type: ignore[no-untyped-def]
        correct = 0
        for _ in range(PASSES):
            correct += int((forward(model, test_points) == test_labels).sum())
        requests = PASSES * len(test_labels)
        return {"accuracy": correct / requests, "requests": requests}

    output.mkdir(parents=True, exist_ok=True)
    reports = output / "reports.jsonl"
    reports.unlink(missing_ok=True)
    done = boamps_carbon.experiment(
        {
            "fp32": lambda: run(forward_fp32, weights),
            "int8": lambda: run(forward_int8, quantized),
        },
        repeats=3,
        context=HERE / "experiment_context.json",
        output=reports,
        country_iso_code="FRA",
        measure_power_secs=0.2,
    )
    for sentence in done.sentences:
        print(sentence)
    for run_ in done.runs:
        print(
            f"  {run_.variant} run {run_.repeat}: {run_.latency_s * 1e6:.3g} µs per request, "
            f"accuracy {run_.accuracy:.3f}"
        )
    page = output / "dashboard.html"
    boamps_carbon.dashboard(reports, page)
    print(f"reports: {reports}; dashboard: {page}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("experiment"))
