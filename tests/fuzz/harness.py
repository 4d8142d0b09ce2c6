"""What every fuzz example is checked against, over real HTTP.

For every response:
- no 5xx, and a JSON body of `data` and/or `errors`;
- every error has `extensions.code`, and none is INTERNAL_SERVER_ERROR;
- the CANARY (which the strategies put into passwords) never comes back;
- nothing is written for a refused request. What a request may write, by its answer:
  a signup that succeeded: a user, its events and its welcome mail; a login that succeeded or
  whose password was checked and wrong ("Invalid email or password."): its events and the email's
  failure count. Anything else (BAD_USER_INPUT, CONFLICT, TOO_MANY_ATTEMPTS, a request error, an
  HTTP refusal) writes nothing: no row in users, events, mail_outbox or login_failures, and no
  change to any failure count.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import func, select

from cqrs_auth import App
from cqrs_auth.adapters.tables import events, login_failures, mail_outbox, users

CANARY = "Cnry-7Qx-Pw"
WRONG_CREDENTIALS = "Invalid email or password."
EXAMPLES: Counter[tuple[str, str]] = Counter()  # (target, database) -> examples run
HASHES: Counter[tuple[str, str]] = Counter()  # (target, database) -> argon2 hashes run

COUNTS = {
    "users": select(func.count()).select_from(users),
    "events": select(func.count()).select_from(events),
    "mail_outbox": select(func.count()).select_from(mail_outbox),
    "login_failures": select(func.count()).select_from(login_failures),
    "attempts": select(func.coalesce(func.sum(login_failures.c.attempts), 0)),
    "locks": select(func.count(login_failures.c.lockedUntil)),
}
FOUND = select(*(query.scalar_subquery().label(name) for name, query in COUNTS.items()))


class Fuzzer:
    """Sends requests to a live server and checks each answer; `database` names the backend."""

    def __init__(self, kit: App, url: str, database: str) -> None:
        self.kit, self.url, self.database = kit, url, database
        self.target = "(no example)"
        self.http = httpx.Client(timeout=60)

    def example(self, target: str) -> None:
        self.target = target
        EXAMPLES[(target, self.database)] += 1

    def graphql(self, query: str, variables: Any = None) -> httpx.Response:
        body = json.dumps({"query": query, "variables": variables})  # \ud800 stays escaped
        return self.send("POST", content=body.encode("ascii"), headers=JSON_HEADERS)

    def send(self, method: str, url: str | None = None, **request: Any) -> httpx.Response:
        before = self.counts()
        response = self.http.request(method, url or self.url, **request)
        assert response.status_code < 500, response.text
        if response.headers["content-type"].startswith("text/html"):  # GraphiQL, for a browser
            assert (method, response.status_code) == ("GET", 200)
            return response
        answer = response.json()
        check_answer(answer, response.text)
        check_writes(answer, before, self.counts())
        return response

    def counts(self) -> dict[str, int]:
        with self.kit.engine.connect() as connection:
            return dict(connection.execute(FOUND).one()._mapping)

    def close(self) -> None:
        self.http.close()
        HASHES[(self.target, self.database)] += self.kit.hasher.calls


JSON_HEADERS = {"Content-Type": "application/json"}


def check_answer(answer: dict[str, Any], text: str) -> None:
    assert answer and set(answer) <= {"data", "errors"}, text
    for error in answer.get("errors", []):
        assert isinstance(error["message"], str), text
        assert isinstance(error["extensions"]["code"], str), text
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", text
    assert CANARY not in text


def check_writes(answer: dict[str, Any], before: dict[str, int], after: dict[str, int]) -> None:
    changed = {name for name in before if before[name] != after[name]}
    allowed = may_write(answer)
    assert changed <= allowed, (changed, answer)
    if "users" in changed:
        assert after["users"] - before["users"] == 1, answer


def may_write(answer: dict[str, Any]) -> set[str]:
    data = answer.get("data") or {}
    results = [value for value in data.values() if isinstance(value, dict)]
    allowed: set[str] = set()
    if any("username" in value for value in results):  # a signup went through
        allowed |= {"users", "events", "mail_outbox"}
    checked = [e for e in answer.get("errors", []) if e["message"] == WRONG_CREDENTIALS]
    if checked or any("Authorization" in value for value in results):
        allowed |= {"events", "login_failures", "attempts", "locks"}
    return allowed


def shape(response: httpx.Response) -> tuple[Any, ...]:
    """What a response says, minus the numbers that tick with the clock (retryAfter)."""
    answer = response.json()
    errors = [
        (
            re.sub(r"\d+", "N", error["message"]),
            {k: v for k, v in error["extensions"].items() if k != "retryAfter"},
            error.get("path"),
        )
        for error in answer.get("errors", [])
    ]
    return response.status_code, answer.get("data"), errors
