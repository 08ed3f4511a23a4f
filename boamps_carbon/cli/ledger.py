"""`boamps ledger`: a tamper-evident, hash-chained record of reports (append, verify, keygen)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..printable import printable

HELP = "Keep a tamper-evident ledger of reports: append, verify, keygen."


def register(commands: Any) -> None:
    parser = commands.add_parser("ledger", help=HELP, description=HELP)
    actions = parser.add_subparsers(dest="ledger_action", metavar="ACTION", required=True)

    append = actions.add_parser(
        "append", help="append one entry per report", description="Append one entry per report."
    )
    append.add_argument("ledger", metavar="LEDGER", help="the ledger file (JSON Lines)")
    append.add_argument("reports", nargs="+", metavar="REPORT", help="BoAmps report files")
    append.add_argument(
        "--key", metavar="PRIVATE_KEY", help="sign each entry with this Ed25519 private key (PEM)"
    )
    append.set_defaults(run=_append)

    verify = actions.add_parser(
        "verify", help="check the chain", description="Check the chain; name the first bad entry."
    )
    verify.add_argument("ledger", metavar="LEDGER", help="the ledger file (JSON Lines)")
    verify.add_argument(
        "--reports", metavar="DIR", help="check each report in DIR against the hash recorded"
    )
    verify.add_argument(
        "--db",
        metavar="URL",
        help="check each report against the revisions of its reportId in this store",
    )
    verify.add_argument(
        "--key", metavar="PUBLIC_KEY", help="check every entry's signature with this public key"
    )
    verify.add_argument(
        "--expect-head",
        metavar="HASH",
        help="the head hash printed by append: detects entries cut from the end",
    )
    verify.set_defaults(run=_verify)

    keygen = actions.add_parser(
        "keygen", help="make an Ed25519 key pair", description="Make an Ed25519 key pair."
    )
    keygen.add_argument(
        "-o",
        "--output",
        metavar="PREFIX",
        default="ledger",
        help="write PREFIX.key (private, 0600) and PREFIX.pub (default: ledger)",
    )
    keygen.set_defaults(run=_keygen)


def _append(args: argparse.Namespace) -> int:
    from ..trust import ledger

    entries = ledger.append(args.ledger, args.reports, key=args.key)
    last = entries[-1]
    print(
        f"appended {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} to "
        f"{printable(args.ledger)}; head seq {last['seq']} {last['hash']}"
    )
    print("keep the head hash elsewhere: verify --expect-head detects entries cut from the end")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from ..trust import ledger

    if args.db is None:
        result = ledger.verify(
            args.ledger, reports=args.reports, key=args.key, expect_head=args.expect_head
        )
    else:  # the reports of a store
        from ..store import Store
        from ..store.ledger import matching

        with Store(args.db, create=False) as store:
            result = ledger.verify(
                args.ledger,
                reports=args.reports,
                key=args.key,
                expect_head=args.expect_head,
                check=matching(store),
            )
    name = printable(args.ledger)
    if result.tampering is not None:
        print(f"{name}: TAMPERED at {printable(str(result.tampering))}")
        return 1
    print(f"{name}: {result.entries} entries ok; head seq {result.head_seq} {result.head}")
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0


def _keygen(args: argparse.Namespace) -> int:
    from ..trust import ledger

    private, public = ledger.generate_keys(args.output)
    print(f"wrote {printable(str(private))} (private, keep it secret) and {printable(str(public))}")
    return 0
