"""`boamps validate`: check BoAmps reports against the schema and the semantic rules."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from ..errors import InputError
from ..schema import DEFAULT_VERSION, SchemaVersion, parse_version
from ..sources.reports import ReportDocument, iter_documents
from ..validation import Problem, ValidationResult, validate
from .reading import DB_HELP, stored_documents

HELP = "Validate BoAmps report files (JSON, JSON Lines, folders or stdin)."


def register(commands: Any) -> None:
    parser = commands.add_parser("validate", help=HELP, description=HELP)
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a report file, a .jsonl file, a folder (every *.json below it) or - for stdin",
    )
    parser.add_argument("--db", metavar="URL", help=DB_HELP)
    parser.add_argument(
        "--schema-version",
        default=DEFAULT_VERSION.value,
        help=f"BoAmps version to check against: "
        f"{', '.join(v.value for v in SchemaVersion)} (default "
        f"{DEFAULT_VERSION.value})",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="text for people, json (one JSON object per line) for programs, "
        "github for GitHub Actions annotations",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="count warnings (semantic problems) as making a report invalid",
    )
    parser.set_defaults(run=run)


def check(document: ReportDocument, version: SchemaVersion, strict: bool) -> ValidationResult:
    if document.problems:
        return ValidationResult(version.value, errors=list(document.problems), strict=strict)
    return validate(document.data, version, strict=strict)


def run(args: argparse.Namespace) -> int:
    version = parse_version(args.schema_version)
    write = {"text": _text, "json": _json, "github": _github}[args.format]
    valid = invalid = 0
    if args.db is not None and args.paths:
        raise InputError(
            "Reports from two places",
            "--db",
            f"{args.db} and {' '.join(args.paths)}",
            "Give PATHs or --db, not both.",
        )
    if args.db is None and not args.paths:
        raise InputError(
            "No reports", "PATH", "none given", "Give report files, folders or -, or --db URL."
        )
    documents = stored_documents(args.db) if args.db is not None else iter_documents(args.paths)
    for document in documents:
        result = check(document, version, args.strict)
        write(document, result, sys.stdout)
        valid, invalid = valid + result.valid, invalid + (not result.valid)
    if args.format != "json":
        print(f"{valid} valid, {invalid} invalid")
    return 1 if invalid else 0


def _sentence(item: Problem) -> str:
    return f"{item.message}. {item.hint}" if item.hint else item.message


def _text(document: ReportDocument, result: ValidationResult, out: TextIO) -> None:
    for item in result.errors:
        out.write(f"{document.where}: {item.path or '(root)'}: {_sentence(item)}\n")
    for item in result.warnings:
        out.write(f"{document.where}: {item.path or '(root)'}: warning: {_sentence(item)}\n")


def _json(document: ReportDocument, result: ValidationResult, out: TextIO) -> None:
    record: dict[str, Any] = {"file": document.file}
    if document.line is not None:
        record["line"] = document.line
    record.update(
        valid=result.valid,
        version=result.version,
        errors=[p.to_dict() for p in result.errors],
        warnings=[p.to_dict() for p in result.warnings],
    )
    out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _escape(text: str, in_property: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if in_property else text


def _github(document: ReportDocument, result: ValidationResult, out: TextIO) -> None:
    for level, items in (("error", result.errors), ("warning", result.warnings)):
        for item in items:
            props = f"file={_escape(document.file, True)}"
            line = document.line or item.line
            if line is not None:
                props += f",line={line}"
            if item.column is not None:
                props += f",col={item.column}"
            props += f",title={_escape(item.type.title, True)}"
            text = _escape(f"{item.path or '(root)'}: {_sentence(item)}")
            out.write(f"::{level} {props}::{text}\n")
