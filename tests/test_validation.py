"""validate(): every problem, with its path, the expected and the actual value."""

from __future__ import annotations

import json

import pytest
from conftest import shared
from factories import make_report
from hypothesis import given, settings
from hypothesis import strategies as st

from boamps_carbon import UnknownSchemaVersionError, validate
from boamps_carbon.schema import SchemaVersion


def messages(
    report: object, version: SchemaVersion = SchemaVersion.V1_1, strict: bool = False
) -> list[str]:
    result = validate(report, version, strict=strict)
    return [str(p) for p in result.errors] + [f"warning: {p}" for p in result.warnings]


def test_factory_reports_are_valid_without_warnings(version: SchemaVersion) -> None:
    for full in (False, True):
        result = validate(make_report(version, full=full), version)
        assert (result.valid, result.errors, result.warnings) == (True, [], [])


def test_number_written_as_string(version: SchemaVersion) -> None:
    report = make_report(version)
    report["measures"][0]["powerConsumption"] = "0.35"
    assert messages(report, version) == [
        'measures[0].powerConsumption: expected a number, got the string "0.35". '
        "Remove the quotes around the number"
    ]


def test_integral_float_is_not_an_integer(version: SchemaVersion) -> None:
    report = make_report(version)
    report["infrastructure"]["components"][0]["nbComponent"] = 2.0
    assert messages(report, version) == [
        "infrastructure.components[0].nbComponent: expected an integer, got the number 2.0. "
        "Write 2 without a decimal point"
    ]


def test_every_problem_is_reported_not_just_the_first(version: SchemaVersion) -> None:
    report = make_report(version)
    del report["task"]["taskFamily"]
    report["measures"] = []
    report["infrastructure"]["components"][0]["nbComponent"] = None
    assert messages(report, version) == [
        "task.taskFamily: required field is missing (expected a string)",
        "measures: expected at least 1 item, got an empty array",
        "infrastructure.components[0].nbComponent: expected an integer, got null",
    ]


def test_enum_value_with_suggestion(version: SchemaVersion) -> None:
    report = make_report(version)
    report["infrastructure"]["infraType"] = "public_cloud"
    other = '"other"' if version is SchemaVersion.V1_1 else '"$other"'
    assert messages(report, version) == [
        'infrastructure.infraType: expected one of "publicCloud", "privateCloud", "onPremise", '
        f'{other}, got "public_cloud". Did you mean "publicCloud"?'
    ]


def test_fraction_given_as_percent(version: SchemaVersion) -> None:
    report = make_report(version)
    report["measures"][0]["averageUtilizationCpu"] = 35
    assert messages(report, version) == [
        "measures[0].averageUtilizationCpu: expected a number from 0 to 1, got 35. "
        "This field is a fraction: write 0.35 for 35 %"
    ]


def test_negative_fraction(version: SchemaVersion) -> None:
    report = make_report(version)
    report["infrastructure"]["components"][0]["share"] = -0.1
    assert messages(report, version) == [
        "infrastructure.components[0].share: expected a number from 0 to 1, got -0.1"
    ]


def test_long_enum_is_shortened() -> None:
    report = make_report()
    report["task"]["dataset"][0]["dataFormat"] = "docx"
    assert messages(report) == [
        'task.dataset[0].dataFormat: expected one of "3gp", "3gpp", "3gpp2", "8svx", "aa", '
        '"aac", "aax", "act", "afdesign", "afphoto", "ai", "aiff"... (150 values), got "docx"'
    ]


def test_not_an_object() -> None:
    assert messages([1, 2]) == ["(root): expected a JSON object, got an array of 2 items"]


