"""The kit without its hash, for benchmarks only: `cqrs-auth serve` with a hasher stand-in that
compares strings, so that what a login costs besides argon2 can be measured.

    python benchmarks/nohash.py --database-url URL [--port 3000] [--workers N]

Nothing in the kit can reach this: no setting and no command line option selects it; only this
script puts the stand-in in place, in each worker's app factory (`create_app`). Users must be
signed up through this server (their "hash" is the password in clear).
"""

from __future__ import annotations

import argparse
import os

from starlette.applications import Starlette

from cqrs_auth.bootstrap import App, bootstrap
from cqrs_auth.http.server import serve
from cqrs_auth.http.worker import worker_app

PREFIX = "clear$"


def without_the_hash(kit: App) -> App:
    """Replace the kit's hasher's two operations by string comparisons (no lane, no argon2)."""

    def hash_password(password: str) -> str:
        return PREFIX + password

    def verify(password: str, stored: str | None) -> tuple[bool, str | None]:
        return stored is not None and stored == PREFIX + password, None

    kit.hasher.hash = hash_password  # type: ignore[method-assign]
    kit.hasher.verify_and_update = verify  # type: ignore[method-assign,assignment]
    return kit


def create_app() -> Starlette:
    """The workers' app factory (settings from the environment, as `serve` leaves them)."""
    return worker_app(without_the_hash(bootstrap(MIGRATIONS_RUN=False)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("LOGIN_MAX_FAILURES", str(10**9))  # the benchmark logs in and in
    serve(args.database_url, port=args.port, workers=args.workers, app_factory="nohash:create_app")


if __name__ == "__main__":
    main()
