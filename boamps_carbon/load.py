"""Loading a report into the typed model, after checking it against its schema."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import ReportLoadError
from .io import parse_json_bytes
from .model import Report
from .schema import DEFAULT_VERSION, SchemaVersion
from .validation import validate


def load_report(
    source: str | os.PathLike[str] | dict[str, Any], version: str | SchemaVersion = DEFAULT_VERSION
) -> Report:
    """A `Report` from a file path or a parsed dict; raises ReportLoadError naming every problem."""
    where = "report" if isinstance(source, dict) else str(source)
    data = source if isinstance(source, dict) else _read(Path(source))
    result = validate(data, version)
    if result.errors:
        first = result.errors[0]
        more = f" (and {len(result.errors) - 1} more problems)" if len(result.errors) > 1 else ""
        raise ReportLoadError(
            f"Invalid BoAmps {result.version} report",
            f"{where}: {first.path}",
            first.message + more,
            "Run `boamps validate` to see every problem.",
            problems=result.errors,
        )
    return Report.model_validate(data)


def _read(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReportLoadError(
            "Cannot read report file", str(path), exc.strerror or str(exc), "Check the path."
        ) from None
    value, problems = parse_json_bytes(raw)
    if problems:
        raise ReportLoadError(
            "Report file is not valid JSON",
            f"{path}: {problems[0].path}",
            problems[0].message,
            problems[0].hint,
            problems=problems,
        )
    return value
