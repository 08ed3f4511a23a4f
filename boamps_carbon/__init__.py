"""boamps_carbon: energy measurements of AI/ML work as valid BoAmps reports.

The public API. Names are imported on first use so that the command line starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .version import __version__

_EXPORTS = {
    "validate": ".validation",
    "convert": ".conversion",
    "from_zeus": ".sources.zeus",
    "statement": ".render.statement",
    "to_dataframe": ".render.frames",
    "compare": ".readings.compare",
    "experiment": ".readings.experiment",
    "dashboard": ".readings.dashboard",
    "summary": ".render.summary",
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
    "uncertainty": ".trust.bands",
    "rate": ".trust.rating",
    "Rating": ".trust.rating",
    "Uncertainty": ".trust.bands",
}

__all__ = [
    "CATALOGUE",
    "BoAmpsHandler",
    "BoampsError",
    "Calibration",
    "InputError",
    "Problem",
    "Rating",
    "Report",
    "ReportLoadError",
    "SchemaVersion",
    "Store",
    "StoreConflict",
    "StoreError",
    "Uncertainty",
    "UnknownSchemaVersionError",
    "ValidationResult",
    "__version__",
    "compare",
    "convert",
    "dashboard",
    "experiment",
    "from_zeus",
    "generate_report",
    "load_report",
    "load_schema",
    "measure_idle",
    "rate",
    "statement",
    "summary",
    "to_dataframe",
    "track",
    "uncertainty",
    "validate",
]

if TYPE_CHECKING:
    from .collect import Calibration, generate_report
    from .conversion import convert
    from .errors import BoampsError, InputError, ReportLoadError, UnknownSchemaVersionError
    from .handler import BoAmpsHandler
    from .load import load_report
    from .model import Report
    from .readings.compare import compare
    from .readings.dashboard import dashboard
    from .readings.experiment import experiment
    from .render.frames import to_dataframe
    from .render.statement import statement
    from .render.summary import summary
    from .schema import SchemaVersion, load_schema
    from .sources.zeus import from_zeus
    from .store import Store, StoreConflict, StoreError
    from .tracking import measure_idle, track
    from .trust.bands import Uncertainty, uncertainty
    from .trust.rating import Rating, rate
    from .validation import CATALOGUE, Problem, ValidationResult, validate


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'boamps_carbon' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value
