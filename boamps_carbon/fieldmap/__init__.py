"""Field tables: which source column becomes which BoAmps field, and how.

A field table is data (`schemas/fieldmaps/*.csv`); `engine` walks it with one generic loop
and `transforms` holds the small set of named conversions it may use.
"""

from .engine import FieldEngine
from .parsing import RowError
from .row import FieldRow
from .table import FieldTable, load_field_table

__all__ = ["FieldEngine", "FieldRow", "FieldTable", "RowError", "load_field_table"]
