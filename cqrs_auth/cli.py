"""The `cqrs-auth` command: migrate, events, demo, project, parked, serve."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import uuid

from pydantic import ValidationError as SettingsError

from . import doctor, workshop
from .bootstrap import App, bootstrap
from .domain.commands import CreateUserCommand
from .domain.errors import KitError
from .service.projection import PROJECTION


def _app(args: argparse.Namespace, *, start: bool = True) -> App:
    return bootstrap(args.database_url, start=start)


def cmd_migrate(args: argparse.Namespace) -> int:
    app = _app(args, start=False)
    applied = app.migrate()
    print(f"applied: {', '.join(applied)}" if applied else "nothing to apply: up to date")
    return 0


def cmd_events(args: argparse.Namespace) -> int:
    app = _app(args, start=False)
    position = 0
    while True:
        for stored in app.events(after_position=position):
            print(json.dumps(stored.as_json()), flush=True)
            position = stored.position
        if not args.follow:
            return 0
        time.sleep(args.interval)


def cmd_demo(args: argparse.Namespace) -> int:
    """Sign a user up, log in, and print the events that followed."""
    app = _app(args)
    log_so_far = app.events()
    before = log_so_far[-1].position if log_so_far else 0
    suffix = uuid.uuid4().hex[:6]
    username, email = f"ada_{suffix}", f"ada.{suffix}@example.org"
    password = "correct horse battery staple"  # a demo-only password, shown on purpose
    print(f"signup  {username} <{email}>")
    user = app.command_bus.execute(CreateUserCommand(username, email, password, password))
    print(f"        -> userId {user.user_id}")
    login = app.local_strategy.validate(email, password)
    print(f"login   {email} -> a JWT for {login.user.user_id}, valid {login.expires_in} s")
    print("events:")
    for stored in app.events(after_position=before):
        print("  " + json.dumps(stored.as_json()))
    return 0


def cmd_project(args: argparse.Namespace) -> int:
    """Bring the read model up to the end of the event log, or rebuild it from the log alone."""
    app = _app(args, start=False)
    if app.settings.MIGRATIONS_RUN:
        app.migrate()
    progress = app.projector.rebuild() if args.rebuild else app.projector.catch_up()
    done = "rebuilt from the log" if args.rebuild else "caught up"
    parked = f", {len(progress.parked)} parked (see `cqrs-auth parked`)" if progress.parked else ""
    print(
        f"user_activity: {done}: {progress.applied} event(s) applied{parked}, "
        f"checkpoint at position {progress.position}, {app.projector.row_count()} row(s)"
    )
    return 0


EVERY_PARKED_EVENT = "*"  # `parked --retry` without an id


def cmd_parked(args: argparse.Namespace) -> int:
    """List the events a consumer parked, or try them again."""
    app = _app(args, start=False)
    if app.settings.MIGRATIONS_RUN:
        app.migrate()
    if args.retry is None:
        for parked in app.parked():
            print(json.dumps(parked.as_json()))
        return 0
    event_id = None if args.retry == EVERY_PARKED_EVENT else args.retry
    outcomes = app.retry_parked(event_id)
    if event_id and not outcomes:
        print(f"error: no event {event_id} is parked", file=sys.stderr)
        return 1
    for parked, error in outcomes:
        what = f"{parked.consumer}: {parked.event_type} {parked.event_id}"
        if parked.consumer != PROJECTION:
            print(f"{what}: undispatched again; the relay delivers it again")
        else:
            print(f"{what}: still parked: {error}" if error else f"{what}: applied, unparked")
    return 1 if any(error for _, error in outcomes) else 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .http.server import serve

    return serve(args.database_url, host=args.host, port=args.port, workers=args.workers)


def settings_problems(error: SettingsError) -> str:
    """pydantic's errors in one line, each naming its setting (the values are never shown)."""
    problems = []
    for problem in error.errors():
        message = problem["msg"].removeprefix("Value error, ")
        where = ".".join(str(part) for part in problem["loc"])
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems)


def positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cqrs-auth", description=__doc__)
    parser.add_argument("--database-url", help="default: DATABASE_URL from the environment/.env")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply pending SQL migrations").set_defaults(func=cmd_migrate)
    events = sub.add_parser("events", help="print the event log, one JSON object a line")
    events.add_argument("--follow", action="store_true", help="keep printing new events")
    events.add_argument("--interval", type=float, default=0.5, help=argparse.SUPPRESS)
    events.set_defaults(func=cmd_events)
    sub.add_parser("demo", help="sign up, log in, print the events").set_defaults(func=cmd_demo)
    project = sub.add_parser("project", help="bring the user_activity read model up to date")
    project.add_argument(
        "--rebuild", action="store_true", help="empty it and apply the whole event log again"
    )
    project.set_defaults(func=cmd_project)
    parked = sub.add_parser(
        "parked", help="list the events a consumer could not apply, one JSON object a line"
    )
    parked.add_argument(
        "--retry",
        nargs="?",
        const=EVERY_PARKED_EVENT,
        metavar="EVENT_ID",
        help="try them again (all, or one event's): the read model applies its own now, "
        "the others go back to the outbox relay",
    )
    parked.set_defaults(func=cmd_parked)
    serve = sub.add_parser("serve", help="serve GraphQL over HTTP at /graphql")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument(
        "--workers",
        type=positive,
        help="server processes, each with its relay (default: one per core; 1: this process)",
    )
    serve.set_defaults(func=cmd_serve)
    doctor.register(sub)
    workshop.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as error:
        print(f"error: invalid settings: {settings_problems(error)}", file=sys.stderr)
        return 2
    except KitError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
