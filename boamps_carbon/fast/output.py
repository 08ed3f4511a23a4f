"""A piece's output as a table of text cells, row by row: template parts and slot values
side by side, filled a group (and a column) at a time, joined once at the end."""

from __future__ import annotations

import numpy as np

from ..fieldmap.transforms import SlotValues
from .template import Template


class OutputTable:
    """Rows of cells; a row the ordinary path converted is one cell, its JSON line."""

    def __init__(
        self, size: int, filled: list[tuple[Template, np.ndarray]], values: list[SlotValues]
    ) -> None:
        width = 2 * max((len(t.order) for t, _ in filled), default=0) + 1
        self.table = np.full((size, width), "", dtype=object)
        self.done = np.zeros(size, bool)
        as_objects: dict[int, np.ndarray] = {}
        for template, members in filled:
            *parts, last = template.parts
            for position, part in enumerate(parts):
                self.table[members, 2 * position] = part
                slot = template.order[position]
                if slot not in as_objects:
                    as_objects[slot] = np.array(values[slot].texts, dtype=object)
                self.table[members, 2 * position + 1] = as_objects[slot][members]
            self.table[members, 2 * len(parts)] = last + "\n"
            self.done[members] = True

    def put(self, index: int, line: str) -> None:
        self.table[index, 0] = line

    def line(self, index: int) -> str:
        return "".join(self.table[index].tolist())

    def text(self) -> str:
        return "".join(self.table.ravel().tolist())
