"""`cqrs-auth workshop provision|teardown|progress`: a database and a user per learner on one
MySQL, and what they did with it.

    cqrs-auth workshop provision --learners 25 --admin-url mysql+pymysql://admin:pw@db-host/
    cqrs-auth workshop teardown --admin-url mysql+pymysql://admin:pw@db-host/
    cqrs-auth workshop progress --admin-url mysql+pymysql://admin:pw@db-host/ [--json|--serve 8000]

The admin URL may also come from WORKSHOP_ADMIN_URL (then its password is not in the shell's
history). Provision writes each learner's DATABASE_URL (with its password) to a CSV readable by
you only, and prints learner -> database and user, and where the CSV is: the terminal may be on
the projector. `--print-passwords` prints the URLs too. Teardown drops exactly what provision
recorded for the prefix; progress shows each learner's exercises (progress.py).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ..adapters.db import make_engine
from .learners import DEFAULT_MAX_CONNECTIONS, Account, Learner, provision, teardown
from .progress import cmd_progress
from .registry import WorkshopError


def write_csv(path: Path, learners: list[Learner]) -> None:
    """Append to the CSV (a header first when it is new or empty), readable by its owner only
    (an old file's mode too; a symbolic link is refused)."""
    is_new = not path.exists() or path.stat().st_size == 0
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o600)
    if hasattr(os, "fchmod"):
        os.fchmod(descriptor, 0o600)
    with open(descriptor, "a", newline="") as out:
        writer = csv.writer(out)
        if is_new:
            writer.writerow(["learner", "database", "user", "DATABASE_URL"])
        writer.writerows([[x.number, x.name, x.name, x.database_url] for x in learners])


def check_csv(path: Path) -> None:
    """Refuse, before anything is created, a CSV the passwords could not be written to."""
    if path.is_symlink() or path.is_dir() or not path.parent.is_dir():
        raise WorkshopError(f"--csv: {path} is not a file that can be written (nor a link)")


def cmd_provision(args: argparse.Namespace) -> int:
    csv_path = Path(args.csv or f"{args.prefix}-learners.csv").absolute()
    check_csv(csv_path)
    engine = make_engine(args.admin_url)
    try:
        learners = provision(
            engine, args.admin_url, learners=args.learners, prefix=args.prefix,
            account=Account(args.user_host, args.max_connections), learner_host=args.learner_host,
        )  # fmt: skip
    finally:
        engine.dispose()
    write_csv(csv_path, learners)
    print_learners(learners, args.user_host, args.print_passwords)
    print(f"wrote {csv_path} ({len(learners)} learners, mode 0600): each learner's DATABASE_URL,")
    print("with their password; keep it to yourself and hand each learner their own line")
    return 0


def print_learners(learners: list[Learner], user_host: str, with_urls: bool) -> None:
    """learner -> database and user; their URLs (with the passwords) only when asked."""
    rows = [["learner", "database", "user"] + (["DATABASE_URL"] if with_urls else [])]
    for x in learners:
        rows.append([str(x.number), x.name, f"{x.name}@{user_host}"])
        rows[-1] += [x.database_url] if with_urls else []
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())


def cmd_teardown(args: argparse.Namespace) -> int:
    engine = make_engine(args.admin_url)
    try:
        removed = teardown(engine, prefix=args.prefix)
    finally:
        engine.dispose()
    if not removed:
        print(f"nothing recorded for prefix {args.prefix!r}: nothing to remove")
    for item in removed:
        print(f"dropped {item.kind} {item.name}" + (f"@{item.host}" if item.host else ""))
    return 0


def guarded(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """The command, with a missing admin URL and a WorkshopError said in one line."""

    def run(args: argparse.Namespace) -> int:
        if not args.admin_url:
            print("error: --admin-url (or WORKSHOP_ADMIN_URL) is required", file=sys.stderr)
            return 2
        try:
            return int(command(args))
        except WorkshopError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1

    return run


def register(subcommands: argparse._SubParsersAction) -> None:
    workshop = subcommands.add_parser("workshop", help="a database and a user per learner")
    actions = workshop.add_subparsers(dest="action", required=True)
    provision_parser = actions.add_parser("provision", help="create learners' databases")
    provision_parser.add_argument("--learners", type=int, required=True)
    provision_parser.add_argument("--csv", help="default: PREFIX-learners.csv")
    provision_parser.add_argument("--user-host", default="%", help="hosts learners connect from")
    provision_parser.add_argument("--learner-host", help="server host in the learners' URLs")
    provision_parser.add_argument(
        "--max-connections", type=int, default=DEFAULT_MAX_CONNECTIONS,
        help=f"connections each learner may hold at once (default {DEFAULT_MAX_CONNECTIONS})",
    )  # fmt: skip
    provision_parser.add_argument(
        "--print-passwords", action="store_true",
        help="also print each DATABASE_URL, password and all (default: the CSV only)",
    )  # fmt: skip
    provision_parser.set_defaults(func=guarded(cmd_provision))
    teardown_parser = actions.add_parser("teardown", help="remove what provision created")
    teardown_parser.set_defaults(func=guarded(cmd_teardown))
    progress_parser = actions.add_parser("progress", help="who passed which exercise")
    progress_parser.add_argument("--json", action="store_true", help="one object a line")
    progress_parser.add_argument("--serve", type=int, metavar="PORT", help="as a web page")
    progress_parser.add_argument("--host", default="127.0.0.1", help="where --serve listens")
    progress_parser.add_argument("--refresh", type=int, default=10, help="the page's seconds")
    progress_parser.set_defaults(func=guarded(cmd_progress))
    for parser in (provision_parser, teardown_parser, progress_parser):
        parser.add_argument("--admin-url", default=os.environ.get("WORKSHOP_ADMIN_URL"))
        parser.add_argument("--prefix", default="learner", help="names are PREFIX_01, ...")
