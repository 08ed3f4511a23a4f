"""Deterministic damage to valid reports, to compare validators on near-valid input."""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from typing import Any

Path = tuple[Any, ...]
OTHER_VALUES: list[Any] = ["text", "", 3, 2.5, 2.0, -1, True, None, {}, [], [1], {"a": 1}]


def _places(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _places(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _places(value, (*path, index))


def _set(report: dict[str, Any], path: Path, value: Any) -> None:
    parent = report
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value


def _delete(report: dict[str, Any], path: Path) -> None:
    parent = report
    for step in path[:-1]:
        parent = parent[step]
    del parent[path[-1]]


def mutate(base: dict[str, Any], seed: int) -> tuple[str, dict[str, Any]]:
    """One damaged copy of `base`; the same seed always gives the same damage."""
    rng = random.Random(seed)
    report = copy.deepcopy(base)
    places = [(p, v) for p, v in _places(report) if p]
    kind = rng.choice(["delete", "type", "null", "enum", "range", "empty", "float", "extra"])
    if kind == "delete":
        path = rng.choice([p for p, _ in places if isinstance(p[-1], str)])
        _delete(report, path)
    elif kind == "type":
        path, _ = rng.choice(places)
        _set(report, path, copy.deepcopy(rng.choice(OTHER_VALUES)))
    elif kind == "null":
        _set(report, rng.choice(places)[0], None)
    elif kind == "enum":
        path, value = rng.choice([(p, v) for p, v in places if isinstance(v, str)])
        _set(report, path, rng.choice([value.upper(), "$other", value + "s", "other", "public"]))
    elif kind == "range":
        numbers = [(p, v) for p, v in places if type(v) in (int, float)]
        _set(report, rng.choice(numbers)[0], rng.choice([-0.5, 1.5, 100, 0, 1, -3]))
    elif kind == "empty":
        containers = [p for p, v in places if isinstance(v, (list, dict))]
        _set(report, rng.choice(containers), [] if rng.random() < 0.7 else {})
    elif kind == "float":
        numbers = [(p, v) for p, v in places if type(v) in (int, float)]
        path, value = rng.choice(numbers)
        _set(report, path, float(value) if isinstance(value, int) else int(value))
    else:
        objects = [p for p, v in places if isinstance(v, dict)] + [()]
        target = rng.choice(objects)
        holder = report
        for step in target:
            holder = holder[step]
        holder[rng.choice(["extraField", "unit", "comment", "$hash"])] = rng.choice(OTHER_VALUES)
    return kind, report
