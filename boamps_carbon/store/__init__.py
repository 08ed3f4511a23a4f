"""The report store: BoAmps reports in SQLite (by default) or PostgreSQL.

from boamps_carbon import Store
with Store("sqlite:///reports.db") as store:
    store.add([report])
    for item in store.query(project="examples"):
        print(item.report_id)
"""

from .core import AddResult, Store, StoredReport
from .errors import StoreConflict, StoreError
from .location import data_folder, is_url, resolve_url
from .tokens import TokenInfo

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