def test_version_specific_rules() -> None:
    report = make_report(SchemaVersion.V1_1)
    assert messages(report, SchemaVersion.V1_0) == [
        "environment: required field is missing (expected an object)",
        "header.formatVersion: required field is missing (expected a string)",
        "header.reportStatus: required field is missing (expected a string)",
        "task.taskType: required field is missing (expected a string)",
        "task.dataset[0].volume: required field is missing (expected an integer)",
        "task.dataset[0].volumeUnit: required field is missing (expected a string)",
        "measures[0].unit: required field is missing (expected a string)",
        'warning: task.dataset[0].dataUsage: field "dataUsage" is not part of BoAmps 1.0',
    ]


def test_unknown_version_fails_at_once() -> None:
    with pytest.raises(UnknownSchemaVersionError) as caught:
        validate(make_report(), "2.0")
    assert caught.value.message == (
        "Unknown BoAmps schema version at --schema-version: '2.0'. Use one of: 1.1, 1.0."
    )


# semantic warnings


def test_datetime_format_warning(version: SchemaVersion) -> None:
    report = make_report(version)
    report["header"]["reportDatetime"] = "2025-03-04T13:00:02"
    report["measures"][0]["measurementDateTime"] = "2025-02-30 10:00:00"
    assert messages(report, version) == [
        "warning: header.reportDatetime: expected a datetime as YYYY-MM-DD HH:MM:SS, "
        'got "2025-03-04T13:00:02". Example: 2025-02-26 16:57:00',
        "warning: measures[0].measurementDateTime: expected a datetime as YYYY-MM-DD HH:MM:SS, "
        'got "2025-02-30 10:00:00". Example: 2025-02-26 16:57:00',
    ]


def test_warnings_make_invalid_only_when_strict(version: SchemaVersion) -> None:
    report = make_report(version)
    report["measures"][0]["powerConsumption"] = 0
    assert validate(report, version).valid
    strict = validate(report, version, strict=True)
    assert not strict.valid
    assert [str(p) for p in strict.warnings] == [
        "measures[0].powerConsumption: expected an energy above 0, got 0"
    ]


def test_implausible_average_power(version: SchemaVersion) -> None:
    report = make_report(version)
    report["measures"][0].update(powerConsumption=120.0, measurementDuration=3600)
    assert messages(report, version) == [
        "warning: measures[0].powerConsumption: expected an average power of at most 100 kW, "
        "got 120 kW. powerConsumption is an energy in kWh and measurementDuration is in "
        "seconds: check both units"
    ]


def test_average_power_respects_the_1_0_unit() -> None:
    report = make_report(SchemaVersion.V1_0)
    report["measures"][0].update(powerConsumption=120.0, measurementDuration=3600, unit="Wh")
    assert messages(report, SchemaVersion.V1_0) == []


def test_scope_written_as_tracking_mode(version: SchemaVersion) -> None:
    report = make_report(version)
    report["measures"][0].update(cpuTrackingMode="machine", gpuTrackingMode="process")
    hint = "CodeCarbon's tracking_mode column is the scope; leave this out or give the method"
    assert messages(report, version) == [
        "warning: measures[0].cpuTrackingMode: expected how power was measured (rapl, constant, "
        f'nvml...), got CodeCarbon\'s scope "machine". {hint}',
        "warning: measures[0].gpuTrackingMode: expected how power was measured (rapl, constant, "
        f'nvml...), got CodeCarbon\'s scope "process". {hint}',
    ]


def test_canada_geolocation_fallback(version: SchemaVersion) -> None:
    report = make_report(
        version, environment={"country": "Canada", "latitude": 46.8, "longitude": -71.2}
    )
    assert messages(report, version) == [
        "warning: environment: expected the real location, got Canada at latitude 46.8, "
        "longitude -71.2, which CodeCarbon reports when it cannot geolocate. Run CodeCarbon "
        "offline with country_iso_code, or correct the location"
    ]


def test_real_quebec_elsewhere_is_not_flagged(version: SchemaVersion) -> None:
    report = make_report(
        version, environment={"country": "Canada", "latitude": 45.5, "longitude": -73.6}
    )
    assert messages(report, version) == []


