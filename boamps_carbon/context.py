"""The context: what a CSV cannot know (task, publisher, quality...), as a partial report.

The file has the shape of a BoAmps report, as CodeCarbon's BoAmps exporter expects, and may
add `projects`: partial reports applied on top for the rows of one project_name.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from .errors import InputError
from .fieldmap.engine import KeyedList
from .io import parse_json_bytes, read_limited, strip_line_comments
from .schema import DEFAULT_VERSION, SchemaVersion
from .validation import validate

PROJECTS = "projects"
# list elements are matched on this field when a context merges into a built report
MERGE_KEYS = {"components": "componentType"}


class Context:
    def __init__(
        self, base: dict[str, Any] | None = None, projects: dict[str, dict[str, Any]] | None = None
    ) -> None:
        self.base = base or {}
        self.projects = projects or {}

    def for_project(self, project: str | None) -> list[dict[str, Any]]:
        layers = [self.base]
        if project and project in self.projects:
            layers.append(self.projects[project])
        return layers


def load_context(
    source: str | Path | dict[str, Any] | None, version: str | SchemaVersion = DEFAULT_VERSION
) -> Context:
    if source is None:
        return Context()
    label = "context" if isinstance(source, dict) else str(source)
    data = copy.deepcopy(source) if isinstance(source, dict) else _read(Path(source))
    if not isinstance(data, dict):
        raise InputError(
            "Context is not a JSON object",
            label,
            type(data).__name__,
            'Write the context as a partial BoAmps report: {"task": {...}}.',
        )
    projects = data.pop(PROJECTS, {})
    if not isinstance(projects, dict):
        raise InputError(
            "Bad context",
            f"{label}: {PROJECTS}",
            type(projects).__name__,
            "Map each project_name to a partial report.",
        )
    layers = {label: data} | {
        f"{label}: {PROJECTS}.{name}": layer for name, layer in projects.items()
    }
    for where, layer in layers.items():
        if not isinstance(layer, dict):
            raise InputError(
                "Bad context", where, type(layer).__name__, "Give a partial report for the project."
            )
        _check(layer, where, version)
    return Context(data, projects)


def _read(path: Path) -> Any:
    raw = read_limited(
        path, "context file", "Check the path; `boamps init-context` writes a starting one."
    )
    value, problems = parse_json_bytes(strip_line_comments(raw))
    if problems:
        first = problems[0]
        raise InputError(
            "Context file is not valid JSON",
            f"{path}: {first.path}",
            first.message,
            first.hint or "Fix the JSON syntax.",
        )
    return value


def _check(partial: dict[str, Any], label: str, version: str | SchemaVersion) -> None:
    # a context is partial by nature: what is missing is checked on the merged report
    errors = [p for p in validate(partial, version).errors if p.code != "required"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise InputError(
            "Invalid context",
            f"{label}: {first.path}",
            first.message + more,
            first.hint or "Fix the context file.",
        )


def json_copy(value: Any) -> Any:
    """A deep copy of JSON data, several times faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_copy(item) for item in value]
    return value


def merge(base: dict[str, Any], overlay: dict[str, Any]) -> None:
    """Put `overlay` (a plain partial report) into `base` (a report being built); the
    overlay wins on every value it gives."""
    for key, value in overlay.items():
        current = base.get(key)
        if (
            isinstance(current, dict)
            and not isinstance(current, KeyedList)
            and isinstance(value, dict)
        ):
            merge(current, value)
        elif isinstance(current, KeyedList) and isinstance(value, list):
            _merge_list(current, value, MERGE_KEYS.get(key))
        elif isinstance(current, list) and isinstance(value, list) and key in MERGE_KEYS:
            # an earlier layer's plain list (the CSV had none): merge into it all the same
            keyed = KeyedList((f"layer-{i}", item) for i, item in enumerate(current))
            _merge_list(keyed, value, MERGE_KEYS[key])
            base[key] = keyed
        else:
            base[key] = json_copy(value)


def _merge_list(current: KeyedList, items: list[Any], match_on: str | None) -> None:
    if match_on is None and len(items) == 1 and isinstance(items[0], dict):
        for element in current.values():  # one item describes every element: all measures
            merge(element, items[0])
        return
    keys = list(current)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        if match_on is not None:
            same = [
                k
                for k, e in current.items()
                if isinstance(e, dict) and e.get(match_on) == item.get(match_on)
            ]
            key = same[0] if same and match_on in item else f"context-{index}"
        else:
            key = keys[index] if index < len(keys) else f"context-{index}"
        if key in current:
            merge(current[key], item)
        else:
            current[key] = json_copy(item)
