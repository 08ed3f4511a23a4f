"""One row of a field table (a BoAmps field, its transform, sources, argument and condition)
and its path: what every part of `fieldmap` reads, so it depends on none of them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError

# A path is dotted keys; a list element is written `name[key]` (`components[gpu]`).
_STEP = re.compile(r"^(?P<name>[A-Za-z$][\w$]*)(?:\[(?P<key>[\w-]+)\])?$")


@dataclass(frozen=True)
class FieldRow:
    path: str
    transform: str
    sources: tuple[str, ...]
    argument: str
    when: str
    origin: str  # "file:line", for error messages

    @property
    def steps(self) -> tuple[tuple[str, str | None], ...]:
        return parse_path(self.path, self.origin)


def parse_path(path: str, origin: str) -> tuple[tuple[str, str | None], ...]:
    steps = []
    for part in path.split("."):
        match = _STEP.match(part)
        if match is None:
            raise InputError(
                "Bad field path",
                origin,
                repr(path),
                "Write dotted names, with [key] for list elements: "
                "infrastructure.components[gpu].memorySize.",
            )
        steps.append((match["name"], match["key"]))
    return tuple(steps)
