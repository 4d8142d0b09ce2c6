"""Memory under a login storm: `cqrs-auth serve` on SQLite, 500 concurrent real logins.

    python benchmarks/memory.py [--users 100] [--logins 500]

Starts the server on a fresh SQLite file and a free 127.0.0.1 port. First `--logins` concurrent
`{ me }` requests without a token (no hash: what that many connections and worker threads take),
then `--users` signups, then `--logins` logins for those users all at once over HTTP. Prints the
server's resident memory when idle, its peak (VmHWM) after the hash-free storm and after the
login storm, and the bound the hash lane promises: the hash-free peak + HASH_CONCURRENCY x
ARGON2_MEMORY_KIB (only the lane's threads ever run argon2, each reusing one block, and logins
beyond the lane's queue are SERVER_BUSY at once). A measurement to read, not a test (Linux).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from cqrs_auth.settings import Settings

PASSWORD = "correct horse battery staple"
SIGNUP = "mutation ($i: Signup!) { signup(input: $i) { username } }"
LOGIN = "mutation ($e: EmailAddress!, $p: String!) { login(username: $e, password: $p) { user } }"


def memory_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def start_server(folder: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {"JWT_SECRET": secrets.token_urlsafe(32), "DATABASE_URL": ""}
    command = [sys.executable, "-m", "cqrs_auth.cli", "--database-url"]
    command += [f"sqlite:///{folder}/memory.db", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/graphql"
    for _ in range(300):
        try:
            httpx.get(url, params={"query": "{ __typename }"})
            return server, url
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("cqrs-auth serve did not start")


def answer(response: httpx.Response) -> str:
    errors = response.json().get("errors")
    return errors[0]["extensions"]["code"] if errors else "logged in"


def sign_up(url: str, users: int) -> None:
    with httpx.Client(timeout=60) as http:
        for number in range(users):
            values = {"username": f"user{number}", "email": f"user{number}@example.org"}
            values |= {"password": PASSWORD, "passwordConfirm": PASSWORD}
            while answer(http.post(url, json={"query": SIGNUP, "variables": {"i": values}})) != (
                "logged in"
            ):
                time.sleep(0.05)  # SERVER_BUSY cannot happen one at a time, but be patient


async def storm(url: str, bodies: list[dict[str, Any]]) -> collections.Counter[str]:
    """Send every body at once, each on a connection of its own; count the answers."""
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        responses = await asyncio.gather(*(http.post(url, json=body) for body in bodies))
    return collections.Counter(answer(response) for response in responses)


def logins(users: int, count: int) -> list[dict[str, Any]]:
    return [
        {"query": LOGIN, "variables": {"e": f"user{n % users}@example.org", "p": PASSWORD}}
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--logins", type=int, default=500)
    args = parser.parse_args()
    settings = Settings(_env_file=None, JWT_SECRET=secrets.token_urlsafe(32))  # type: ignore[call-arg]
    with tempfile.TemporaryDirectory() as folder:
        server, url = start_server(folder)
        try:
            idle = memory_kib(server.pid)["VmRSS"]
            asyncio.run(storm(url, [{"query": "{ me { username } }"}] * args.logins))
            hash_free = memory_kib(server.pid)["VmHWM"]
            sign_up(url, args.users)
            answers = asyncio.run(storm(url, logins(args.users, args.logins)))
            after = memory_kib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    bound = hash_free + settings.HASH_CONCURRENCY * settings.ARGON2_MEMORY_KIB
    print(
        f"HASH_CONCURRENCY={settings.HASH_CONCURRENCY}  HASH_QUEUE_SIZE={settings.HASH_QUEUE_SIZE}"
        f"  argon2id m={settings.ARGON2_MEMORY_KIB} KiB   {args.logins} concurrent logins"
        f" for {args.users} users"
    )
    print("  answers: " + ", ".join(f"{name} {count}" for name, count in answers.most_common()))
    rows = [
        ("idle RSS", idle),
        (f"peak after {args.logins} x {{ me }} (no hash)", hash_free),
        (f"bound: that + {settings.HASH_CONCURRENCY} x argon2", bound),
        (f"peak after {args.logins} logins (VmHWM)", after["VmHWM"]),
        ("RSS after the logins", after["VmRSS"]),
    ]
    for name, kib in rows:
        print(f"  {name:<34} {kib / 1024:8.1f} MiB")
    print(f"  peak / bound                       {after['VmHWM'] / bound:8.2f}")


if __name__ == "__main__":
    main()
