"""A piece's varying columns, each read once whatever reads it: by the slots' column forms
(`fieldmap.transforms`) and by the conditions on them."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..fieldmap.parsing import Moments, Numbers, read_moments, read_number_array, read_numbers
from ..fieldmap.transforms import SlotValues
from .cells import PieceFields
from .chunks import needs_strip
from .plan import Atom, Slot

__all__ = ["Columns", "SlotValues"]


class Columns:
    """The varying columns of one piece, each read once whatever reads it."""

    def __init__(self, fields: PieceFields, first_row: int) -> None:
        self.fields, self.size, self.first_row = fields, fields.size, first_row
        self._texts: dict[int, list[str]] = {}
        self._numbers: dict[int, Numbers] = {}
        self._moments: dict[int, Moments] = {}

    def text(self, column: int) -> list[str]:
        """The column's values, stripped as the transforms see them."""
        if column < 0:
            return [""] * self.size
        if column not in self._texts:
            values = self.fields.values(column)
            self._texts[column] = [v.strip() for v in values] if needs_strip(values) else values
        return self._texts[column]

    def numbers(self, column: int) -> Numbers:
        if column not in self._numbers:
            found = read_number_array(self.fields.array(column)) if column >= 0 else None
            self._numbers[column] = found or read_numbers(self.text(column))
        return self._numbers[column]

    def moments(self, column: int) -> Moments:
        if column not in self._moments:
            self._moments[column] = read_moments(self.text(column))
        return self._moments[column]

    def atom(self, atom: Atom, run: Any) -> tuple[np.ndarray, np.ndarray]:
        """Truth of a condition term for every row, and the rows where it cannot be told."""
        return atom.truth(self, run)

    def slot(self, slot: Slot, run: Any) -> SlotValues:
        return slot.values(self, slot.columns, run)
