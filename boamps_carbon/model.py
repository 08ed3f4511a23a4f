"""Typed models of a BoAmps report.

Attributes are snake_case in Python and camelCase on the wire. A field is required here only
when every supported schema version requires it; the schema validator is the gate that knows
the exact rules of each version. Fields the models do not name (non-standard ones, or fields
of older versions such as ``unit`` or ``$hash``) are kept as they are, never dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidatorFunctionWrapHandler,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel

# Smart union: an integer stays an integer and a float stays a float, so JSON round-trips.
Number = Annotated[int | float, Field(union_mode="smart")]
Fraction = Annotated[int | float, Field(ge=0, le=1)]


if TYPE_CHECKING:
    from .render.figures import ReportFigures


class BoampsModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        strict=True,
        validate_assignment=True,
        allow_inf_nan=False,  # JSON has no NaN or Infinity
    )
    # the key order of the JSON this came from, so that writing it back gives the same text
    _key_order: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _remember_key_order(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        model = handler(data)
        if isinstance(data, dict) and isinstance(model, BoampsModel):
            model._key_order = tuple(data)
        return model

    @model_serializer(mode="wrap")
    def _keep_key_order(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> Any:
        out = handler(self)
        if not self._key_order or not info.by_alias or not isinstance(out, dict):
            return out
        ordered = {key: out[key] for key in self._key_order if key in out}
        ordered.update((key, value) for key, value in out.items() if key not in ordered)
        return ordered

    def to_dict(self) -> dict[str, Any]:
        """The BoAmps JSON object: camelCase keys, no None values."""
        return self.model_dump(by_alias=True, exclude_none=True, mode="json")


class Publisher(BoampsModel):
    name: str | None = None
    division: str | None = None
    project_name: str | None = None
    confidentiality_level: str
    public_key: str | None = None


class Header(BoampsModel):
    licensing: str | None = None
    format_version: str | None = None
    format_version_specification_uri: str | None = None
    report_id: str | None = None
    report_datetime: str | None = None
    report_status: str | None = None
    publisher: Publisher | None = None


class Algorithm(BoampsModel):
    training_type: str | None = None
    algorithm_type: str | None = None
    algorithm_name: str | None = None
    algorithm_uri: str | None = None
    foundation_model_name: str | None = None
    foundation_model_uri: str | None = None
    parameters_number: Number | None = None
    framework: str | None = None
    framework_version: str | None = None
    class_path: str | None = None
    layers_number: Number | None = None
    epochs_number: Number | None = None
    optimizer: str | None = None
    # a string since 1.1, a number of bits in 1.0
    quantization: str | Number | None = None


class Dataset(BoampsModel):
    data_usage: str | None = None  # required since 1.1, absent from 1.0
    data_type: str
    data_format: str | None = None
    data_size: Number | None = None
    data_quantity: Number | None = None
    # a string since 1.1, a list of integers in 1.0
    shape: str | list[int] | None = None
    source: str | None = None
    source_uri: str | None = None
    owner: str | None = None


class Task(BoampsModel):
    task_stage: str
    task_family: str
    nb_request: Number | None = None
    algorithms: list[Algorithm]
    dataset: list[Dataset]
    measured_accuracy: Fraction | None = None
    estimated_accuracy: str | None = None
    task_description: str | None = None


class Measure(BoampsModel):
    measurement_method: str
    manufacturer: str | None = None
    version: str | None = None
    cpu_tracking_mode: str | None = None
    gpu_tracking_mode: str | None = None
    average_utilization_cpu: Fraction | None = None
    average_utilization_gpu: Fraction | None = None
    power_calibration_measurement: Number | None = None
    duration_calibration_measurement: Number | None = None
    power_consumption: Number
    measurement_duration: Number | None = None
    measurement_date_time: str | None = None


class System(BoampsModel):
    os: str
    distribution: str | None = None
    distribution_version: str | None = None


class Software(BoampsModel):
    language: str
    version: str | None = None


class Component(BoampsModel):
    component_name: str | None = None
    component_type: str
    nb_component: int
    memory_size: Number | None = None
    manufacturer: str | None = None
    family: str | None = None
    series: str | None = None
    share: Fraction | None = None


class Infrastructure(BoampsModel):
    infra_type: str
    cloud_provider: str | None = None
    cloud_instance: str | None = None
    cloud_service: str | None = None
    components: list[Component]


class Environment(BoampsModel):
    country: str
    latitude: Number | None = None
    longitude: Number | None = None
    location: str | None = None
    power_supplier_type: str | None = None
    power_source: str | None = None
    power_source_carbon_intensity: Number | None = None


class Report(BoampsModel):
    header: Header | None = None
    task: Task
    measures: list[Measure]
    system: System | None = None
    software: Software | None = None
    infrastructure: Infrastructure
    environment: Environment | None = None
    quality: str | None = None

    def _figures(self) -> ReportFigures:
        from .render.figures import figures

        return figures(self.to_dict())

    @property
    def energy_kwh(self) -> float:
        """Energy of every measure, in kWh, as `boamps summary` adds it up."""
        return self._figures().energy_kwh

    @property
    def emissions_kg(self) -> float | None:
        """Energy times the stated carbon intensity, in kg CO2e; None without an intensity."""
        return self._figures().emissions_kg

    @property
    def duration_s(self) -> float | None:
        """Seconds measured; None when a measure does not give its duration."""
        return self._figures().duration_s

    def _repr_html_(self) -> str:
        """A small table for notebooks; every value escaped."""
        from html import escape

        from .render import units

        found = self._figures()
        emissions = found.emissions_kg
        rows = [
            ("Report", found.report_id or "(no id)"),
            ("Date", found.date),
            ("Project", found.project),
            ("Task", f"{found.stage} / {found.family}"),
            ("Model", found.model),
            ("Energy", units.energy(found.energy_kwh)),
            (
                "Duration",
                "not stated" if found.duration_s is None else units.duration(found.duration_s),
            ),
            ("Emissions", "unknown" if emissions is None else units.mass(emissions)),
            ("Country", found.country),
            ("Hardware", ", ".join(found.hardware)),
        ]
        body = "".join(
            f'<tr><th style="text-align:left">{escape(name)}</th><td>{escape(value)}</td></tr>'
            for name, value in rows
            if value
        )
        return f"<table>{body}</table>"

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    def save(self, path: Any) -> None:
        """Write the report as JSON; the file appears whole or not at all."""
        from .io import atomic_write_text

        atomic_write_text(path, self.to_json() + "\n")
