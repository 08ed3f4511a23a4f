"""`--group-by`: which rows make one report, and its id.

A report describes one task, run on one infrastructure in one place: a group whose rows
belong to different tasks (an experiment with training and inference runs, told apart by the
context's `projects`), machines or places (a project run in two countries) becomes one
report per task, machine and place, in the order each first appears, with a warning, instead
of one report labelled with the first row's. Within a part, the first row's report holds
every row's measures, and the carbon intensity of their electricity together: each row's
weighed by its energy, so that the report's emissions are the sum of the rows'."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

Member = TypeVar("Member")


def setting(report: dict[str, Any]) -> tuple[str, str, str]:
    """(task, machine, place) of a report, as texts: what one report may not mix. The place
    leaves out the carbon intensity (and what is said of it), which varies from run to run
    in one place."""
    environment = report.get("environment")
    place = (
        {k: v for k, v in environment.items() if not _about_intensity(k)}
        if isinstance(environment, dict)
        else environment
    )
    return (
        json.dumps(report.get("task"), sort_keys=True, default=str),
        json.dumps(report.get("infrastructure"), sort_keys=True, default=str),
        json.dumps(place, sort_keys=True, default=str),
    )


def _about_intensity(key: str) -> bool:
    # the intensity and what other tools say of it (carbon-ops' intensityQuality...)
    return key == "powerSourceCarbonIntensity" or key.startswith("intensity")


def by_setting(members: Iterable[tuple[Member, dict[str, Any]]]) -> list[list[Member]]:
    """`members` (each with its report) split by their report's `setting`, in first-seen
    order."""
    parts: dict[tuple[str, str, str], list[Member]] = {}
    for member, report in members:
        parts.setdefault(setting(report), []).append(member)
    return list(parts.values())


def part_label(report: dict[str, Any], tasks_only: bool) -> str:
    if tasks_only:
        return task_label(report)
    environment = report.get("environment")
    country = environment.get("country") if isinstance(environment, dict) else None
    return f"{task_label(report)} in {country or '?'}"


def split_warning(column: str, key: str, labels: list[str], tasks_only: bool = True) -> str:
    if tasks_only:
        return (
            f"{column} {key!r} holds the runs of {len(labels)} tasks ({', '.join(labels)}): "
            "one report per task"
        )
    return (
        f"{column} {key!r} holds the runs of {len(labels)} different tasks, machines or places "
        f"({', '.join(labels)}): one report each"
    )


def mixed_intensity(reports: list[dict[str, Any]]) -> float | None:
    """The carbon intensity of the reports' electricity together (each one's weighed by its
    energy), None when it is theirs already (all the same) or cannot be known (one lacks it,
    or no energy): the caller then keeps or drops it."""
    from .validation.semantic import energy_kwh, number

    found = []
    for report in reports:
        environment = report.get("environment")
        intensity = (
            number(environment.get("powerSourceCarbonIntensity"))
            if isinstance(environment, dict)
            else None
        )
        measures = report.get("measures")
        energy = sum(
            (energy_kwh(m) or 0.0)
            for m in (measures if isinstance(measures, list) else [])
            if isinstance(m, dict)
        )
        found.append((intensity, energy))
    intensities = {i for i, _ in found}
    if len(intensities) == 1:
        return None
    total = sum(e for _, e in found)
    if None in intensities or total <= 0:
        return math.nan
    return sum(i * e for i, e in found if i is not None) / total


def task_label(report: dict[str, Any]) -> str:
    task = report.get("task")
    task = task if isinstance(task, dict) else {}
    return " / ".join(str(task.get(k, "?")) for k in ("taskStage", "taskFamily"))


def group_report_id(namespace: uuid.UUID, file_hash: str, column: str, key: str, part: int) -> str:
    """A run_id that is a UUID stays the id of its run's report; any other group gets a UUID5
    of the file and the group (and of its task, past the first)."""
    if column == "run_id" and part == 0:
        try:
            return str(uuid.UUID(key))
        except ValueError:
            pass
    seed = f"{file_hash}:{column}={key}" + (f":task={part}" if part else "")
    return str(uuid.uuid5(namespace, seed))
