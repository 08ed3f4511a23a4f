"""--group-by: one report per task of a group, and run ids kept as report ids."""

from __future__ import annotations

import pytest
from conftest import ROOT

from boamps_carbon.cli import main
from boamps_carbon.conversion import convert

EXAMPLE = ROOT / "examples" / "emissions.csv"
CONTEXT = ROOT / "examples" / "context.json"


def summary(group_by: str) -> list[tuple[str, str, str, int]]:
    conversion = convert(EXAMPLE, CONTEXT, group_by=group_by)
    return [
        (
            r.report["header"]["reportId"],
            r.report["task"]["taskStage"],
            r.report["header"]["publisher"]["projectName"],
            len(r.report["measures"]),
        )
        for r in conversion
    ]


def test_an_experiment_of_training_and_inference_is_one_report_per_task(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the three runs share one experiment_id; the context makes sentiment-eval an inference
    assert summary("experiment_id") == [
        ("b60ba2fc-9c73-5025-af7f-84d57454c24f", "training", "sentiment-train", 2),
        ("41e7dd21-4fd5-5638-b3b3-c2b5fff95a96", "inference", "sentiment-eval", 1),
    ]
    arguments = ["--context", str(CONTEXT), "--group-by", "experiment_id", "-o", "-"]
    code = main(["convert", str(EXAMPLE), *arguments])
    err = capsys.readouterr().err
    assert code == 0
    assert err.splitlines() == [
        f"warning: {EXAMPLE} rows 1-3: experiment_id '5b0fa12a-3dd7-45bb-9766-cc326314d9f1' "
        "holds the runs of 2 tasks (training / textClassification, inference / "
        "textClassification): one report per task",
        f"{EXAMPLE}: 3 rows, 3 converted, 0 rejected",
    ]


def test_grouping_by_run_id_keeps_uuid_run_ids() -> None:
    assert summary("run_id") == [
        ("96f75a4f-a769-47bb-86cf-6130539c8123", "training", "sentiment-train", 1),
        ("e8d49d0a-bbdd-4669-91a4-8c365e3eab84", "training", "sentiment-train", 1),
        ("2071ab09-6bbf-4972-91f1-966a596d293b", "inference", "sentiment-eval", 1),
    ]


def test_a_group_of_one_task_warns_nothing() -> None:
    conversion = convert(EXAMPLE, CONTEXT, group_by="project_name")
    assert [len(r.report["measures"]) for r in conversion] == [2, 1]
    assert conversion.warning_rows == {}
