"""`boamps store`: import, query, export and count reports in a store; manage access tokens.

Thin: every action is a method of `boamps_carbon.Store`; this module reads options, prints
and chooses exit codes. SQLAlchemy is imported only once a subcommand runs."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from typing import Any

from ..errors import InputError
from ..printable import printable
from ..schema import DEFAULT_VERSION

HELP = "Keep reports in a database (SQLite by default, or PostgreSQL): import, query, export."
DB_HELP = (
    "a SQLAlchemy URL (sqlite:///PATH, postgresql://USER@HOST/DB) or a SQLite file; "
    "default $BOAMPS_DB, else reports.db in the user data folder"
)
# the columns `store query --format csv` writes, from the store's reports table
QUERY_COLUMNS = [
    "report_id",
    "project",
    "task_stage",
    "task_family",
    "model",
    "algorithms",
    "quantization",
    "hardware",
    "country",
    "start_time",
    "end_time",
    "energy_kwh",
    "emissions_kg",
    "duration_s",
    "nb_request",
    "measured_accuracy",
    "quality",
    "rating",
    "report_status",
]
NUMBERS = {"energy_kwh", "emissions_kg"}
# --format table: fixed widths, so that rows print as they come
TABLE_COLUMNS = [
    ("report_id", 36),
    ("project", 16),
    ("task_stage", 10),
    ("start_time", 19),
    ("energy_kwh", 12),
    ("emissions_kg", 12),
]


def add_db_option(parser: argparse.ArgumentParser, help_text: str = DB_HELP) -> None:
    parser.add_argument("--db", metavar="URL", help=help_text)


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", metavar="P", help="header.publisher.projectName is P")
    parser.add_argument("--stage", metavar="S", help="task.taskStage is S")
    parser.add_argument("--family", metavar="F", help="task.taskFamily is F")
    parser.add_argument("--algorithm", metavar="A", help="an algorithm or foundation model is A")
    parser.add_argument("--quantization", metavar="Q", help="an algorithm's quantization is Q")
    parser.add_argument("--hardware", metavar="TEXT", help="the hardware summary holds TEXT")
    parser.add_argument("--country", metavar="C", help="environment.country is C, any case")
    parser.add_argument("--since", metavar="DATE", help="first measure on or after DATE")
    parser.add_argument("--until", metavar="DATE", help="first measure on or before DATE")
    parser.add_argument(
        "--where",
        metavar="PATH=VALUE",
        action="append",
        default=[],
        help="any report field by dotted path equals VALUE (repeatable)",
    )


def filters_of(args: argparse.Namespace) -> dict[str, Any]:
    pairs = []
    for item in args.where:
        path, sep, value = item.partition("=")
        if not sep or not path:
            raise InputError(
                "Not PATH=VALUE", "--where", repr(item), "Write --where task.taskStage=training."
            )
        pairs.append((path, value))
    return {
        "project": args.project,
        "stage": args.stage,
        "family": args.family,
        "algorithm": args.algorithm,
        "quantization": args.quantization,
        "hardware": args.hardware,
        "country": args.country,
        "since": args.since,
        "until": args.until,
        "where": pairs,
    }


def register(commands: Any) -> None:
    parser = commands.add_parser("store", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    found = actions.add_parser("import", help="validate reports and add them, all or none")
    found.add_argument(
        "reports", nargs="+", metavar="REPORT", help="report files, .jsonl files, folders or -"
    )
    add_db_option(found)
    found.add_argument(
        "--replace", action="store_true", help="overwrite stored reports whose content differs"
    )
    found.add_argument("--schema-version", default=DEFAULT_VERSION.value)
    found.set_defaults(run=run_import)

    query = actions.add_parser("query", help="print the stored reports that match")
    add_db_option(query)
    add_filter_options(query)
    query.add_argument("--format", choices=("jsonl", "csv", "table"), default="jsonl")
    query.add_argument("--limit", type=int, metavar="N", help="at most N reports")
    query.add_argument("--after", metavar="CURSOR", help="only reports stored after CURSOR")
    query.set_defaults(run=run_query)

    export = actions.add_parser("export", help="write stored reports to a file or folder")
    add_db_option(export)
    add_filter_options(export)
    export.add_argument(
        "-o", "--output", required=True, metavar="OUT", help=".jsonl, .parquet, or a folder"
    )
    export.add_argument("--force", action="store_true", help="replace OUT if it exists")
    export.set_defaults(run=run_export)

    stats = actions.add_parser("stats", help="what the store holds")
    add_db_option(stats)
    stats.set_defaults(run=run_stats)

    verify = actions.add_parser(
        "verify",
        help="check the stored reports against the store's ledger",
        description="Check the store's ledger (its hash chain) and every stored report against "
        "the entry that recorded it; name the first report or entry edited, deleted or added "
        "behind the store's back.",
    )
    add_db_option(verify)
    verify.add_argument(
        "--expect-head",
        metavar="HASH",
        help="the ledger's head hash printed before: detects entries cut from the end",
    )
    verify.set_defaults(run=run_verify)

    token = actions.add_parser("token", help="access tokens for `boamps serve`")
    token_actions = token.add_subparsers(dest="token_action", metavar="ACTION", required=True)
    create = token_actions.add_parser("create", help="make a token and print it, once")
    create.add_argument("--name", required=True, metavar="N")
    create.add_argument("--read-only", action="store_true", help="may read, may not write")
    add_db_option(create)
    create.set_defaults(run=run_token_create)
    listed = token_actions.add_parser("list", help="every token, without secrets")
    add_db_option(listed)
    listed.set_defaults(run=run_token_list)
    revoke = token_actions.add_parser("revoke", help="revoke a token by name or id")
    revoke.add_argument("token", metavar="NAME_OR_ID")
    add_db_option(revoke)
    revoke.set_defaults(run=run_token_revoke)


def _open(args: argparse.Namespace, *, create: bool = True) -> Any:
    from ..store import Store

    return Store(args.db, create=create)


def run_import(args: argparse.Namespace) -> int:
    from ..sources.reports import iter_documents
    from ..validation import validate

    invalid = 0  # counted, not listed: memory stays flat however many reports come

    def valid() -> Iterator[Any]:
        nonlocal invalid
        for document in iter_documents(args.reports):
            problems = document.problems or validate(document.data, args.schema_version).errors
            if problems:
                invalid += 1
                print(f"invalid: {document.where}: {problems[0]}", file=sys.stderr)
            else:
                yield document.data, document.raw  # stored as it came, byte for byte

    with _open(args) as store:
        result = store.add(valid(), replace=args.replace, ids=False)
        where = store.where
    counts = result.counts
    print(
        f"{where}: {result.stored + counts['unchanged'] + invalid} reports, "
        f"{counts['added']} added, {counts['unchanged']} unchanged, "
        f"{counts['superseded']} superseded, {counts['replaced']} replaced, "
        f"{invalid} invalid",
        file=sys.stderr,
    )
    return 1 if invalid else 0


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _csv_cell(value: Any) -> str:
    """A cell a spreadsheet opens as text, never as a formula (report fields are input)."""
    from ..render.flat import spreadsheet_safe

    text = _cell(value)
    return text if isinstance(value, (int, float)) else spreadsheet_safe(text)


def _table_cell(value: Any) -> str:
    """A cell on one line of the terminal: control characters shown as escapes, not run."""
    from ..printable import printable

    return printable(_cell(value)).replace("\n", "\\n").replace("\t", "\\t")


def run_query(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise InputError("Negative limit", "--limit", args.limit, "Give 0 or more.")
    out = sys.stdout
    filters = filters_of(args)
    with _open(args, create=False) as store:
        found = store.query(**filters, limit=args.limit, after=args.after)
        if args.format == "jsonl":
            for item in found:
                out.write(item.line + "\n")
        elif args.format == "csv":
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow([*QUERY_COLUMNS, "cursor"])
            for item in found:
                writer.writerow([_csv_cell(item.columns[c]) for c in QUERY_COLUMNS] + [item.cursor])
        else:
            header = [n.rjust(w) if n in NUMBERS else n.ljust(w) for n, w in TABLE_COLUMNS]
            out.write("  ".join(header).rstrip() + "\n")
            for item in found:
                cells = []
                for name, width in TABLE_COLUMNS:
                    value = item.columns[name]
                    text = f"{value:.6g}" if isinstance(value, float) else _table_cell(value)
                    text = text if len(text) <= width else text[: width - 1] + "…"
                    cells.append(
                        text.rjust(width) if isinstance(value, float) else text.ljust(width)
                    )
                out.write("  ".join(cells).rstrip() + "\n")
    return 0


def run_export(args: argparse.Namespace) -> int:
    filters = filters_of(args)
    with _open(args, create=False) as store:
        count = store.export(args.output, force=args.force, **filters)
    print(f"{args.output}: {count} reports", file=sys.stderr)
    return 0


def run_stats(args: argparse.Namespace) -> int:
    with _open(args, create=False) as store:
        stats = store.stats()
    for key, value in stats.items():
        text = f"{value:.6g}" if isinstance(value, float) else _cell(value)
        print(f"{key}: {text or '-'}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from ..store.ledger import PRINTED_BY, verify
    from ..trust.ledger import check_expect_head

    expect_head = check_expect_head(args.expect_head, PRINTED_BY)
    with _open(args, create=False) as store:
        result = verify(store, expect_head)
        where = printable(store.where)
    if result.tampering is not None:
        print(f"{where}: TAMPERED at {printable(str(result.tampering))}")
        return 1
    print(
        f"{where}: {result.reports} reports and {result.entries} ledger entries ok; "
        f"head seq {result.head_seq} {result.head}"
    )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def run_token_create(args: argparse.Namespace) -> int:
    with _open(args) as store:
        secret = store.create_token(args.name, read_only=args.read_only)
        try:
            print(secret, flush=True)
        except BaseException:
            # nobody will ever see this secret: a token no one holds must not stay usable
            store.revoke_token(args.name)
            print(f"token {args.name!r} revoked: its secret could not be shown.", file=sys.stderr)
            raise
    print(
        f"token {args.name!r} created ({'read-only' if args.read_only else 'read and write'}); "
        "it is shown only this once.",
        file=sys.stderr,
    )
    return 0


def run_token_list(args: argparse.Namespace) -> int:
    with _open(args, create=False) as store:
        found = store.list_tokens()
    print("id        name                  access      created              revoked")
    for token in found:
        access = "read-only" if token.read_only else "read-write"
        print(
            f"{token.token_id:<8}  {token.name:<20}  {access:<10}  {token.created_at}  "
            f"{token.revoked_at or '-'}".rstrip()
        )
    return 0


def run_token_revoke(args: argparse.Namespace) -> int:
    with _open(args) as store:
        token = store.revoke_token(args.token)
    print(f"token {token.name!r} ({token.token_id}) revoked at {token.revoked_at}", file=sys.stderr)
    return 0
