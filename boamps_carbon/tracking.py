"""Trackers we start ourselves: `track()` around a block, `measure_idle()` for a baseline,
and writing the report where the user asked."""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any

from .collect import TRACKER_PYTHON, Calibration, check_context, generate_report
from .context import load_context
from .enrich.tracker import snapshot
from .errors import BoampsError
from .model import Report
from .schema import DEFAULT_VERSION, SchemaVersion, parse_version

log = logging.getLogger("boamps_carbon")


def new_tracker(options: dict[str, Any]) -> Any:
    """An offline tracker unless `online=True`; no file written unless asked."""
    from codecarbon import EmissionsTracker, OfflineEmissionsTracker

    # CodeCarbon 2.x locks a file for its whole life unless told otherwise; 3.x does not
    settings = {"log_level": "error", "allow_multiple_runs": True, **_no_file_output(), **options}
    # CodeCarbon logs at its import-time level until a tracker has read log_level ("offline
    # tracker init", "Multiple instances..."): set it first
    from codecarbon.external.logger import set_logger_level

    set_logger_level(settings["log_level"])
    if settings.pop("online", False):
        settings.pop("country_iso_code", None)
        return EmissionsTracker(**settings)
    if not settings.get("country_iso_code"):
        raise BoampsError(
            "An offline tracker needs a country",
            "country_iso_code",
            "missing",
            "Pass country_iso_code='FRA' (ISO 3166 alpha-3), or online=True.",
        )
    return OfflineEmissionsTracker(**settings)


def _no_file_output() -> dict[str, Any]:
    # CodeCarbon 3.3 deprecates save_to_file for output_methods; 2.x only knows save_to_file
    import inspect

    from codecarbon import EmissionsTracker

    parameters = inspect.signature(EmissionsTracker.__init__).parameters
    return {"output_methods": []} if "output_methods" in parameters else {"save_to_file": False}


def check_country(options: dict[str, Any]) -> None:
    """An offline tracker's country must be one CodeCarbon knows, or stop() fails at the end."""
    country = options.get("country_iso_code")
    if options.get("online") or not country:
        return
    try:
        from codecarbon.input import DataSource

        known = set(DataSource().get_global_energy_mix_data())  # type: ignore[no-untyped-call]
    except Exception:  # CodeCarbon's data moved: let CodeCarbon judge
        return
    if country not in known:
        raise BoampsError(
            "Unknown country for CodeCarbon",
            "country_iso_code",
            repr(country),
            "Give an ISO 3166 alpha-3 code CodeCarbon knows, such as FRA or USA.",
        )


def measure_idle(seconds: float, **tracker_options: Any) -> Calibration:
    """Measure `seconds` of idleness with a tracker set up like `tracker_options`."""
    import time

    if seconds <= 0:
        raise BoampsError(
            "Calibration needs a positive duration",
            "seconds",
            seconds,
            "Give a number of seconds, such as 10.",
        )
    tracker = new_tracker(tracker_options)
    tracker.start()
    time.sleep(seconds)
    tracker.stop()
    return Calibration.from_emissions(snapshot(tracker)["emissions"])


def write_report(report: Report, output: str | Path, *, replace: bool = True) -> Path | str:
    """A .json file, a folder (file named from the report), a .jsonl to append to (after
    a line end if the file lacks its last one; a failed append leaves the file as it was), or
    a database URL (`sqlite:///x.db`, `postgresql://...`): then it returns the URL. Without
    `replace`, an existing .json file is kept (InputError)."""
    from .io import append_line, atomic_write_text
    from .store.location import check_url, is_url
    from .writers import file_name, output_kind, report_json

    if isinstance(output, str):
        check_url(output, "output")  # `mysql://...` is no folder to make
    if isinstance(output, str) and is_url(output):
        from .store import Store

        with Store(output) as store:
            store.add([report.to_dict()])
        return output
    target = Path(output)
    data = report.to_dict()
    kind = output_kind(str(output), one_report=True)
    if kind == "jsonl":
        append_line(target, report_json(data, None) + "\n")
        return target
    if kind == "folder":
        target = target / file_name(data)
    atomic_write_text(target, report.to_json() + "\n", replace=replace)
    return target


class track:
    """Measure a block (or a decorated function) and write its BoAmps report.

    An offline tracker by default, for the country given as `country_iso_code` or found in
    the context's `environment.country` when that is an ISO alpha-3 code.
    """

    def __init__(
        self,
        context: Any = None,
        output: str | Path | None = None,
        *,
        calibrate_seconds: float = 0,
        measures: str = "total",
        schema_version: str | SchemaVersion = DEFAULT_VERSION,
        locate: bool | str = False,
        derive_quality: bool = False,
        replace: bool = True,
        software: object = TRACKER_PYTHON,
        **tracker_options: Any,
    ) -> None:
        self.context, self.output, self.locate = context, output, locate
        self.derive_quality = derive_quality
        self.replace, self.software = replace, software
        self.calibrate_seconds, self.measures = calibrate_seconds, measures
        self.schema_version = parse_version(schema_version)
        self.options = tracker_options
        self.report: Report | None = None
        self.path: Path | str | None = None
        self.tracker: Any = None
        self.calibration: Calibration | None = None

    def _tracker_options(self) -> dict[str, Any]:
        options = dict(self.options)
        if not options.get("online") and not options.get("country_iso_code"):
            country = (
                load_context(self.context, self.schema_version)
                .base.get("environment", {})
                .get("country", "")
            )
            if isinstance(country, str) and len(country) == 3 and country.isupper():
                options["country_iso_code"] = country
        return options

    def __enter__(self) -> track:
        # what can be known to fail fails now, before the work it would waste
        check_context(self.context, measures=self.measures, schema_version=self.schema_version)
        options = self._tracker_options()
        check_country(options)
        if self.calibrate_seconds:
            self.calibration = measure_idle(self.calibrate_seconds, **options)
        self.tracker = new_tracker(options)
        self.tracker.start()
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        try:
            self.report = generate_report(
                self.tracker,
                self.context,
                measures=self.measures,
                calibration=self.calibration,
                schema_version=self.schema_version,
                locate=self.locate,
                derive_quality=self.derive_quality,
                software=self.software,
            )
            if self.output is not None:
                self.path = write_report(self.report, self.output, replace=self.replace)
        except Exception:
            if kind is None:
                raise
            log.exception("boamps report not written")  # the body's own error goes on

    def __call__(self, function: Any) -> Any:
        import functools

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            # each call is a measurement of its own; this object only holds the settings
            with copy.copy(self):
                return function(*args, **kwargs)

        return wrapper
