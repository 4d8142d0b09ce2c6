"""`cqrs-auth doctor`: is this machine ready for the course? A line a check, with what to do.

It looks at the Python version, the kit and the course's packages, the settings, the database
(reachable and migrated; a new SQLite file is fine: the first start creates it), and whether the
ports JupyterLab and `cqrs-auth serve` use are free (JupyterLab's own port may hold a Jupyter
server: the course's, started first; ports.py). It changes nothing: it creates no database
file and applies no migration. The exit code is 1 when any check failed.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from .checks import Check, check_packages, check_python, check_settings
from .database import check_database
from .ports import JUPYTER_PORT, check_port

DEFAULT_PORTS = [JUPYTER_PORT, 3000]


def run_checks(database_url: str | None, ports: Iterable[int]) -> list[Check]:
    settings_check, settings = check_settings()
    checks = [check_python(), *check_packages(), settings_check]
    migrations_run = settings.MIGRATIONS_RUN if settings else True
    url = database_url or (settings.DATABASE_URL if settings else None)
    if url:
        checks.append(check_database(url, migrations_run=migrations_run))
    return checks + [check_port(port) for port in ports]


def report(checks: list[Check]) -> int:
    print("cqrs-auth doctor: is this machine ready?")
    for check in checks:
        print(f"  {'ok  ' if check.ok else 'FAIL'}  {check.what}")
        if check.advice:
            print(f"        -> {check.advice}")
    failed = sum(not check.ok for check in checks)
    print(f"not ready: {failed} check(s) failed" if failed else "ready")
    return 1 if failed else 0


def cmd_doctor(args: argparse.Namespace) -> int:
    return report(run_checks(args.database_url, args.ports))


def register(subcommands: argparse._SubParsersAction) -> None:
    doctor = subcommands.add_parser("doctor", help="check that this machine is ready")
    doctor.add_argument(
        "--ports", type=int, nargs="+", default=DEFAULT_PORTS, help="ports that must be free"
    )
    doctor.set_defaults(func=cmd_doctor)
