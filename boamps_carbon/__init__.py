"""boamps_carbon: energy measurements of AI/ML work as valid BoAmps reports.

The public API. Names are imported on first use so that the command line starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "validate": ".validation",
    "convert": ".conversion",
    "from_zeus": ".sources.zeus",
    "statement": ".render.statement",
    "to_dataframe": ".render.frames",
    "generate_report": ".collect",
    "track": ".tracking",
    "measure_idle": ".tracking",
    "Calibration": ".collect",
    "BoAmpsHandler": ".handler",
    "ValidationResult": ".validation",
    "Problem": ".validation",
    "CATALOGUE": ".validation",
    "SchemaVersion": ".schema",
    "load_schema": ".schema",
    "Report": ".model",
    "load_report": ".load",
    "BoampsError": ".errors",
    "InputError": ".errors",
    "ReportLoadError": ".errors",
    "UnknownSchemaVersionError": ".errors",
    "Store": ".store",
    "StoreError": ".store",
    "StoreConflict": ".store",
}

__all__ = [
    "CATALOGUE",
    "BoAmpsHandler",
    "BoampsError",
    "Calibration",
    "InputError",
    "Problem",
    "Report",
    "ReportLoadError",
    "SchemaVersion",
    "Store",
    "StoreConflict",
    "StoreError",
    "UnknownSchemaVersionError",
    "ValidationResult",
    "__version__",
    "convert",
    "from_zeus",
    "generate_report",
    "load_report",
    "load_schema",
    "measure_idle",
    "statement",
    "to_dataframe",
    "track",
    "validate",
]

if TYPE_CHECKING:
    from .collect import Calibration, generate_report
    from .conversion import convert
    from .errors import BoampsError, InputError, ReportLoadError, UnknownSchemaVersionError
    from .handler import BoAmpsHandler
    from .load import load_report
    from .model import Report
    from .render.frames import to_dataframe
    from .render.statement import statement
    from .schema import SchemaVersion, load_schema
    from .sources.zeus import from_zeus
    from .store import Store, StoreConflict, StoreError
    from .tracking import measure_idle, track
    from .validation import CATALOGUE, Problem, ValidationResult, validate


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'boamps_carbon' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value
