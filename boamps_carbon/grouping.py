"""`--group-by`: which rows make one report, and its id.

A report describes one task: a group whose rows belong to different tasks (an experiment
with training and inference runs, told apart by the context's `projects`) becomes one report
per task, in the order each task first appears, with a warning, instead of one report
labelled with the first row's task. Within a task, the first row's report holds every row's
measures, as before."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

Member = TypeVar("Member")


def by_task(members: Iterable[tuple[Member, dict[str, Any]]]) -> list[list[Member]]:
    """`members` (each with its report) split by their report's `task`, in first-seen order."""
    parts: dict[str, list[Member]] = {}
    for member, report in members:
        task = json.dumps(report.get("task"), sort_keys=True, default=str)
        parts.setdefault(task, []).append(member)
    return list(parts.values())


def task_label(report: dict[str, Any]) -> str:
    task = report.get("task")
    task = task if isinstance(task, dict) else {}
    return " / ".join(str(task.get(k, "?")) for k in ("taskStage", "taskFamily"))


def split_warning(column: str, key: str, labels: list[str]) -> str:
    return (
        f"{column} {key!r} holds the runs of {len(labels)} tasks ({', '.join(labels)}): one "
        "report per task"
    )


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
