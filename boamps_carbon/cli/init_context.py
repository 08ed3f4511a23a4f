"""`boamps init-context`: write a starting context file, with every field explained."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from ..io import atomic_write_text

HELP = "Write a starting context file (what a CSV cannot say: task, publisher, quality)."

# (path, option, comment); required fields first in each object
FIELDS: list[tuple[str, str, str]] = [
    ("header.licensing", "licensing", "licence of the report, e.g. CC-BY-4.0"),
    ("header.reportStatus", "report_status", "draft, final, corrective or other"),
    ("header.publisher.name", "publisher", "your organisation"),
    (
        "header.publisher.confidentialityLevel",
        "confidentiality",
        "REQUIRED: public, internal, confidential or secret",
    ),
    ("task.taskStage", "task_stage", "REQUIRED: training, finetuning, inference..."),
    ("task.taskFamily", "task_family", "REQUIRED: textClassification, chatbot..."),
    (
        "task.algorithms",
        "algorithm",
        'REQUIRED: at least one, e.g. [{"algorithmName": "randomForest"}]',
    ),
    ("task.dataset", "data_type", "REQUIRED: at least one, dataUsage input|output and dataType"),
    ("infrastructure.infraType", "infra_type", "publicCloud, privateCloud, onPremise or other"),
    (
        "infrastructure.components",
        "components",
        "hardware, for CSVs that do not name it (CodeCarbon before 2.0); merged with a "
        "CSV's by componentType",
    ),
    ("quality", "quality", "high, medium or low"),
]


def register(commands: Any) -> None:
    parser = commands.add_parser("init-context", help=HELP, description=HELP)
    parser.add_argument(
        "-o", "--output", default="-", metavar="FILE", help="where to write (default: stdout)"
    )
    parser.add_argument(
        "--confidentiality", choices=("public", "internal", "confidential", "secret")
    )
    parser.add_argument("--task-stage", metavar="STAGE")
    parser.add_argument("--task-family", metavar="FAMILY")
    parser.add_argument("--algorithm", metavar="NAME", help="algorithmName of the main algorithm")
    parser.add_argument(
        "--data-type",
        metavar="TYPE",
        help="dataType of the input data: tabular, image, text, token...",
    )
    parser.add_argument("--publisher", metavar="NAME")
    parser.add_argument("--licensing", metavar="LICENCE")
    parser.add_argument("--report-status", choices=("draft", "final", "corrective", "other"))
    parser.add_argument(
        "--infra-type", choices=("publicCloud", "privateCloud", "onPremise", "other")
    )
    parser.add_argument("--quality", choices=("high", "medium", "low"))
    parser.add_argument(
        "--cpu", metavar="NAME", help='the CPU\'s name, e.g. "Intel(R) Xeon(R) Gold 6226R"'
    )
    parser.add_argument(
        "--cpu-count", metavar="N", type=_count, help="how many such processors (default 1)"
    )
    parser.add_argument("--ram-gb", metavar="G", type=_gigabytes, help="the RAM's size in GB")
    parser.add_argument(
        "--gpu", metavar="NAME", help='the GPU\'s name, e.g. "NVIDIA A100-SXM4-40GB"'
    )
    parser.add_argument(
        "--gpu-count", metavar="N", type=_count, help="how many such GPUs (default 1)"
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an existing file (your edits are lost)"
    )
    parser.set_defaults(run=run)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return value


def _gigabytes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value < 1e9):  # nan and inf fail too
        raise argparse.ArgumentTypeError(f"expected a size in GB above 0, got {text!r}")
    return value


def components(args: argparse.Namespace) -> list[dict[str, Any]] | None:
    """The components the options give (cpu, ram, gpu), named parts with the maker, family and
    series the pattern table finds; None when no option gives one."""
    from ..fieldmap.lookup import lookup_table

    found: list[dict[str, Any]] = []
    for kind, name, count in (
        ("cpu", args.cpu, args.cpu_count),
        ("ram", None, None),
        ("gpu", args.gpu, args.gpu_count),
    ):
        if kind == "ram":
            if args.ram_gb is not None:
                found.append({"componentType": "ram", "nbComponent": 1, "memorySize": args.ram_gb})
            continue
        if name is None and count is None:
            continue
        component: dict[str, Any] = {"componentType": kind, "nbComponent": count or 1}
        if name is not None:
            component["componentName"] = name
            for field in ("manufacturer", "family", "series"):
                value = lookup_table(f"hardware-patterns/{kind}/{field}", "--" + kind)(name)
                if value is not None:
                    component[field] = value
        found.append(component)
    return found or None


def _value(option: str, given: Any) -> Any:
    if option == "algorithm":
        return [{"algorithmName": given}]
    if option == "data_type":
        return [{"dataUsage": "input", "dataType": given}]
    return given


def render(args: argparse.Namespace) -> str:
    lines = [
        "// boamps_carbon context: what a CodeCarbon CSV cannot say.",
        "// Lines starting with // are comments; remove the // of a field to use it.",
        "// Any BoAmps field may be added; see schemas/boamps-1.1/report.json.",
    ]
    tree: dict[str, Any] = {}
    for path, option, comment in FIELDS:
        given = components(args) if option == "components" else getattr(args, option)
        node = tree
        *parents, leaf = path.split(".")
        for name in parents:
            node = node.setdefault(name, {})
        node[leaf] = (_value(option, given) if given is not None else None, comment)
    lines += _object(tree, 0)
    return "\n".join(lines) + "\n"


def _object(tree: dict[str, Any], depth: int) -> list[str]:
    pad = "  " * (depth + 1)
    out = ["{"] if depth == 0 else []
    entries = list(tree.items())
    # nested objects are always written; a leaf without a value is a commented example
    active = [isinstance(node, dict) or node[0] is not None for _, node in entries]
    for index, (key, node) in enumerate(entries):
        comma = "," if active[index] and any(active[index + 1 :]) else ""
        if isinstance(node, dict):
            out.append(f"{pad}{json.dumps(key)}: {{")
            out += _object(node, depth + 1)
            out.append(f"{pad}}}{comma}")
            continue
        value, comment = node
        out.append(f"{pad}// {comment}")
        if value is None:
            out.append(f"{pad}// {json.dumps(key)}: {json.dumps(EXAMPLES[key])}")
        else:
            out.append(f"{pad}{json.dumps(key)}: {json.dumps(value)}{comma}")
    if depth == 0:
        out.append("}")
    return out


EXAMPLES = {
    "licensing": "CC-BY-4.0",
    "reportStatus": "draft",
    "name": "my organisation",
    "confidentialityLevel": "public",
    "taskStage": "training",
    "taskFamily": "imageClassification",
    "algorithms": [{"algorithmName": "resnet18", "framework": "pytorch"}],
    "dataset": [{"dataUsage": "input", "dataType": "image"}],
    "infraType": "onPremise",
    "components": [
        {"componentType": "cpu", "componentName": "Intel(R) Xeon(R) Gold 6226R", "nbComponent": 2},
        {"componentType": "ram", "nbComponent": 1, "memorySize": 64},
    ],
    "quality": "medium",
}


def run(args: argparse.Namespace) -> int:
    text = render(args)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        atomic_write_text(args.output, text, replace=args.force)
        print(
            f"wrote {args.output}; edit it, then run: boamps convert emissions.csv "
            f"--context {args.output}",
            file=sys.stderr,
        )
    return 0
