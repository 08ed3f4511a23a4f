"""The report store: BoAmps reports in SQLite (by default) or PostgreSQL.

    from boamps_carbon import Store
    with Store("sqlite:///reports.db") as store:
        store.add([report])
        for item in store.query(project="examples"):
            print(item.report_id)

Names are imported on first use: SQLAlchemy loads only when a store is opened.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "AddResult": ".core",
    "Store": ".core",
    "StoredReport": ".records",
    "StoreConflict": ".errors",
    "StoreError": ".errors",
    "TokenInfo": ".tokens",
    "data_folder": ".location",
    "is_url": ".location",
    "resolve_url": ".location",
}

__all__ = [
    "AddResult",
    "Store",
    "StoreConflict",
    "StoreError",
    "StoredReport",
    "TokenInfo",
    "data_folder",
    "is_url",
    "resolve_url",
]

if TYPE_CHECKING:
    from .core import AddResult, Store
    from .errors import StoreConflict, StoreError
    from .location import data_folder, is_url, resolve_url
    from .records import StoredReport
    from .tokens import TokenInfo


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'boamps_carbon.store' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value