def test_non_standard_fields_are_named(version: SchemaVersion) -> None:
    report = make_report(version)
    report["measures"][0]["energyJoules"] = 12
    report["notes"] = "x"
    label = version.value
    assert messages(report, version) == [
        f'warning: measures[0].energyJoules: field "energyJoules" is not part of BoAmps {label}',
        f'warning: notes: field "notes" is not part of BoAmps {label}',
    ]


def test_measure_dated_after_its_report(version: SchemaVersion) -> None:
    report = make_report(version)
    report["header"]["reportDatetime"] = "2025-01-10 09:00:00"
    report["measures"][0]["measurementDateTime"] = "2025-01-10 09:00:01"
    assert messages(report, version) == [
        "warning: measures[0].measurementDateTime: expected a measurement that starts before "
        'the report date "2025-01-10 09:00:00", got "2025-01-10 09:00:01"'
    ]


# the public reports of the BoAmps history


def test_every_public_report_is_rejected_with_paths_and_values() -> None:
    folder = shared("boamps-reports")
    expected_first = {
        "boamps-1.0.x-2024-12-example1-training-randomforest.json": "task.dataset[0].dataUsage: required field is missing (expected a string)",
        "boamps-1.0.x-2024-12-example2-placeholder-all-fields.json": "task.algorithms[0].quantization: expected a string, got the number 0.0",
        "boamps-1.0.x-2025-01-llama2-13b-inference-values-as-strings.json": "task.dataset[0].dataUsage: required field is missing (expected a string)",
        "boamps-1.0.x-2025-02-junk-test-values.json": "header.reportDatetime: required field is missing (expected a string)",
        "boamps-1.1-bash-tool-2025-07-json_example-stripped-spaces.json": "header.publisher.confidentialityLevel: required field is missing "
        "(expected a string)",
        "boamps-G0R0C1-2024-03-instance1.json": "infrastructure: required field is missing (expected an object)",
        "boamps-G0R0C1-2024-03-instance2.json": "infrastructure: required field is missing (expected an object)",
        "codecarbon-3.2.6-boamps-output-sample-from-docs.json": "task: required field is missing (expected an object)",
        "seeds-clients-0.1-boamps-report-sample-from-docs.json": "header.publisher.confidentialityLevel: required field is missing "
        "(expected a string)",
    }
    for name, first in expected_first.items():
        result = validate(json.loads((folder / name).read_text(encoding="utf-8")))
        assert not result.valid, name
        assert str(result.errors[0]) == first, name


def test_values_as_strings_report_names_each_value() -> None:
    path = shared(
        "boamps-reports", "boamps-1.0.x-2025-01-llama2-13b-inference-values-as-strings.json"
    )
    result = validate(json.loads(path.read_text(encoding="utf-8")))
    assert len(result.errors) == 20
    assert (
        "measures[0].powerConsumption: expected a number, got the string "
        '"0.359554063044399". Remove the quotes around the number'
    ) in map(str, result.errors)
    assert "environment.powerSupplierType: expected a string, got null" in map(str, result.errors)


def test_bash_tool_output_gets_the_scope_warning() -> None:
    path = shared("boamps-official", "tools-bash-data", "output", "boamps_report.json")
    result = validate(json.loads(path.read_text(encoding="utf-8")))
    assert result.valid
    assert [p.code for p in result.warnings] == ["datetime-format"] + [
        "tracking-mode-is-scope"
    ] * 2 + ["cpu-count-is-logical"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
SECTIONS = st.sampled_from(
    ["header", "task", "measures", "system", "software", "infrastructure", "environment", "quality"]
)


@settings(max_examples=300, deadline=None)
@given(data=st.dictionaries(SECTIONS, JSON, max_size=8), base=st.booleans())
def test_validate_never_crashes_and_always_explains(data: dict, base: bool) -> None:
    report = {**make_report(full=True), **data} if base else data
    for version in SchemaVersion:
        result = validate(report, version)
        assert all(p.path and p.message for p in result.errors + result.warnings)


# rules about the infrastructure and about short runs


def test_on_premise_with_a_cloud_provider() -> None:
    report = make_report()
    report["infrastructure"]["cloudProvider"] = "aws"
    assert messages(report) == [
        "warning: infrastructure.cloudProvider: expected no cloudProvider with infraType "
        '"onPremise", got "aws". Set infraType to publicCloud or privateCloud, or remove '
        "cloudProvider"
    ]
    for none in ("none", "", "N/A"):
        report["infrastructure"]["cloudProvider"] = none
        assert messages(report) == []
    report["infrastructure"].update(infraType="publicCloud", cloudProvider="aws")
    assert messages(report) == []


def test_component_count_differs_from_its_name() -> None:
    report = make_report()
    report["infrastructure"]["components"].append(
        {"componentType": "gpu", "componentName": "8 x NVIDIA H800", "nbComponent": 2}
    )
    assert messages(report) == [
        "warning: infrastructure.components[1].nbComponent: expected 8 as componentName "
        '"8 x NVIDIA H800" says, got 2. Correct nbComponent or the name'
    ]
    report["infrastructure"]["components"][1]["nbComponent"] = 8
    assert messages(report) == []
    report["infrastructure"]["components"][1]["componentName"] = "NVIDIA H800 x 2"
    report["infrastructure"]["components"][1]["nbComponent"] = 1
    assert messages(report) == []


def test_a_cpu_count_beyond_any_socket_count_is_logical_cpus() -> None:
    report = make_report()
    report["infrastructure"]["components"][0]["nbComponent"] = 64
    assert messages(report) == [
        "warning: infrastructure.components[0].nbComponent: expected a number of processors "
        "(at most 8), got 64, a count of logical CPUs such as CodeCarbon's cpu_count. BoAmps "
        "counts parts: give the number of processors in the context's cpu component"
    ]
    report["infrastructure"]["components"][0]["nbComponent"] = 8
    assert messages(report) == []
    report["infrastructure"]["components"][0].update(componentType="gpu", nbComponent=64)
    assert messages(report) == []


def test_a_run_shorter_than_codecarbons_interval_with_almost_no_energy() -> None:
    # what examples/track_training.py got for a 63 ms fit: CodeCarbon missed the run
    report = make_report()
    report["measures"][0].update(powerConsumption=1.46e-09, measurementDuration=0.063)
    hint = (
        "CodeCarbon measures power every 15 s by default (measure_power_secs): a shorter run "
        "can record almost no energy. Measure a longer run, or several runs in one tracker"
    )
    assert messages(report) == [
        "warning: measures[0].powerConsumption: expected a run of at least 15 s or a mean "
        f"power of at least 1 W, got 0.063 s at 0.0834 W. {hint}"
    ]
    # a short run with a real power, a long run, another method: nothing to say
    for change in (
        {"powerConsumption": 2.36e-05, "measurementDuration": 4.0},
        {"powerConsumption": 1.46e-09, "measurementDuration": 15.0},
        {"powerConsumption": 1.46e-09, "measurementDuration": 0.063, "measurementMethod": "rapl"},
    ):
        report["measures"][0].update(change)
        assert messages(report) == []


def test_the_compiled_schema_says_what_it_checks_at_each_path() -> None:
    from boamps_carbon.validation import compiled_schema
    from boamps_carbon.validation.compiler import UNCHECKED, Constraints

    schema = compiled_schema(SchemaVersion.V1_0)
    assert schema.at(("measures", 3, "averageUtilizationCpu")) == Constraints(
        ("number",), frozenset({"minimum", "maximum"}), 0, 1
    )
    assert schema.at(("header", "reportDatetime")) == Constraints(("string",), frozenset())
    assert schema.at(("measures",)).keywords == {"items", "minItems"}
    assert schema.at(("header", "notInTheSchema")) is UNCHECKED
